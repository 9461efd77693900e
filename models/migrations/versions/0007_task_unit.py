"""task_unit: every responsible unit of a plan item, the lead marked

A measure may name two units (3.1: งานการเจ้าหน้าที่ and งานประชาสัมพันธ์). The lead stays
task.unit_id and its group holds the task; a co-responsible unit bound to another group makes
the task seen and worked there too. Existing plan items get their lead row here; the co-units
come with the next `python -m bot import-plan` (only the data file knows them).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    task_unit = op.create_table(
        "task_unit",
        sa.Column(
            "task_id",
            sa.Integer(),
            sa.ForeignKey("task.id", ondelete="CASCADE", name="fk_task_unit_task_id_task"),
            nullable=False,
        ),
        sa.Column(
            "unit_id",
            sa.Integer(),
            sa.ForeignKey("unit.id", ondelete="CASCADE", name="fk_task_unit_unit_id_unit"),
            nullable=False,
        ),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "unit_id", name="pk_task_unit"),
    )
    op.create_index("ix_task_unit_unit_lead", "task_unit", ["unit_id", "is_lead"])
    # Plan items imported before this revision: their one unit is their lead.
    task = sa.table("task", sa.column("id"), sa.column("unit_id"), sa.column("kind"))
    op.execute(
        task_unit.insert().from_select(
            ["task_id", "unit_id", "is_lead"],
            sa.select(task.c.id, task.c.unit_id, sa.true()).where(
                task.c.unit_id.is_not(None), task.c.kind.in_(["measure", "step"])
            ),
        )
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_task_unit_unit_lead", table_name="task_unit")
    op.drop_table("task_unit")
