"""Buttons on task answers, tapped through the real webhook path: same commands, same checks."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.events import postback_text
from models.tables import Task
from tests.support.chat import Say, actions, buttons, said
from tests.support.events import (
    ADMIN,
    GROUP,
    OFFICER_A,
    OFFICER_B,
    OTHER_GROUP,
    OUTSIDER,
    SUPERVISOR,
    in_group,
    join,
    postback,
)

TODAY = date(2024, 3, 1)  # the test clock's day (Bangkok)


def set_up(say: Say, due: str = "31 มี.ค. 2567") -> tuple[int, dict[str, Any]]:
    """A group with a supervisor and a task for officers A and B; (number, the added answer)."""
    say(join(GROUP))
    say(in_group("ตั้งหัวหน้า @สมศักดิ์", ADMIN, (SUPERVISOR, "@สมศักดิ์")))
    [added] = say(
        in_group(
            f"เพิ่มงาน จัดทำคู่มือ @สมชาย @สมศรี กำหนด {due}",
            SUPERVISOR,
            (OFFICER_A, "@สมชาย"),
            (OFFICER_B, "@สมศรี"),
        )
    )
    number = int(said([added]).split("#", 1)[1].split()[0])
    return number, added


def task(engine: Engine, number: int) -> Task:
    """Task #number as stored."""
    with Session(engine) as session:
        found = session.get(Task, number)
        assert found is not None
        return found


def test_an_added_task_carries_done_report_and_move_buttons(conversation: Say) -> None:
    number, added = set_up(conversation)
    found = actions(added)
    assert found["✅ เสร็จ"] == {
        "type": "postback",
        "label": "✅ เสร็จ",
        "data": f"ยืนยันเสร็จ #{number}",
    }
    assert found["📝 รายงาน"]["inputOption"] == "openKeyboard"
    assert found["📝 รายงาน"]["fillInText"] == f"รายงาน #{number} "
    picker = found["📅 เลื่อน"]
    assert (picker["type"], picker["mode"], picker["data"]) == (
        "datetimepicker",
        "date",
        f"เลื่อน #{number}",
    )
    assert (picker["initial"], picker["min"]) == ("2024-03-31", TODAY.isoformat())
    assert [label for label, _ in buttons(added)][-2:] == ["งานของฉัน", "สถานะ"]


def test_done_asks_first_then_closes_and_a_replayed_tap_is_answered(
    conversation: Say, engine: Engine
) -> None:
    number, _ = set_up(conversation)
    [question] = conversation(postback(f"ยืนยันเสร็จ #{number}", OFFICER_A))
    assert question["type"] == "template" and question["template"]["type"] == "confirm"
    assert "จัดทำคู่มือ" in question["template"]["text"]
    yes, no = question["template"]["actions"]
    assert task(engine, number).status == "open"  # asking changes nothing
    assert conversation(postback(no["data"], OFFICER_A)) == []
    assert task(engine, number).status == "open"
    assert yes["displayText"] == f"เสร็จ #{number}"
    assert "เสร็จแล้ว" in said(conversation(postback(yes["data"], OFFICER_A)))
    assert task(engine, number).status == "done"
    # The same button again (a second tap, or LINE redelivering it): told, nothing breaks.
    assert "ปิดไปแล้ว" in said(conversation(postback(yes["data"], OFFICER_A)))
    assert "ปิดไปแล้ว" in said(conversation(postback(f"ยืนยันเสร็จ #{number}", OFFICER_A)))


def test_a_tap_by_someone_not_allowed_gets_the_typed_command_s_refusal(
    conversation: Say, engine: Engine
) -> None:
    number, _ = set_up(conversation)
    typed_done = said(conversation(in_group(f"เสร็จ #{number}", OUTSIDER)))
    assert typed_done  # a refusal, not silence
    assert said(conversation(postback(f"ยืนยันเสร็จ #{number}", OUTSIDER))) == typed_done
    assert said(conversation(postback(f"เสร็จ #{number}", OUTSIDER))) == typed_done
    typed_report = said(conversation(in_group(f"รายงาน #{number} ส่งแล้ว", OUTSIDER)))
    assert said(conversation(postback(f"เปิดรายงาน #{number}", OUTSIDER))) == typed_report
    typed_move = said(conversation(in_group(f"เลื่อน #{number} 30 เม.ย. 2567", OUTSIDER)))
    picked = conversation(postback(f"เลื่อน #{number}", OUTSIDER, params={"date": "2024-04-30"}))
    assert said(picked) == typed_move
    assert task(engine, number).status == "open"
    assert task(engine, number).due_date == date(2024, 3, 31)


