"""Units of the plan: binding one to a group (with close matches as buttons), listing all."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.tables import AuditEntry, ChatGroup, Task
from tests.support.chat import Chat, buttons, name_supervisor, said
from tests.support.events import ADMIN, GROUP, OFFICER_A, OFFICER_B, OTHER_GROUP, SUPERVISOR

CLERICAL = "สำนักปลัดเทศบาล งานธุรการ"
PROCUREMENT = "งานพัสดุ/กองคลัง"



def group_of(engine: Engine, plan_item: str) -> str | None:
    """The LINE group a plan item reports in."""
    with Session(engine) as session:
        task = session.exec(select(Task).where(Task.source_key == f"ita-2567:{plan_item}")).one()
        if task.group_id is None:
            return None
        group = session.get(ChatGroup, task.group_id)
        return group.line_group_id if group else None


def test_binding_a_unit_to_a_group(chat: Chat, imported: Engine) -> None:
    name_supervisor(chat)

    refused = said(chat.say("ผูกหน่วยงาน งานธุรการ", OFFICER_A))
    assert "ใช้ได้เฉพาะ" in refused and group_of(imported, "1.1") is None

    # Part of several names: the candidates come back as buttons that send the full command.
    [choose] = chat.say("ผูกหน่วยงาน สำนักปลัดเทศบาล", SUPERVISOR)
    assert "ใกล้กับหน่วยงานเหล่านี้" in choose["text"]
    assert buttons(choose) == [
        ("งานธุรการ", f"ผูกหน่วยงาน {CLERICAL}"),
        ("งานประชาสัมพันธ์", "ผูกหน่วยงาน สำนักปลัดเทศบาล งานประชาสัมพันธ์"),
        ("งานนิติการ", "ผูกหน่วยงาน สำนักปลัดเทศบาล งานนิติการ"),
        ("งานการเจ้าหน้าที่", "ผูกหน่วยงาน สำนักปลัดเทศบาล งานการเจ้าหน้าที่"),
    ]
    # A misspelt name: the close match is offered, nothing is bound yet.
    [typo] = chat.say("ผูกหน่วยงาน งานธรุการ", SUPERVISOR)
    assert buttons(typo)[0] == ("งานธุรการ", f"ผูกหน่วยงาน {CLERICAL}")
    assert group_of(imported, "1.1") is None
    [nothing] = chat.say("ผูกหน่วยงาน กองช่าง", SUPERVISOR)
    assert "ไม่พบหน่วยงาน “กองช่าง”" in nothing["text"] and len(buttons(nothing)) == 6

    # Tapping the button binds: measures 1.1 and 1.2 with their five steps, and the
    # plan's meeting (the 15th) becomes the group's meeting rule.
    bound = said(chat.say(f"ผูกหน่วยงาน {CLERICAL}", SUPERVISOR))
    assert f"🔗 ผูก “{CLERICAL}” กับกลุ่มนี้แล้ว" in bound
    assert "2 มาตรการ 5 ขั้นตอน" in bound and "ทุกวันที่ 15 ของเดือน" in bound
    assert {group_of(imported, item) for item in ("1.1", "1.1.3", "1.2", "1.2.1")} == {GROUP}
    assert group_of(imported, "1.3") is None
    with Session(imported) as session:
        group = session.exec(select(ChatGroup).where(ChatGroup.line_group_id == GROUP)).one()
        assert group.meeting_day == 15
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "unit.bind")).one()

    status = said(chat.say("สถานะ", OFFICER_B))
    assert "กระบวนการปฏิบัติงานที่โปร่งใส" in status
    assert "15" in said(chat.say("ประชุม", OFFICER_B))

    # Another group takes the unit over; a group's own meeting rule is kept.
    name_supervisor(chat, OTHER_GROUP)
    chat.say("ตั้งประชุม ทุกวันที่ 20 เวลา 10:00", SUPERVISOR, group=OTHER_GROUP)
    moved = said(chat.say("ผูกหน่วยงาน งานธุรการ", SUPERVISOR, group=OTHER_GROUP))
    assert "ย้ายมาจากกลุ่ม" in moved and "ตั้งประชุม" not in moved
    assert group_of(imported, "1.2.1") == OTHER_GROUP
    with Session(imported) as session:
        other = session.exec(select(ChatGroup).where(ChatGroup.line_group_id == OTHER_GROUP)).one()
        assert other.meeting_day == 20


def test_the_admin_lists_units_and_sees_which_are_not_bound(chat: Chat, imported: Engine) -> None:
    name_supervisor(chat)
    chat.say(f"ผูกหน่วยงาน {PROCUREMENT}", SUPERVISOR)

    listing = said(chat.say("หน่วยงาน", ADMIN, group=None))
    assert listing.startswith("🏢 หน่วยงานตามแผน 6 หน่วย · ยังไม่ผูกกลุ่ม 5 หน่วย")
    assert f"• {PROCUREMENT}\n   กลุ่ม " in listing and "8 รายการ" in listing
    assert f"• {CLERICAL}\n   ⚠️ ยังไม่ผูกกลุ่ม · 7 รายการ" in listing
    assert listing.index("ยังไม่ผูกกลุ่ม ·") < listing.index(f"• {PROCUREMENT}")  # unbound first

    assert "ใช้ได้เฉพาะผู้ดูแลระบบ" in said(chat.say("หน่วยงาน", SUPERVISOR))


def test_without_an_imported_plan_the_commands_say_how_to_import(chat: Chat) -> None:
    name_supervisor(chat)
    for command in ("ผูกหน่วยงาน งานธุรการ", "คะแนน ITA"):
        assert "python -m bot import-plan" in said(chat.say(command, SUPERVISOR))
