"""The event inbox: each webhook event becomes a row, keyed by webhookEventId, before the 200."""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import threading
import zlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.tables import EventStatus, InboundEvent

log = logging.getLogger(__name__)


def event_id_of(raw_event: Mapping[str, Any]) -> str:
    """LINE's webhookEventId, or a content hash for the rare event that lacks one."""
    event_id = raw_event.get("webhookEventId")
    if isinstance(event_id, str) and event_id:
        return event_id[:64]
    digest = hashlib.sha256(json.dumps(raw_event, sort_keys=True).encode()).hexdigest()
    return "sha256:" + digest[:57]


def record_events(
    session: Session, raw_events: Iterable[Mapping[str, Any]], now: datetime
) -> list[InboundEvent]:
    """Store new events and return their rows; events already stored are skipped."""
    new_rows: list[InboundEvent] = []
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
        new_rows.append(row)
    return new_rows


def unprocessed_event_ids(session: Session) -> list[int]:
    """Events stored but never processed (a crash or a full queue), oldest first."""
    statement = (
        select(InboundEvent.id)
        .where(InboundEvent.status == EventStatus.RECEIVED.value)
        .order_by(col(InboundEvent.id))
    )
    return [event_id for event_id in session.exec(statement) if event_id is not None]


class InboxWorker:
    """A few background threads that process stored events; one chat's events stay in order."""

    def __init__(self, process: Callable[[int], None], lanes: int = 2, capacity: int = 500) -> None:
        self._process = process
        self._queues: list[queue.Queue[int | None]] = [queue.Queue(capacity) for _ in range(lanes)]
        self._threads = [
            threading.Thread(target=self._run, args=(q,), name=f"inbox-{i}", daemon=True)
            for i, q in enumerate(self._queues)
        ]
        self._unfinished = 0
        self._idle = threading.Condition()
        self.overflowed = False  # some events wait in the database for the next sweep

    def start(self) -> None:
        """Start the lane threads."""
        for thread in self._threads:
            thread.start()

    def submit(self, event_id: int, chat_key: str) -> bool:
        """Queue an event on its chat's lane; False when full (the row waits for a sweep)."""
        lane = self._queues[zlib.crc32(chat_key.encode()) % len(self._queues)]
        with self._idle:
            self._unfinished += 1
        try:
            lane.put_nowait(event_id)
        except queue.Full:
            self._done()
            self.overflowed = True
            log.warning("inbox queue full; event %s waits for the next sweep", event_id)
            return False
        return True

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every submitted event is processed (tests and shutdown use this)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout=timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Finish queued events, then stop the threads."""
        for lane in self._queues:
            lane.put(None)
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def _run(self, lane: queue.Queue[int | None]) -> None:
        """Process events from one lane until stopped; a failure never kills the thread."""
        while (event_id := lane.get()) is not None:
            try:
                self._process(event_id)
            except Exception:
                log.exception("processing event %s failed", event_id)
            finally:
                self._done()

    def _done(self) -> None:
        """One submitted event is finished."""
        with self._idle:
            self._unfinished -= 1
            if self._unfinished == 0:
                self._idle.notify_all()