def test_the_date_picked_moves_the_due_date_and_is_answered_in_buddhist_era(
    conversation: Say, engine: Engine
) -> None:
    number, _ = set_up(conversation)
    picked = postback(f"เลื่อน #{number}", OFFICER_B, params={"date": "2024-04-30"})
    answer = said(conversation(picked))
    assert "30 เม.ย. 2567" in answer and "2024" not in answer
    assert task(engine, number).due_date == date(2024, 4, 30)


def test_the_report_button_opens_the_keyboard_for_an_owner_and_says_nothing(
    conversation: Say,
) -> None:
    number, _ = set_up(conversation)
    assert conversation(postback(f"เปิดรายงาน #{number}", OFFICER_A)) == []


def test_a_button_of_another_group_or_a_deleted_task_answers_like_a_missing_task(
    conversation: Say,
) -> None:
    number, _ = set_up(conversation)
    conversation(join(OTHER_GROUP))
    elsewhere = said(conversation(postback(f"ยืนยันเสร็จ #{number}", OFFICER_A, OTHER_GROUP)))
    typed = in_group(f"เสร็จ #{number}", OFFICER_A, group=OTHER_GROUP)
    assert elsewhere == said(conversation(typed))
    assert f"#{number}" in elsewhere
    missing = said(conversation(postback("ยืนยันเสร็จ #99999", OFFICER_A)))
    assert "#99999" in missing


def test_buttons_work_in_the_one_to_one_chat_too(conversation: Say, engine: Engine) -> None:
    number, _ = set_up(conversation)
    [mine] = conversation(in_group("งานของฉัน", OFFICER_A, group=None))
    assert (f"✅ เสร็จ #{number}", f"ยืนยันเสร็จ #{number}") in buttons(mine)
    [question] = conversation(postback(f"ยืนยันเสร็จ #{number}", OFFICER_A, None))
    yes, _ = question["template"]["actions"]
    conversation(postback(yes["data"], OFFICER_A, None))
    assert task(engine, number).status == "done"


def test_my_tasks_offers_buttons_for_the_three_soonest(conversation: Say) -> None:
    first, _ = set_up(conversation, due="30 เม.ย. 2567")
    later = []
    for due in ("31 มี.ค. 2567", "15 มี.ค. 2567", "31 พ.ค. 2567"):
        [added] = conversation(
            in_group(f"เพิ่มงาน งาน {due} @สมชาย กำหนด {due}", SUPERVISOR, (OFFICER_A, "@สมชาย"))
        )
        later.append(int(said([added]).split("#", 1)[1].split()[0]))
    [mine] = conversation(in_group("งานของฉัน", OFFICER_A))
    numbered = [data for _, data in buttons(mine) if data.startswith("ยืนยันเสร็จ")]
    # Soonest first: 15 Mar, 31 Mar, 30 Apr; the May task has no buttons (13 at most).
    assert numbered == [f"ยืนยันเสร็จ #{n}" for n in (later[1], later[0], first)]
    assert len(buttons(mine)) <= 13


def test_a_duty_s_done_button_names_the_month_it_closes(conversation: Say, engine: Engine) -> None:
    conversation(join(GROUP))
    conversation(in_group("ตั้งหัวหน้า @สมศักดิ์", ADMIN, (SUPERVISOR, "@สมศักดิ์")))
    [added] = conversation(
        in_group("เพิ่มงาน สรุปผลจัดซื้อ @สมชาย กำหนด ทุกสิ้นเดือน", SUPERVISOR, (OFFICER_A, "@สมชาย"))
    )
    number = int(said([added]).split("#", 1)[1].split()[0])
    assert "📅 เลื่อน" not in actions(added)  # a duty moves by its rule (ทำซ้ำ), not a date
    [question] = conversation(postback(f"ยืนยันเสร็จ #{number}", OFFICER_A))
    assert "มี.ค. 2567" in question["template"]["text"]
    yes, _ = question["template"]["actions"]
    assert yes["data"] == f"เสร็จ #{number} มี.ค. 2567"
    assert "มี.ค. 2567 เสร็จแล้ว" in said(conversation(postback(yes["data"], OFFICER_A)))


def test_postback_text_reads_the_picker_s_date_in_thai() -> None:
    assert postback_text({"data": "เลื่อน #12", "params": {"date": "2024-04-30"}}) == (
        "เลื่อน #12 30 เม.ย. 2567"
    )
    assert postback_text({"data": "x", "params": {"datetime": "2024-04-30T13:05"}}) == (
        "x 30 เม.ย. 2567 13:05"
    )
    assert postback_text({"data": "เลื่อน #12", "params": {"date": "30/04/2024"}}) == "เลื่อน #12"
    assert postback_text({"data": "เสร็จ  #๑๒"}) == "เสร็จ #12"
    assert postback_text("not an object") == ""
