"""inbound_event.chat_id, delivery.sent_via, and an index for a chat's waiting answers

A chat's events are applied in order across processes (inbound_event.chat_id); how each
answer went out (delivery.sent_via: reply or push).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 01:45:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("inbound_event") as batch_op:
        batch_op.add_column(
            sa.Column("chat_id", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.add_column(sa.Column("sent_via", sa.String(length=8), nullable=True))
    # Events already stored get their chat from the raw JSON (the way bot.inbox reads it).
    connection = op.get_bind()
    events = sa.table("inbound_event", sa.column("id"), sa.column("raw"), sa.column("chat_id"))
    for event_id, raw in connection.execute(sa.select(events.c.id, events.c.raw)).all():
        payload = json.loads(raw) if isinstance(raw, str) else (raw or {})
        source = payload.get("source") or {}
        chat = source.get("groupId") or source.get("roomId") or source.get("userId") or ""
        connection.execute(
            events.update().where(events.c.id == event_id).values(chat_id=str(chat)[:64])
        )
    op.create_index("ix_inbound_event_chat_status", "inbound_event", ["chat_id", "status", "id"])
    op.create_index("ix_delivery_target_status", "delivery", ["target", "status", "id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_delivery_target_status", table_name="delivery")
    op.drop_index("ix_inbound_event_chat_status", table_name="inbound_event")
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.drop_column("sent_via")
    with op.batch_alter_table("inbound_event") as batch_op:
        batch_op.drop_column("chat_id")
