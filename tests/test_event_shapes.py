"""Event shapes LINE documents, through the real webhook: standby, rooms, unsend, odd members.

Each event is built as the Messaging API reference shows it (webhook event objects), with the
test's own ids; `conversation` returns what LINE received in answer.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.tables import ChatGroup, GroupMember, InboundEvent, ProgressReport
from tests.support.chat import Chat, add_task, name_supervisor
from tests.support.events import GROUP, NOW, OFFICER_A, event_id, millis, text_message

Say = Any
ROOM = "R" + "a8dbf4673c4c812cd491258042226c99"


def envelope(kind: str, source: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A webhook event object as LINE sends it today."""
    return {
        "type": kind,
        "mode": "active",
        "timestamp": millis(NOW),
        "source": source,
        "webhookEventId": event_id(),
        "deliveryContext": {"isRedelivery": False},
        **fields,
    }


def in_room(text: str, mention_bot: bool = False) -> dict[str, Any]:
    """A text message in a multi-person chat (a room)."""
    event = text_message(text, user_id=OFFICER_A, group_id=None, mention_bot=mention_bot)
    event["source"] = {"type": "room", "roomId": ROOM, "userId": OFFICER_A}
    return event


def test_a_standby_bot_records_but_never_speaks(conversation: Say, engine: Engine) -> None:
    # Another channel is active in this chat: LINE sends no reply token and the bot keeps quiet.
    for event in (
        text_message("ช่วยเหลือ", user_id=OFFICER_A, group_id=None),
        text_message("เพิ่มงาน x @สมชาย กำหนด 30 ก.ย. 2567", user_id=OFFICER_A, group_id=GROUP),
        envelope("join", {"type": "group", "groupId": GROUP}),
        envelope(
            "memberJoined",
            {"type": "group", "groupId": GROUP},
            joined={"members": [{"type": "user", "userId": OFFICER_A}]},
        ),
    ):
        event["mode"] = "standby"
        event.pop("replyToken", None)
        assert conversation(event) == []
    with Session(engine) as session:
        group = session.exec(select(ChatGroup).where(ChatGroup.line_group_id == GROUP)).one()
        members = session.exec(select(GroupMember)).all()
    assert group.active and len(members) == 1  # the changes are kept, silently


def test_a_room_answers_only_when_addressed_and_greets_on_join(conversation: Say) -> None:
    join = envelope("join", {"type": "room", "roomId": ROOM}, replyToken="r" * 32)
    [greeting] = conversation(join)
    assert "ห้องนี้จะเงียบไว้" in greeting["text"]
    assert conversation(in_room("ไปกินข้าวกันไหม")) == []  # chatter: quiet
    [answer] = conversation(in_room("ช่วยเหลือ"))
    assert "ห้องแชทหลายคนยังใช้ติดตามงานไม่ได้" in answer["text"]
    [tagged] = conversation(in_room("@ติดตาม ช่วยด้วย", mention_bot=True))
    assert "เชิญ “ติดตาม” เข้ากลุ่มนั้น" in tagged["text"]


def test_an_unsent_message_loses_its_text_everywhere(
    conversation: Say, engine: Engine, chat: Chat
) -> None:
    name_supervisor(chat)
    number = add_task(chat)  # officer A owns it
    report = text_message(
        f"รายงาน #{number} เบอร์โทรส่วนตัว 081-234-5678 50%", user_id=OFFICER_A, group_id=GROUP
    )
    conversation(report)
    message_id = report["message"]["id"]
    unsend = envelope("unsend", {"type": "group", "groupId": GROUP, "userId": OFFICER_A}) | {
        "unsend": {"messageId": message_id}
    }
    assert conversation(unsend) == []
    with Session(engine) as session:
        stored = [row.raw for row in session.exec(select(InboundEvent))]
        reports = session.exec(select(ProgressReport)).all()
    assert not any("081-234-5678" in str(raw) for raw in stored)
    [scrubbed] = [raw for raw in stored if raw.get("message", {}).get("id") == message_id]
    assert scrubbed["message"] == {"id": message_id, "type": "text", "unsent": True}
    assert [(r.text, r.percent) for r in reports] == [("(ข้อความนี้ถูกยกเลิกการส่งโดยผู้ส่ง)", 50)]


@pytest.mark.parametrize(
    "members",
    [{"type": "user", "userId": OFFICER_A}, "U123", None, [None, 5, {"type": "user"}]],
)
def test_member_events_of_odd_shapes_cost_nothing(
    conversation: Say, members: object, caplog: pytest.LogCaptureFixture
) -> None:
    source = {"type": "group", "groupId": GROUP}
    with caplog.at_level(logging.WARNING):
        assert conversation(envelope("memberJoined", source, joined={"members": members})) == []
        assert conversation(envelope("memberLeft", source, left={"members": members})) == []
        assert conversation(envelope("memberJoined", source, joined=members)) == []
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_a_postback_that_is_not_one_of_ours_is_quietly_ignored(conversation: Say) -> None:
    postback = envelope(
        "postback",
        {"type": "user", "userId": OFFICER_A},
        replyToken="p" * 32,
        postback={"data": "action=buy&itemid=111", "params": {"date": "2024-03-31"}},
    )
    assert conversation(postback) == []
