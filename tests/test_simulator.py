"""The demo simulator as a fake LINE platform, over real HTTP: signed events in, API calls out."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from bot.demo import create_demo_app
from bot.richmenu import menu_definition, menu_image
from bot.webhook import services_of
from models.settings import Settings
from tests.support.demo import Demo, text_of


def test_help_round_trip_through_signed_webhook_and_fake_api(demo: Demo) -> None:
    status, info = demo.call("info")
    assert status == 200 and {p["key"] for p in info["people"]} >= {
        "admin",
        "supervisor",
        "officer1",
    }
    demo.say("officer1", "ช่วยเหลือ")
    [answer] = demo.bot_entries()
    assert answer["via"] == "reply" and "คำสั่งของ" in text_of(answer)


def test_mentions_become_owners_and_the_meeting_push_arrives_on_the_shifted_day(demo: Demo) -> None:
    text = "เพิ่มงาน ทำป้ายประกาศ @สมชาย กำหนด 28 มิ.ย. 2567"
    demo.say("supervisor", text, [{"key": "officer1", "index": text.index("@"), "length": 6}])
    [added] = demo.bot_entries()
    message = added["messages"][0]
    assert message["type"] == "textV2" and "เพิ่มงาน #" in message["text"]
    assert message["substitution"]["o0"]["mentionee"]["userId"] == "U" + "a3" * 16

    status, _ = demo.call("clock", {"date": "2024-06-17", "time": "08:30"})
    assert status == 200
    pushes = demo.bot_entries()
    assert pushes[0]["via"] == "push"
    assert "17 มิ.ย. 2567" in text_of(pushes[0]) and "15 มิ.ย. 2567" in text_of(pushes[0])


def test_bad_simulator_input_is_a_400_with_a_thai_message(demo: Demo) -> None:
    assert demo.call("say", {"who": "nobody", "text": "ช่วยเหลือ"})[0] == 400
    assert demo.call("say", {"who": "officer1", "text": "  "})[0] == 400
    status, answer = demo.call("clock", {"date": "17/06/2024"})
    assert status == 400 and "เลือกวันที่" in answer["error"]


@pytest.mark.no_public_base_url
def test_the_report_link_works_in_the_demo_without_any_setting(demo: Demo) -> None:
    demo.say("supervisor", "ส่งออกรายงาน มิ.ย. 2567")
    [answer] = demo.bot_entries()
    [link] = re.findall(r"https?://\S+", text_of(answer))
    assert link.startswith(demo.base_url + "/exports/")
    with urllib.request.urlopen(link, timeout=15) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.read(2) == b"PK"  # an .xlsx is a zip file


def test_a_restarted_demo_goes_on_at_its_time_and_says_why_nothing_is_resent(
    demo: Demo, settings: Settings
) -> None:
    assert demo.call("clock", {"date": "2024-06-17", "time": "08:30"})[0] == 200
    assert any("ประชุม" in text_of(entry) for entry in demo.bot_entries())
    assert demo.call("clock", {"date": "2024-06-17", "time": "08:30"})[0] == 200
    _, data = demo.call(f"transcript?after={demo.seen}")
    notes = [text_of(entry) for entry in data["entries"] if entry["kind"] == "system"]
    assert any("ส่งไปแล้วก่อนหน้านี้ ระบบไม่ส่งซ้ำ" in note for note in notes), notes

    restarted = create_demo_app(settings, demo.base_url)  # a second start on the same database
    try:
        client = restarted.test_client()
        assert client.get("/simulator/api/info").json["now"].startswith("2024-06-17T08:30")
        entries = client.get("/simulator/api/transcript?after=0").json["entries"]
        assert any("เวลาสาธิตต่อจากครั้งก่อน" in text_of(entry) for entry in entries)
    finally:
        services_of(restarted).close()


def test_the_rich_menu_in_the_demo_is_the_one_line_gets_and_its_taps_come_from_the_1to1_chat(
    demo: Demo,
) -> None:
    _, info = demo.call("info")
    assert info["rich_menu"] == menu_definition()
    with urllib.request.urlopen(demo.base_url + "/simulator/richmenu.png", timeout=15) as response:
        assert response.headers["Content-Type"] == "image/png"
        assert response.read() == menu_image()

    [meeting] = [a["action"] for a in info["rich_menu"]["areas"] if a["action"]["text"] == "ประชุม"]
    status, answer = demo.call("say", {"who": "officer1", "text": meeting["text"], "chat": "user"})
    assert status == 200 and answer["callback_status"] == 200
    [reply] = demo.bot_entries()
    assert reply["via"] == "reply" and reply["to"] == "สมชาย"  # answered in the 1:1 chat
    assert "ประชุม" in text_of(reply)
    _, data = demo.call("transcript?after=0")
    [tap] = [e for e in data["entries"] if e["kind"] == "user" and e["to"]]
    assert tap["sender"] == "สมชาย" and tap["to"] == "ติดตาม"


def test_buttons_in_the_demo_tap_through_the_signed_webhook_as_postbacks(demo: Demo) -> None:
    text = "เพิ่มงาน ทำป้ายประกาศ @สมชาย กำหนด 28 มิ.ย. 2567"
    demo.say("supervisor", text, [{"key": "officer1", "index": text.index("@"), "length": 6}])
    [added] = demo.bot_entries()
    items = added["messages"][0]["quickReply"]["items"]
    by_label = {item["action"]["label"]: item["action"] for item in items}
    done, picker = by_label["✅ เสร็จ"], by_label["📅 เลื่อน"]

    tapped = {"who": "officer1", "data": picker["data"], "label": picker["label"]}
    status, answer = demo.call("tap", {**tapped, "params": {"date": "2024-07-05"}})
    assert status == 200 and answer["callback_status"] == 200
    [moved] = demo.bot_entries()
    assert "5 ก.ค. 2567" in text_of(moved)

    demo.call("tap", {"who": "officer1", "data": done["data"], "label": done["label"]})
    [question] = demo.bot_entries()
    confirm = question["messages"][0]
    assert confirm["type"] == "template" and "ทำป้ายประกาศ" in confirm["template"]["text"]
    yes = confirm["template"]["actions"][0]
    demo.call("tap", {"who": "officer1", "data": yes["data"], "shows": yes["displayText"]})
    [closed] = demo.bot_entries()
    assert "เสร็จแล้ว" in text_of(closed)
    _, data = demo.call("transcript?after=0")
    lines = [e["messages"][0]["text"] for e in data["entries"] if e["kind"] in ("user", "system")]
    assert "👆 สมชาย กดปุ่ม “📅 เลื่อน”" in lines  # a tap that posts nothing is noted
    assert yes["displayText"] in lines  # displayText is posted as the person's message


def test_a_tap_without_data_or_by_nobody_is_a_400(demo: Demo) -> None:
    assert demo.call("tap", {"who": "officer1", "data": ""})[0] == 400
    assert demo.call("tap", {"who": "nobody", "data": "สถานะ"})[0] == 400


def test_the_1_july_2024_summary_in_the_demo_is_a_mention_line_and_one_card(demo: Demo) -> None:
    status, _ = demo.call("clock", {"date": "2024-07-01", "time": "08:30"})
    assert status == 200
    [digest] = [entry for entry in demo.bot_entries() if entry["via"] == "push"]
    text, card = digest["messages"]
    lines = [line for line in text["text"].splitlines() if line]
    assert len(lines) <= 4, lines  # it was a 45-line message before the card
    assert text["substitution"]  # the supervisors and owners are still tagged
    assert card["type"] == "flex" and "สรุปงาน" in card["altText"]
    assert "มิ.ย. 2567" in json.dumps(card["contents"], ensure_ascii=False)
def test_a_photo_sent_in_the_simulator_is_fetched_and_attached_as_evidence(demo: Demo) -> None:
    text = "เพิ่มงาน ติดประกาศ @สมชาย กำหนด 28 มิ.ย. 2567"
    demo.say("supervisor", text, [{"key": "officer1", "index": text.index("@"), "length": 6}])
    number = int(text_of(demo.bot_entries()[0]).split("#", 1)[1].split()[0])
    demo.say("officer1", f"แนบหลักฐาน #{number}")
    demo.bot_entries()

    demo.send_file("officer1", "board.png", menu_image(), "image/png")

    [answer] = demo.bot_entries()
    assert "📎 แนบ photo-" in text_of(answer) and f"กับงาน #{number} แล้ว (รวม 1 ไฟล์)" in (
        text_of(answer)
    )
    _, data = demo.call("transcript?after=0")
    [photo] = [e for e in data["entries"] if e["messages"][0].get("type") == "image"]
    with urllib.request.urlopen(demo.base_url + photo["messages"][0]["url"], timeout=15) as shown:
        assert shown.read() == menu_image()
