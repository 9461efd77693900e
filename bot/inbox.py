"""The event inbox: each webhook event becomes a row, keyed by webhookEventId, before the 200."""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
import logging
import queue
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, SQLModel, col, select

from bot.answers import ChatActivity
from bot.precedence import AcknowledgementsFirst
from models.db import statement_at_a_time, urgent_writes
from models.tables import EventStatus, InboundEvent
from scheduler.state import built_once, dialect_insert

log = logging.getLogger(__name__)

_PAGE = 1000  # unprocessed rows read per dispatcher pass
# An event that waits for an earlier one of its chat (being processed by another process) is
# looked for again this soon: that process may have committed just after its own look.
RETRY_WAITING_SECONDS = 0.1
# Other chats' events handed over within this long make a burst (see busy_besides).
BURST_WINDOW_SECONDS = 0.1
MAX_ARRIVALS_REMEMBERED = 10_000  # chats whose latest arrival time is kept
INBOUND: Table = SQLModel.metadata.tables["inbound_event"]


def event_id_of(raw_event: Mapping[str, Any]) -> str:
    """LINE's webhookEventId, or a content hash for the rare event that lacks one."""
    event_id = raw_event.get("webhookEventId")
    if isinstance(event_id, str) and event_id:
        return event_id[:64]
    digest = hashlib.sha256(json.dumps(raw_event, sort_keys=True).encode()).hexdigest()
    return "sha256:" + digest[:57]


class StoredEvent(NamedTuple):
    """An event row just stored: what the dispatcher needs to hand it to its lane."""

    id: int
    chat_id: str
    webhook_event_id: str


def record_events(
    session: Session | Connection, raw_events: Iterable[Mapping[str, Any]], now: datetime
) -> list[StoredEvent]:
    """Store new events and return their rows; events already stored are skipped."""
    connection = session.connection() if isinstance(session, Session) else session
    statement = _insert_new(connection)
    new_rows: list[StoredEvent] = []
    for raw_event in raw_events:
        delivery_context = raw_event.get("deliveryContext")
        webhook_event_id = event_id_of(raw_event)
        chat_id = _chat_key(raw_event)[:64]
        # One statement: a redelivered event (or a concurrent delivery of the same one) is
        # skipped by the unique key, without a savepoint or a look-up first.
        row_id = connection.execute(
            statement,
            {
                "webhook_event_id": webhook_event_id,
                "chat_id": chat_id,
                "event_type": str(raw_event.get("type", ""))[:40],
                "raw": dict(raw_event),
                "redelivery": bool(
                    isinstance(delivery_context, Mapping) and delivery_context.get("isRedelivery")
                ),
                "status": EventStatus.RECEIVED.value,
                "attempts": 0,
                "received_at": now,
            },
        ).scalar_one_or_none()
        if row_id is not None:
            new_rows.append(StoredEvent(row_id, chat_id, webhook_event_id))
    return new_rows


def _insert_new(connection: Connection) -> Any:
    """INSERT … ON CONFLICT (webhook_event_id) DO NOTHING RETURNING id, for this database."""
    return built_once(
        connection,
        "inbound_event.insert_new",
        lambda connection: (
            dialect_insert(connection, INBOUND)
            .on_conflict_do_nothing(index_elements=["webhook_event_id"])
            .returning(INBOUND.c.id)
        ),
    )


@dataclass(eq=False)
class _Delivery:
    """One webhook's events, waiting to be stored with whoever else arrived meanwhile."""

    raw_events: list[Mapping[str, Any]]
    received_at: datetime
    rows: list[StoredEvent] = field(default_factory=list)
    error: BaseException | None = None
    settled: bool = False
    woken: threading.Event = field(default_factory=threading.Event)


