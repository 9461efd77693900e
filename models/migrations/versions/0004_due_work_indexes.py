"""indexes for due work: claims by (status, due_at), a group's open tasks by date, reminder time

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 01:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_index("ix_delivery_status_due", "delivery", ["status", "due_at", "id"])
    op.create_index("ix_task_group_status_due", "task", ["group_id", "status", "due_date"])
    op.create_index("ix_chat_group_reminder_time", "chat_group", ["reminder_time"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_chat_group_reminder_time", table_name="chat_group")
    op.drop_index("ix_task_group_status_due", table_name="task")
    op.drop_index("ix_delivery_status_due", table_name="delivery")
