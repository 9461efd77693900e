"""The reminder rules as tables, and the planner's edges: snapshot, overrides, duplicate keys."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.plan.importer import bind_unit
from models.tables import (
    ChatGroup,
    Delivery,
    HolidayOverride,
    OverrideKind,
    Person,
    Task,
    TaskOwner,
    Unit,
)
from scheduler.calendar import WorkCalendar
from scheduler.planner import PlanResult, plan, read_retries
from scheduler.rules import (
    GroupFacts,
    Member,
    TaskFacts,
    deadline_days,
    is_first_working_day_of_week,
    plan_day,
)
from scheduler.snapshot import load_groups
from tests.support.events import NOW

BANGKOK = ZoneInfo("Asia/Bangkok")
GROUP = "C" + "a" * 32
OWNER = Member("U" + "1" * 32, "สมชาย")
NATIONAL = WorkCalendar()


def at_reminder(day: date) -> datetime:
    """08:30 Bangkok on the day."""
    return datetime.combine(day, time(8, 30), BANGKOK)


def digest_text(group: GroupFacts, day: date) -> str:
    """The whole text of the group's digest of the day ("" when there is none)."""
    digest = plan_day(group, day, at_reminder(day))
    return "" if digest is None else "\n".join(m["text"] for m in digest.messages)


@pytest.mark.parametrize(
    ("due", "announced"),
    [
        # A Friday: a week before, the day before, the day.
        (date(2024, 3, 29), {date(2024, 3, 22), date(2024, 3, 28), date(2024, 3, 29)}),
        # A Saturday: a week before is a Saturday too → Friday; the day → Friday (once).
        (date(2024, 6, 15), {date(2024, 6, 7), date(2024, 6, 14)}),
        # A Monday: the working day before is the Friday.
        (date(2024, 7, 1), {date(2024, 6, 24), date(2024, 6, 28), date(2024, 7, 1)}),
        # After Songkran (12 Apr 2024 was a special holiday, 13-16 Apr Songkran): 11 Apr.
        (date(2024, 4, 17), {date(2024, 4, 10), date(2024, 4, 11), date(2024, 4, 17)}),
    ],
)
def test_deadline_days(due: date, announced: set[date]) -> None:
    assert deadline_days(NATIONAL, due) == announced


@pytest.mark.parametrize(
    ("day", "first"),
    [
        (date(2024, 4, 1), True),  # a Monday
        (date(2024, 4, 2), False),
        (date(2024, 4, 17), True),  # Songkran week: Mon 15, Tue 16 are holidays
        (date(2024, 7, 23), True),  # Mon 22 Jul 2024: in lieu of Asarnha Bucha
        (date(2024, 4, 13), False),  # a Saturday is never a working day
    ],
)
def test_the_week_s_first_working_day(day: date, first: bool) -> None:
    assert is_first_working_day_of_week(NATIONAL, day) is first


def test_a_day_with_nothing_due_has_no_digest() -> None:
    group = GroupFacts(GROUP, NATIONAL, meeting_day=15)
    assert plan_day(group, date(2024, 6, 12), at_reminder(date(2024, 6, 12))) is None


def test_a_meeting_on_the_first_is_announced_on_the_last_working_day_before() -> None:
    group = GroupFacts(GROUP, NATIONAL, meeting_day=1, meeting_time="10:00")
    text = digest_text(group, date(2024, 7, 31))
    assert "แจ้งล่วงหน้า: ประชุมประจำเดือนวันพฤหัสบดีที่ 1 ส.ค. 2567 เวลา 10:00 น." in text
    assert "เลื่อน" not in text


def test_a_task_due_on_the_month_s_last_working_day_is_listed_once() -> None:
    tasks = (
        TaskFacts(
            1, "จัดทำคู่มือ", True, date(2024, 1, 1), due_date=date(2024, 6, 28), owners=(OWNER,)
        ),
        TaskFacts(2, "ประกาศ", True, date(2024, 1, 1), due_date=date(2024, 9, 30), owners=(OWNER,)),
    )
    group = GroupFacts(GROUP, NATIONAL, tasks=tasks)
    text = digest_text(group, date(2024, 6, 28))
    assert text.count("#1 จัดทำคู่มือ") == 1
    assert "#1 จัดทำคู่มือ — ครบกำหนด 28 มิ.ย. 2567 (วันนี้) {u1} · ส่งรายงานประจำเดือนด้วย" in text
    assert text.count("#2 ประกาศ") == 1 and "วันทำการสุดท้ายของเดือน" in text


