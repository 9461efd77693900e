"""The chat answers' outbox: stored with their change, then taken to LINE many chats at a time."""

# An answer never waits behind another chat's LINE round trip: processing an event only writes
# rows; this courier takes them to LINE from a pool of threads. Within one chat it is strict:
# one call at a time, oldest answer first, and the answers waiting together go in one reply
# (LINE takes 5 messages per reply token; the newest fresh token is used); an answer about to
# go waits a moment for the chat's next events when they are coming (_gathered). The order holds
# across processes too, because a chat's answer is claimed only when no earlier answer of the
# chat is still pending or in flight, the rule the reminder sender follows (scheduler.sender).

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, Protocol

from sqlalchemy import and_, bindparam, exists, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.sql import Select
from sqlalchemy.sql.dml import Update
from sqlalchemy.sql.elements import ClauseElement

from bot.events import chat_of
from bot.line_api import LineClient
from models.db import statement_at_a_time
from models.tables import DeliveryStatus
from scheduler.messages import Message
from scheduler.messenger import PushRejected, PushUnreachable
from scheduler.planner import retry_key_for
from scheduler.state import ANSWER_KIND, DELIVERY, SYSTEM_STATE, worker_name, write_state

log = logging.getLogger(__name__)

MARK_SENT_ATTEMPTS = 4  # five seconds of quick tries; then the watch goes on trying
MAX_MESSAGES_PER_CALL = 5  # LINE's limit for one reply or push
# LINE reply tokens expire about a minute after the event; past this we push instead.
REPLY_TOKEN_LIFETIME = timedelta(seconds=50)
# A stored answer waits this long for the courier before the clock's sender may push it instead.
REPLY_HANDOVER = timedelta(seconds=90)
# Pauses between replies that settle an unclear outcome (all within a token's lifetime).
SETTLE_PAUSES = (timedelta(seconds=0.5), timedelta(seconds=2), timedelta(seconds=5))
DEFAULT_COURIER_THREADS = 64  # as LINE_PUSH_CONCURRENCY: a slow LINE holds a thread per call
# Each courier beats every WATCH_EVERY; one silent for ORPHAN_AFTER is taken for dead, and the
# answers it had in flight are settled by another (or by itself after a restart), well within
# a reply token's lifetime.
HEARTBEAT_PREFIX = "courier.alive:"
WATCH_EVERY = timedelta(seconds=5)
ORPHAN_AFTER = timedelta(seconds=15)
# While the chat's next events are already stored, its answers wait for theirs (one call for
# all, in order), but never longer than this after the first was stored: tokens stay fresh.
GATHER_WITHIN = timedelta(seconds=1)
# An answer about to go waits at most this long for the chat's next events, so that their
# answers go in one call (a token stays fresh for a minute). An event already here is processed
# within the backlog's time; gone at 0.5 s, the first answer left alone when the backlog was
# longer, and the next waited a whole LINE round trip behind it (2.5 s at LINE 1,000 ms).
PARK_AT_MOST = timedelta(seconds=1)
PARK_LOOK_SECONDS = 0.05  # how often a parked answer looks whether that event is done
# During a burst (other chats' events waiting too) an answer also waits for the chat's next
# message until this long after its latest one: people answering a digest together type a
# few lines apart.
BURST_LINGER = timedelta(seconds=0.15)
# A follow-up (names from LINE) waits this long at most for a moment with no delivery running.
FOLLOWUP_LULL_WAIT_SECONDS = 2.0
FOLLOWUP_LULL_LOOK_SECONDS = 0.05


class Answer(NamedTuple):
    """One stored answer as the courier handles it."""

    id: int
    target: str
    payload: dict[str, Any]
    retry_key: str


_ANSWER_COLUMNS = (DELIVERY.c.id, DELIVERY.c.target, DELIVERY.c.payload, DELIVERY.c.retry_key)
# Built once: a statement built per call costs more Python than the database spends on it.
_STORE = insert(DELIVERY).returning(*_ANSWER_COLUMNS)
_SENDING = DELIVERY.alias("sending")


def _oldest_waiting(*in_flight_but: Any) -> Select[Any]:
    """The chat's oldest waiting answers, none while another of its answers is in flight (but
    those `in_flight_but` excludes). One statement, one snapshot: "none in flight" and "the
    oldest waiting" agree (two could see another process's claim of the oldest only in the
    second)."""
    return (
        select(DELIVERY.c.id, DELIVERY.c.payload)
        .where(
            DELIVERY.c.kind == ANSWER_KIND,
            DELIVERY.c.target == bindparam("chat_id"),
            DELIVERY.c.status == DeliveryStatus.PENDING.value,
            ~exists().where(
                _SENDING.c.kind == ANSWER_KIND,
                _SENDING.c.target == bindparam("chat_id"),
                _SENDING.c.status == DeliveryStatus.SENDING.value,
                *in_flight_but,
            ),
        )
        .order_by(DELIVERY.c.id)
        .limit(MAX_MESSAGES_PER_CALL)
    )


