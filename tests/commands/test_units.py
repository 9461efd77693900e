"""Units of the plan: binding one to a group (with close matches as buttons), listing all."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.tables import AuditEntry, ChatGroup, ProgressReport, Task, TaskStatus
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


PERSONNEL = "สำนักปลัดเทศบาล งานการเจ้าหน้าที่"  # leads measure 3.1
PUBLIC_RELATIONS = "สำนักปลัดเทศบาล งานประชาสัมพันธ์"  # shares it
THIRD_GROUP = "C" + "3" * 32


def task_id_of(engine: Engine, plan_item: str) -> int:
    """The task number of a plan item."""
    with Session(engine) as session:
        task = session.exec(select(Task).where(Task.source_key == f"ita-2567:{plan_item}")).one()
        assert task.id is not None
        return task.id


@pytest.mark.parametrize("lead_first", [True, False], ids=["lead-first", "co-unit-first"])
def test_a_measure_with_two_units_is_seen_and_worked_in_both_groups(
    chat: Chat, imported: Engine, lead_first: bool
) -> None:
    name_supervisor(chat)
    name_supervisor(chat, OTHER_GROUP)
    bindings = [(PERSONNEL, GROUP), (PUBLIC_RELATIONS, OTHER_GROUP)]
    answers = {
        unit: said(chat.say(f"ผูกหน่วยงาน {unit}", SUPERVISOR, group=group))
        for unit, group in (bindings if lead_first else bindings[::-1])
    }
    # The co-unit's group is told what it shares, and with whom; the lead's group holds it.
    assert f"🤝 ร่วมรับผิดชอบกับ {PERSONNEL}: 1 มาตรการ 5 ขั้นตอน" in answers[PUBLIC_RELATIONS]
    assert "2 มาตรการ 5 ขั้นตอน" in answers[PUBLIC_RELATIONS]  # 1.3 and 2.1, its own
    assert "ร่วมรับผิดชอบ" not in answers[PERSONNEL]
    assert {group_of(imported, item) for item in ("3.1", "3.1.1", "3.1.5")} == {GROUP}
    training = task_id_of(imported, "3.1.1")

    # The co-unit's group works on the same task: an owner is added and reports there.
    added = said(
        chat.say(f"เพิ่มคน #{training} @สมศรี", SUPERVISOR, (OFFICER_B, "@สมศรี"), group=OTHER_GROUP)
    )
    assert f"งาน #{training}" in added
    reported = said(chat.say(f"รายงาน #{training} จัดอบรมแล้ว 50%", OFFICER_B, group=OTHER_GROUP))
    assert f"📝 บันทึกรายงานเดือนมีนาคม 2567 ของงาน #{training}" in reported
    with Session(imported) as session:
        [report] = session.exec(select(ProgressReport)).all()
        assert report.task_id == training

    # A group the task is not shared with sees nothing of it, as if it did not exist.
    name_supervisor(chat, THIRD_GROUP)
    assert "ไม่พบงาน" in said(chat.say(f"เสร็จ #{training}", SUPERVISOR, group=THIRD_GROUP))

    # Done in the co-unit's group is done in the lead's: one task, counted once in each.
    assert "เสร็จแล้ว" in said(chat.say(f"เสร็จ #{training}", OFFICER_B, group=OTHER_GROUP))
    for group in (GROUP, OTHER_GROUP):
        status = said(chat.say("สถานะ", SUPERVISOR, group=group))
        assert "ช่องทางและรูปแบบการประชาสัมพันธ์" in status  # topic 3, where 3.1 is
        assert "เสร็จ 1 · ค้าง 4" in status
    with Session(imported) as session:
        task = session.get(Task, training)
        assert task is not None and task.status == TaskStatus.DONE.value


def test_a_shared_task_is_listed_once_in_my_tasks_across_both_groups(
    chat: Chat, imported: Engine
) -> None:
    name_supervisor(chat)
    name_supervisor(chat, OTHER_GROUP)
    chat.say(f"ผูกหน่วยงาน {PERSONNEL}", SUPERVISOR)
    chat.say(f"ผูกหน่วยงาน {PUBLIC_RELATIONS}", SUPERVISOR, group=OTHER_GROUP)
    training = task_id_of(imported, "3.1.1")
    chat.say(f"เพิ่มคน #{training} @สมศรี", SUPERVISOR, (OFFICER_B, "@สมศรี"))
    for group in (GROUP, OTHER_GROUP):
        assert f"#{training}" in said(chat.say("งานของฉัน", OFFICER_B, group=group))
    mine = said(chat.say("งานของฉัน", OFFICER_B, group=None))
    assert mine.count(f"#{training} ") == 1


def test_the_unit_list_counts_the_items_a_unit_shares(chat: Chat, imported: Engine) -> None:
    listing = said(chat.say("หน่วยงาน", ADMIN, group=None))
    assert f"• {PUBLIC_RELATIONS}\n   ⚠️ ยังไม่ผูกกลุ่ม · 7 รายการ · ร่วมรับผิดชอบ 6 รายการ" in listing
    assert f"• {PERSONNEL}\n   ⚠️ ยังไม่ผูกกลุ่ม · 19 รายการ\n" in listing
