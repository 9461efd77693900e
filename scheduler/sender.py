"""Push due outbox rows once: claim atomically, push with a retry key, record the outcome."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection, Row

from models.tables import DeliveryStatus
from scheduler.messenger import Messenger, PushRejected, PushUnreachable
from scheduler.planner import DELIVERY, SYSTEM_STATE, dialect_insert

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # a row "sending" longer than this belongs to a dead process
LATE_AFTER = timedelta(minutes=2)  # sent more than a tick after its time: marked late
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=30)
RATE_LIMIT_PAUSE = timedelta(seconds=60)  # a rate-limit 429 without Retry-After
QUOTA_RECHECK = timedelta(minutes=30)  # after the monthly limit, try one push this often
MAX_TRANSIENT_IN_A_ROW = 3  # LINE looks down: stop the pass instead of waiting on every row

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


def read_state(connection: Connection, key: str) -> str | None:
    """A SystemState value, or None when unset or cleared."""
    value = connection.execute(
        select(SYSTEM_STATE.c.value).where(SYSTEM_STATE.c.key == key)
    ).scalar_one_or_none()
    return value or None


def read_instant(connection: Connection, key: str) -> datetime | None:
    """A SystemState value that holds an instant."""
    value = read_state(connection, key)
    return datetime.fromisoformat(value) if value else None


def write_state(connection: Connection, key: str, value: str, now: datetime) -> None:
    """Set a SystemState value (insert or update, safe against a concurrent writer)."""
    statement = dialect_insert(connection, SYSTEM_STATE).values(
        key=key, value=value, updated_at=now
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["key"], set_={"value": value, "updated_at": now}
        )
    )


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


def _claimable(now: datetime) -> Any:
    """Due pending rows whose backoff is over, and rows whose sender's lease ran out."""
    return or_(
        and_(
            DELIVERY.c.status == DeliveryStatus.PENDING.value,
            DELIVERY.c.due_at <= now,
            or_(DELIVERY.c.next_attempt_at.is_(None), DELIVERY.c.next_attempt_at <= now),
        ),
        and_(
            DELIVERY.c.status == DeliveryStatus.SENDING.value,
            DELIVERY.c.claimed_at < now - LEASE,
        ),
    )


def claim_next(connection: Connection, now: datetime, worker: str) -> Row[Any] | None:
    """Atomically take the oldest due row for this worker; None when nothing is due."""
    oldest = (
        select(DELIVERY.c.id)
        .where(_claimable(now))
        .order_by(DELIVERY.c.due_at, DELIVERY.c.id)
        .limit(1)
    )
    claim = update(DELIVERY).values(
        status=DeliveryStatus.SENDING.value,
        claimed_at=now,
        claimed_by=worker,
        attempts=DELIVERY.c.attempts + 1,
    )
    with connection.begin():
        if connection.dialect.name == "postgresql":
            # Concurrent senders skip each other's locked rows instead of queueing behind them.
            row_id = connection.execute(oldest.with_for_update(skip_locked=True)).scalar()
            if row_id is None:
                return None
            claim = claim.where(DELIVERY.c.id == row_id)
        else:
            # SQLite: one conditional UPDATE; the write lock makes pick-and-claim atomic.
            claim = claim.where(DELIVERY.c.id == oldest.scalar_subquery(), _claimable(now))
        return connection.execute(
            claim.returning(
                DELIVERY.c.id,
                DELIVERY.c.target,
                DELIVERY.c.payload,
                DELIVERY.c.retry_key,
                DELIVERY.c.due_at,
                DELIVERY.c.attempts,
            )
        ).first()


def _finish(connection: Connection, row_id: int, worker: str, **values: Any) -> None:
    """Record an outcome, unless another sender reclaimed the row meanwhile."""
    with connection.begin():
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
    with connection.begin():
        write_state(connection, PAUSED_UNTIL, until.isoformat(), now)
        if quota:
            write_state(connection, QUOTA_EXHAUSTED_AT, now.isoformat(), now)


