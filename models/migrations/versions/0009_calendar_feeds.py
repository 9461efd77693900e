"""Calendar subscription links: calendar_feed

A group's feed (meetings, deadlines) or a person's (their own deadlines across groups). The
link carries the row's id, signed; revoked_at ends every copy of it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 06:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "group_id",
            sa.Integer(),
            sa.ForeignKey("chat_group.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("created_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", models.types.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_calendar_feed_group_id", "calendar_feed", ["group_id"])
    op.create_index("ix_calendar_feed_person_id", "calendar_feed", ["person_id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_calendar_feed_person_id", table_name="calendar_feed")
    op.drop_index("ix_calendar_feed_group_id", table_name="calendar_feed")
    op.drop_table("calendar_feed")
