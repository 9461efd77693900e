"""The inbox worker: rows handed over in memory, the table read only when it must be."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, StatementError
from sqlmodel import Session, select

from bot import inbox
from bot.inbox import INBOUND, EventRecorder, InboxWorker, StoredEvent, record_events
from bot.precedence import AcknowledgementsFirst
from models.tables import EventStatus, InboundEvent
from tests.support.events import text_message

NOW = datetime(2024, 7, 1, 1, 30, tzinfo=UTC)


class Recorder:
    """A stand-in for Conversation.process: notes each row id; waits as told."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self._waits_first: set[int] = set()
        self._called = threading.Condition()

    def wait_once(self, row_id: int) -> None:
        """The first try of this row finds an earlier event of its chat still being processed."""
        self._waits_first.add(row_id)

    def __call__(self, row_id: int) -> bool:
        with self._called:
            self.calls.append(row_id)
            self._called.notify_all()
            if row_id in self._waits_first:
                self._waits_first.discard(row_id)
                return True  # an earlier event of the chat is being processed elsewhere
            return False

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        """Block until process was called `count` times."""
        with self._called:
            return self._called.wait_for(lambda: len(self.calls) >= count, timeout=timeout)


def store(engine: Engine, *texts: str) -> list[tuple[int, str]]:
    """Store text events of one group; their (row id, chat) pairs."""
    events = [
        text_message(body, group_id="C" + "1" * 32, at=NOW, webhook_event_id=f"E{body}")
        for body in texts
    ]
    with Session(engine) as session:
        rows = record_events(session, events, NOW)
        session.commit()
    return [(row.id, row.chat_id) for row in rows if row.id is not None]


@pytest.fixture
def inbox_reads(engine: Engine) -> Iterator[list[str]]:
    """The SELECTs of the inbound_event table run while the test runs."""
    reads: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "inbound_event" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    yield reads
    event.remove(engine, "before_cursor_execute", note)


def started(engine: Engine, process: Recorder) -> InboxWorker:
    """A worker whose periodic table read is a minute away (only the start-up read is due)."""
    worker = InboxWorker(engine, process, lanes=2, sweep_seconds=60)
    worker.start()
    assert worker.wait_idle(), "the start-up read did not finish"
    return worker


def test_rows_handed_over_are_processed_without_reading_the_table(
    engine: Engine, inbox_reads: list[str]
) -> None:
    process = Recorder()
    worker = started(engine, process)
    try:
        start_up_reads = len(inbox_reads)
        rows = store(engine, "one", "two", "three")
        worker.notify(rows)
        assert process.wait_for(3)
        assert worker.wait_idle()
        assert sorted(process.calls) == sorted(row_id for row_id, _ in rows)
        assert len(inbox_reads) == start_up_reads  # no read per doorbell
    finally:
        worker.stop()


def test_a_lane_gives_way_to_a_webhook_being_acknowledged(engine: Engine) -> None:
    process = Recorder()
    worker = InboxWorker(
        engine, process, lanes=1, sweep_seconds=60, precedence=AcknowledgementsFirst(quiet=0.0)
    )
    worker.start()
    try:
        assert worker.wait_idle()
        with worker.acknowledging():
            worker.notify(store(engine, "one"))
            assert worker.precedence.wait_for_waiting(1, timeout=5)
            assert process.calls == []  # the lane waits for the webhook's 200
        assert process.wait_for(1) and worker.wait_idle()
    finally:
        worker.stop()


def test_a_ring_without_rows_reads_the_table(engine: Engine) -> None:
    process = Recorder()
    worker = started(engine, process)
    try:
        rows = store(engine, "drained from the spool")
        worker.notify()
        assert process.wait_for(1)
        assert process.calls == [rows[0][0]]
    finally:
        worker.stop()


def test_rows_stored_before_start_are_found_by_the_start_up_read(engine: Engine) -> None:
    rows = store(engine, "left by a crash", "and another")
    process = Recorder()
    worker = started(engine, process)
    try:
        assert process.wait_for(2)
        assert process.calls == [row_id for row_id, _ in rows]
    finally:
        worker.stop()


def test_an_event_waiting_for_an_earlier_one_is_tried_again_soon(engine: Engine) -> None:
    """Another process had the chat's earlier event: look again in a moment, not in a minute."""
    process = Recorder()
    worker = started(engine, process)
    try:
        rows = store(engine, "second of its chat")
        row_id = rows[0][0]
        process.wait_once(row_id)
        worker.notify(rows)
        assert process.wait_for(2, timeout=3.0), "not tried again within 3 s (sweep is 60 s)"
        assert process.calls == [row_id, row_id]
    finally:
        worker.stop()


