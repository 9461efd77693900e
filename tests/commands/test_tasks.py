"""Tasks: add, list mine, report, finish, move, cancel, reopen (dispatched directly)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from models.tables import AuditEntry, ProgressReport, Task, TaskOwner
from tests.support.chat import Chat, add_task, buttons, name_supervisor, said, task_number
from tests.support.events import OFFICER_A, OFFICER_B, OTHER_GROUP, OUTSIDER, SUPERVISOR
from tests.support.web import MutableClock


def test_an_owner_reports_and_finishes_and_a_stranger_may_not(chat: Chat, engine: Engine) -> None:
    name_supervisor(chat)
    number = add_task(chat)
    mine = said(chat.say("งานของฉัน", OFFICER_A))
    assert f"#{number} จัดทำคู่มือการปฏิบัติงาน" in mine and "อีก 30 วัน" in mine
    assert "แก้ไขได้เฉพาะผู้รับผิดชอบ" in said(chat.say(f"เสร็จ #{number}", OUTSIDER))
    reported = said(chat.say(f"รายงาน #{number} ส่งร่างแล้ว 60%", OFFICER_A))
    assert "60%" in reported
    assert "เสร็จแล้ว" in said(chat.say(f"เสร็จ #{number}", OFFICER_B))
    assert "ปิดไปแล้ว" in said(chat.say(f"เสร็จ #{number}", OFFICER_B))
    assert "ไม่มีงานค้าง" in said(chat.say("งานของฉัน", OFFICER_A))
    with Session(engine) as session:
        task = session.get(Task, number)
        assert task is not None and (task.status, task.progress) == ("done", 100)
        report = session.exec(select(ProgressReport)).one()
        assert (report.month, report.percent, report.text) == ("2024-03", 60, "ส่งร่างแล้ว")


def test_another_group_can_neither_see_nor_change_a_task(chat: Chat, engine: Engine) -> None:
    name_supervisor(chat)
    number = add_task(chat)
    for command in (
        f"เสร็จ #{number}",
        f"รายงาน #{number} แอบรายงาน",
        f"เลื่อน #{number} 30 เม.ย. 2567",
    ):
        answer = said(chat.say(command, OFFICER_A, group=OTHER_GROUP))
        assert f"ไม่พบงาน #{number} ในกลุ่มนี้" in answer, command
    other_status = said(chat.say("สถานะ", OFFICER_A, group=OTHER_GROUP))
    assert "จัดทำคู่มือการปฏิบัติงาน" not in other_status
    mine_elsewhere = said(chat.say("งานของฉัน", OFFICER_A, group=OTHER_GROUP))
    assert "จัดทำคู่มือการปฏิบัติงาน" not in mine_elsewhere
    with Session(engine) as session:
        task = session.get(Task, number)
        assert task is not None and task.status == "open"
        assert session.exec(select(func.count()).select_from(ProgressReport)).one() == 0


def test_officers_cannot_add_tasks(chat: Chat, engine: Engine) -> None:
    name_supervisor(chat)
    refused = said(
        chat.say("เพิ่มงาน ทำเอง @สมชาย กำหนด 1 เม.ย. 2567", OFFICER_A, (OFFICER_A, "@สมชาย"))
    )
    assert "ใช้ได้เฉพาะ" in refused
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Task)).one() == 0


def test_bad_input_gets_a_thai_answer_that_says_what_to_type(chat: Chat, engine: Engine) -> None:
    name_supervisor(chat)
    cases = {
        "เพิ่มงาน @สมชาย กำหนด 31 มี.ค. 2567": "ใส่ชื่องาน",
        "เพิ่มงาน ทำรายงาน กำหนด 31 มี.ค. 2567": "แท็กผู้รับผิดชอบ",
        "เพิ่มงาน ทำรายงาน @สมชาย": "กำหนด 30 ก.ย. 2567",
        "เพิ่มงาน ทำรายงาน @สมชาย กำหนด 31 ก.พ. 2567": "กุมภาพันธ์",
        "เพิ่มงาน ทำรายงาน @สมชาย กำหนด 31 มกร 2567": "ไม่รู้จักเดือน",
        "เสร็จ": "พิมพ์แบบนี้: เสร็จ #เลขงาน",
        "เสร็จ #99999": "ไม่พบงาน #99999",
    }
    for command, expected in cases.items():
        mentioned = [(OFFICER_A, "@สมชาย")] if "@สมชาย" in command else []
        answer = said(chat.say(command, SUPERVISOR, *mentioned))
        assert expected in answer, (command, answer)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Task)).one() == 0
        assert session.exec(select(func.count()).select_from(TaskOwner)).one() == 0


def test_owner_moves_the_due_date_and_anyone_allowed_cancels_and_reopens(
    chat: Chat, engine: Engine
) -> None:
    name_supervisor(chat)
    number = add_task(chat)
    moved = said(chat.say(f"เลื่อน #{number} 30 เม.ย. 2567", OFFICER_A))
    assert "31 มี.ค. 2567" in moved and "30 เม.ย. 2567" in moved
    assert "แก้ไขได้เฉพาะผู้รับผิดชอบ" in said(chat.say(f"ยกเลิก #{number}", OUTSIDER))
    assert "ยกเลิกงาน" in said(chat.say(f"ยกเลิก #{number}", OFFICER_B))
    assert "อีกครั้ง" in said(chat.say(f"เปิดใหม่ #{number}", SUPERVISOR))
    with Session(engine) as session:
        task = session.get(Task, number)
        assert task is not None and task.status == "open"
        assert task.due_date is not None and task.due_date.isoformat() == "2024-04-30"
        actions = session.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity_id == str(number))
            .order_by(col(AuditEntry.id))
        ).all()
        assert actions == ["task.create", "task.due", "task.cancel", "task.reopen"]


def test_keywords_inside_a_title_are_part_of_the_title(chat: Chat, engine: Engine) -> None:
    name_supervisor(chat)
    answer = said(
        chat.say(
            "เพิ่มงาน ทบทวนกำหนดการประชุมหน่วยงานย่อย @สมชาย กำหนด 31 มี.ค. 2567",
            SUPERVISOR,
            (OFFICER_A, "@สมชาย"),
        )
    )
    assert "“ทบทวนกำหนดการประชุมหน่วยงานย่อย”" in answer
    with Session(engine) as session:
        task = session.exec(select(Task)).one()
        assert task.unit_id is None and task.due_date is not None


def test_a_period_and_a_topic_and_unit_are_kept(
    chat: Chat, imported: Engine, clock: MutableClock
) -> None:
    name_supervisor(chat)
    answer = chat.say(
        "เพิ่มงาน ทำแผ่นพับ @สมชาย กำหนด 1 มี.ค. - 30 เม.ย. 2567 หน่วยงาน งานธุรการ ประเด็นที่ 4",
        SUPERVISOR,
        (OFFICER_A, "@สมชาย"),
    )
    number = task_number(answer)
    with Session(imported) as session:
        task = session.get(Task, number)
        assert task is not None and task.title == "ทำแผ่นพับ"
        assert (str(task.start_date), str(task.due_date)) == ("2024-03-01", "2024-04-30")
        assert task.topic_id is not None and task.unit_id is not None
    assert "ไม่พบประเด็น" in said(
        chat.say("เพิ่มงาน x @สมชาย กำหนด 1 เม.ย. 2567 ประเด็น 99", SUPERVISOR, (OFFICER_A, "@สมชาย"))
    )


def test_a_past_deadline_is_kept_but_flagged_with_a_one_tap_fix(
    chat: Chat, engine: Engine, clock: MutableClock
) -> None:
    name_supervisor(chat)
    clock.now = clock.now.replace(month=6, day=3)  # the demo's date: 3 June 2567
    added, warning = chat.say(
        "เพิ่มงาน ทำป้าย @สมชาย กำหนด 31 มี.ค. 2567", SUPERVISOR, (OFFICER_A, "@สมชาย")
    )
    number = task_number([added])
    assert "ผ่านมาแล้ว 64 วัน" in warning["text"] and "31 มี.ค. 2568" in warning["text"]
    [(label, sends)] = buttons(warning)
    assert (label, sends) == ("ใช้ 31 มี.ค. 2568", f"เลื่อน #{number} 31 มี.ค. 2568")
    moved = said(chat.say(sends, SUPERVISOR))  # the tap sends the command as the supervisor
    assert "31 มี.ค. 2568" in moved
    with Session(engine) as session:
        task = session.get(Task, number)
        assert task is not None and str(task.due_date) == "2025-03-31"
    # A date still ahead gets no warning.
    assert (
        len(chat.say("เพิ่มงาน ทำแผ่นพับ @สมชาย กำหนด 30 ก.ย. 2567", SUPERVISOR, (OFFICER_A, "@สมชาย")))
        == 1
    )
