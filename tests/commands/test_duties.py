"""Recurring duties in chat: added, done month by month, late, reminded, exported, imported."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.export import ReportScope, build_report
from bot.line_api import LineClient
from bot.plan.document import load_plan
from bot.plan.importer import import_plan, plan_id
from models.db import session_scope
from models.settings import Settings
from models.tables import Task, TaskOccurrence
from scheduler.clock import tick
from tests.support.chat import Chat, name_supervisor, said, task_number
from tests.support.events import BANGKOK, NOW, OFFICER_A, SUPERVISOR
from tests.support.fake_line import FakeLine
from tests.support.web import ACCESS_TOKEN, MutableClock, repository_root

SUMMARY = "สรุปผลการจัดซื้อจัดจ้าง"


def at(day: str) -> datetime:
    """09:00 Bangkok on an ISO day."""
    return datetime.fromisoformat(f"{day}T09:00:00").replace(tzinfo=BANGKOK)


def add_duty(chat: Chat, rule: str = "ทุกสิ้นเดือน") -> tuple[int, str]:
    """The supervisor gives officer A (สมชาย) a monthly duty; its number and the answer."""
    answer = chat.say(f"เพิ่มงาน {SUMMARY} @สมชาย กำหนด {rule}", SUPERVISOR, (OFFICER_A, "@สมชาย"))
    return task_number(answer), said(answer)


def test_a_month_end_duty_across_a_fiscal_year(
    chat: Chat,
    engine: Engine,
    clock: MutableClock,
    settings: Settings,
    fake_line: FakeLine,
) -> None:
    clock.now = at("2023-10-02")
    name_supervisor(chat)
    number, added = add_duty(chat)
    assert "กำหนด ทุกสิ้นเดือน ถึง 30 ก.ย. 2567 · ครั้งแรก อ. 31 ต.ค. 2566" in added

    clock.now = at("2023-10-31")
    done = said(chat.say(f"เสร็จ #{number}", OFFICER_A))
    assert f"งาน #{number} “{SUMMARY}” รอบ ต.ค. 2566 เสร็จแล้ว (1/12 เดือน)" in done
    assert "ครั้งถัดไป พฤ. 30 พ.ย. 2566" in done

    # November's is not done. In December the list, the status and the reminders all say so.
    clock.now = at("2023-12-18")
    mine = said(chat.say("งานของฉัน", OFFICER_A))
    assert "ทุกสิ้นเดือน · รอบ พ.ย. 2566 (30 พ.ย. 2566)" in mine
    assert "1/12 เดือน · ค้าง: พ.ย. 2566" in mine and "เลยกำหนด 18 วัน" in mine
    status = said(chat.say("สถานะ", OFFICER_A))
    assert f"#{number} {SUMMARY} — สมชาย (เลย 18 วัน · ค้าง: พ.ย. 2566)" in status
    line = LineClient(ACCESS_TOKEN, fake_line.base_url, timeout=2)
    try:
        tick(engine, line, settings, datetime(2023, 12, 18, 8, 30, tzinfo=BANGKOK))  # a Monday
    finally:
        line.close()
    pushed = "\n".join(m["text"] for p in fake_line.pushes for m in p.body["messages"])
    assert "เลยกำหนด" in pushed and SUMMARY in pushed and "30 พ.ย. 2566" in pushed

    late_close = said(chat.say(f"เสร็จ #{number}", OFFICER_A))  # the oldest: November
    assert "รอบ พ.ย. 2566 เสร็จแล้ว (2/12 เดือน)" in late_close
    assert f"(ถ้าหมายถึงเดือนอื่น พิมพ์ เสร็จ #{number} ธ.ค. 2566)" in late_close
    assert "รอบ ธ.ค. 2566 เสร็จแล้ว (3/12" in said(chat.say(f"เสร็จ #{number} ธ.ค. 2566", OFFICER_A))
    assert "ปิดไปแล้ว" in said(chat.say(f"เสร็จ #{number} ธ.ค. 2566", OFFICER_A))
    assert "ไม่มีรอบเดือน ต.ค. 2567" in said(chat.say(f"เสร็จ #{number} ต.ค. 2567", OFFICER_A))

    # January and February pass undone: February's report shows both, March's month on time.
    clock.now = at("2024-03-01")
    with Session(engine) as session:
        february = build_report(session, ReportScope(2024, 2, None), now=clock.now, tz=BANGKOK)
    [row] = [line for line in february.lines if line.title == SUMMARY]
    # As of 29 February: January's is late; February's is due that very day.
    assert row.period == "2 ต.ค. 2566 – 30 ก.ย. 2567 (ทุกสิ้นเดือน)\n3/12 เดือน · ค้าง: ม.ค. 2567"
    assert row.status == "กำลังดำเนินการ" and row.late
    [late] = [item for item in february.late if item.title == SUMMARY]
    assert late.due == "31 ม.ค. 2567"

    for month_end in ("2024-03-01", "2024-03-01", "2024-03-29", "2024-04-30", "2024-05-31"):
        clock.now = at(month_end)
        chat.say(f"เสร็จ #{number}", OFFICER_A)
    for month in ("มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย."):
        clock.now = at("2024-09-30")
        last = said(chat.say(f"เสร็จ #{number} {month} 2567", OFFICER_A))
    assert "(12/12 เดือน)\nครบทุกรอบแล้ว 🎉" in last
    with Session(engine) as session:
        task = session.get(Task, number)
        periods = session.exec(
            select(TaskOccurrence.period).where(TaskOccurrence.task_id == number)
        ).all()
    assert task is not None and task.status == "done" and len(periods) == 12
    assert "ปิดไปแล้ว" in said(chat.say(f"เสร็จ #{number}", OFFICER_A))
    assert "ปิดไปแล้ว" in said(chat.say(f"เสร็จ #{number} มี.ค. 2567", OFFICER_A))


def test_a_day_15_duty_on_a_holiday_moves_like_the_meeting(chat: Chat, clock: MutableClock) -> None:
    clock.now = at("2024-06-01")
    name_supervisor(chat)
    chat.say("ตั้งจังหวัด ยะลา", SUPERVISOR)
    chat.say("ตั้งประชุม ทุกวันที่ 15 เวลา 09:30", SUPERVISOR)
    _, added = add_duty(chat, "ทุกวันที่ 15 ถึง 30 ก.ย. 2567")
    # Yala: the 15th is a Saturday and Monday the 17th Eid al-Adha.
    assert "ทุกวันที่ 15 ของเดือน ถึง 30 ก.ย. 2567 · ครั้งแรก อ. 18 มิ.ย. 2567" in added
    assert "วันอังคารที่ 18 มิถุนายน พ.ศ. 2567" in said(chat.say("ประชุม", OFFICER_A))


def test_change_stop_and_what_a_duty_refuses(chat: Chat, clock: MutableClock) -> None:
    clock.now = at("2024-03-04")
    name_supervisor(chat)
    number, _ = add_duty(chat, "เดือนละ 1 ครั้ง")
    assert "ทำซ้ำ #" in said(chat.say(f"เลื่อน #{number} 30 เม.ย. 2567", SUPERVISOR))
    changed = said(chat.say(f"ทำซ้ำ #{number} ทุกวันที่ 5 ถึง 31 ธ.ค. 2567", SUPERVISOR))
    assert f"งาน #{number} ทำซ้ำ ทุกวันที่ 5 ของเดือน ถึง 31 ธ.ค. 2567 แล้ว" in changed
    assert "ครั้งถัดไป อ. 5 มี.ค. 2567" in changed  # tomorrow: the duty keeps its start
    stopped = said(chat.say(f"ทำซ้ำ #{number} หยุด", SUPERVISOR))
    assert f"หยุดทำซ้ำงาน #{number} แล้ว รอบสุดท้ายคือ มี.ค. 2567 ยังค้าง 1 รอบ" in stopped
    assert "ทุกสิ้นเดือน" in said(
        chat.say("เพิ่มงาน x @สมชาย กำหนด ทุกวันจันทร์", SUPERVISOR, (OFFICER_A, "@สมชาย"))
    )
    assert "ใช้ได้เฉพาะ" in said(chat.say(f"ทำซ้ำ #{number} ทุกสิ้นเดือน", OFFICER_A))


def test_the_seed_s_monthly_steps_are_duties_from_the_month_of_import(engine: Engine) -> None:
    with session_scope(engine) as session:
        plan = load_plan(repository_root() / "data" / "ita-2566-plan.yaml")
        import_plan(session, plan, now=NOW)  # 1 March 2024
    with Session(engine) as session:
        recurring = session.exec(select(Task).where(col(Task.repeat_until).is_not(None))).all()
        found = {
            plan_id(task): (task.repeat_from, task.repeat_until, task.due_date)
            for task in recurring
        }
    assert len(found) == 7  # the eighth rule, "ภายใน 5 วัน", counts from an event: no duty
    march_1 = NOW.date()
    assert found["1.2.1"] == (march_1, NOW.date().replace(month=9, day=15), march_1.replace(day=15))
    assert found["1.2.2"] == (march_1, march_1.replace(month=9, day=15), march_1.replace(day=29))
    for item in ("1.4.2", "3.1.3", "3.1.5", "5.1.2", "6.1.7"):
        assert found[item] == (march_1, march_1.replace(month=9, day=30), march_1.replace(day=29))


def test_the_plan_s_meetings_stop_after_september_unless_renewed(
    chat: Chat, imported: Engine, clock: MutableClock, settings: Settings, fake_line: FakeLine
) -> None:
    name_supervisor(chat)
    assert "ทุกวันที่ 15" in said(chat.say("ผูกหน่วยงาน สำนักปลัดเทศบาล งานธุรการ", SUPERVISOR))
    clock.now = at("2024-09-02")
    assert "วันจันทร์ที่ 16 กันยายน พ.ศ. 2567" in said(chat.say("ประชุม", OFFICER_A))
    clock.now = at("2024-09-17")
    ended = said(chat.say("ประชุม", OFFICER_A))
    assert "การประชุมประจำเดือนตามแผนของกลุ่มนี้สิ้นสุดแล้ว (15 ก.ย. 2567)" in ended

    line = LineClient(ACCESS_TOKEN, fake_line.base_url, timeout=2)
    try:
        for day in ("2024-09-16", "2024-10-15"):
            tick(imported, line, settings, at(day).replace(hour=8, minute=30))
        meetings = [
            m["text"]
            for push in fake_line.pushes
            for m in push.body["messages"]
            if "ประชุมประจำเดือน" in m["text"]
        ]
        assert len(meetings) == 1 and "16 ก.ย. 2567" in meetings[0]  # none in October

        chat.say("ตั้งประชุม ทุกวันที่ 15 เวลา 09:30", SUPERVISOR)  # renewed, with no end
        assert "วันอังคารที่ 15 ตุลาคม พ.ศ. 2567" in said(chat.say("ประชุม", OFFICER_A))
    finally:
        line.close()


def test_a_cancelled_duty_closes_no_month(chat: Chat, clock: MutableClock) -> None:
    clock.now = at("2024-03-04")
    name_supervisor(chat)
    number, _ = add_duty(chat)
    chat.say(f"ยกเลิก #{number}", SUPERVISOR)
    assert "ปิดไปแล้ว" in said(chat.say(f"เสร็จ #{number}", OFFICER_A))
    assert "ปิดไปแล้ว" in said(chat.say(f"เสร็จ #{number} มี.ค. 2567", OFFICER_A))
