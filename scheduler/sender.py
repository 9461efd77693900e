"""Push due outbox rows once: claim atomically, push concurrently with a retry key, record."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.engine import Connection, Row

from models.tables import DeliveryStatus
from scheduler.messenger import Messenger, PushRejected, PushUnreachable
from scheduler.state import ANSWER_KIND, DELIVERY, read_instant, read_state, write_state

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # a row "sending" longer than this belongs to a dead process
LATE_AFTER = timedelta(minutes=2)  # sent more than a tick after its time: marked late
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=30)
RATE_LIMIT_PAUSE = timedelta(seconds=60)  # a rate-limit 429 without Retry-After
QUOTA_RECHECK = timedelta(minutes=30)  # after the monthly limit, try one push this often
MAX_TRANSIENT_IN_A_ROW = 3  # LINE looks down: stop the pass instead of waiting on every row
# Pushes in flight at once. LINE allows 2,000 requests/s per channel; 64 at 200 ms is ~320/s.
DEFAULT_CONCURRENCY = 64

# SystemState keys (values are ISO 8601 UTC instants, "" when cleared).
LAST_TICK = "scheduler.last_tick"
QUOTA_EXHAUSTED_AT = "line.quota_exhausted_at"
PAUSED_UNTIL = "line.paused_until"


@dataclass
class SendResult:
    """What one sending pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    missed: int = 0
    quota_exhausted: bool = False
    paused_until: datetime | None = None
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, 1 min, 2 min, … up to 30 min."""
    doublings = min(max(attempts - 1, 0), 16)  # capped: 2**16 × 30 s is far past the max
    return min(FIRST_BACKOFF * float(2**doublings), MAX_BACKOFF)


def mark_missed(connection: Connection, now: datetime, grace: timedelta) -> int:
    """Rows past the grace window are not sent: pending ones, and stale claims of dead senders.

    Runs in the caller's transaction.

    A stale claim may have reached LINE before its process died; it is still recorded missed
    (not sent) because re-pushing hours late is what the grace window forbids.
    """
    cutoff = now - grace
    result = connection.execute(
        update(DELIVERY)
        .where(
            DELIVERY.c.due_at < cutoff,
            or_(
                DELIVERY.c.status == DeliveryStatus.PENDING.value,
                and_(
                    DELIVERY.c.status == DeliveryStatus.SENDING.value,
                    DELIVERY.c.claimed_at < now - LEASE,
                ),
            ),
        )
        .values(
            status=DeliveryStatus.MISSED.value,
            last_error=f"not sent within {grace} of its time",
        )
    )
    return int(result.rowcount)


def _pending_due(now: datetime) -> ColumnElement[bool]:
    """Due pending rows whose backoff is over and no earlier message to the chat is waiting.

    The (status, due_at, id) index serves the order; the target index serves the check that
    keeps one chat's messages in order (a row in backoff holds back the chat's later rows).
    """
    earlier = DELIVERY.alias("earlier")
    return and_(
        DELIVERY.c.status == DeliveryStatus.PENDING.value,
        DELIVERY.c.due_at <= now,
        or_(DELIVERY.c.next_attempt_at.is_(None), DELIVERY.c.next_attempt_at <= now),
        ~exists().where(
            earlier.c.target == DELIVERY.c.target,
            earlier.c.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value]),
            or_(
                earlier.c.due_at < DELIVERY.c.due_at,
                and_(earlier.c.due_at == DELIVERY.c.due_at, earlier.c.id < DELIVERY.c.id),
            ),
        ),
    )


def _stale_claim(now: datetime) -> ColumnElement[bool]:
    """Rows whose sender's lease ran out (it died mid-push).

    Not chat answers: a web process holds those while it waits for the database to mark a
    reply LINE took, and one that died is found by its silent heartbeat and settled by
    replying again with the same token (bot.answers) — pushing here could send them twice.
    """
    return and_(
        DELIVERY.c.status == DeliveryStatus.SENDING.value,
        DELIVERY.c.claimed_at < now - LEASE,
        DELIVERY.c.kind != ANSWER_KIND,
    )


_RETURNED = (
    DELIVERY.c.id,
    DELIVERY.c.target,
    DELIVERY.c.payload,
    DELIVERY.c.retry_key,
    DELIVERY.c.due_at,
    DELIVERY.c.attempts,
)


def claim_batch(
    connection: Connection,
    now: datetime,
    worker: str,
    limit: int,
    busy_targets: Sequence[str] = (),
) -> list[Row[Any]]:
    """Take up to `limit` due rows, oldest first, for chats not already in flight.

    Runs in the caller's transaction (the sender records outcomes and claims in one). Stale
    claims first, then pending rows in (due_at, id) order: each claim reads only as many index
    entries as it takes, so a round costs the same per push however long it is.
    """
    claimed: list[Row[Any]] = []
    if limit <= 0:
        return claimed
    for claimable in (_stale_claim(now), _pending_due(now)):
        # Another sender may take some of the rows picked here first; pick again until
        # nothing claimable is left or the batch is full.
        while len(claimed) < limit:
            wanted = select(DELIVERY.c.id).where(claimable)
            if busy_targets:
                wanted = wanted.where(DELIVERY.c.target.not_in(list(busy_targets)))
            wanted = wanted.order_by(DELIVERY.c.due_at, DELIVERY.c.id)
            wanted = wanted.limit(limit - len(claimed))
            if connection.dialect.name == "postgresql":
                # Concurrent senders skip each other's locked rows, not queue behind them.
                wanted = wanted.with_for_update(skip_locked=True)
            ids = list(connection.execute(wanted).scalars())
            if not ids:
                break
            # SQLite: re-checking the condition in the UPDATE makes pick-and-claim atomic
            # under its single writer lock; PostgreSQL holds the row locks from the SELECT.
            claim = (
                update(DELIVERY)
                .where(DELIVERY.c.id.in_(ids), claimable)
                .values(
                    status=DeliveryStatus.SENDING.value,
                    claimed_at=now,
                    claimed_by=worker,
                    attempts=DELIVERY.c.attempts + 1,
                )
                .returning(*_RETURNED)
            )
            claimed += connection.execute(claim).all()
    return sorted(claimed, key=lambda row: (row.due_at, row.id))


def _finish(connection: Connection, row_id: int, worker: str, **values: Any) -> None:
    """Record an outcome unless another sender reclaimed the row (in the caller's transaction)."""
    connection.execute(
        update(DELIVERY)
        .where(
            DELIVERY.c.id == row_id,
            DELIVERY.c.status == DeliveryStatus.SENDING.value,
            DELIVERY.c.claimed_by == worker,
        )
        .values(claimed_by=None, **values)
    )


def _pause(connection: Connection, now: datetime, until: datetime, quota: bool) -> None:
    """Stop pushing until `until` (and remember that the monthly quota ran out)."""
    write_state(connection, PAUSED_UNTIL, until.isoformat(), now)
    if quota:
        write_state(connection, QUOTA_EXHAUSTED_AT, now.isoformat(), now)


# What became of one claimed row: None when LINE accepted it, the error otherwise, NOT_TRIED when
# an earlier row of the same chat failed (the later one must not overtake it).
Outcome = PushRejected | PushUnreachable | None
NOT_TRIED = PushUnreachable("not tried: an earlier message to this chat is not sent yet")


def _push_in_order(messenger: Messenger, chain: Sequence[Row[Any]]) -> list[Outcome]:
    """Push one chat's rows one after another; stop at the first failure (order is kept)."""
    outcomes: list[Outcome] = []
    for row in chain:
        if outcomes and outcomes[-1] is not None:
            outcomes.append(NOT_TRIED)
            continue
        try:
            messenger.push(row.target, row.payload["messages"], retry_key=row.retry_key)
        except (PushRejected, PushUnreachable) as error:
            outcomes.append(error)
        else:
            outcomes.append(None)
    return outcomes


@dataclass
class _Pass:
    """The state of one sending pass: counts, and whether to keep claiming."""

    result: SendResult
    now: datetime
    worker: str
    quota_was_exhausted: bool
    window: int = 1  # pushes in flight allowed now: starts at one, doubles on success
    transient_in_a_row: int = 0
    stop: bool = False

    def record(self, connection: Connection, row: Row[Any], outcome: Outcome) -> None:
        """Write one row's outcome (in the caller's transaction) and adjust the pass."""
        if outcome is NOT_TRIED:
            # Untouched, uncounted: it goes out after the chat's earlier message does.
            _finish(
                connection,
                row.id,
                self.worker,
                status=DeliveryStatus.PENDING.value,
                attempts=row.attempts - 1,
            )
            return
        if outcome is None or (isinstance(outcome, PushRejected) and outcome.is_already_accepted):
            note = str(outcome) if outcome is not None else None
            _record_sent(connection, row, self.worker, self.now, note=note)
            self.result.sent += 1
            self.transient_in_a_row = 0
            self.window *= 2
            if self.quota_was_exhausted:
                write_state(connection, QUOTA_EXHAUSTED_AT, "", self.now)
                self.quota_was_exhausted = False
            return
        self.result.errors.append(str(outcome))
        self.window = 1
        if isinstance(outcome, PushUnreachable):
            # The push may have landed: the retry reuses the key, so LINE answers 409 if it did.
            self._retry(connection, row, str(outcome), self.now + backoff(row.attempts))
            self.transient_in_a_row += 1
        elif outcome.is_monthly_limit:
            # Not this row's fault: it waits, uncounted, for the quota to come back.
            _finish(
                connection,
                row.id,
                self.worker,
                status=DeliveryStatus.PENDING.value,
                attempts=row.attempts - 1,
                last_error=str(outcome),
            )
            _pause(connection, self.now, self.now + QUOTA_RECHECK, quota=True)
            self.result.quota_exhausted = True
            self.result.paused_until = self.now + QUOTA_RECHECK
            self.stop = True
            log.error("LINE monthly message quota exhausted; pushes paused")
        elif outcome.status == 429:
            wait_for = timedelta(seconds=outcome.retry_after) if outcome.retry_after else None
            until = self.now + max(wait_for or RATE_LIMIT_PAUSE, FIRST_BACKOFF)
            self._retry(connection, row, str(outcome), until)
            _pause(connection, self.now, until, quota=False)
            self.result.paused_until = until
            self.stop = True
        elif outcome.is_retryable:
            self._retry(connection, row, str(outcome), self.now + backoff(row.attempts))
            self.transient_in_a_row += 1
        else:
            _finish(
                connection,
                row.id,
                self.worker,
                status=DeliveryStatus.FAILED.value,
                last_error=str(outcome),
            )
            self.result.failed += 1
            log.error("delivery %s refused by LINE: %s", row.id, outcome)
        if self.transient_in_a_row >= MAX_TRANSIENT_IN_A_ROW and not self.stop:
            log.warning(
                "LINE failed %d pushes in a row; trying again next tick", self.transient_in_a_row
            )
            self.stop = True

    def _retry(self, connection: Connection, row: Row[Any], error: str, at: datetime) -> None:
        """Put a row back to pending with the time of its next attempt."""
        log.warning(
            "delivery %s attempt %d failed (%s); retrying at %s", row.id, row.attempts, error, at
        )
        _finish(
            connection,
            row.id,
            self.worker,
            status=DeliveryStatus.PENDING.value,
            next_attempt_at=at,
            last_error=error,
        )
        self.result.retrying += 1


def send_due(
    connection: Connection,
    messenger: Messenger,
    now: datetime,
    *,
    grace: timedelta,
    worker: str,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> SendResult:
    """Push every due delivery once, up to `concurrency` at a time; failures retry later.

    Only HTTP runs in the pool's threads; claims and outcomes are written here, on this one
    connection. One chat's rows never travel side by side: they go in order, in one thread.
    The number in flight starts at one and doubles with each success (a broken LINE or a spent
    quota costs one call, not `concurrency`), and falls back to one after a failure.
    """
    with connection.begin():
        result = SendResult(missed=mark_missed(connection, now, grace))
        paused_until = read_instant(connection, PAUSED_UNTIL)
        quota_was_exhausted = read_state(connection, QUOTA_EXHAUSTED_AT) is not None
    if paused_until is not None and now < paused_until:
        result.paused_until = paused_until
        result.quota_exhausted = quota_was_exhausted
        return result
    state = _Pass(result, now, worker, quota_was_exhausted)
    in_flight: dict[Future[list[Outcome]], list[Row[Any]]] = {}
    with ThreadPoolExecutor(max_workers=max(concurrency, 1), thread_name_prefix="push") as pool:
        done: set[Future[list[Outcome]]] = set()
        while True:
            # One transaction a turn: the outcomes that came back, then the next claims.
            with connection.begin():
                for future in done:
                    chain = in_flight.pop(future)
                    for row, outcome in zip(chain, future.result(), strict=True):
                        state.record(connection, row, outcome)
                room = 0 if state.stop else min(state.window, concurrency) - len(in_flight)
                busy = [chain[0].target for chain in in_flight.values()]
                claimed = claim_batch(connection, now, worker, room, busy)
            for chain in _by_chat(claimed):
                in_flight[pool.submit(_push_in_order, messenger, chain)] = chain
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
    return result


def _by_chat(rows: Sequence[Row[Any]]) -> list[list[Row[Any]]]:
    """Claimed rows grouped by chat, each chat's in the order claimed."""
    chains: dict[str, list[Row[Any]]] = {}
    for row in rows:
        chains.setdefault(row.target, []).append(row)
    return list(chains.values())


def _record_sent(
    connection: Connection, row: Row[Any], worker: str, now: datetime, note: str | None = None
) -> None:
    """Mark a row sent (late when well after its time)."""
    values: dict[str, Any] = {
        "status": DeliveryStatus.SENT.value,
        "sent_at": now,
        "late": now - row.due_at > LATE_AFTER,
        "next_attempt_at": None,
        "sent_via": "push",
    }
    if note is not None:
        values["last_error"] = note
    _finish(connection, row.id, worker, **values)
