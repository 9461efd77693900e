"""Calendar upkeep in chat: เพิ่มวันหยุด, วันทำงานพิเศษ, ลบวันหยุด — and who is told."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.line_api import LineClient
from models.settings import Settings
from models.tables import AuditEntry, Delivery, HolidayOverride, Task
from scheduler.clock import tick
from tests.support.chat import Chat, add_task, name_supervisor, said
from tests.support.events import (
    ADMIN,
    BANGKOK,
    GROUP,
    OFFICER_A,
    OTHER_GROUP,
    SUPERVISOR,
)
from tests.support.fake_line import FakeLine
from tests.support.web import ACCESS_TOKEN, MutableClock


def notices(engine: Engine) -> dict[str, list[str]]:
    """The calendar notices queued for each group: their texts."""
    with Session(engine) as session:
        rows = session.exec(
            select(Delivery).where(Delivery.kind == "calendar_notice").order_by(Delivery.id)
        ).all()
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row.target, []).extend(m["text"] for m in row.payload["messages"])
    return found


def meeting_group(chat: Chat, group: str = GROUP, province: str | None = None) -> None:
    """A group whose supervisor set the monthly meeting on the 15th at 09:30."""
    name_supervisor(chat, group)
    chat.say("ตั้งประชุม ทุกวันที่ 15 เวลา 09:30", SUPERVISOR, group=group)
    if province:
        chat.say(f"ตั้งจังหวัด {province}", SUPERVISOR, group=group)


def test_a_holiday_on_the_next_meeting_day_moves_the_meeting_the_reminder_and_tells_the_group(
    chat: Chat, engine: Engine, settings: Settings, fake_line: FakeLine
) -> None:
    meeting_group(chat)
    assert "วันศุกร์ที่ 15 มีนาคม พ.ศ. 2567" in said(chat.say("ประชุม", OFFICER_A))

    answer = said(chat.say("เพิ่มวันหยุด 15 มี.ค. 2567 วันหยุดพิเศษ (มติ ครม.)", ADMIN, group=None))
    assert "บันทึก ศ. 15 มี.ค. 2567 เป็นวันหยุด (ทั้งประเทศ) แล้ว — วันหยุดพิเศษ (มติ ครม.)" in answer
    assert "แจ้ง 1 กลุ่ม" in answer
    meeting = said(chat.say("ประชุม", OFFICER_A))
    assert "วันจันทร์ที่ 18 มีนาคม พ.ศ. 2567" in meeting and "วันหยุดพิเศษ (มติ ครม.)" in meeting
    [notice] = notices(engine)[GROUP]
    assert notice.startswith("📅 ประกาศปฏิทิน: ศ. 15 มี.ค. 2567 เป็นวันหยุด — วันหยุดพิเศษ (มติ ครม.)")
    assert "ประชุมประจำเดือนย้ายจาก 15 มี.ค. 2567 เป็น 18 มี.ค. 2567 เวลา 09:30 น." in notice

    line = LineClient(ACCESS_TOKEN, fake_line.base_url, timeout=2)
    try:
        tick(engine, line, settings, datetime(2024, 3, 1, 9, 1, tzinfo=BANGKOK))  # the notice
        for day in (15, 18):
            tick(engine, line, settings, datetime(2024, 3, day, 8, 30, tzinfo=BANGKOK))
    finally:
        line.close()
    pushed = [m["text"] for push in fake_line.pushes for m in push.body["messages"]]
    assert pushed[0] == notice  # pushed by the clock's next tick; no meeting on the 15th
    assert not any("วันนี้ประชุม" in text for text in pushed[:-1])
    assert "วันนี้ประชุมประจำเดือน (วันจันทร์ที่ 18 มี.ค. 2567)" in pushed[-1]


def test_a_province_day_moves_that_province_s_groups_only(chat: Chat, engine: Engine) -> None:
    meeting_group(chat, GROUP, province="ยะลา")
    meeting_group(chat, OTHER_GROUP)
    answer = said(chat.say("เพิ่มวันหยุด 15 ก.ค. 2567 วันหยุดพิเศษของจังหวัด จังหวัดยะลา", ADMIN, group=None))
    assert "(จังหวัดยะลา)" in answer and "แจ้ง 1 กลุ่ม" in answer
    assert list(notices(engine)) == [GROUP]
    with Session(engine) as session:
        [stored] = session.exec(select(HolidayOverride)).all()
    assert (stored.scope, stored.kind, stored.name) == (
        "province:ยะลา",
        "holiday",
        "วันหยุดพิเศษของจังหวัด",
    )
    chat.clock.now = datetime(2024, 7, 1, 9, 0, tzinfo=BANGKOK)  # type: ignore[attr-defined]
    assert "วันอังคารที่ 16 กรกฎาคม พ.ศ. 2567" in said(chat.say("ประชุม", OFFICER_A))
    assert "วันจันทร์ที่ 15 กรกฎาคม พ.ศ. 2567" in said(chat.say("ประชุม", OFFICER_A, group=OTHER_GROUP))


def test_a_declared_working_day_brings_a_weekend_meeting_back_and_removing_it_undoes_that(
    chat: Chat, engine: Engine, clock: MutableClock
) -> None:
    meeting_group(chat)
    clock.now = datetime(2024, 6, 3, 9, 0, tzinfo=BANGKOK)
    assert "วันจันทร์ที่ 17 มิถุนายน" in said(chat.say("ประชุม", OFFICER_A))  # the 15th: Saturday
    answer = said(chat.say("วันทำงานพิเศษ 15 มิ.ย. 2567 ทำงานชดเชย", ADMIN, group=None))
    assert "เป็นวันทำงานพิเศษ (ทั้งประเทศ)" in answer
    assert "วันเสาร์ที่ 15 มิถุนายน" in said(chat.say("ประชุม", OFFICER_A))
    assert "ย้ายจาก 17 มิ.ย. 2567 เป็น 15 มิ.ย. 2567" in notices(engine)[GROUP][0]

    answer = said(chat.say("ลบวันหยุด 15 มิ.ย. 2567", ADMIN, group=None))
    assert "ไม่ใช่วันหยุด" in answer  # it is a working day now: nothing to remove
    with Session(engine) as session:
        assert len(session.exec(select(HolidayOverride)).all()) == 1

    answer = said(chat.say("ลบวันทำงานพิเศษ 15 มิ.ย. 2567", ADMIN, group=None))
    assert "ลบวันทำงานพิเศษ ส. 15 มิ.ย. 2567 (ทั้งประเทศ) แล้ว — กลับเป็นวันหยุด" in answer
    assert "วันจันทร์ที่ 17 มิถุนายน" in said(chat.say("ประชุม", OFFICER_A))
    undone = notices(engine)[GROUP][-1]
    assert "ส. 15 มิ.ย. 2567 เป็นวันหยุด — ยกเลิกวันทำงานพิเศษ: ทำงานชดเชย" in undone
    assert "ย้ายจาก 15 มิ.ย. 2567 เป็น 17 มิ.ย. 2567" in undone
    assert "ไม่มีวันทำงานพิเศษที่บันทึกไว้" in said(
        chat.say("ลบวันทำงานพิเศษ 15 มิ.ย. 2567", ADMIN, group=None)
    )


def test_removing_a_recorded_day_and_withdrawing_a_government_holiday(
    chat: Chat, engine: Engine, clock: MutableClock
) -> None:
    meeting_group(chat)
    chat.say("เพิ่มวันหยุด 15 มี.ค. 2567 วันหยุดพิเศษ", ADMIN, group=None)
    answer = said(chat.say("ลบวันหยุด 15 มี.ค. 2567", ADMIN, group=None))
    assert "ลบวันหยุด ศ. 15 มี.ค. 2567 (ทั้งประเทศ) แล้ว — กลับเป็นวันทำการ" in answer
    assert "วันศุกร์ที่ 15 มีนาคม" in said(chat.say("ประชุม", OFFICER_A))
    assert len(notices(engine)[GROUP]) == 2  # told when it moved, and when it moved back

    # 6 Apr 2024 (Chakri Day, a Saturday) is in lieu on Mon 8 Apr: say it was withdrawn.
    clock.now = datetime(2024, 4, 1, 9, 0, tzinfo=BANGKOK)
    answer = said(chat.say("ลบวันหยุด 8 เม.ย. 2567", ADMIN, group=None))
    assert "กลับเป็นวันทำการ" in answer
    with Session(engine) as session:
        withdrawn = session.exec(
            select(HolidayOverride).where(HolidayOverride.day == date(2024, 4, 8))
        ).one()
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "calendar.day")).all()
    assert withdrawn.kind == "working_day" and withdrawn.name.startswith("ยกเลิกวันหยุด: ")
    assert len(audit) == 3
    assert "8 เม.ย. 2567" not in said(chat.say("วันหยุด", OFFICER_A))


def test_a_month_end_and_a_deadline_on_the_day_are_in_the_notice(
    chat: Chat, engine: Engine
) -> None:
    name_supervisor(chat)
    add_task(chat, when="29 มี.ค. 2567")
    chat.say("เพิ่มวันหยุด 29 มี.ค. 2567 วันหยุดพิเศษ", ADMIN, group=None)
    [notice] = notices(engine)[GROUP]
    assert "วันส่งรายงานประจำเดือน: 28 มี.ค. 2567 (เดิม 29 มี.ค. 2567)" in notice
    assert "มีงานครบกำหนดวันนั้น 1 งาน" in notice


def test_a_day_off_on_a_shared_plan_deadline_tells_both_units_groups(
    chat: Chat, imported: Engine
) -> None:
    name_supervisor(chat)
    name_supervisor(chat, OTHER_GROUP)
    chat.say("ผูกหน่วยงาน สำนักปลัดเทศบาล งานการเจ้าหน้าที่", SUPERVISOR)
    chat.say("ผูกหน่วยงาน สำนักปลัดเทศบาล งานประชาสัมพันธ์", SUPERVISOR, group=OTHER_GROUP)
    # 13 Mar 2024: the training of measure 3.1 (steps 3.1.1 and 3.1.2), led by งานการเจ้าหน้าที่.
    chat.say("เพิ่มวันหยุด 13 มี.ค. 2567 วันหยุดพิเศษ", ADMIN, group=None)
    told = notices(imported)
    assert "มีงานครบกำหนดวันนั้น 2 งาน" in told[GROUP][0]
    assert "มีงานครบกำหนดวันนั้น 2 งาน" in told[OTHER_GROUP][0]


def test_a_supervisor_records_days_for_the_group_only(chat: Chat, engine: Engine) -> None:
    meeting_group(chat)
    meeting_group(chat, OTHER_GROUP)
    refused = said(chat.say("เพิ่มวันหยุด 15 มี.ค. 2567 งานประจำปี", SUPERVISOR))
    assert "ใช้ได้เฉพาะผู้ดูแลระบบ" in refused and "เฉพาะกลุ่มนี้" in refused
    answer = said(chat.say("เพิ่มวันหยุด 15 มี.ค. 2567 งานประจำปีของเทศบาล เฉพาะกลุ่มนี้", SUPERVISOR))
    assert "(เฉพาะกลุ่มนี้)" in answer
    assert list(notices(engine)) == [GROUP]
    assert "วันจันทร์ที่ 18 มีนาคม" in said(chat.say("ประชุม", OFFICER_A))
    assert "วันศุกร์ที่ 15 มีนาคม" in said(chat.say("ประชุม", OFFICER_A, group=OTHER_GROUP))
    assert "ใช้ได้เฉพาะ" in said(chat.say("เพิ่มวันหยุด 15 มี.ค. 2567 x เฉพาะกลุ่มนี้", OFFICER_A))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("เพิ่มวันหยุด วันหยุดพิเศษ", "พิมพ์วันที่ต่อท้าย"),
        ("เพิ่มวันหยุด 15 มี.ค. 2567", "บอกเหตุผลหรือชื่อวันด้วย"),
        ("เพิ่มวันหยุด 15 มี.ค. 2567 วันหยุด จังหวัดแอตแลนติส", "ไม่รู้จักจังหวัด"),
        ("เพิ่มวันหยุด 15 มี.ค. 2567 วันหยุด เฉพาะกลุ่มนี้", "ใช้ในกลุ่ม LINE"),
        ("เพิ่มวันหยุด 6 เม.ย. 2567 ซ้ำ", "เป็นวันหยุดอยู่แล้ว (วันพระบาทสมเด็จพระพุทธยอดฟ้า"),
        ("วันทำงานพิเศษ 15 มี.ค. 2567 ซ้ำ", "เป็นวันทำการอยู่แล้ว"),
        ("ลบวันหยุด 15 มี.ค. 2567", "ไม่ใช่วันหยุด (ทั้งประเทศ)"),
    ],
)
def test_bad_input_is_answered_with_what_to_type(
    chat: Chat, engine: Engine, typed: str, expected: str
) -> None:
    answer = said(chat.say(typed, ADMIN, group=None))
    assert expected in answer, answer
    with Session(engine) as session:
        assert session.exec(select(HolidayOverride)).all() == []


def test_a_monthly_duty_follows_a_new_day_off_at_once(chat: Chat, engine: Engine) -> None:
    name_supervisor(chat)
    answer = chat.say(
        "เพิ่มงาน สรุปผลการจัดซื้อจัดจ้าง @สมชาย กำหนด ทุกสิ้นเดือน",
        SUPERVISOR,
        (OFFICER_A, "@สมชาย"),
    )
    assert "ครั้งแรก ศ. 29 มี.ค. 2567" in said(answer)
    chat.say("เพิ่มวันหยุด 29 มี.ค. 2567 วันหยุดพิเศษ", ADMIN, group=None)
    with Session(engine) as session:
        [duty] = session.exec(select(Task).where(Task.recurrence == "month_end")).all()
    assert duty.due_date == date(2024, 3, 28)  # March's summary is due a day earlier now
