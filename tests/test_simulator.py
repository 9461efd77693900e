"""The demo simulator as a fake LINE platform, over real HTTP: signed events in, API calls out."""

from __future__ import annotations

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