def test_the_periodic_read_takes_a_row_only_once_it_was_left_unprocessed(
    engine: Engine, inbox_reads: list[str]
) -> None:
    """A fresh row is its own process's to hand over; one still unprocessed a read later is not."""
    reads_when_processed: list[int] = []

    class Noting(Recorder):
        def __call__(self, row_id: int) -> bool:
            reads_when_processed.append(len(inbox_reads))
            return super().__call__(row_id)

    process = Noting()
    worker = InboxWorker(engine, process, lanes=2, sweep_seconds=0.3)
    worker.start()
    try:
        assert worker.wait_idle()
        reads_at_start = len(inbox_reads)
        rows = store(engine, "stored by another process")  # no notify: not handed over here
        assert process.wait_for(1, timeout=5.0)
        assert process.calls == [rows[0][0]]
        # The first periodic read after the row was stored saw it fresh and left it alone.
        assert reads_when_processed[0] >= reads_at_start + 2
    finally:
        worker.stop()


def _unavailable(error: BaseException) -> bool:
    return isinstance(error, OperationalError)


def _event(body: str) -> dict[str, Any]:
    return text_message(body, group_id="C" + "2" * 32, at=NOW, webhook_event_id=f"E{body}")


def _record_while_a_lane_writes(
    engine: Engine, recorder: EventRecorder, bodies: list[list[dict[str, Any]]]
) -> list[Any]:
    """Record each body from its own thread while a lane's transaction holds the writer turn;
    each thread's outcome (its rows, or the error it raised), in the order given."""
    outcomes: list[Any] = [None] * len(bodies)
    holding, finish = threading.Event(), threading.Event()

    def lane() -> None:
        with engine.begin() as connection:
            connection.execute(INBOUND.update().where(INBOUND.c.id == -1).values(attempts=0))
            holding.set()
            finish.wait(5)

    def webhook(index: int) -> None:
        try:
            outcomes[index] = recorder.record(bodies[index], NOW)
        except BaseException as error:  # a stopped writer's own BaseException too
            outcomes[index] = error

    holder = threading.Thread(target=lane)
    holder.start()
    assert holding.wait(5)
    webhooks = [threading.Thread(target=webhook, args=(n,)) for n in range(len(bodies))]
    for thread in webhooks:
        thread.start()
        time.sleep(0.02)  # arrive in this order
    finish.set()
    for thread in [holder, *webhooks]:
        thread.join(timeout=10)
    return outcomes


def test_webhooks_arriving_while_one_writes_share_one_commit_on_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL takes concurrent writers, each webhook alone")
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(engine, "commit", committed)
    try:
        bodies = [[_event(f"w{n}")] for n in range(5)]
        outcomes = _record_while_a_lane_writes(engine, EventRecorder(engine, _unavailable), bodies)
    finally:
        event.remove(engine, "commit", committed)
    # Each caller got its own row back, after it was committed.
    assert [[row.webhook_event_id for row in rows] for rows in outcomes] == [
        [f"Ew{n}"] for n in range(5)
    ]
    # The lane, the first webhook (alone), the four that queued behind it (together).
    assert len(commits) == 3
    with Session(engine) as session:
        stored = session.exec(select(InboundEvent.webhook_event_id)).all()
    assert sorted(stored) == [f"Ew{n}" for n in range(5)]


def test_a_body_the_database_refuses_fails_alone_in_a_shared_commit(engine: Engine) -> None:
    bad = _event("bad")
    bad["not json"] = {1, 2}  # the JSON column cannot take a set
    bodies = [[_event("first")], [_event("ok")], [bad], [_event("also ok")]]
    outcomes = _record_while_a_lane_writes(engine, EventRecorder(engine, _unavailable), bodies)
    assert isinstance(outcomes[2], StatementError | TypeError)  # SQLite's wrapped; psycopg's own
    assert [len(outcomes[n]) for n in (0, 1, 3)] == [1, 1, 1]
    with Session(engine) as session:
        stored = session.exec(select(InboundEvent.webhook_event_id)).all()
    assert sorted(stored) == ["Ealso ok", "Efirst", "Eok"]