def send_due(
    connection: Connection, messenger: Messenger, now: datetime, *, grace: timedelta, worker: str
) -> SendResult:
    """Push every due delivery once; failures are recorded and retried on a later pass."""
    with connection.begin():
        result = SendResult(missed=mark_missed(connection, now, grace))
        paused_until = read_instant(connection, PAUSED_UNTIL)
        quota_was_exhausted = read_state(connection, QUOTA_EXHAUSTED_AT) is not None
    if paused_until is not None and now < paused_until:
        result.paused_until = paused_until
        result.quota_exhausted = quota_was_exhausted
        return result
    transient_in_a_row = 0
    while (row := claim_next(connection, now, worker)) is not None:
        try:
            messenger.push(row.target, row.payload["messages"], retry_key=row.retry_key)
        except PushRejected as error:
            if error.is_already_accepted:
                _record_sent(connection, row, worker, now, note=str(error))
                result.sent += 1
                transient_in_a_row = 0
                continue
            result.errors.append(str(error))
            if error.is_monthly_limit:
                # Not this row's fault: it waits, uncounted, for the quota to come back.
                _finish(
                    connection,
                    row.id,
                    worker,
                    status=DeliveryStatus.PENDING.value,
                    attempts=row.attempts - 1,
                    last_error=str(error),
                )
                _pause(connection, now, now + QUOTA_RECHECK, quota=True)
                result.quota_exhausted, result.paused_until = True, now + QUOTA_RECHECK
                log.error("LINE monthly message quota exhausted; pushes paused")
                break
            if error.status == 429:
                wait = timedelta(seconds=error.retry_after) if error.retry_after else None
                until = now + max(wait or RATE_LIMIT_PAUSE, FIRST_BACKOFF)
                _retry_later(connection, row, worker, str(error), until)
                _pause(connection, now, until, quota=False)
                result.retrying, result.paused_until = result.retrying + 1, until
                break
            if error.is_retryable:
                _retry_later(connection, row, worker, str(error), now + backoff(row.attempts))
                result.retrying += 1
                transient_in_a_row += 1
            else:
                _finish(
                    connection,
                    row.id,
                    worker,
                    status=DeliveryStatus.FAILED.value,
                    last_error=str(error),
                )
                result.failed += 1
                log.error("delivery %s refused by LINE: %s", row.id, error)
        except PushUnreachable as error:
            # The push may have landed: the retry reuses the key, so LINE answers 409 if it did.
            result.errors.append(str(error))
            _retry_later(connection, row, worker, str(error), now + backoff(row.attempts))
            result.retrying += 1
            transient_in_a_row += 1
        else:
            _record_sent(connection, row, worker, now)
            result.sent += 1
            transient_in_a_row = 0
            if quota_was_exhausted:
                with connection.begin():
                    write_state(connection, QUOTA_EXHAUSTED_AT, "", now)
                quota_was_exhausted = False
        if transient_in_a_row >= MAX_TRANSIENT_IN_A_ROW:
            log.warning(
                "LINE failed %d pushes in a row; trying again next tick", transient_in_a_row
            )
            break
    return result


def _record_sent(
    connection: Connection, row: Row[Any], worker: str, now: datetime, note: str | None = None
) -> None:
    """Mark a row sent (late when well after its time)."""
    values: dict[str, Any] = {
        "status": DeliveryStatus.SENT.value,
        "sent_at": now,
        "late": now - row.due_at > LATE_AFTER,
        "next_attempt_at": None,
    }
    if note is not None:
        values["last_error"] = note
    _finish(connection, row.id, worker, **values)


def _retry_later(
    connection: Connection, row: Row[Any], worker: str, error: str, at: datetime
) -> None:
    """Put a row back to pending with the time of its next attempt."""
    log.warning(
        "delivery %s attempt %d failed (%s); retrying at %s", row.id, row.attempts, error, at
    )
    _finish(
        connection,
        row.id,
        worker,
        status=DeliveryStatus.PENDING.value,
        next_attempt_at=at,
        last_error=error,
    )