_OLDEST_WAITING_NONE_IN_FLIGHT = _oldest_waiting()
# With the caller's own batch in flight (it waits to take them along).
_WAITING_WITH_ONLY_THESE_IN_FLIGHT = _oldest_waiting(
    _SENDING.c.id.not_in(bindparam("own", expanding=True))
)
_OF_THE_CHAT_UNSENT = and_(
    DELIVERY.c.kind == ANSWER_KIND,
    DELIVERY.c.target == bindparam("target"),
    # Not IN (…): an IN list is expanded into the SQL at every execution.
    or_(
        DELIVERY.c.status == DeliveryStatus.PENDING.value,
        DELIVERY.c.status == DeliveryStatus.SENDING.value,
    ),
)
_WAITING_OR_IN_FLIGHT = (
    select(DELIVERY.c.id, DELIVERY.c.payload, DELIVERY.c.status, DELIVERY.c.created_at)
    .where(_OF_THE_CHAT_UNSENT)
    .order_by(DELIVERY.c.id)
    .limit(MAX_MESSAGES_PER_CALL + 1)
)
_ROW_COLUMNS = (
    "kind",
    "target",
    "occurrence_key",
    "payload",
    "due_at",
    "retry_key",
    "created_at",
    "status",
    "claimed_by",
    "claimed_at",
    "attempts",
    "late",
)
# INSERT … SELECT the row's values WHERE NOT EXISTS (an unsent answer of the chat) RETURNING:
# the look and the store in one round trip. The chat's target is one parameter, used twice.
_STORE_IF_ALONE = (
    insert(DELIVERY)
    .from_select(
        _ROW_COLUMNS,
        select(*(bindparam(name, type_=DELIVERY.c[name].type) for name in _ROW_COLUMNS)).where(
            ~exists().where(_OF_THE_CHAT_UNSENT)
        ),
    )
    .returning(*_ANSWER_COLUMNS)
)



def store_answer(
    connection: Connection,
    raw: Mapping[str, Any],
    messages: list[Message],
    now: datetime,
    *,
    claimed_by: str | None = None,
) -> Answer | None:
    """Put the answer in the outbox in the caller's transaction (the change it reports).

    With `claimed_by`, the answer is stored already in flight for that courier (the caller
    checked that nothing of the chat is waiting before it or in flight).
    """
    if not messages:
        return None
    values = _answer_row(raw, messages, now, claimed_by)
    return Answer(*connection.execute(_STORE, values).one())


def _answer_row(
    raw: Mapping[str, Any], messages: list[Message], now: datetime, claimed_by: str | None
) -> dict[str, Any]:
    """The outbox row of an answer: waiting for the courier, or in flight for `claimed_by`."""
    occurrence_key = f"{ANSWER_KIND}:{raw.get('webhookEventId') or raw.get('replyToken')}"
    event_time = datetime.fromtimestamp(int(raw.get("timestamp") or 0) / 1000, UTC)
    payload = {
        "messages": messages[:MAX_MESSAGES_PER_CALL],
        "reply_token": raw.get("replyToken"),
        "event_time": event_time.isoformat(),
    }
    claimed = claimed_by is not None
    return {
        "kind": ANSWER_KIND,
        "target": chat_of(raw).chat_id,
        "occurrence_key": occurrence_key[:300],
        "payload": payload,
        "due_at": now + REPLY_HANDOVER,
        "retry_key": retry_key_for(occurrence_key),
        "created_at": now,
        "status": DeliveryStatus.SENDING.value if claimed else DeliveryStatus.PENDING.value,
        "claimed_by": claimed_by,
        "claimed_at": now if claimed else None,
        "attempts": 1 if claimed else 0,
        "late": False,
    }


def _store_in_flight_if_alone(
    connection: Connection,
    raw: Mapping[str, Any],
    messages: list[Message],
    now: datetime,
    worker: str,
) -> Answer | None:
    """Store the answer in flight for `worker` if nothing of its chat waits or is in flight;
    None (nothing stored) if something does. One statement for the common case."""
    values = _answer_row(raw, messages, now, worker)
    row = connection.execute(_STORE_IF_ALONE, values).first()
    return Answer(*row) if row is not None else None


