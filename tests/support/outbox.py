"""Outbox rows for the sender tests, inserted as the planner would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from models.tables import DeliveryStatus
from scheduler.planner import retry_key_for
from scheduler.rules import DIGEST_KIND
from scheduler.state import DELIVERY

NOW = datetime(2024, 6, 17, 1, 30, tzinfo=UTC)  # 08:30 in Bangkok
GRACE = timedelta(hours=6)


def add_deliveries(engine: Engine, count: int = 1, due_at: datetime = NOW, **values: Any) -> None:
    """Pending reminder rows for `count` groups, due at `due_at`."""
    rows = []
    for number in range(count):
        key = f"{DIGEST_KIND}:C{number:032x}:{due_at.date().isoformat()}"
        rows.append(
            {
                "kind": DIGEST_KIND,
                "target": f"C{number:032x}",
                "occurrence_key": key,
                "payload": {"messages": [{"type": "textV2", "text": f"แจ้งเตือน {number}"}]},
                "due_at": due_at,
                "status": DeliveryStatus.PENDING.value,
                "attempts": 0,
                "retry_key": retry_key_for(key),
                "late": False,
                "created_at": due_at,
                **values,
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(DELIVERY), rows)
