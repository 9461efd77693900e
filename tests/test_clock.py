"""The clock: ticks with injected time, catch-up and the grace window, the job, serve's clock."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.line_api import LineClient
from models.db import make_engine
from models.migrate import upgrade
from models.settings import Settings
from models.tables import ChatGroup, Delivery, GroupMember, Person, Role
from scheduler.clock import TICK_JOB_ID, schedule_ticks, tick
from scheduler.planner import PlanResult
from scheduler.state import DELIVERY
from tests.support.fake_line import FakeLine
from tests.support.outbox import add_deliveries
from tests.support.processes import free_port, scheduler_env, wait_until
from tests.support.web import ACCESS_TOKEN

BANGKOK = ZoneInfo("Asia/Bangkok")
GROUP = "C" + "a" * 32
BOSS = "U" + "2" * 32


@pytest.fixture
def line(fake_line: FakeLine) -> Iterator[LineClient]:
    """The real SDK client against the fake LINE."""
    client = LineClient(ACCESS_TOKEN, fake_line.base_url, timeout=2)
    yield client
    client.close()


@pytest.fixture
def meeting_group(engine: Engine) -> None:
    """A group meeting on the 15th (June 2024: eve on Fri 14th, meeting on Mon 17th)."""
    with Session(engine) as session:
        group = ChatGroup(line_group_id=GROUP, meeting_day=15)
        boss = Person(line_user_id=BOSS, role=Role.SUPERVISOR.value)
        session.add_all([group, boss])
        session.flush()
        assert group.id and boss.id
        session.add(GroupMember(group_id=group.id, person_id=boss.id))
        session.commit()


def bangkok(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime:
    """A 2024 instant in Bangkok."""
    return datetime(2024, month, day, hour, minute, tzinfo=BANGKOK)


def statuses(engine: Engine) -> dict[str, str]:
    """Occurrence day → status of every digest."""
    with Session(engine) as session:
        rows = session.exec(select(Delivery).order_by(Delivery.due_at)).scalars()
        return {row.occurrence_key.rsplit(":", 1)[1]: row.status for row in rows}


@pytest.mark.usefixtures("meeting_group")
def test_the_first_tick_looks_back_only_over_the_grace_window(
    engine: Engine, line: LineClient, settings: Settings, fake_line: FakeLine
) -> None:
    assert tick(engine, line, settings, bangkok(14, 15)).planned.planned == 0  # 08:30 is 6.5 h ago
    assert statuses(engine) == {}
    assert fake_line.pushes == []


@pytest.mark.usefixtures("meeting_group")
def test_a_first_tick_within_the_grace_window_sends_late(
    engine: Engine, line: LineClient, settings: Settings
) -> None:
    result = tick(engine, line, settings, bangkok(14, 10))
    assert (result.planned.planned, result.sent.sent) == (1, 1)
    with Session(engine) as session:
        [row] = session.exec(select(Delivery)).scalars()
    assert row.late and row.sent_at == bangkok(14, 10)


@pytest.mark.usefixtures("meeting_group")
def test_downtime_is_caught_up_missed_beyond_grace_and_reported_to_supervisors(
    engine: Engine, line: LineClient, settings: Settings, fake_line: FakeLine
) -> None:
    tick(engine, line, settings, bangkok(13, 9))
    # Down from the 13th until 10:00 on the 17th: the 14th is too old, the 17th is late.
    result = tick(engine, line, settings, bangkok(17, 10))
    assert (result.planned.missed, result.planned.planned, result.sent.sent) == (1, 1, 1)
    assert statuses(engine) == {"2024-06-14": "missed", "2024-06-17": "sent"}
    [meeting] = fake_line.pushes
    assert "วันนี้ประชุมประจำเดือน" in meeting.body["messages"][0]["text"]

    # The next supervisor summary (1 July, the first working day) lists what was skipped.
    tick(engine, line, settings, bangkok(1, 8, 30, month=7))
    summary = fake_line.pushes[-1].body["messages"][0]
    assert "แจ้งเตือน 1 รายการส่งไม่ทันเวลา" in summary["text"]
    assert "14 มิ.ย. 2567 08:30 น. — แจ้งประชุม" in summary["text"]
    assert summary["substitution"]["u1"]["mentionee"]["userId"] == BOSS
    with Session(engine) as session:
        missed = session.exec(select(Delivery).where(Delivery.status == "missed")).scalars().one()
    assert missed.noticed_in == f"reminder_digest:{GROUP}:2024-07-01"


@pytest.mark.usefixtures("meeting_group")
def test_ticks_are_idempotent_and_time_going_back_sends_nothing_twice(
    engine: Engine, line: LineClient, settings: Settings, fake_line: FakeLine
) -> None:
    for now in (bangkok(14, 8, 30), bangkok(14, 8, 30), bangkok(14, 8, 31), bangkok(14, 8, 29)):
        tick(engine, line, settings, now)
    tick(engine, line, settings, bangkok(14, 8, 30))
    assert len(fake_line.pushes) == 1


def test_the_job_ticks_every_minute_one_at_a_time_starting_now(
    engine: Engine, line: LineClient, settings: Settings
) -> None:
    scheduler = BackgroundScheduler(timezone=UTC)
    before = datetime.now(UTC)
    schedule_ticks(scheduler, engine, line, settings)
    job = scheduler.get_job(TICK_JOB_ID)
    assert job is not None
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval == timedelta(minutes=1)
    assert job.max_instances == 1 and job.coalesce is True
    assert before <= job.next_run_time <= datetime.now(UTC)  # the catch-up tick runs at once


def test_serve_runs_the_clock_in_process(tmp_path: Path, fake_line: FakeLine) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    engine = make_engine(url)
    upgrade(engine)
    add_deliveries(engine, 1, due_at=datetime.now(UTC) - timedelta(minutes=1))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(free_port())],
        env=scheduler_env(url, fake_line),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def sent() -> bool:
        """Whether serve's clock has sent the delivery."""
        with engine.connect() as connection:
            return connection.execute(select(DELIVERY.c.status)).scalar() == "sent"

    try:
        wait_until(sent, process)
    finally:
        process.terminate()
        process.communicate(timeout=10)
        engine.dispose()
    assert len(fake_line.pushes) == 1


@pytest.mark.usefixtures("meeting_group")
def test_a_planner_that_raises_does_not_stop_the_sender_and_the_next_tick_recovers(
    engine: Engine, line: LineClient, settings: Settings, fake_line: FakeLine
) -> None:
    # An answer waiting in the outbox (its reply failed earlier), due now.
    add_deliveries(engine, 1, due_at=bangkok(14, 8, 0), kind="reply", target=BOSS)

    def broken(*args: object, **kwargs: object) -> PlanResult:
        """A planner failing as the old one did past 65,535 bind parameters."""
        raise OperationalError("SELECT …", {}, Exception("too many bind parameters"))

    failed = tick(engine, line, settings, bangkok(14, 8, 30), planner=broken)
    assert failed.plan_error is not None and "too many bind parameters" in failed.plan_error
    assert failed.sent.sent == 1 and fake_line.pushes[0].body["to"] == BOSS  # answers go out

    recovered = tick(engine, line, settings, bangkok(14, 8, 31))
    assert recovered.plan_error is None
    assert recovered.planned.keys == [f"reminder_digest:{GROUP}:2024-06-14"]  # the missed window
    with Session(engine) as session:
        digest = session.exec(
            select(Delivery).where(Delivery.occurrence_key == recovered.planned.keys[0])
        ).scalar_one()
    assert digest.status == "sent" and fake_line.pushes[-1].body["to"] == GROUP
