"""Recurring duties tracked per occurrence: task.repeat_from/repeat_until, task_occurrence

A recurring task keeps the range it repeats over; each period done is one task_occurrence row
(periods not done have none: storage grows with what happened, not with the calendar). A
group's meeting rule may end (chat_group.meeting_until), as a plan's Dec–Sep meetings do.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("task") as batch_op:
        batch_op.add_column(sa.Column("repeat_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("repeat_until", sa.Date(), nullable=True))
    with op.batch_alter_table("chat_group") as batch_op:
        batch_op.add_column(sa.Column("meeting_until", sa.Date(), nullable=True))
    op.create_table(
        "task_occurrence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "task_id",
            sa.Integer(),
            sa.ForeignKey("task.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("done_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_by_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.UniqueConstraint("task_id", "period"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("task_occurrence")
    with op.batch_alter_table("chat_group") as batch_op:
        batch_op.drop_column("meeting_until")
    with op.batch_alter_table("task") as batch_op:
        batch_op.drop_column("repeat_until")
        batch_op.drop_column("repeat_from")