class EventRecorder:
    """Stores webhook events; on SQLite, webhooks arriving while one writes share the next commit.

    A group commit: the first caller writes; callers arriving meanwhile queue, and when the
    write ends the oldest of them writes everything queued in one transaction. Under a burst
    the webhook threads no longer queue one by one for SQLite's single writer turn; alone, a
    webhook writes at once, as before. Each caller still returns only after its own events
    are committed. When a shared transaction fails for its content, each webhook is tried
    alone so one bad body fails only itself; when the database cannot take writes
    (`unavailable`), every caller gets the error. PostgreSQL takes concurrent writers, and
    there sharing measured worse (followers wait on one thread's round trips): each webhook
    writes alone, and a webhook of one event (LINE's usual) in autocommit: its one INSERT
    needs no BEGIN and COMMIT around it.
    """

    MAX_SHARED = 64  # webhooks per transaction

    def __init__(self, engine: Engine, unavailable: Callable[[BaseException], bool]) -> None:
        self._engine = engine
        self._one_statement = statement_at_a_time(engine)
        self._unavailable = unavailable
        self._shared = engine.dialect.name == "sqlite"
        self._lock = threading.Lock()
        self._queued: list[_Delivery] = []
        self._writing = False

    def record(
        self, raw_events: Iterable[Mapping[str, Any]], received_at: datetime
    ) -> list[StoredEvent]:
        """Store the events (idempotent) once committed, the new rows; raises what the write did."""
        mine = _Delivery(list(raw_events), received_at)
        if self._shared:
            with self._lock:
                self._queued.append(mine)
                leading = not self._writing
                self._writing = True
            if not leading:
                mine.woken.wait()  # settled by another writer, or asked to write next
            if not mine.settled:
                self._write_queued()
        else:
            self._write([mine])
        if mine.error is not None:
            raise mine.error
        return mine.rows

    def _write_queued(self) -> None:
        """Write the oldest queued webhooks (this caller's among them), then wake the next."""
        with self._lock:
            batch = self._queued[: self.MAX_SHARED]
            del self._queued[: self.MAX_SHARED]
        try:
            self._write(batch)
        finally:
            with self._lock:
                following = self._queued[0] if self._queued else None
                self._writing = following is not None
            for delivery in batch:
                delivery.settled = True
                delivery.woken.set()
            if following is not None:
                following.woken.set()

    def _write(self, batch: list[_Delivery]) -> None:
        """One transaction for the batch; alone again for each when the content failed it."""
        alone = len(batch) == 1 and len(batch[0].raw_events) == 1
        engine = self._one_statement if alone else self._engine
        try:
            # LINE waits on these INSERTs: on SQLite they go before the lanes' writes.
            with urgent_writes(), engine.begin() as connection:
                for delivery in batch:
                    delivery.rows = record_events(
                        connection, delivery.raw_events, delivery.received_at
                    )
            return
        except Exception as error:  # handed to the callers, who raise it
            if len(batch) == 1 or self._unavailable(error):
                for delivery in batch:
                    delivery.rows, delivery.error = [], error
                return
        except BaseException:
            # This thread is being stopped (a worker shutting down): the others were not
            # stored, and must not answer 200 as if they were.
            for delivery in batch:
                delivery.rows, delivery.error = [], RuntimeError("stopped while storing")
            raise
        for delivery in batch:
            self._write([delivery])


def unprocessed_events(session: Session, limit: int) -> list[tuple[int, str]]:
    """(row id, chat id) of events stored but not processed yet, oldest first."""
    statement = (
        select(InboundEvent.id, InboundEvent.chat_id)
        .where(InboundEvent.status == EventStatus.RECEIVED.value)
        .order_by(col(InboundEvent.id))
        .limit(limit)
    )
    return [(event_id, chat_id) for event_id, chat_id in session.exec(statement) if event_id]


_CHAT_ACTIVITY = sa_select(
    sa_select(INBOUND.c.id)
    .where(
        INBOUND.c.chat_id == bindparam("chat_id"),
        INBOUND.c.status == EventStatus.RECEIVED.value,
    )
    .limit(1)
    .scalar_subquery(),
    sa_select(INBOUND.c.received_at)
    .where(
        INBOUND.c.chat_id == bindparam("chat_id"),
        INBOUND.c.status == EventStatus.DONE.value,
    )
    .order_by(INBOUND.c.id.desc())
    .limit(1)
    .scalar_subquery(),
)