def hand_over(
    connection: Connection,
    raw: Mapping[str, Any],
    messages: list[Message],
    now: datetime,
    worker: str,
    *,
    more_coming: bool,
) -> tuple[Batch, bool]:
    """Store an event's answer and, in the same transaction, claim what can go to LINE now.

    The batch is the chat's oldest waiting answers that fit one call (this one included),
    claimed for `worker` — none while one of the chat's answers is in flight, and none while
    `more_coming` (the chat's next events are stored: their answers go in the same call,
    within GATHER_WITHIN). The flag says whether answers are left waiting for the courier.
    """
    if messages and not more_coming:  # the common case: nothing before it, nothing after it
        alone = _store_in_flight_if_alone(connection, raw, messages, now, worker)
        if alone is not None:
            return Batch((alone,)), False
    waiting = connection.execute(_WAITING_OR_IN_FLIGHT, {"target": chat_of(raw).chat_id}).all()
    if not waiting:
        if not messages:
            return Batch(()), False
        if not more_coming:  # what was before it went meanwhile
            answer = store_answer(connection, raw, messages, now, claimed_by=worker)
            return Batch((answer,) if answer else ()), False
    answer = store_answer(connection, raw, messages, now)
    if any(row.status == DeliveryStatus.SENDING.value for row in waiting):
        return Batch(()), True  # one call at a time: the courier looks again after it
    sizes = [(row.id, len(row.payload.get("messages") or [])) for row in waiting]
    if answer is not None:
        sizes.append((answer.id, len(answer.payload["messages"])))
    first_stored = waiting[0].created_at if waiting else now
    if (
        more_coming
        and sum(size for _, size in sizes) < MAX_MESSAGES_PER_CALL
        and now - first_stored < GATHER_WITHIN
    ):
        return Batch(()), True  # the chain answers the next event now; they go together
    chosen = _fitting(sizes)
    claimed = _claim_pending(connection, chosen, now, worker)
    if len(claimed) != len(chosen):  # another process took some: undo ours, let it deliver
        _end_claim(
            connection,
            [row.id for row in claimed],
            worker,
            status=DeliveryStatus.PENDING.value,
            attempts=DELIVERY.c.attempts - 1,
        )
        return Batch(()), True
    return Batch(claimed), len(chosen) < len(sizes)


def hold_answer(
    connection: Connection,
    raw: Mapping[str, Any],
    placeholder: list[Message],
    now: datetime,
    worker: str,
) -> Answer:
    """Store an answer that is not ready yet (a file being fetched) as in flight for `worker`.

    The chat's later answers wait behind it as behind a slow LINE call, so answers still
    arrive in the order asked; `release_held` puts the real answer in. Should this process
    die first, another settles it like any answer it left in flight: the placeholder is sent.
    """
    answer = store_answer(connection, raw, placeholder, now, claimed_by=worker)
    assert answer is not None  # a placeholder is never empty
    return answer


def release_held(
    connection: Connection, answer: Answer, messages: list[Message], now: datetime, worker: str
) -> None:
    """Put the real answer in a held one and leave it waiting for the courier (ring it)."""
    payload = {**answer.payload, "messages": messages[:MAX_MESSAGES_PER_CALL]}
    _end_claim(
        connection,
        [answer.id],
        worker,
        payload=payload,
        status=DeliveryStatus.PENDING.value,
        claimed_at=None,
        attempts=0,
        due_at=now + REPLY_HANDOVER,
    )


def _fitting(sizes: Sequence[tuple[int, int]]) -> list[int]:
    """The ids, oldest first, of the answers that fit one call (at least the first)."""
    chosen: list[int] = []
    count = 0
    for row_id, size in sizes:
        if chosen and count + size > MAX_MESSAGES_PER_CALL:
            break
        chosen.append(row_id)
        count += size
    return chosen


class ChatActivity(NamedTuple):
    """A chat's events as any process stored them."""

    unprocessed: bool  # one is not processed yet
    latest_received: datetime | None  # when the latest processed one arrived


class ChatEvents(Protocol):
    """What the courier asks the inbox before a batch goes (InboxWorker answers)."""

    def waiting_in(self, chat_key: str) -> bool:
        """Whether an event of the chat, handed to this process, is not processed yet."""
        ...

    def elsewhere(self, chat_key: str) -> ChatActivity:
        """The chat's events as stored by any process (a look in the table)."""
        ...

    def busy_besides(self, chat_key: str) -> bool:
        """Whether events of other chats are waiting or being processed here (a burst)."""
        ...

    def last_arrival(self, chat_key: str) -> float | None:
        """When (time.monotonic) the chat's latest event reached this process, if known."""
        ...

    def give_way(self) -> None:
        """Wait (within a budget) while webhooks are being acknowledged."""
        ...


class _NoEvents:
    """No inbox: nothing is ever coming (a courier on its own, as in some tests)."""

    def waiting_in(self, chat_key: str) -> bool:
        return False

    def elsewhere(self, chat_key: str) -> ChatActivity:
        return ChatActivity(unprocessed=False, latest_received=None)

    def busy_besides(self, chat_key: str) -> bool:
        return False

    def last_arrival(self, chat_key: str) -> float | None:
        return None

    def give_way(self) -> None:
        return None


@dataclass
class _Park:
    """A batch waiting to take the chat's next answers along (AnswerCourier._gathered)."""

    woken: threading.Event = field(default_factory=threading.Event)
    answered: bool = False  # another answer of the chat was stored meanwhile


