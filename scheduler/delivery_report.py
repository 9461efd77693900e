"""The admin view (สถานะการส่ง): how reminders fared in the last 30 days, and LINE's quota."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from models.tables import DeliveryStatus
from scheduler import texts
from scheduler.messenger import PushRejected, PushUnreachable
from scheduler.rules import DIGEST_KIND
from scheduler.sender import PAUSED_UNTIL, QUOTA_EXHAUSTED_AT
from scheduler.state import ANSWER_KIND, DELIVERY, read_instant
from scheduler.thaidate import format_date

WINDOW = timedelta(days=30)
BANGKOK = ZoneInfo("Asia/Bangkok")


@runtime_checkable
class QuotaSource(Protocol):
    """A messenger that can tell this month's message use (bot.line_api.LineClient can)."""

    def quota_consumption(self) -> int:
        """Messages sent this month that count against the quota."""


def read_quota(messenger: object) -> int | None:
    """This month's use from the messenger, or None when it cannot tell right now."""
    if not isinstance(messenger, QuotaSource):
        return None
    try:
        return messenger.quota_consumption()
    except (PushRejected, PushUnreachable):
        return None


@dataclass(frozen=True)
class DeliveryCounts:
    """Outbox rows due in the window, by outcome."""

    sent: int = 0
    late: int = 0
    retried: int = 0  # needed more than one attempt (sent since, or still waiting)
    waiting: int = 0  # pending or being sent
    failed: int = 0
    missed: int = 0
    last_failure: str | None = None


def delivery_counts(session: Session, now: datetime) -> DeliveryCounts:
    """Count the reminders due in the 30 days up to `now` (chat answers are not counted)."""
    recent = (
        DELIVERY.c.kind == DIGEST_KIND,
        DELIVERY.c.due_at > now - WINDOW,
        DELIVERY.c.due_at <= now,
    )
    by_status: dict[str, int] = {
        status: count
        for status, count in session.execute(
            select(DELIVERY.c.status, func.count()).where(*recent).group_by(DELIVERY.c.status)
        )
    }
    late = session.execute(
        select(func.count()).where(
            *recent, DELIVERY.c.status == DeliveryStatus.SENT.value, DELIVERY.c.late
        )
    ).scalar_one()
    retried = session.execute(
        select(func.count()).where(*recent, DELIVERY.c.attempts > 1)
    ).scalar_one()
    last_failure = session.execute(
        select(DELIVERY.c.last_error)
        .where(*recent, DELIVERY.c.status == DeliveryStatus.FAILED.value)
        .order_by(DELIVERY.c.due_at.desc())
        .limit(1)
    ).scalar()
    return DeliveryCounts(
        sent=by_status.get(DeliveryStatus.SENT.value, 0),
        late=late,
        retried=retried,
        waiting=by_status.get(DeliveryStatus.PENDING.value, 0)
        + by_status.get(DeliveryStatus.SENDING.value, 0),
        failed=by_status.get(DeliveryStatus.FAILED.value, 0),
        missed=by_status.get(DeliveryStatus.MISSED.value, 0),
        last_failure=last_failure,
    )


def answer_counts(session: Session, now: datetime) -> tuple[int, int]:
    """Chat answers of the last 30 days: (sent by reply, free; sent by push, from the quota)."""
    rows = session.execute(
        select(DELIVERY.c.sent_via, func.count())
        .where(
            DELIVERY.c.kind == ANSWER_KIND,
            DELIVERY.c.created_at > now - WINDOW,
            DELIVERY.c.status == DeliveryStatus.SENT.value,
        )
        .group_by(DELIVERY.c.sent_via)
    )
    by_way = {via: count for via, count in rows}
    return by_way.get("reply", 0), by_way.get("push", 0)


def _when(moment: datetime, tz: tzinfo) -> str:
    """ "17 มิ.ย. 2567 08:30 น." in the bot's time zone."""
    local = moment.astimezone(tz)
    return texts.time_label(format_date(local.date()), local.strftime("%H:%M"))


def delivery_report(
    session: Session,
    now: datetime,
    messenger_quota: int | None,
    *,
    tz: tzinfo = BANGKOK,
    grace_hours: float = 6.0,
) -> str:
    """The Thai answer to สถานะการส่ง: outcomes of the last 30 days, quota use and state.

    Pass `tz=settings.timezone` and `grace_hours=settings.delivery_grace_hours`.
    """
    counts = delivery_counts(session, now)
    connection = session.connection()
    quota_exhausted_at = read_instant(connection, QUOTA_EXHAUSTED_AT)
    paused_until = read_instant(connection, PAUSED_UNTIL)
    lines = [
        texts.delivery_report_heading(
            format_date((now - WINDOW).astimezone(tz).date()), _when(now, tz)
        ),
        texts.delivery_report_counts(counts.sent, counts.late, counts.retried, counts.waiting),
        texts.delivery_report_failed(counts.failed, counts.last_failure),
        texts.delivery_report_missed(counts.missed, grace_hours),
        texts.delivery_report_answers(*answer_counts(session, now)),
        texts.delivery_report_quota(messenger_quota),
    ]
    if quota_exhausted_at is not None:
        lines.append(texts.delivery_report_quota_exhausted(_when(quota_exhausted_at, tz)))
    elif paused_until is not None and paused_until > now:
        lines.append(texts.delivery_report_paused(_when(paused_until, tz)))
    return "\n".join(lines)
