"""The planner's edges: read what is due, run the rules, write one outbox row per digest."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from models.tables import DeliveryStatus
from scheduler import texts
from scheduler.messages import text
from scheduler.rules import DIGEST_KIND, PlannedDigest, plan_group
from scheduler.snapshot import load_groups
from scheduler.state import DELIVERY, SYSTEM_STATE, dialect_insert, write_state

log = logging.getLogger(__name__)

_RETRY_KEY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "tidtam:delivery")
# SystemState keys "planner.retry:<LINE group id>": where a group's failed planning resumes.
RETRY_PREFIX = "planner.retry:"
PLANNER_ALERT_KIND = "planner_alert"


def retry_key_for(occurrence_key: str) -> str:
    """The X-Line-Retry-Key of a delivery: the same for every attempt, across processes."""
    return str(uuid.uuid5(_RETRY_KEY_NAMESPACE, occurrence_key))


@dataclass
class PlanResult:
    """What one planning pass put in the outbox."""

    planned: int = 0
    missed: int = 0
    duplicates: int = 0
    failed_groups: int = 0
    keys: list[str] = field(default_factory=list)


def record(
    connection: Connection, planned: Sequence[tuple[PlannedDigest, bool]], now: datetime
) -> PlanResult:
    """Insert the digests, skipping any already in the outbox (same occurrence key)."""
    table = DELIVERY
    result = PlanResult()
    if not planned:
        return result
    with connection.begin():
        for digest, too_old in planned:
            status = DeliveryStatus.MISSED if too_old else DeliveryStatus.PENDING
            statement = (
                dialect_insert(connection, table)
                .values(
                    kind=DIGEST_KIND,
                    target=digest.target,
                    occurrence_key=digest.occurrence_key,
                    payload={
                        "messages": digest.messages,
                        "items": list(digest.items),
                        "summary": digest.summary,
                    },
                    due_at=digest.due_at,
                    status=status.value,
                    attempts=0,
                    retry_key=retry_key_for(digest.occurrence_key),
                    late=False,
                    last_error="older than the grace window when planned" if too_old else None,
                    created_at=now,
                )
                .on_conflict_do_nothing(index_elements=["occurrence_key"])
                .returning(table.c.id)
            )
            if connection.execute(statement).first() is None:
                result.duplicates += 1
                continue
            result.keys.append(digest.occurrence_key)
            if too_old:
                result.missed += 1
                continue
            result.planned += 1
            if digest.noticed:
                connection.execute(
                    update(table)
                    .where(table.c.occurrence_key.in_(digest.noticed), table.c.noticed_in.is_(None))
                    .values(noticed_in=digest.occurrence_key)
                )
    return result


def plan(
    connection: Connection,
    now: datetime,
    *,
    since: datetime,
    grace: timedelta,
    tz: tzinfo,
    admins: Sequence[str] = (),
    web_view: Callable[[int], str] | None = None,
) -> PlanResult:
    """Plan every digest due in (since, now]; those older than the grace window are missed.

    `web_view` makes a group's web view link (by group id) for a busy digest's card.

    A group whose rules raise is skipped, logged, reported once to `admins` (LINE user ids) and
    planned again from the same point on the next tick; the other groups go on.
    """
    retry = read_retries(connection)
    with Session(bind=connection) as session:
        groups = load_groups(session, tz, since, now, retry_since=retry)
    planned: list[tuple[PlannedDigest, bool]] = []
    failed: dict[str, tuple[datetime, str]] = {}
    for group in groups:
        start = min(since, retry.get(group.line_group_id, since))
        if web_view is not None and group.group_id is not None:
            group = replace(group, web_view_url=web_view(group.group_id))
        try:
            planned += plan_group(group, start, now, now - grace, tz)
        except Exception as error:  # one group's bad data must not stop the others
            log.exception("planning group %s failed; retrying next tick", group.line_group_id)
            failed[group.line_group_id] = (start, f"{type(error).__name__}: {error}")
    result = record(connection, planned, now)
    result.failed_groups = len(failed)
    with connection.begin():
        recovered = [key for key in retry if key not in failed]
        if recovered:
            connection.execute(
                delete(SYSTEM_STATE).where(
                    SYSTEM_STATE.c.key.in_([RETRY_PREFIX + key for key in recovered])
                )
            )
        for line_group_id, (start, reason) in failed.items():
            write_state(connection, RETRY_PREFIX + line_group_id, start.isoformat(), now)
            if line_group_id not in retry:
                _alert(connection, admins, line_group_id, start, reason, now)
    return result


def read_retries(connection: Connection) -> dict[str, datetime]:
    """Groups whose planning failed, with the instant their planning resumes from."""
    with connection.begin():
        rows = connection.execute(
            select(SYSTEM_STATE.c.key, SYSTEM_STATE.c.value).where(
                SYSTEM_STATE.c.key.startswith(RETRY_PREFIX)
            )
        )
        return {
            key.removeprefix(RETRY_PREFIX): datetime.fromisoformat(value)
            for key, value in rows
            if value
        }


def _alert(
    connection: Connection,
    admins: Sequence[str],
    line_group_id: str,
    since: datetime,
    error: str,
    now: datetime,
) -> None:
    """Tell each admin, once per failure, that a group's reminders are held back."""
    message = text(texts.planner_failed(line_group_id, error[:300]))
    for admin in admins:
        key = f"{PLANNER_ALERT_KIND}:{line_group_id}:{since.isoformat()}:{admin}"
        connection.execute(
            dialect_insert(connection, DELIVERY)
            .values(
                kind=PLANNER_ALERT_KIND,
                target=admin,
                occurrence_key=key[:300],
                payload={"messages": [message], "summary": error[:300]},
                due_at=now,
                status=DeliveryStatus.PENDING.value,
                attempts=0,
                retry_key=retry_key_for(key),
                late=False,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["occurrence_key"])
        )