@dataclass(frozen=True)
class Batch:
    """A chat's answers claimed together, oldest first."""

    rows: tuple[Answer, ...]
    # Another process claimed part of what was picked; what was given back must be looked at
    # again (the other may have checked before it was given back).
    lost_race: bool = False

    @property
    def ids(self) -> list[int]:
        """The outbox row ids of the batch."""
        return [row.id for row in self.rows]

    @property
    def messages(self) -> list[Message]:
        """Every message of the batch, in order."""
        return [message for row in self.rows for message in row.payload["messages"]]

    def fresh_token(self, now: datetime) -> str | None:
        """The newest reply token still within its lifetime, if any."""
        for row in reversed(self.rows):
            token, sent = row.payload.get("reply_token"), row.payload.get("event_time")
            if token and sent and now - datetime.fromisoformat(sent) <= REPLY_TOKEN_LIFETIME:
                return str(token)
        return None


def claim_answers(connection: Connection, chat_id: str, now: datetime, worker: str) -> Batch:
    """Take the chat's oldest waiting answers that fit one call; none while one is in flight.

    Two processes may race for the same chat: whoever gets only part of what it picked gives
    it back, so the chat's answers are never split between two callers out of order.
    """
    return _claim_fitting(
        connection, _OLDEST_WAITING_NONE_IN_FLIGHT, {"chat_id": chat_id}, (), now, worker
    )


def _claim_after(
    connection: Connection, chat_id: str, batch: Batch, now: datetime, worker: str
) -> Batch:
    """Claim the chat's waiting answers that fit in one call after `batch` (which this
    courier holds in flight); none while another of the chat's answers is in flight."""
    found = {"chat_id": chat_id, "own": batch.ids}
    return _claim_fitting(
        connection, _WAITING_WITH_ONLY_THESE_IN_FLIGHT, found, batch.rows, now, worker
    )


def _claim_fitting(
    connection: Connection,
    waiting: Select[Any],
    parameters: dict[str, Any],
    ahead: Sequence[Answer],
    now: datetime,
    worker: str,
) -> Batch:
    """Claim those of the `waiting` answers that fit one call after `ahead`, oldest first; a
    caller that gets only part of them (another process took some) gives them back."""
    with connection.begin():
        candidates = connection.execute(waiting, parameters).all()
        sizes = [(row.id, len(row.payload.get("messages") or [])) for row in ahead]
        sizes += [(row_id, len(payload.get("messages") or [])) for row_id, payload in candidates]
        chosen = _fitting(sizes)[len(ahead) :]
        if not chosen:
            return Batch(())
        rows = _claim_pending(connection, chosen, now, worker)
    if len(rows) != len(chosen):  # another process took some: give the rest back
        _release(connection, [row.id for row in rows], worker)
        return Batch((), lost_race=True)
    return Batch(rows)


def _claim_pending(
    connection: Connection, row_ids: Sequence[int], now: datetime, worker: str
) -> tuple[Answer, ...]:
    """Claim those of the answers still pending for this courier; what it got, oldest first."""
    claimed = connection.execute(
        update(DELIVERY)
        .where(DELIVERY.c.id.in_(row_ids), DELIVERY.c.status == DeliveryStatus.PENDING.value)
        .values(
            status=DeliveryStatus.SENDING.value,
            claimed_at=now,
            claimed_by=worker,
            attempts=DELIVERY.c.attempts + 1,
        )
        .returning(*_ANSWER_COLUMNS)
    ).all()
    return tuple(sorted((Answer(*row) for row in claimed), key=lambda answer: answer.id))


def _release(connection: Connection, row_ids: Sequence[int], worker: str) -> None:
    """Put claimed rows back as they were (uncounted)."""
    if row_ids:
        with connection.begin():
            _end_claim(
                connection,
                row_ids,
                worker,
                status=DeliveryStatus.PENDING.value,
                attempts=DELIVERY.c.attempts - 1,
            )


def _end_claim(connection: Connection, row_ids: Sequence[int], worker: str, **values: Any) -> None:
    """End `worker`'s claim on the rows with `values` (in the caller's transaction)."""
    if any(isinstance(value, ClauseElement) for value in values.values()):  # attempts - 1
        connection.execute(
            update(DELIVERY)
            .where(DELIVERY.c.id.in_(list(row_ids)), DELIVERY.c.claimed_by == worker)
            .values(claimed_by=None, **values)
        )
        return
    parameters = {f"new_{name}": value for name, value in values.items()}
    connection.execute(
        _end_claim_setting(tuple(sorted(values))),
        {"row_ids": list(row_ids), "worker": worker, **parameters},
    )


@functools.cache
def _end_claim_setting(names: tuple[str, ...]) -> Update:
    """The UPDATE ending a claim with these columns set, built once (marking sent is one a
    delivery: building it per call cost more than running it)."""
    return (
        update(DELIVERY)
        .where(
            DELIVERY.c.id.in_(bindparam("row_ids", expanding=True)),
            DELIVERY.c.claimed_by == bindparam("worker"),
        )
        .values(claimed_by=None, **{name: bindparam(f"new_{name}") for name in names})
    )


