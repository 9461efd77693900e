"""`สถานะ`: per topic, done / open / late, and who has not reported this month."""

from __future__ import annotations

import json

from tests.support.chat import Chat, add_task, buttons, name_supervisor, said
from tests.support.events import ADMIN, OFFICER_A, OFFICER_B, OTHER_GROUP
from tests.support.web import MutableClock


def test_status_counts_late_tasks_and_names_who_has_not_reported(
    chat: Chat, clock: MutableClock
) -> None:
    name_supervisor(chat)
    late = add_task(chat, "ทำป้ายประกาศ", "5 มี.ค. 2567")
    done = add_task(chat, "ส่งแบบฟอร์ม", "20 มี.ค. 2567")
    chat.say(f"เสร็จ #{done}", OFFICER_A)
    chat.say(f"รายงาน #{late} กำลังทำ", OFFICER_A)
    clock.now = clock.now.replace(day=11)

    [card] = chat.say("สถานะ", OFFICER_B)
    assert card["type"] == "flex"
    assert card["altText"] == "สถานะงาน กลุ่มนี้: เสร็จ 1 · ค้าง 1 · เลยกำหนด 1"
    bubble = json.dumps(card["contents"], ensure_ascii=False)
    assert f"#{late} ทำป้ายประกาศ" in bubble and "เลย 6 วัน" in bubble
    assert "สมศรี" in bubble and "สมชาย" not in bubble.split("ยังไม่รายงาน")[-1]


def test_an_empty_group_and_a_1_to_1_officer_get_plain_answers(chat: Chat) -> None:
    assert "ยังไม่มีงานในกลุ่มนี้" in said(chat.say("สถานะ", OFFICER_A))
    assert "ยังไม่ได้อยู่ในกลุ่ม" in said(chat.say("สถานะ", "U" + "9" * 32, group=None))
    name_supervisor(chat)
    add_task(chat)
    chat.say("สถานะ", ADMIN, group=OTHER_GROUP)  # the admin is in another group too
    everything = said(chat.say("สถานะ", ADMIN, group=None))
    assert "ทุกกลุ่ม" in everything and "เสร็จ 0 · ค้าง 1" in everything


def test_when_everyone_reported_the_card_says_so_in_words(chat: Chat) -> None:
    name_supervisor(chat)
    number = add_task(chat)
    chat.say(f"รายงาน #{number} เริ่มแล้ว", OFFICER_A)
    chat.say(f"รายงาน #{number} ช่วยอีกแรง", OFFICER_B)
    [card] = chat.say("สถานะ", OFFICER_A)
    assert "รายงานเดือนมีนาคม 2567 ครบแล้ว ✓" in json.dumps(card["contents"], ensure_ascii=False)


def test_in_a_group_the_latest_tasks_get_their_buttons_under_the_card(
    chat: Chat, clock: MutableClock
) -> None:
    name_supervisor(chat)
    latest = add_task(chat, "เลยนานสุด", "2 มี.ค. 2567")
    later = add_task(chat, "เลยรองลงมา", "5 มี.ค. 2567")
    on_time = add_task(chat, "ยังไม่ถึงกำหนด", "30 มี.ค. 2567")
    clock.now = clock.now.replace(day=11)
    [card] = chat.say("สถานะ", OFFICER_B)
    sent = [data for _, data in buttons(card)]
    assert sent[:2] == [f"ยืนยันเสร็จ #{latest}", f"เปิดรายงาน #{latest}"]
    assert f"ยืนยันเสร็จ #{later}" in sent and f"ยืนยันเสร็จ #{on_time}" not in sent
    assert sent[-1] == "งานของฉัน"
    [everywhere] = chat.say("สถานะ", ADMIN, group=None)
    assert not buttons(everywhere)  # across groups: no buttons for tasks the asker may not see


def test_a_busy_group_s_status_is_one_short_card_with_a_link_to_the_web_view(
    chat: Chat, clock: MutableClock
) -> None:
    name_supervisor(chat)
    numbers = [add_task(chat, f"งานค้างที่ {n}", f"{n} มี.ค. 2567") for n in range(1, 13)]
    clock.now = clock.now.replace(day=25)
    [card] = chat.say("สถานะ", OFFICER_B)
    contents = card["contents"]
    assert card["type"] == "flex" and contents["type"] == "bubble"  # not a carousel
    bubble = json.dumps(contents, ensure_ascii=False)
    assert "เลยกำหนด 12" in bubble
    assert bubble.count('"text": "#') == 5  # the five latest by name
    assert f"#{numbers[0]} งานค้างที่ 1" in bubble  # 1 March: the latest of all
    assert "และอีก 7 รายการ" in bubble
    action = contents["footer"]["contents"][0]["action"]
    assert action["type"] == "uri" and "/dashboard/" in action["uri"]
    assert next(data for _, data in buttons(card)) == f"ยืนยันเสร็จ #{numbers[0]}"
