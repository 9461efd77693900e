"""Scripted conversations with an imported plan: binding units, the ITA view, procurement."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.plan.document import load_plan
from bot.plan.importer import import_plan
from models.db import session_scope
from models.tables import AuditEntry, ChatGroup, Task, TaskOwner, Unit
from tests.conftest import repository_root
from tests.events import (
    ADMIN,
    GROUP,
    NOW,
    OFFICER_A,
    OFFICER_B,
    OTHER_GROUP,
    SUPERVISOR,
    join,
    text_message,
)
from tests.test_conversation import said

Say = Callable[..., list[Any]]
CLERICAL = "สำนักปลัดเทศบาล งานธุรการ"
PROCUREMENT = "งานพัสดุ/กองคลัง"


@pytest.fixture
def imported(engine: Engine) -> Engine:
    """The real plan imported into the test database."""
    with session_scope(engine) as session:
        import_plan(session, load_plan(repository_root() / "data" / "ita-2566-plan.yaml"), now=NOW)
    return engine


def in_group(text: str, user: str, *mentioned: tuple[str, str], group: str = GROUP) -> Any:
    """A message in a group."""
    return text_message(text, user_id=user, group_id=group, mentions=mentioned)


def start(say: Say, group: str = GROUP) -> None:
    """The bot joins; the admin names the supervisor."""
    say(join(group))
    say(in_group("ตั้งหัวหน้า @สมศักดิ์", ADMIN, (SUPERVISOR, "@สมศักดิ์"), group=group))


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text sent) of a message's quick-reply buttons."""
    items = (message.get("quickReply") or {}).get("items") or []
    return [(item["action"]["label"], item["action"]["text"]) for item in items]


def group_of(engine: Engine, plan_item: str) -> str | None:
    """The LINE group a plan item reports in."""
    with Session(engine) as session:
        task = session.exec(select(Task).where(Task.source_key == f"ita-2567:{plan_item}")).one()
        if task.group_id is None:
            return None
        group = session.get(ChatGroup, task.group_id)
        return group.line_group_id if group else None


def test_binding_a_unit_to_a_group(conversation: Say, imported: Engine) -> None:
    say = conversation
    start(say)

    refused = said(say(in_group("ผูกหน่วยงาน งานธุรการ", OFFICER_A)))
    assert "ใช้ได้เฉพาะ" in refused and group_of(imported, "1.1") is None

    # Part of several names: the candidates come back as buttons that send the full command.
    [choose] = say(in_group("ผูกหน่วยงาน สำนักปลัดเทศบาล", SUPERVISOR))
    assert "ใกล้กับหน่วยงานเหล่านี้" in choose["text"]
    assert buttons(choose) == [
        ("งานธุรการ", f"ผูกหน่วยงาน {CLERICAL}"),
        ("งานประชาสัมพันธ์", "ผูกหน่วยงาน สำนักปลัดเทศบาล งานประชาสัมพันธ์"),
        ("งานนิติการ", "ผูกหน่วยงาน สำนักปลัดเทศบาล งานนิติการ"),
        ("งานการเจ้าหน้าที่", "ผูกหน่วยงาน สำนักปลัดเทศบาล งานการเจ้าหน้าที่"),
    ]
    # A misspelt name: the close match is offered, nothing is bound yet.
    [typo] = say(in_group("ผูกหน่วยงาน งานธรุการ", SUPERVISOR))
    assert buttons(typo)[0] == ("งานธุรการ", f"ผูกหน่วยงาน {CLERICAL}")
    assert group_of(imported, "1.1") is None
    [nothing] = say(in_group("ผูกหน่วยงาน กองช่าง", SUPERVISOR))
    assert "ไม่พบหน่วยงาน “กองช่าง”" in nothing["text"] and len(buttons(nothing)) == 6

    # Tapping the button binds: measures 1.1 and 1.2 with their five steps, and the
    # plan's meeting (the 15th) becomes the group's meeting rule.
    bound = said(say(in_group(f"ผูกหน่วยงาน {CLERICAL}", SUPERVISOR)))
    assert f"🔗 ผูก “{CLERICAL}” กับกลุ่มนี้แล้ว" in bound
    assert "2 มาตรการ 5 ขั้นตอน" in bound and "ทุกวันที่ 15 ของเดือน" in bound
    assert {group_of(imported, item) for item in ("1.1", "1.1.3", "1.2", "1.2.1")} == {GROUP}
    assert group_of(imported, "1.3") is None
    with Session(imported) as session:
        group = session.exec(select(ChatGroup).where(ChatGroup.line_group_id == GROUP)).one()
        assert group.meeting_day == 15
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "unit.bind")).one()

    status = said(say(in_group("สถานะ", OFFICER_B)))
    assert "กระบวนการปฏิบัติงานที่โปร่งใส" in status
    assert "15" in said(say(in_group("ประชุม", OFFICER_B)))

    # Another group takes the unit over; a group's own meeting rule is kept.
    start(say, OTHER_GROUP)
    say(in_group("ตั้งประชุม ทุกวันที่ 20 เวลา 10:00", SUPERVISOR, group=OTHER_GROUP))
    moved = said(say(in_group("ผูกหน่วยงาน งานธุรการ", SUPERVISOR, group=OTHER_GROUP)))
    assert "ย้ายมาจากกลุ่ม" in moved and "ตั้งประชุม" not in moved
    assert group_of(imported, "1.2.1") == OTHER_GROUP
    with Session(imported) as session:
        other = session.exec(select(ChatGroup).where(ChatGroup.line_group_id == OTHER_GROUP)).one()
        assert other.meeting_day == 20