class AnswerCourier:
    """Delivers stored answers: many chats at once, one LINE call at a time within a chat."""

    def __init__(
        self,
        engine: Engine,
        line: LineClient,
        clock: Callable[[], datetime],
        *,
        threads: int = DEFAULT_COURIER_THREADS,
        worker: str | None = None,
    ) -> None:
        self.engine, self.line, self.clock = engine, line, clock
        # For the lone statements of a delivery (mark it sent, look for more): no BEGIN/COMMIT.
        self._one_statement = statement_at_a_time(engine)
        # Who holds a claim: a process that dies is told apart from one that is alive.
        self.worker = worker or f"courier:{worker_name()}"
        self._stopping = threading.Event()
        self._watch = threading.Thread(target=self._keep_watch, name="courier-watch", daemon=True)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="courier")
        # Follow-ups (asking LINE for names) run beside the deliveries, never before a
        # chat's next answer.
        self._followup_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="followup")
        self._followups_running = 0
        self._others_busy: Callable[[], bool] = lambda: False
        self._events: ChatEvents = _NoEvents()
        self._parked: dict[str, _Park] = {}  # chats whose batch waits to take more along
        self._state = threading.Condition()
        self._busy: set[str] = set()  # chats with a delivery running
        self._again: set[str] = set()  # chats rung while running: look once more
        self._followups: dict[str, list[Callable[[], None]]] = {}
        # Claims the database could not end (answers LINE took, or ones to give back), held
        # (so nothing else sends them) until the watch can end them: (chat, rows, values).
        self._held: deque[tuple[str, Sequence[Answer], dict[str, Any]]] = deque()
        # Since when this process's heartbeats have all succeeded (None: the last one failed).
        self._database_up_since: datetime | None = None

        # Batches claimed in the processing transaction, to send before looking for more.
        self._handed: dict[str, list[Batch]] = {}
        self._rung: set[str] = set()  # chats whose waiting answers must be looked for

    def gather_with(self, events: ChatEvents) -> None:
        """Before a batch goes, ask `events` (the inbox) whether the chat's next events are
        coming: the answers to those join it (see _gathered)."""
        self._events = events

    def events_done(self, chat_id: str) -> None:
        """The chat has no event left to process here: an answer waiting for one goes now."""
        with self._state:
            parked = self._parked.get(chat_id)
        if parked is not None:
            parked.woken.set()

    def hold_followups_while(self, busy: Callable[[], bool]) -> None:
        """Follow-ups also wait (as long as they wait for deliveries) while `busy()` is true."""
        self._others_busy = busy

    @property
    def claims_held(self) -> int:
        """Batches LINE has (or must get back) that the database could not be told of yet."""
        return len(self._held)

    def start(self) -> None:
        """Begin the heartbeat and the watch for answers a dead process left in flight."""
        self._watch.start()

    def ring(self, chat_id: str, followup: Callable[[], None] | None = None) -> None:
        """Answers for `chat_id` may be waiting; `followup` runs after they are delivered."""
        self._start(chat_id, None, followup)

    def deliver(
        self, chat_id: str, batch: Batch, followup: Callable[[], None] | None = None
    ) -> None:
        """Send a batch already claimed for this courier, then whatever else is waiting."""
        self._start(chat_id, batch, followup)

    def _start(
        self, chat_id: str, batch: Batch | None, followup: Callable[[], None] | None
    ) -> None:
        """Note the work for the chat and serve it, unless a thread already is (it looks again)."""
        with self._state:
            if followup is not None:
                self._followups.setdefault(chat_id, []).append(followup)
            if batch is None:
                self._rung.add(chat_id)
            elif batch.rows:
                self._handed.setdefault(chat_id, []).append(batch)
            if chat_id in self._busy:
                self._again.add(chat_id)
                parked = self._parked.get(chat_id)
                if parked is not None:  # an answer it waited for is stored: take it along
                    parked.answered = True
                    parked.woken.set()
                return
            self._busy.add(chat_id)
        try:
            self._pool.submit(self._serve, chat_id)
        except RuntimeError:  # shutting down: the clock's sender pushes what is left
            with self._state:
                self._busy.discard(chat_id)
                handed = self._handed.pop(chat_id, [])
                self._state.notify_all()
            for unsent in handed:
                self._give_back(chat_id, unsent.rows, "shutting down", self.clock())

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no delivery or follow-up is running (tests and shutdown use this)."""
        with self._state:
            return self._state.wait_for(
                lambda: not self._busy and not self._followups_running, timeout=timeout
            )

    def stop(self) -> None:
        """Finish the deliveries and follow-ups under way; take no new ones."""
        self._stopping.set()
        if self._watch.is_alive():
            self._watch.join(timeout=10)
        self._pool.shutdown(wait=True, cancel_futures=False)
        self._followup_pool.shutdown(wait=True, cancel_futures=False)

    def warm_up(self, connection: Connection, chat_id: str) -> None:
        """Run a delivery's statements once on the chat's answers, in the caller's transaction
        (which rolls them back): look for answers to take along, mark the one in flight sent,
        claim the next."""
        now = self.clock()
        in_flight = connection.execute(
            select(DELIVERY.c.id).where(
                _OF_THE_CHAT_UNSENT, DELIVERY.c.status == DeliveryStatus.SENDING.value
            ),
            {"target": chat_id},
        ).all()
        own = [row.id for row in in_flight]
        self._events.elsewhere(chat_id)  # the look for the chat's events in other processes
        connection.execute(_WAITING_WITH_ONLY_THESE_IN_FLIGHT, {"chat_id": chat_id, "own": own})
        sent = {"status": DeliveryStatus.SENT.value, "sent_at": now, "sent_via": "reply"}
        _end_claim(connection, own, self.worker, **sent)
        waiting = connection.execute(_OLDEST_WAITING_NONE_IN_FLIGHT, {"chat_id": chat_id}).all()
        _claim_pending(connection, [row.id for row in waiting], now, self.worker)

    def _serve(self, chat_id: str) -> None:
        """Deliver everything waiting for one chat, then its follow-ups; never raises."""
        while True:
            try:
                self._deliver_waiting(chat_id)
            except Exception:
                log.exception(
                    "delivering answers to %s failed; the sender pushes them later", chat_id
                )
            with self._state:
                followups = self._followups.pop(chat_id, [])
                self._followups_running += len(followups)
            for followup in followups:
                try:
                    self._followup_pool.submit(self._follow_up, followup)
                except RuntimeError:  # shutting down: names can be asked another time
                    with self._state:
                        self._followups_running -= 1
            with self._state:
                if chat_id in self._again:
                    self._again.discard(chat_id)
                    continue
                self._busy.discard(chat_id)
                self._state.notify_all()
                return

    def _keep_watch(self) -> None:
        """Every few seconds: say this process is alive, and settle what a dead one left."""
        while not self._stopping.is_set():
            try:
                self._beat()
                self._end_held_claims()
                if self._heard_long_enough():
                    self.settle_orphans()
            except SQLAlchemyError as error:
                self._database_up_since = None
                log.warning("courier watch: database unavailable: %s", error)
            except Exception:  # the watch must outlive any one bad row
                log.exception("courier watch failed; trying again")
            self._stopping.wait(WATCH_EVERY.total_seconds())

    def _beat(self) -> None:
        """Write this process's heartbeat."""
        with self.engine.begin() as connection:
            now = self.clock()
            write_state(connection, HEARTBEAT_PREFIX + self.worker, now.isoformat(), now)
        if self._database_up_since is None:
            self._database_up_since = now

    def _heard_long_enough(self) -> bool:
        """True once the database has taken our heartbeats for ORPHAN_AFTER without a break.

        Another process's heartbeat may be old only because the database was away from
        everyone (it may be alive, waiting to mark a reply LINE took): it gets a full
        ORPHAN_AFTER with the database back to beat again before its answers are taken over.
        """
        since = self._database_up_since
        return since is not None and self.clock() - since >= ORPHAN_AFTER

    def _end_held_claims(self) -> None:
        """End the claims the database could not end before (sent, or given back)."""
        while self._held:
            chat_id, rows, values = self._held[0]
            self._release_claim(rows, **values)
            self._held.popleft()
            log.info("answers %s: claim ended (the database is back)", [row.id for row in rows])
            self.ring(chat_id)  # the chat's later answers waited behind these

    def settle_orphans(self) -> int:
        """Take over answers left in flight by a process that stopped beating; settle them.

        Such an answer may or may not have reached LINE. While its token is fresh, replying
        again settles it (LINE refuses a used token); after that it is pushed, and may arrive
        twice — the window docs/operations.md describes. Returns how many were taken over.
        """
        now = self.clock()
        with self.engine.begin() as connection:
            beating = exists().where(
                SYSTEM_STATE.c.key == HEARTBEAT_PREFIX + DELIVERY.c.claimed_by,
                SYSTEM_STATE.c.updated_at >= now - ORPHAN_AFTER,
            )
            orphans = connection.execute(
                update(DELIVERY)
                .where(
                    DELIVERY.c.kind == ANSWER_KIND,
                    DELIVERY.c.status == DeliveryStatus.SENDING.value,
                    DELIVERY.c.claimed_by != self.worker,
                    ~beating,
                )
                .values(claimed_by=self.worker, claimed_at=now)
                .returning(*_ANSWER_COLUMNS)
            ).all()
        by_chat: dict[str, list[Answer]] = {}
        for row in sorted(orphans, key=lambda row: row.id):
            by_chat.setdefault(row.target, []).append(Answer(*row))
        for chat_id, rows in by_chat.items():
            log.warning(
                "answers %s were in flight in a stopped process: settling", [r.id for r in rows]
            )
            if self._send(chat_id, Batch(tuple(rows)), tried_before=True):
                self.ring(chat_id)  # the chat's later answers waited behind these
        return len(orphans)

    def _follow_up(self, followup: Callable[[], None]) -> None:
        """Run one follow-up once no answer is being delivered (or after a while); never raises.

        Follow-ups only ask LINE for names: during a burst they would take the CPU (one GIL)
        from the events and answers still to go, so they wait for a lull, not for ever. A lull
        is no delivery running and, with LINE fast, no event waiting either (the inbox says).
        """
        deadline = time.monotonic() + FOLLOWUP_LULL_WAIT_SECONDS
        with self._state:
            while not self._stopping.is_set():
                left = deadline - time.monotonic()
                if left <= 0 or (not self._busy and not self._others_busy()):
                    break
                # The inbox does not ring this condition: look again soon.
                self._state.wait(min(left, FOLLOWUP_LULL_LOOK_SECONDS))
        try:
            followup()
        except Exception:
            log.exception("a follow-up after answering failed")
        finally:
            with self._state:
                self._followups_running -= 1
                self._state.notify_all()

    def _deliver_waiting(self, chat_id: str) -> None:
        """Send the batches handed over, then claim and send the chat's waiting answers, a call
        at a time, until none is left."""
        while True:
            with self._state:
                handed = self._handed.get(chat_id)
                batch = handed.pop(0) if handed else None
                if handed == []:
                    del self._handed[chat_id]
            if batch is None:
                break
            batch = self._gathered(chat_id, batch)
            if not self._send(chat_id, batch):
                with self._state:
                    later = self._handed.pop(chat_id, [])
                for unsent in later:  # they wait behind the one that failed
                    self._give_back(
                        chat_id, unsent.rows, "an earlier answer is not delivered", self.clock()
                    )
                return
            # Looked for after the mark's commit: an answer another process stored while this
            # one was in flight is seen then (or that process's own look sees this one sent).
            with self._state:
                self._rung.add(chat_id)
        with self._state:
            look = chat_id in self._rung
            self._rung.discard(chat_id)
        while look:
            # Two lone statements (the look, the claim): the claim's own check that the rows
            # are still waiting is what keeps two processes from taking the same answer.
            self._events.give_way()
            with self._one_statement.connect() as connection:
                batch = claim_answers(connection, chat_id, self.clock(), self.worker)
            if batch.lost_race:
                continue
            if not batch.rows:
                return
            batch = self._gathered(chat_id, batch)
            if not self._send(chat_id, batch):
                return  # left for the sender: LINE or the database is failing right now

    def _gathered(self, chat_id: str, batch: Batch) -> Batch:
        """The batch, with the answers to the chat's next events if they come in time.

        Under a burst a chat's next message often arrives while its answer waits for a
        thread to send it. Sent at once, the next answer would then wait a whole LINE round
        trip behind it; so while that event is here and not yet processed (the inbox says),
        the batch waits for its answer (the lane rings this chat), and during a burst it
        lingers until BURST_LINGER after the chat's latest message (here or, by a look in the
        table, in another process) — at most PARK_AT_MOST in all. Then the answers stored
        meanwhile go with it in one reply, with the newer token. The batch stays claimed all
        along: no process sends the chat anything before it.
        """
        if len(batch.messages) >= MAX_MESSAGES_PER_CALL:
            return batch
        events = self._events
        started = time.monotonic()
        lingering = events.busy_besides(chat_id)
        if not lingering and not events.waiting_in(chat_id):
            return batch
        linger = BURST_LINGER.total_seconds()
        deadline = started + PARK_AT_MOST.total_seconds()
        park = _Park()
        with self._state:
            self._parked[chat_id] = park

        def more_coming() -> bool:
            if events.waiting_in(chat_id):
                return True
            if not lingering:
                return False
            # The chat's next message may be on its way while its latest is recent (and,
            # until another answer of the chat is stored, for a linger from now).
            last = events.last_arrival(chat_id)
            until = max(
                started + linger if not park.answered else 0.0,
                last + linger if last is not None else 0.0,
            )
            if time.monotonic() < until:
                return True
            # Past that: another process may have the chat's next event, or have had its
            # latest a moment ago (no ring comes from there; this looks every
            # PARK_LOOK_SECONDS).
            elsewhere = events.elsewhere(chat_id)
            if elsewhere.unprocessed:
                return True
            latest = elsewhere.latest_received
            return latest is not None and self.clock() < latest + BURST_LINGER

        try:
            # Woken when one of those events is processed (its lane rings the chat) and when
            # none is left here; it looks again then, and every PARK_LOOK_SECONDS besides.
            # A linger ends early once another answer of the chat is stored.
            while more_coming():
                left = deadline - time.monotonic()
                if left <= 0 or self._stopping.is_set():
                    break
                park.woken.wait(min(left, PARK_LOOK_SECONDS))
                park.woken.clear()
        except SQLAlchemyError as error:  # the look elsewhere failed: go with what there is
            log.warning("answers %s: could not look for the chat's events: %s", batch.ids, error)
        finally:
            with self._state:
                self._parked.pop(chat_id, None)
        try:
            with self._one_statement.connect() as connection:
                more = _claim_after(connection, chat_id, batch, self.clock(), self.worker)
        except SQLAlchemyError:
            log.warning("answers %s: could not look for the chat's next answers", batch.ids)
            return batch  # they go after this one, as without waiting
        return Batch(batch.rows + more.rows)

    def _send(self, chat_id: str, batch: Batch, *, tried_before: bool = False) -> bool:
        """One reply with the freshest token, else pushes in order; True when all went out.

        `tried_before`: an earlier call with these answers may have reached LINE (a process
        died after it); a reply that LINE then refuses as a used token means it did.
        """
        self._events.give_way()  # webhooks in hand first: LINE waits for their 200
        now = self.clock()
        token = batch.fresh_token(now)
        if token is not None:
            outcome = self._reply_settled(token, batch, tried_before)
            if outcome == "sent":
                return self._mark_sent(chat_id, batch.rows, "reply")
            if outcome == "failed":
                return self._give_back(chat_id, batch.rows, "LINE refused the reply", now)
            if outcome == "unknown":
                # The token ran out before LINE's answer was clear: push (with retry keys).
                # The answer may then arrive twice; docs/operations.md says when.
                log.warning("answers %s: reply outcome unknown; pushing", batch.ids)
        elif tried_before:
            log.warning("answers %s: an earlier reply may have landed; pushing", batch.ids)
        for index, row in enumerate(batch.rows):
            try:
                self.line.push(chat_id, row.payload["messages"], retry_key=row.retry_key)
            except PushRejected as error:
                if not error.is_already_accepted:
                    return self._give_back(chat_id, batch.rows[index:], str(error), now)
            except PushUnreachable as error:
                return self._give_back(chat_id, batch.rows[index:], str(error), now)
            if not self._mark_sent(chat_id, [row], "push"):
                self._give_back(chat_id, batch.rows[index + 1 :], "not marked", now)
                return False
        return True

    def _reply_settled(self, token: str, batch: Batch, tried_before: bool) -> str:
        """Reply; settle an unclear outcome by replying again with the same token.

        LINE takes a reply token once: after a try whose outcome is unclear (no answer, or an
        answer after our timeout), a second reply either goes through (the first never
        landed) or is refused as an invalid token (the first did). "sent": LINE has the
        answers. "refused": the token was refused before any try could have used it (push
        now). "failed": LINE said no (a 5xx) to a first try (the sender pushes later).
        "unknown": still unclear when the token ran out.
        """
        unclear = tried_before
        for pause in (*SETTLE_PAUSES, None):
            try:
                self.line.reply(token, batch.messages)
                return "sent"
            except PushRejected as error:
                if error.status == 400:
                    return "sent" if unclear else "refused"  # used: by the unclear try
                if not unclear:
                    return "failed"
            except PushUnreachable:
                unclear = True
            if pause is None or batch.fresh_token(self.clock() + pause) != token:
                return "unknown"
            time.sleep(pause.total_seconds())  # waiting on LINE, in the courier's thread
        return "unknown"

    def _mark_sent(self, chat_id: str, rows: Sequence[Answer], via: str) -> bool:
        """Close the outbox rows LINE has taken; keep trying while the database is away.

        Until they are marked the rows stay in flight under this process's claim, so nothing
        sends them again; past a few quick tries the watch keeps trying (every WATCH_EVERY)
        for as long as it takes. If this process dies meanwhile, another settles them.
        """
        for attempt in range(1, MARK_SENT_ATTEMPTS + 1):
            try:
                self._release_claim(
                    rows, status=DeliveryStatus.SENT.value, sent_at=self.clock(), sent_via=via
                )
                return True
            except DBAPIError as error:
                log.warning("answers delivered but not marked (try %d): %s", attempt, error)
                if self._stopping.wait(0.5 * attempt):
                    break
        log.error("answers %s delivered, not marked yet: the watch goes on", [r.id for r in rows])
        sent = {"status": DeliveryStatus.SENT.value, "sent_at": self.clock(), "sent_via": via}
        self._held.append((chat_id, rows, sent))
        return False

    def _release_claim(self, rows: Sequence[Answer], **values: Any) -> None:
        """End this courier's claim on the rows with `values` (sent, or given back)."""
        with self._one_statement.begin() as connection:
            _end_claim(connection, [row.id for row in rows], self.worker, **values)

    def _give_back(self, chat_id: str, rows: Sequence[Answer], error: str, now: datetime) -> bool:
        """Leave undelivered answers for the sender to push (with their retry keys), due now."""
        log.warning("answers %s not delivered yet: %s", [row.id for row in rows], error)
        values = {"status": DeliveryStatus.PENDING.value, "due_at": now, "last_error": error[:1000]}
        if not rows:
            return False
        try:
            self._release_claim(rows, **values)
        except DBAPIError:
            log.exception("answers %s: given back by the watch once the database is back", rows)
            self._held.append((chat_id, rows, values))
        return False
