"""A year of reminder ticks (fiscal 2567, December 2567) through the real SDK to the fake LINE."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from bot.line_api import LineClient
from models.settings import Settings
from models.tables import (
    ChatGroup,
    Delivery,
    DeliveryStatus,
    GroupMember,
    Person,
    Role,
    Task,
    TaskOwner,
)
from scheduler.calendar import WorkCalendar
from scheduler.clock import tick
from scheduler.rules import is_first_working_day_of_week
from tests.support.fake_line import FakeLine, RecordedRequest
from tests.support.web import ACCESS_TOKEN

BANGKOK = ZoneInfo("Asia/Bangkok")
NATIONAL_GROUP = "C" + "a" * 32
YALA_GROUP = "C" + "b" * 32
OWNER = "U" + "1" * 32
SUPERVISOR = "U" + "2" * 32
LONG_AGO = datetime(2023, 9, 1, tzinfo=UTC)


def days(start: date, end: date) -> Iterator[date]:
    """Every date from start to end inclusive."""
    while start <= end:
        yield start
        start += timedelta(days=1)


def push_text(push: RecordedRequest) -> str:
    """All message texts of a push, joined."""
    return "\n".join(message["text"] for message in push.body["messages"])


def mentioned(push: RecordedRequest) -> set[str]:
    """User ids @mentioned anywhere in a push."""
    return {
        entry["mentionee"]["userId"]
        for message in push.body["messages"]
        for entry in message.get("substitution", {}).values()
    }


@dataclass(frozen=True)
class Year:
    """The outcome of a year of ticks, and what produced it."""

    pushes: dict[tuple[str, date], list[RecordedRequest]]
    engine: Engine
    fake_line: FakeLine
    settings: Settings


@pytest.fixture(scope="module")
def year(migrated_engine: Engine) -> Iterator[Year]:
    """Two groups with a meeting rule, two tasks; a tick every day at 08:30, Mondays at 13:00 too.

    Module-scoped so the year runs once for all the checks below.
    """
    engine = migrated_engine
    fake_line = FakeLine().start()
    settings = Settings.from_env(
        {
            "BOT_ENV": "test",
            "LINE_CHANNEL_SECRET": "secret",
            "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
            "LINE_API_BASE_URL": fake_line.base_url,
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        }
    )
    with Session(engine) as session:
        national = ChatGroup(line_group_id=NATIONAL_GROUP, name="งานธุรการ", meeting_day=15)
        yala = ChatGroup(line_group_id=YALA_GROUP, name="ยะลา", province="ยะลา", meeting_day=15)
        owner = Person(line_user_id=OWNER, display_name="สมชาย")
        boss = Person(line_user_id=SUPERVISOR, display_name="หัวหน้า", role=Role.SUPERVISOR.value)
        session.add_all([national, yala, owner, boss])
        session.flush()
        assert national.id and owner.id and boss.id
        session.add(GroupMember(group_id=national.id, person_id=boss.id))
        overdue = Task(
            title="จัดทำคู่มือ",
            group_id=national.id,
            due_date=date(2024, 3, 29),
            created_at=LONG_AGO,
        )
        saturday = Task(
            title="ประกาศเจตนารมณ์",
            group_id=national.id,
            due_date=date(2024, 6, 15),
            created_at=LONG_AGO,
        )
        session.add_all([overdue, saturday])
        session.flush()
        assert overdue.id and saturday.id
        session.add_all(
            [
                TaskOwner(task_id=overdue.id, person_id=owner.id),
                TaskOwner(task_id=saturday.id, person_id=owner.id),
            ]
        )
        session.commit()

    line = LineClient(ACCESS_TOKEN, fake_line.base_url, timeout=2)
    by_day: dict[tuple[str, date], list[RecordedRequest]] = defaultdict(list)
    seen = 0
    ticks = [
        *(
            datetime.combine(day, time(8, 30), BANGKOK)
            for day in days(date(2023, 10, 1), date(2024, 9, 30))
        ),
        *(
            datetime.combine(day, time(8, 30), BANGKOK)
            for day in days(date(2024, 12, 1), date(2024, 12, 31))
        ),
    ]
    try:
        for now in ticks:
            # A mid-day tick once a week shows a later tick the same day adds nothing.
            for at in (now, now.replace(hour=13)) if now.weekday() == 0 else (now,):
                tick(engine, line, settings, at, worker="test")
                pushes = fake_line.pushes
                for push in pushes[seen:]:
                    by_day[push.body["to"], at.date()].append(push)
                seen = len(pushes)
        yield Year(dict(by_day), engine, fake_line, settings)
    finally:
        line.close()
        fake_line.stop()
        with engine.begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(table.delete())


def test_one_push_per_group_per_day_each_with_its_own_accepted_retry_key(
    year: Year,
) -> None:
    assert all(len(pushes) == 1 for pushes in year.pushes.values())
    keys = [push.retry_key for push in year.fake_line.pushes]
    assert len(keys) == len(set(keys)) == len(year.pushes)
    assert all(len(push.body["messages"]) <= 5 for push in year.fake_line.pushes)


def test_meetings_on_the_shifted_dates_with_the_reason(
    year: Year,
) -> None:
    national = {day for (group, day), _ in year.pushes.items() if group == NATIONAL_GROUP}
    meeting_days = {
        day
        for (group, day), [push] in year.pushes.items()
        if group == NATIONAL_GROUP and "ประชุมประจำเดือน" in push_text(push)
    }
    assert {date(2024, 6, 14), date(2024, 6, 17)} <= meeting_days
    assert date(2024, 6, 15) not in national
    [eve] = year.pushes[NATIONAL_GROUP, date(2024, 6, 14)]
    [meeting] = year.pushes[NATIONAL_GROUP, date(2024, 6, 17)]
    for push in (eve, meeting):
        assert "17 มิ.ย. 2567" in push_text(push)
        assert "เลื่อนจาก 15 มิ.ย. 2567 (วันเสาร์)" in push_text(push)
    assert "แจ้งล่วงหน้า" in push_text(eve)
    assert "วันนี้ประชุมประจำเดือน" in push_text(meeting)

    yala = {day for (group, day) in year.pushes if group == YALA_GROUP}
    calendar = WorkCalendar("ยะลา")
    expected = set()
    for month_start in [date(2023, m, 1) for m in (10, 11, 12)] + [
        date(2024, m, 1) for m in (*range(1, 10), 12)
    ]:
        meeting_day = calendar.meeting_date(month_start.year, month_start.month)
        expected |= {meeting_day, calendar.previous_working_day(meeting_day)}
    # The Yala group has only its meeting rule, and the notice of what the gap skipped.
    assert yala - expected == {date(2024, 12, 2)}
    assert {date(2024, 6, 14), date(2024, 6, 18)} <= yala
    assert date(2024, 6, 17) not in yala  # วันรายอฮัจยี in Yala
    [yala_meeting] = year.pushes[YALA_GROUP, date(2024, 6, 18)]
    assert "18 มิ.ย. 2567" in push_text(yala_meeting)
    assert "เลื่อนจาก 15 มิ.ย. 2567 (วันเสาร์)" in push_text(yala_meeting)
    assert "วันรายอฮัจยี" in push_text(yala_meeting)


def test_month_end_rounds_on_last_working_days_and_summaries_on_first(
    year: Year,
) -> None:
    asks = {
        day
        for (group, day), [push] in year.pushes.items()
        if group == NATIONAL_GROUP and "วันทำการสุดท้ายของเดือน" in push_text(push)
    }
    calendar = WorkCalendar()
    months = [(2023, m) for m in (10, 11, 12)] + [(2024, m) for m in (*range(1, 10), 12)]
    assert asks == {calendar.last_working_day(year, month) for year, month in months}
    assert date(2024, 12, 27) in asks  # 27 ธ.ค. 2567: the 30th and 31st are holidays
    assert date(2023, 12, 28) in asks  # 29 Dec 2023 was a special holiday
    [ask] = year.pushes[NATIONAL_GROUP, date(2024, 12, 27)]
    assert "รายงาน #" in push_text(ask)
    assert OWNER in mentioned(ask)

    summaries = {
        day
        for (group, day), [push] in year.pushes.items()
        if group == NATIONAL_GROUP and "สรุปรายงานเดือน" in push_text(push)
    }
    assert date(2024, 6, 4) in summaries  # 3 June 2024 was the Queen's birthday
    [summary] = year.pushes[NATIONAL_GROUP, date(2024, 6, 4)]
    assert SUPERVISOR in mentioned(summary)
    assert "ยังไม่ส่ง 2 งาน" in push_text(summary)


def test_deadlines_and_weekly_overdue_on_the_right_days(
    year: Year,
) -> None:
    def days_saying(phrase: str) -> set[date]:
        """Days whose push has a deadline line about `phrase`."""
        return {
            day
            for (group, day), [push] in year.pushes.items()
            if group == NATIONAL_GROUP
            and any(phrase in line and "ครบกำหนด" in line for line in push_text(push).split("\n"))
        }

    # Due Friday 29 Mar 2024: 7 days before, 1 working day before, on the day.
    assert days_saying("จัดทำคู่มือ") == {date(2024, 3, 22), date(2024, 3, 28), date(2024, 3, 29)}
    # Due Saturday 15 Jun 2024: the 8th is a Saturday too → Friday the 7th; the day → Friday 14th.
    assert days_saying("ประกาศเจตนารมณ์") == {date(2024, 6, 7), date(2024, 6, 14)}

    overdue_days = {
        day
        for (group, day), [push] in year.pushes.items()
        if group == NATIONAL_GROUP and "เลยกำหนด" in push_text(push)
    }
    calendar = WorkCalendar()
    expected = {
        day
        for day in (
            *days(date(2024, 3, 30), date(2024, 9, 30)),
            *days(date(2024, 12, 1), date(2024, 12, 31)),
        )
        if is_first_working_day_of_week(calendar, day)
    }
    assert overdue_days == expected
    assert date(2024, 4, 17) in overdue_days  # Songkran week: Wednesday is its first working day
    for day in overdue_days:
        [push] = year.pushes[NATIONAL_GROUP, day]
        assert {OWNER, SUPERVISOR} <= mentioned(push)


def test_the_same_tick_again_sends_nothing_new(
    year: Year,
) -> None:
    before = len(year.fake_line.pushes)
    line = LineClient(ACCESS_TOKEN, year.fake_line.base_url, timeout=2)
    try:
        for at in (
            datetime(2024, 12, 27, 8, 30, tzinfo=BANGKOK),
            datetime(2024, 6, 17, 1, 30, tzinfo=UTC),
        ):
            again = tick(year.engine, line, year.settings, at)
            assert again.planned.planned == again.sent.sent == 0
    finally:
        line.close()
    assert len(year.fake_line.pushes) == before


def test_two_months_without_ticks_are_recorded_missed_and_reported_once(year: Year) -> None:
    with Session(year.engine) as session:
        rows = session.exec(select(Delivery).where(Delivery.target == NATIONAL_GROUP)).all()
    gap = [row for row in rows if date(2024, 10, 1) <= row.due_at.date() <= date(2024, 11, 30)]
    assert gap and all(row.status == DeliveryStatus.MISSED.value for row in gap)
    assert all(row.sent_at is None and row.attempts == 0 for row in gap)
    notice_key = f"reminder_digest:{NATIONAL_GROUP}:2024-12-02"
    assert {row.noticed_in for row in gap} == {notice_key}
    [notice] = year.pushes[NATIONAL_GROUP, date(2024, 12, 2)]
    text = push_text(notice)
    assert f"แจ้งเตือน {len(gap)} รายการส่งไม่ทันเวลา" in text
    assert "31 ต.ค. 2567 08:30 น." in text  # October's month-end round, for one
    assert SUPERVISOR in mentioned(notice)
    later = [
        push_text(push) for (group, day), [push] in year.pushes.items() if day > date(2024, 12, 2)
    ]
    assert not any("ส่งไม่ทันเวลา" in text for text in later)