def test_when_the_database_cannot_write_every_waiting_webhook_is_told(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    transactions: list[Connection] = []  # kept alive, so no two can share an id

    def down(connection: Connection, _raw_events: Any, _now: datetime) -> list[StoredEvent]:
        # A write first (it waits for the writer turn, as a real INSERT does), then the loss.
        connection.execute(INBOUND.update().where(INBOUND.c.id == -1).values(attempts=0))
        if not any(seen is connection for seen in transactions):
            transactions.append(connection)
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(inbox, "record_events", down)
    bodies = [[_event(f"w{n}")] for n in range(3)]
    outcomes = _record_while_a_lane_writes(engine, EventRecorder(engine, _unavailable), bodies)
    assert all(isinstance(outcome, OperationalError) for outcome in outcomes)
    # Nobody was tried again alone: on SQLite the first wrote alone, the two that queued behind
    # it shared one try (a dead database is not asked once more per webhook).
    assert len(transactions) == (2 if engine.dialect.name == "sqlite" else 3)


class _Stopped(BaseException):
    """What a worker being shut down raises in its threads (as gevent's GreenletExit is)."""


def test_a_writer_stopped_mid_write_leaves_nobody_answering_as_if_stored(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: on PostgreSQL nobody writes for another webhook")
    real = inbox.record_events

    def stopped_on_the_shared_write(
        connection: Connection, raw_events: Any, now: datetime
    ) -> list[StoredEvent]:
        rows = real(connection, raw_events, now)
        if raw_events[0]["webhookEventId"] == "Ew1":  # the first of the shared transaction
            raise _Stopped()
        return rows

    monkeypatch.setattr(inbox, "record_events", stopped_on_the_shared_write)
    bodies = [[_event(f"w{n}")] for n in range(3)]
    outcomes = _record_while_a_lane_writes(engine, EventRecorder(engine, _unavailable), bodies)
    assert [len(rows) for rows in outcomes[:1]] == [1]  # the first wrote alone, before
    assert isinstance(outcomes[1], _Stopped)  # the writer itself
    assert isinstance(outcomes[2], RuntimeError)  # waited for it: told, not answered 200
    with Session(engine) as session:
        assert session.exec(select(InboundEvent.webhook_event_id)).all() == ["Ew0"]


def test_the_inbox_says_which_chats_have_events_left_and_when_a_chat_is_done(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox, "BURST_WINDOW_SECONDS", 0.0)  # the queue alone (see below)
    gate, chat_finished = threading.Event(), threading.Event()
    done_chats: list[str] = []

    def process(row_id: int) -> bool:
        gate.wait(5)  # held in its lane until the test has looked
        return False

    def chat_done(chat_id: str) -> None:
        done_chats.append(chat_id)
        chat_finished.set()

    worker = InboxWorker(engine, process, lanes=2, sweep_seconds=60, chat_done=chat_done)
    worker.start()
    try:
        assert worker.wait_idle()
        rows = store(engine, "one", "two")
        chat = rows[0][1]
        worker.notify(rows)
        assert worker.waiting_in(chat) and not worker.waiting_in("C-another")
        assert not worker.busy_besides(chat) and worker.busy_besides("C-another")
        assert done_chats == []
        gate.set()
        assert worker.wait_idle() and chat_finished.wait(5)
        assert not worker.waiting_in(chat) and not worker.busy_besides("C-another")
        assert done_chats == [chat]  # once, when its last event was done
    finally:
        gate.set()
        worker.stop()


def test_other_chats_events_that_arrived_a_moment_ago_make_a_burst(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox, "BURST_WINDOW_SECONDS", 60.0)
    process = Recorder()
    worker = started(engine, process)
    try:
        rows = store(engine, "one")
        worker.notify(rows)
        assert process.wait_for(1) and worker.wait_idle()
        chat = rows[0][1]
        # Processed already (a worker that keeps up), yet a burst for everyone else.
        assert worker.busy_besides("C-another") and not worker.busy_besides(chat)
        monkeypatch.setattr(inbox, "BURST_WINDOW_SECONDS", 0.0)
        assert not worker.busy_besides("C-another")  # a moment later, it is over
    finally:
        worker.stop()


def test_the_table_says_what_other_processes_have_of_a_chat(engine: Engine) -> None:
    worker = InboxWorker(engine, Recorder(), lanes=1, sweep_seconds=60)  # not started: a look
    [(first, chat)] = store(engine, "one")
    assert worker.elsewhere(chat) == (True, None)  # stored, not processed yet
    with engine.begin() as connection:
        connection.execute(
            INBOUND.update().where(INBOUND.c.id == first).values(status=EventStatus.DONE.value)
        )
    assert worker.elsewhere(chat) == (False, NOW)  # processed; it arrived then
    assert worker.elsewhere("C-another") == (False, None)
