"""`จัดซื้อ`: a procurement becomes a task to publish its result within five days."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.tables import Task, TaskOwner, Unit
from tests.support.chat import Chat, name_supervisor, said, task_number
from tests.support.events import OFFICER_A, OFFICER_B, SUPERVISOR

PROCUREMENT = "งานพัสดุ/กองคลัง"



def test_a_procurement_gives_a_task_due_five_days_later(chat: Chat, imported: Engine) -> None:
    name_supervisor(chat)
    chat.say(f"ผูกหน่วยงาน {PROCUREMENT}", SUPERVISOR)

    [confirmation] = chat.say("จัดซื้อ ครุภัณฑ์คอมพิวเตอร์ 3 เครื่อง", OFFICER_A)
    assert confirmation["type"] == "textV2"
    body = confirmation["text"]
    assert "“เผยแพร่ผลการจัดซื้อจัดจ้าง: ครุภัณฑ์คอมพิวเตอร์ 3 เครื่อง”" in body
    assert "กำหนด 6 มี.ค. 2567 (ภายใน 5 วัน นับจากวันนี้ ตามมาตรการขั้นตอนที่ 5.1.3)" in body
    assert confirmation["substitution"]["o0"]["mentionee"]["userId"] == OFFICER_A
    number = int(body.split("#", 1)[1].split()[0])

    with Session(imported) as session:
        task = session.get(Task, number)
        step = session.exec(select(Task).where(Task.source_key == "ita-2567:5.1.3")).one()
        assert task is not None and task.parent_id == step.id
        assert (task.topic_id, task.unit_id) == (step.topic_id, step.unit_id)
        owners = session.exec(select(TaskOwner.person_id).where(TaskOwner.task_id == number)).all()
        assert len(owners) == 1
        unit = session.exec(select(Unit).where(col(Unit.name) == PROCUREMENT)).one()
        assert unit.group_id == task.group_id

    mine = said(chat.say("งานของฉัน", OFFICER_A))
    assert f"#{number} เผยแพร่ผลการจัดซื้อจัดจ้าง" in mine and "อีก 5 วัน" in mine

    tagged = chat.say("จัดจ้าง ซ่อมหลังคา @สมศรี", OFFICER_A, (OFFICER_B, "@สมศรี"))
    assert tagged[0]["substitution"]["o0"]["mentionee"]["userId"] == OFFICER_B
    assert "พิมพ์รายการ" in said(chat.say("จัดซื้อ", OFFICER_A))
    one_to_one = said(chat.say("จัดซื้อ กระดาษ", OFFICER_A, group=None))
    assert "ใช้ในกลุ่ม" in one_to_one


def test_control_characters_never_reach_a_title(chat: Chat, imported: Engine) -> None:
    """PostgreSQL text refuses NUL; a pasted control character becomes a space."""
    number = task_number(chat.say("จัดซื้อ กระดาษ\x00A4\x07 5 รีม", OFFICER_A))
    with Session(imported) as session:
        task = session.get(Task, number)
        assert task is not None and task.title.endswith("กระดาษ A4 5 รีม")