def test_month_end_asks_only_for_started_unreported_tasks_with_owners() -> None:
    june = date(2024, 6, 28)
    tasks = (
        TaskFacts(
            1,
            "ส่งแล้ว",
            True,
            date(2024, 1, 1),
            owners=(OWNER,),
            reported_months=frozenset({"2024-06"}),
        ),
        TaskFacts(
            2, "ยังไม่เริ่ม", True, date(2024, 1, 1), start_date=date(2024, 7, 1), owners=(OWNER,)
        ),
        TaskFacts(3, "ไม่มีเจ้าของ", True, date(2024, 1, 1)),
        TaskFacts(4, "เสร็จแล้ว", False, date(2024, 1, 1), owners=(OWNER,)),
        TaskFacts(5, "ต้องรายงาน", True, date(2024, 1, 1), owners=(OWNER,)),
    )
    text = digest_text(GroupFacts(GROUP, NATIONAL, tasks=tasks), june)
    assert "#5 ต้องรายงาน" in text
    assert not any(f"#{n} " in text for n in (1, 2, 3, 4))


def test_the_summary_names_who_reported_last_month_to_the_supervisors() -> None:
    boss = Member("U" + "2" * 32, "หัวหน้า")
    tasks = (
        TaskFacts(
            1,
            "รายงานแล้ว",
            True,
            date(2024, 1, 1),
            owners=(OWNER,),
            reported_months=frozenset({"2024-05"}),
        ),
        TaskFacts(2, "ยังไม่รายงาน", True, date(2024, 1, 1), owners=(OWNER,)),
        TaskFacts(3, "เสร็จเมื่อเดือนมีนาคม", False, date(2024, 1, 1), done_on=date(2024, 3, 1)),
        # Done in May without a May report: done work is not "not reported" (issue 13).
        TaskFacts(4, "เสร็จเดือนพฤษภาคม", False, date(2024, 1, 1), done_on=date(2024, 5, 20)),
        TaskFacts(
            5,
            "เสร็จและรายงาน",
            False,
            date(2024, 1, 1),
            done_on=date(2024, 5, 21),
            reported_months=frozenset({"2024-05"}),
        ),
    )
    group = GroupFacts(GROUP, NATIONAL, tasks=tasks, supervisors=(boss,))
    digest = plan_day(group, date(2024, 6, 4), at_reminder(date(2024, 6, 4)))
    assert digest is not None
    [message] = digest.messages
    assert "{u1} 📊 สรุปรายงานเดือนพฤษภาคม 2567: ส่งแล้ว 2 งาน ยังไม่ส่ง 1 งาน" in message["text"]
    assert "• #2 ยังไม่รายงาน — สมชาย" in message["text"]
    assert "• #5 เสร็จและรายงาน" in message["text"]
    assert "#3" not in message["text"] and "#4" not in message["text"]
    assert message["substitution"]["u1"]["mentionee"]["userId"] == boss.line_user_id


def add_group(engine: Engine, **values: object) -> None:
    """One active group in the database."""
    with Session(engine) as session:
        session.add(ChatGroup(line_group_id=GROUP, meeting_day=15, **values))
        session.commit()


@pytest.mark.parametrize(
    ("scope", "province", "kind", "day", "meeting"),
    [
        (f"group:{GROUP}", None, OverrideKind.HOLIDAY, date(2024, 6, 17), date(2024, 6, 18)),
        ("province:Yala", "ยะลา", OverrideKind.HOLIDAY, date(2024, 6, 18), date(2024, 6, 19)),
        ("all", None, OverrideKind.WORKING_DAY, date(2024, 6, 15), date(2024, 6, 15)),
        ("province:ปัตตานี", "ยะลา", OverrideKind.HOLIDAY, date(2024, 6, 18), date(2024, 6, 18)),
        (f"group:C{'f' * 32}", None, OverrideKind.HOLIDAY, date(2024, 6, 17), date(2024, 6, 17)),
    ],
)
def test_holiday_overrides_reach_the_groups_they_name(
    engine: Engine,
    scope: str,
    province: str | None,
    kind: OverrideKind,
    day: date,
    meeting: date,
) -> None:
    add_group(engine, province=province)
    with Session(engine) as session:
        session.add(HolidayOverride(day=day, name="วันหยุดท้องถิ่น", kind=kind.value, scope=scope))
        session.commit()
        [group] = load_groups(
            session, BANGKOK, datetime(2024, 6, 1, tzinfo=UTC), datetime(2024, 7, 1, tzinfo=UTC)
        )
    assert group.calendar.meeting_date(2024, 6, 15) == meeting


def test_planning_the_same_window_twice_skips_duplicates(engine: Engine) -> None:
    add_group(engine)
    since, now = at_reminder(date(2024, 6, 13)), at_reminder(date(2024, 6, 17))
    with engine.connect() as connection:
        first = plan(connection, now, since=since, grace=timedelta(days=7), tz=BANGKOK)
        again = plan(connection, now, since=since, grace=timedelta(days=7), tz=BANGKOK)
    assert first.planned == 2 and first.keys == [
        f"reminder_digest:{GROUP}:2024-06-14",
        f"reminder_digest:{GROUP}:2024-06-17",
    ]
    assert again.planned == 0 and again.duplicates == 2


def test_an_inactive_group_gets_nothing(engine: Engine) -> None:
    add_group(engine, active=False)
    with engine.connect() as connection:
        result = plan(
            connection,
            at_reminder(date(2024, 6, 17)),
            since=at_reminder(date(2024, 6, 1)),
            grace=timedelta(days=30),
            tz=BANGKOK,
        )
    assert result.planned == result.missed == 0


