"""The group's calendar in chat: ประชุม, วันหยุด, ตั้งประชุม, ตั้งจังหวัด."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.line_api import LineClient
from models.settings import Settings
from models.tables import ChatGroup, HolidayOverride, OverrideKind
from scheduler.clock import tick
from scheduler.snapshot import load_groups
from scheduler.thaidate import format_date
from tests.support.chat import Chat, name_supervisor, said
from tests.support.events import BANGKOK, GROUP, OFFICER_A, SUPERVISOR
from tests.support.fake_line import FakeLine
from tests.support.web import ACCESS_TOKEN, MutableClock


def test_meeting_province_and_holidays(chat: Chat, clock: MutableClock) -> None:
    name_supervisor(chat)
    assert "ยังไม่ได้ตั้งวันประชุม" in said(chat.say("ประชุม", OFFICER_A))
    answer = said(chat.say("ตั้งประชุม ทุกวันที่ 15 เวลา 09:30", SUPERVISOR))
    assert "ครั้งถัดไป: วันศุกร์ที่ 15 มีนาคม พ.ศ. 2567 เวลา 09:30 น." in answer
    assert "ยะลา" in said(chat.say("ตั้งจังหวัด ยะลา", SUPERVISOR))
    clock.now = clock.now.replace(month=6, day=3)
    meeting = said(chat.say("ประชุม", OFFICER_A))
    assert "วันอังคารที่ 18 มิถุนายน พ.ศ. 2567" in meeting  # Yala: 15 Sat, 17 Eid al-Adha
    assert "เลื่อนเพราะ" in meeting and "ตรงกับวันเสาร์" in meeting
    holidays = said(chat.say("วันหยุด", OFFICER_A))
    assert "17 มิ.ย. 2567" in holidays and "อีดิ้ลอัฎฮา" in holidays
    assert "ปิดการเตือนประชุม" in said(chat.say("ตั้งประชุม ปิด", SUPERVISOR))


def test_officers_cannot_change_the_meeting_or_province_and_bad_values_are_explained(
    chat: Chat,
) -> None:
    name_supervisor(chat)
    assert "ใช้ได้เฉพาะ" in said(chat.say("ตั้งประชุม ทุกวันที่ 15", OFFICER_A))
    assert "ใช้ได้เฉพาะ" in said(chat.say("ตั้งจังหวัด ยะลา", OFFICER_A))
    assert "ทุกวันที่" in said(chat.say("ตั้งประชุม ทุกวันจันทร์", SUPERVISOR))
    assert "ไม่รู้จักจังหวัด" in said(chat.say("ตั้งจังหวัด แอตแลนติส", SUPERVISOR))
    assert "ใช้ในกลุ่ม" in said(chat.say("ตั้งจังหวัด ยะลา", SUPERVISOR, group=None))


@pytest.mark.parametrize(
    ("scope", "kind", "day", "meeting"),
    [
        ("province:Yala", OverrideKind.HOLIDAY, date(2024, 7, 15), date(2024, 7, 16)),
        ("province:ยะลา", OverrideKind.HOLIDAY, date(2024, 7, 15), date(2024, 7, 16)),
        (f"group:{GROUP}", OverrideKind.HOLIDAY, date(2024, 7, 15), date(2024, 7, 16)),
        ("province:ปัตตานี", OverrideKind.HOLIDAY, date(2024, 7, 15), date(2024, 7, 15)),
        ("all", OverrideKind.WORKING_DAY, date(2024, 6, 15), date(2024, 6, 15)),
    ],
)
def test_an_override_moves_the_meeting_answer_and_the_reminder_alike(
    chat: Chat,
    engine: Engine,
    clock: MutableClock,
    scope: str,
    kind: OverrideKind,
    day: date,
    meeting: date,
) -> None:
    name_supervisor(chat)
    chat.say("ตั้งประชุม ทุกวันที่ 15 เวลา 09:30", SUPERVISOR)
    chat.say("ตั้งจังหวัด ยะลา", SUPERVISOR)
    with Session(engine) as session:
        session.add(HolidayOverride(day=day, name="วันหยุดพิเศษ", kind=kind.value, scope=scope))
        session.commit()
    clock.now = datetime.combine(day.replace(day=1), datetime.min.time(), BANGKOK)

    answer = said(chat.say("ประชุม", OFFICER_A))
    assert format_date(meeting, "long", weekday=True) in answer, answer
    with Session(engine) as session:
        [planned] = load_groups(
            session, BANGKOK, datetime(2024, 6, 1, tzinfo=UTC), datetime(2024, 8, 1, tzinfo=UTC)
        )
        group = session.exec(select(ChatGroup)).one()
    assert group.province == "ยะลา"
    assert planned.calendar.meeting_date(meeting.year, meeting.month, 15) == meeting


def test_a_province_yala_override_moves_the_pushed_meeting_reminder_too(
    chat: Chat, engine: Engine, clock: MutableClock, fake_line: FakeLine, settings: Settings
) -> None:
    name_supervisor(chat)
    chat.say("ตั้งประชุม ทุกวันที่ 15 เวลา 09:30", SUPERVISOR)
    chat.say("ตั้งจังหวัด ยะลา", SUPERVISOR)
    with Session(engine) as session:
        session.add(
            HolidayOverride(
                day=date(2024, 7, 15),
                name="วันหยุดพิเศษ",
                kind=OverrideKind.HOLIDAY.value,
                scope="province:Yala",
            )
        )
        session.commit()
    clock.now = datetime(2024, 7, 1, 9, 0, tzinfo=BANGKOK)
    assert "วันอังคารที่ 16 กรกฎาคม พ.ศ. 2567" in said(chat.say("ประชุม", OFFICER_A))

    line = LineClient(ACCESS_TOKEN, fake_line.base_url, timeout=2)
    try:
        for day in (15, 16):
            tick(engine, line, settings, datetime(2024, 7, day, 8, 30, tzinfo=BANGKOK))
    finally:
        line.close()
    pushed = [message["text"] for push in fake_line.pushes for message in push.body["messages"]]
    [meeting_day] = pushed  # nothing on the 15th, now a holiday in Yala
    assert "วันนี้ประชุมประจำเดือน (วันอังคารที่ 16 ก.ค. 2567)" in meeting_day
    assert "เลื่อนจาก 15 ก.ค. 2567 (วันหยุดพิเศษ)" in meeting_day
