"""People: a task's owners (เพิ่มคน, ลบคน) and supervisors (ตั้งหัวหน้า, ยกเลิกหัวหน้า)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.tables import AuditEntry, Person
from tests.support.chat import Chat, add_task, name_supervisor, said
from tests.support.events import ADMIN, OFFICER_A, OFFICER_B, OUTSIDER, SUPERVISOR


def role_of(engine: Engine, user_id: str) -> str:
    """A person's stored role."""
    with Session(engine) as session:
        return session.exec(select(Person.role).where(Person.line_user_id == user_id)).one()


def test_owners_are_added_by_mention_and_removed_but_never_the_last(
    chat: Chat, engine: Engine
) -> None:
    name_supervisor(chat)
    number = add_task(chat)
    added = chat.say(f"เพิ่มคน #{number} @ใหม่", SUPERVISOR, (OUTSIDER, "@ใหม่"))
    assert added[0]["type"] == "textV2"
    assert added[0]["substitution"]["o0"]["mentionee"]["userId"] == OUTSIDER
    removed = said(chat.say(f"ลบคน #{number} @สมศรี", OFFICER_A, (OFFICER_B, "@สมศรี")))
    assert "ออกจากผู้รับผิดชอบ" in removed
    assert "ไม่ได้เป็นผู้รับผิดชอบ" in said(
        chat.say(f"ลบคน #{number} @สมศรี", OFFICER_A, (OFFICER_B, "@สมศรี"))
    )
    chat.say(f"ลบคน #{number} @ใหม่", OFFICER_A, (OUTSIDER, "@ใหม่"))
    last = said(chat.say(f"ลบคน #{number} @สมชาย", SUPERVISOR, (OFFICER_A, "@สมชาย")))
    assert "อย่างน้อย 1 คน" in last
    assert "แท็ก" in said(chat.say(f"เพิ่มคน #{number}", SUPERVISOR))
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity_id == str(number))
            .order_by(col(AuditEntry.id))
        ).all()
    assert actions == ["task.create", "task.owners", "task.owners", "task.owners"]


def test_only_an_admin_names_or_unnames_supervisors(chat: Chat, engine: Engine) -> None:
    refused = said(chat.say("ตั้งหัวหน้า @สมชาย", SUPERVISOR, (OFFICER_A, "@สมชาย")))
    assert "ผู้ดูแลระบบ" in refused and role_of(engine, OFFICER_A) == "officer"
    promoted = chat.say("ตั้งหัวหน้า @สมชาย", ADMIN, (OFFICER_A, "@สมชาย"))
    assert promoted[0]["substitution"]["p0"]["mentionee"]["userId"] == OFFICER_A
    assert role_of(engine, OFFICER_A) == "supervisor"
    assert "เจ้าหน้าที่" in said(chat.say("ยกเลิกหัวหน้า @สมชาย", ADMIN, (OFFICER_A, "@สมชาย")))
    assert role_of(engine, OFFICER_A) == "officer"
    fixed = said(chat.say("ยกเลิกหัวหน้า @แอดมิน", ADMIN, (ADMIN, "@แอดมิน")))
    assert "เปลี่ยนบทบาททางแชทไม่ได้" in fixed and role_of(engine, ADMIN) == "officer"