def test_the_admin_lists_units_and_sees_which_are_not_bound(
    conversation: Say, imported: Engine
) -> None:
    say = conversation
    start(say)
    say(in_group(f"ผูกหน่วยงาน {PROCUREMENT}", SUPERVISOR))

    listing = said(say(text_message("หน่วยงาน", user_id=ADMIN, group_id=None)))
    assert listing.startswith("🏢 หน่วยงานตามแผน 6 หน่วย · ยังไม่ผูกกลุ่ม 5 หน่วย")
    assert f"• {PROCUREMENT}\n   กลุ่ม " in listing and "8 รายการ" in listing
    assert f"• {CLERICAL}\n   ⚠️ ยังไม่ผูกกลุ่ม · 7 รายการ" in listing
    assert listing.index("ยังไม่ผูกกลุ่ม ·") < listing.index(f"• {PROCUREMENT}")  # unbound first

    assert "ใช้ได้เฉพาะผู้ดูแลระบบ" in said(say(in_group("หน่วยงาน", SUPERVISOR)))


def test_without_an_imported_plan_the_commands_say_how_to_import(
    conversation: Say, engine: Engine
) -> None:
    start(conversation)
    for command in ("ผูกหน่วยงาน งานธุรการ", "คะแนน ITA"):
        assert "python -m bot import-plan" in said(conversation(in_group(command, SUPERVISOR)))


def test_the_ita_view_lists_the_weakest_items_first_with_their_measures(
    conversation: Say, imported: Engine
) -> None:
    [message] = conversation(in_group("คะแนน ITA", OFFICER_A))
    assert message["type"] == "flex"
    alt = message["altText"]
    assert alt.startswith("คะแนน ITA 2566: 83.72 (ต้องปรับปรุง) — ต่ำสุด: ")
    assert "o35 0.00, o42 0.00, o43 0.00, e10 10.00, i8 52.98, e7 59.90, e12 59.90" in alt
    assert len(alt) <= 400

    bubbles = message["contents"]["contents"]
    assert len(bubbles) == 7  # the overview and 27 items below 85 in pages of five
    overview = json.dumps(bubbles[0], ensure_ascii=False)
    assert "83.72 คะแนน · ต้องปรับปรุง" in overview
    order = [overview.index(f"{n}. ") for n in (7, 10, 8, 6, 2, 5, 4, 3, 1, 9)]
    assert order == sorted(order)  # indicators weakest first: 73.50, 73.75, 79.89 …

    first = json.dumps(bubbles[1], ensure_ascii=False)
    assert first.index('"o35"') < first.index('"o42"') < first.index('"e10"')
    assert "OIT · ประเด็นที่ 4, 7" in first  # o35 scores 0.00 under both topics
    assert (
        "→ มาตรการ 4.1 งานพัสดุ/กองคลัง · 4.2 งานตรวจสอบภายใน"
        " · 4.3 สำนักปลัดเทศบาล งานการเจ้าหน้าที่ · 7.1 สำนักปลัดเทศบาล งานนิติการ"
    ) in first
    assert "EIT · ประเด็นที่ 3" in first
    assert "→ มาตรการ 3.1 สำนักปลัดเทศบาล งานการเจ้าหน้าที่" in first
    everything = json.dumps(bubbles, ensure_ascii=False)
    assert '"e4"' in everything and '"i1"' not in everything  # 83.97 shown, 85.93 not
    assert "ได้ 85.00 ขึ้นไป (ไม่แสดง)" in json.dumps(bubbles[-1], ensure_ascii=False)
    # e10 is 97.37 under topic 7: not weak there, so only topic 3 is named for it.
    assert items(bubbles[1])["e10"] == ("10.00", "EIT · ประเด็นที่ 3")


def items(bubble: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """A weak-items bubble as {question: (score, where it was scored)}."""
    contents = bubble["body"]["contents"]
    found = {}
    for index, part in enumerate(contents):
        if part["type"] == "box":
            code, score = (cell["text"] for cell in part["contents"])
            found[code] = (score, contents[index + 1]["text"])
    return found


def test_a_procurement_gives_a_task_due_five_days_later(
    conversation: Say, imported: Engine
) -> None:
    say = conversation
    start(say)
    say(in_group(f"ผูกหน่วยงาน {PROCUREMENT}", SUPERVISOR))

    [confirmation] = say(in_group("จัดซื้อ ครุภัณฑ์คอมพิวเตอร์ 3 เครื่อง", OFFICER_A))
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

    mine = said(say(in_group("งานของฉัน", OFFICER_A)))
    assert f"#{number} เผยแพร่ผลการจัดซื้อจัดจ้าง" in mine and "อีก 5 วัน" in mine

    tagged = say(in_group("จัดจ้าง ซ่อมหลังคา @สมศรี", OFFICER_A, (OFFICER_B, "@สมศรี")))
    assert tagged[0]["substitution"]["o0"]["mentionee"]["userId"] == OFFICER_B
    assert "พิมพ์รายการ" in said(say(in_group("จัดซื้อ", OFFICER_A)))
    one_to_one = said(say(text_message("จัดซื้อ กระดาษ", user_id=OFFICER_A, group_id=None)))
    assert "ใช้ในกลุ่ม" in one_to_one