def _aware(moment: datetime | None) -> datetime | None:
    """A stored instant as UTC-aware (SQLite gives naive UTC back)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _chat_key(raw: Mapping[str, Any]) -> str:
    """The chat an event belongs to: its events are processed in order, one at a time."""
    source = raw.get("source") or {}
    return str(source.get("groupId") or source.get("roomId") or source.get("userId") or "")


class InboxWorker:
    """Processes stored events off the request thread; one chat's events stay in order.

    The webhook hands over the rows it stored and rings a doorbell; a dispatcher thread puts
    them in a few lane threads (a chat always maps to the same lane). So a flood never blocks
    the webhook. Rows left by a crash, a database error or a dead process are found by a read
    of the table on start and every few seconds (a row seen unprocessed twice). Before each
    event a lane gives way to the webhooks in hand (`acknowledging`, bot.precedence), and so
    does the courier before each answer.
    """

    def __init__(
        self,
        engine: Engine,
        process: Callable[[int], bool],
        lanes: int | None = None,
        capacity: int = 200,
        sweep_seconds: float = 5.0,
        warm_up: Callable[[], None] | None = None,
        chat_done: Callable[[str], None] | None = None,
        precedence: AcknowledgementsFirst | None = None,
    ) -> None:
        self._engine, self._process, self._sweep_seconds = engine, process, sweep_seconds
        self.precedence = precedence or AcknowledgementsFirst()
        self._one_statement = statement_at_a_time(engine)
        self._warm_up = warm_up  # run by the dispatcher before anything else
        self._warmed = threading.Event()  # set once the warm-up has run (or failed)
        self._chat_done = chat_done  # told when a chat has no event left here to process
        if lanes is None:
            # SQLite takes one writer at a time, so more lanes only queue; on PostgreSQL an
            # event's database round trips overlap with other lanes' (measured: 4 beat 2).
            lanes = 2 if engine.dialect.name == "sqlite" else 4
        self._lanes: list[queue.Queue[int | None]] = [queue.Queue(capacity) for _ in range(lanes)]
        self._queued: set[int] = set()
        self._state = threading.Condition()
        self._rung = 1  # the first dispatch pass is the start-up sweep
        # Rows the webhook just stored, handed over in memory: no query per doorbell.
        self._handed: list[tuple[int, str]] = []
        # Take every unprocessed row at the next read (start-up, a ring that brought no rows).
        self._sweep_wanted = True
        self._sweep_at = time.monotonic() + sweep_seconds  # the next periodic read
        # The periodic read takes only rows it already saw unprocessed last time: fresh rows
        # belong to the process whose webhook stored them (two processes would race for each).
        self._seen_unprocessed: set[int] = set()
        self._chat_of: dict[int, str] = {}  # queued row → its chat (to try it again later)
        self._queued_in_chat: dict[str, int] = {}  # chat → its rows queued or in a lane
        self._arrivals: deque[tuple[float, str]] = deque()  # (when, chat) handed lately
        self._last_arrival: dict[str, float] = {}  # chat → when its latest event was handed
        self._retries: list[tuple[float, int, str]] = []  # (when, row, chat): a heap
        self._handled = 0
        self._stopping = threading.Event()
        self._doorbell = threading.Event()
        self._doorbell.set()
        self._threads = [
            threading.Thread(target=self._dispatch, name="inbox-dispatch", daemon=True)
        ]
        self._threads += [
            threading.Thread(target=self._run_lane, args=(lane,), name=f"inbox-{i}", daemon=True)
            for i, lane in enumerate(self._lanes)
        ]

    def start(self) -> None:
        """Start the dispatcher and lane threads."""
        for thread in self._threads:
            thread.start()

    def notify(self, rows: Iterable[tuple[int, str]] | None = None) -> None:
        """New events were committed: these (row id, chat) rows, or (None) look in the table."""
        with self._state:
            self._rung += 1
            if rows is None:
                self._sweep_wanted = True
            else:
                self._handed.extend(rows)
                arrived = time.monotonic()
                self._arrivals.extend((arrived, chat) for _, chat in rows)
                for _, chat in rows:
                    self._last_arrival[chat] = arrived
                if len(self._last_arrival) > MAX_ARRIVALS_REMEMBERED:  # a bound: keep the recent
                    self._last_arrival = {
                        chat: at for chat, at in self._last_arrival.items() if at > arrived - 1.0
                    }
                while self._arrivals and self._arrivals[0][0] < arrived - BURST_WINDOW_SECONDS:
                    self._arrivals.popleft()
        self._doorbell.set()

    def wait_warm(self, timeout: float) -> bool:
        """Block until the warm-up has run (a started worker); False if it takes longer."""
        return self._warmed.wait(timeout)

    def acknowledging(self) -> contextlib.AbstractContextManager[None]:
        """Around a webhook's handling: lanes and courier give way until it is answered."""
        return self.precedence.acknowledging()

    def give_way(self) -> None:
        """Wait (within a budget) while webhooks are being acknowledged."""
        self.precedence.give_way()

    def busy(self) -> bool:
        """Whether events are waiting for a lane or being processed now."""
        with self._state:
            return bool(self._handed or self._queued)

    def busy_besides(self, chat_key: str) -> bool:
        """Whether other chats' events are waiting, being processed, or arrived a moment ago
        (a burst; where processing keeps up, as in a gevent worker, the queue looks empty)."""
        since = time.monotonic() - BURST_WINDOW_SECONDS
        with self._state:
            return (
                len(self._queued) > self._queued_in_chat.get(chat_key, 0)
                or any(chat != chat_key for _, chat in self._handed)
                or any(at >= since and chat != chat_key for at, chat in self._arrivals)
            )

    def last_arrival(self, chat_key: str) -> float | None:
        """When (time.monotonic) the chat's latest event was handed to this process, if known."""
        with self._state:
            return self._last_arrival.get(chat_key)

    def elsewhere(self, chat_key: str) -> ChatActivity:
        """The chat's events as stored by any process: whether one is not processed yet, and
        when the latest processed one arrived (one look, served by the chat/status index)."""
        with self._one_statement.connect() as connection:
            unprocessed, latest = connection.execute(
                _CHAT_ACTIVITY, {"chat_id": chat_key}
            ).one()
        return ChatActivity(unprocessed is not None, _aware(latest))

    def waiting_in(self, chat_key: str) -> bool:
        """Whether an event of the chat, handed to this process, is not processed yet."""
        with self._state:
            return chat_key in self._queued_in_chat or any(
                chat == chat_key for _, chat in self._handed
            )

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every notified event is processed (tests and shutdown use this)."""
        with self._state:
            return self._state.wait_for(
                lambda: self._handled >= self._rung and not self._queued, timeout=timeout
            )

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the threads after the event each is processing."""
        self._stopping.set()
        self._doorbell.set()
        for lane in self._lanes:
            # Wake an idle lane at once; a full (busy) lane sees the flag after its current event.
            with contextlib.suppress(queue.Full):
                lane.put_nowait(None)
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def _dispatch(self) -> None:
        """Move new rows to their lanes whenever the doorbell rings; try a waiting row again
        soon; every few seconds (and on start) read the table for rows left behind."""
        if self._warm_up is not None:
            try:
                self._warm_up()
            except Exception:  # a slower first burst, not a reason to stop
                log.exception("inbox: warm-up failed")
        self._warmed.set()
        while not self._stopping.is_set():
            with self._state:
                wake_at = min([self._sweep_at, *(when for when, _, _ in self._retries[:1])])
            self._doorbell.wait(max(0.0, wake_at - time.monotonic()))
            self._doorbell.clear()
            now = time.monotonic()
            with self._state:
                ringing = self._rung
                pending, self._handed = self._handed, []
                while self._retries and self._retries[0][0] <= now:
                    _, event_id, chat_key = heapq.heappop(self._retries)
                    pending.append((event_id, chat_key))
                everything = self._sweep_wanted
                periodic = now >= self._sweep_at
                self._sweep_wanted = False
                if everything or periodic:
                    self._sweep_at = now + self._sweep_seconds
            if everything or periodic:
                try:
                    with Session(self._engine) as session:
                        found = unprocessed_events(session, limit=_PAGE)
                except SQLAlchemyError as error:
                    log.warning("inbox: database unreachable, retrying: %s", error)
                    with self._state:
                        self._sweep_wanted = True  # the rows handed over are in the table
                    continue
                left_behind = [
                    row for row in found if everything or row[0] in self._seen_unprocessed
                ]
                self._seen_unprocessed = {event_id for event_id, _ in found}
                pending += left_behind
                if len(found) == _PAGE:
                    with self._state:
                        self._sweep_wanted = True  # more rows wait beyond this page
                    self._doorbell.set()
            for event_id, chat_key in pending:
                self._enqueue(event_id, chat_key)
            with self._state:
                self._handled = max(self._handled, ringing)
                self._state.notify_all()

    def _enqueue(self, event_id: int, chat_key: str) -> None:
        """Put a row in its chat's lane (unless it is queued already)."""
        with self._state:
            if event_id in self._queued:
                return
            self._queued.add(event_id)
            self._chat_of[event_id] = chat_key
            self._queued_in_chat[chat_key] = self._queued_in_chat.get(chat_key, 0) + 1
        lane = self._lanes[zlib.crc32(chat_key.encode()) % len(self._lanes)]
        while not self._stopping.is_set():
            try:
                lane.put(event_id, timeout=0.5)  # a full lane slows this thread only
                return
            except queue.Full:
                continue

    def _run_lane(self, lane: queue.Queue[int | None]) -> None:
        """Process events from one lane until stopped; a failure never kills the thread."""
        while not self._stopping.is_set():
            event_id = lane.get()
            if event_id is None:
                break
            waits = False
            try:
                self.give_way()
                waits = self._process(event_id)
            except Exception:
                log.exception("processing event %s failed", event_id)
            finally:
                with self._state:
                    self._queued.discard(event_id)
                    chat_key = self._chat_of.pop(event_id, "")
                    left = self._queued_in_chat.get(chat_key, 1) - 1
                    if left > 0:
                        self._queued_in_chat[chat_key] = left
                    else:
                        self._queued_in_chat.pop(chat_key, None)
                    if waits:
                        when = time.monotonic() + RETRY_WAITING_SECONDS
                        heapq.heappush(self._retries, (when, event_id, chat_key))
                    self._state.notify_all()
                if left <= 0 and self._chat_done is not None:
                    self._chat_done(chat_key)
            if waits:
                self._doorbell.set()  # the dispatcher's wait now ends at the retry
