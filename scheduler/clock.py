"""The reminder clock: one tick plans and sends what is due; APScheduler calls it every minute."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.engine import Engine

from models.settings import Settings
from scheduler.links import dashboard_link
from scheduler.messenger import Messenger
from scheduler.planner import PlanResult, plan
from scheduler.sender import LAST_TICK, SendResult, send_due
from scheduler.state import read_instant, worker_name, write_state

log = logging.getLogger(__name__)

TICK_JOB_ID = "tidtam-tick"


@dataclass(frozen=True)
class TickResult:
    """What one tick planned and sent; `plan_error` when planning failed (sending still ran)."""

    planned: PlanResult
    sent: SendResult
    plan_error: str | None = None


def tick(
    engine: Engine,
    messenger: Messenger,
    settings: Settings,
    now: datetime,
    *,
    worker: str | None = None,
    planner: Callable[..., PlanResult] = plan,
) -> TickResult:
    """Plan what fell due since the last completed tick, send what is due, remember `now`.

    The first tick ever looks back only over the grace window: older reminders of a fresh
    install were never promised. A clock set back replans its grace window (keys make that safe).
    """
    if now.tzinfo is None:
        raise ValueError("tick needs an aware `now`")
    grace = timedelta(hours=settings.delivery_grace_hours)
    with engine.connect() as connection:
        with connection.begin():
            last_tick = read_instant(connection, LAST_TICK)
        since = last_tick if last_tick is not None and last_tick < now else now - grace
        planned, plan_error = PlanResult(), None
        try:
            planned = planner(
                connection,
                now,
                since=since,
                grace=grace,
                tz=settings.timezone,
                admins=sorted(settings.admin_ids),
                web_view=_web_view_links(settings, now),
            )
        except Exception as error:  # the sender must keep going: answers wait in the outbox too
            log.exception("planning failed; sending what is due, planning again next tick")
            plan_error = f"{type(error).__name__}: {error}"
            if connection.in_transaction():
                connection.rollback()
        sent = send_due(
            connection,
            messenger,
            now,
            grace=grace,
            worker=worker or worker_name(),
            concurrency=settings.line_push_concurrency,
        )
        if plan_error is None:  # else the next tick plans this window again (keys dedupe)
            with connection.begin():
                latest = read_instant(connection, LAST_TICK)
                if latest is None or latest < now:
                    write_state(connection, LAST_TICK, now.astimezone(UTC).isoformat(), now)
    if planned.planned or planned.missed or sent.sent or sent.failed or sent.retrying:
        log.info(
            "tick %s: planned %d, missed %d, sent %d, retrying %d, failed %d",
            now.isoformat(),
            planned.planned,
            planned.missed + sent.missed,
            sent.sent,
            sent.retrying,
            sent.failed,
        )
    return TickResult(planned, sent, plan_error)


def _web_view_links(settings: Settings, now: datetime) -> Callable[[int], str] | None:
    """Signed web view links for the digests' cards (None without a public address)."""
    base_url = settings.public_base_url
    if base_url is None:
        return None
    secret = settings.line_channel_secret
    return lambda group_id: dashboard_link(base_url, secret, [group_id], now)


def _tick_now(engine: Engine, messenger: Messenger, settings: Settings, worker: str) -> None:
    """The job: a tick at the wall-clock time; errors are logged, the clock keeps going."""
    try:
        tick(engine, messenger, settings, datetime.now(UTC), worker=worker)
    except Exception:
        log.exception("reminder tick failed; the next tick retries from the same point")


def schedule_ticks(
    scheduler: BaseScheduler, engine: Engine, messenger: Messenger, settings: Settings
) -> None:
    """Add the every-minute tick job, with a first run right away (the catch-up on start).

    One instance at a time and missed runs coalesced: a slow tick delays the next, never
    doubles it. Correctness does not depend on this: the outbox's keys and claims do.
    """
    args: list[Any] = [engine, messenger, settings, worker_name()]
    scheduler.add_job(
        _tick_now,
        "interval",
        minutes=1,
        args=args,
        id=TICK_JOB_ID,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=30,
        next_run_time=datetime.now(UTC),
        replace_existing=True,
    )


def run_clock(engine: Engine, messenger: Messenger, settings: Settings) -> None:
    """Tick every minute in this thread until interrupted (`python -m scheduler run`)."""
    scheduler = BlockingScheduler(timezone=UTC)
    schedule_ticks(scheduler, engine, messenger, settings)
    log.info("reminder clock started: a tick every minute, first one now")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("reminder clock stopped")


def start_background_clock(
    engine: Engine, messenger: Messenger, settings: Settings
) -> BackgroundScheduler:
    """Tick every minute in a background thread (`python -m bot serve`); call shutdown() to stop."""
    scheduler = BackgroundScheduler(timezone=UTC)
    schedule_ticks(scheduler, engine, messenger, settings)
    scheduler.start()
    log.info("reminder clock started in-process: a tick every minute, first one now")
    return scheduler