def test_plan_measures_are_headings_and_only_their_steps_are_chased(engine: Engine) -> None:
    add_group(engine)
    with Session(engine) as session:
        group_id = session.exec(select(ChatGroup.id)).one()
        measure = Task(
            kind="measure", group_id=group_id, title="มาตรการหัวเรื่อง", due_date=date(2024, 6, 17)
        )
        session.add(measure)
        session.flush()
        session.add(
            Task(
                kind="step",
                parent_id=measure.id,
                group_id=group_id,
                title="ขั้นตอนที่ต้องตาม",
                due_date=date(2024, 6, 17),
            )
        )
        session.commit()
        [group] = load_groups(
            session, BANGKOK, datetime(2024, 6, 1, tzinfo=UTC), datetime(2024, 7, 1, tzinfo=UTC)
        )
    assert [task.title for task in group.tasks] == ["ขั้นตอนที่ต้องตาม"]


def test_a_group_whose_rules_raise_is_retried_alone_and_reported_once(engine: Engine) -> None:
    admin = "U" + "a" * 32
    broken = "C" + "b" * 32
    add_group(engine)
    with Session(engine) as session:
        session.add(ChatGroup(line_group_id=broken, meeting_day=0))  # bad data: no day 0
        session.commit()
    since, now = at_reminder(date(2024, 6, 16)), at_reminder(date(2024, 6, 17))

    def run(at: datetime, start: datetime) -> PlanResult:
        with engine.connect() as connection:
            return plan(
                connection, at, since=start, grace=timedelta(hours=6), tz=BANGKOK, admins=[admin]
            )

    first = run(now, since)
    assert (first.planned, first.failed_groups) == (1, 1)
    assert first.keys == [f"reminder_digest:{GROUP}:2024-06-17"]
    later = now + timedelta(minutes=1)
    assert run(later, now).failed_groups == 1  # still broken: tried again, not reported again
    with Session(engine) as session:
        alerts = session.exec(select(Delivery).where(Delivery.kind == "planner_alert")).all()
        assert [(alert.target, alert.status) for alert in alerts] == [(admin, "pending")]
        assert broken in alerts[0].payload["messages"][0]["text"]
        group = session.exec(select(ChatGroup).where(ChatGroup.line_group_id == broken)).one()
        group.meeting_day = 15  # an admin mends the data
        session.commit()

    mended = run(later + timedelta(minutes=1), later)
    # Planned from where it failed: the 17 June digest (the meeting moved from Saturday the
    # 15th) reaches the mended group too.
    assert mended.failed_groups == 0
    assert mended.keys == [f"reminder_digest:{broken}:2024-06-17"]
    with engine.connect() as connection:
        assert read_retries(connection) == {}


@pytest.mark.parametrize("same_group", [False, True], ids=["two-groups", "one-group"])
def test_a_plan_item_of_two_units_is_reminded_once_in_each_unit_s_group(
    imported: Engine, same_group: bool
) -> None:
    co_line = GROUP if same_group else "C" + "c" * 32
    with Session(imported) as session:
        lead_group = ChatGroup(line_group_id=GROUP)
        co_group = lead_group if same_group else ChatGroup(line_group_id=co_line)
        session.add_all([lead_group, co_group])
        session.flush()
        # The co-unit is bound first: the order does not matter.
        for name, group in (
            ("สำนักปลัดเทศบาล งานประชาสัมพันธ์", co_group),
            ("สำนักปลัดเทศบาล งานการเจ้าหน้าที่", lead_group),
        ):
            unit = session.exec(select(Unit).where(Unit.name == name)).one()
            bind_unit(session, unit, group, NOW)
        owner = Person(line_user_id=OWNER.line_user_id, display_name=OWNER.display_name)
        session.add(owner)
        session.flush()
        training = session.exec(select(Task).where(Task.source_key == "ita-2567:3.1.1")).one()
        assert training.group_id == lead_group.id
        session.add(TaskOwner(task_id=training.id, person_id=owner.id))
        session.commit()
        number = training.id

    # A week before the training day (13 Mar 2024): the deadline reminder.
    day = at_reminder(date(2024, 3, 6))
    with imported.connect() as connection:
        first = plan(
            connection, day, since=day - timedelta(minutes=1), grace=timedelta(hours=6), tz=BANGKOK
        )
        again = plan(
            connection, day, since=day - timedelta(minutes=1), grace=timedelta(hours=6), tz=BANGKOK
        )

    assert sorted(first.keys) == sorted(
        {f"reminder_digest:{line}:2024-03-06" for line in (GROUP, co_line)}
    )
    assert again.planned == 0
    with Session(imported) as session:
        digests = session.exec(select(Delivery).where(Delivery.kind == "reminder_digest")).all()
    for digest in digests:
        text = "\n".join(message["text"] for message in digest.payload["messages"])
        assert len(re.findall(rf"#{number}(?!\d)", text)) == 1, text
        assert "ใกล้ครบกำหนด" in text
