"""The event inbox: each webhook event becomes a row, keyed by webhookEventId, before the 200."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.tables import InboundEvent


def event_id_of(raw_event: Mapping[str, Any]) -> str:
    """LINE's webhookEventId, or a content hash for the rare event that lacks one."""
    event_id = raw_event.get("webhookEventId")
    if isinstance(event_id, str) and event_id:
        return event_id[:64]
    digest = hashlib.sha256(json.dumps(raw_event, sort_keys=True).encode()).hexdigest()
    return "sha256:" + digest[:57]


def record_events(
    session: Session, raw_events: Iterable[Mapping[str, Any]], now: datetime
) -> list[int]:
    """Store new events and return their row ids; events already stored are skipped."""
    new_ids: list[int] = []
    for raw_event in raw_events:
        event_id = event_id_of(raw_event)
        if session.exec(
            select(InboundEvent.id).where(InboundEvent.webhook_event_id == event_id)
        ).first():
            continue
        delivery_context = raw_event.get("deliveryContext")
        row = InboundEvent(
            webhook_event_id=event_id,
            event_type=str(raw_event.get("type", ""))[:40],
            raw=dict(raw_event),
            redelivery=bool(
                isinstance(delivery_context, Mapping) and delivery_context.get("isRedelivery")
            ),
            received_at=now,
        )
        try:
            # A savepoint: a concurrent delivery of the same event loses the race without
            # undoing the other events of this request.
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue
        assert row.id is not None
        new_ids.append(row.id)
    return new_ids
