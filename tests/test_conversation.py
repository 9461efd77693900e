"""The wiring end to end: webhook → inbox → conversation → router → outbox → the fake LINE.

Command behaviour is tested by dispatching directly (tests/commands/); these stories prove
the path around it: events, greetings, chatter, replies and pushes, names fetched from LINE.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from models.tables import (
    AuditEntry,
    ChatGroup,
    Delivery,
    InboundEvent,
    Person,
    ProgressReport,
    Task,
)
from tests.support.chat import Say, said
from tests.support.events import (
    ADMIN,
    BOT_NAME,
    GROUP,
    OFFICER_A,
    OFFICER_B,
    OTHER_GROUP,
    OUTSIDER,
    SUPERVISOR,
    follow,
    in_group,
    join,
    leave,
    member_joined,
    text_message,
    webhook,
)
from tests.support.fake_line import FakeLine
from tests.support.web import MutableClock, sign

# What LINE answers when it takes a one-message reply.
ACCEPTED = {"sentMessages": [{"id": "1", "quoteToken": "q"}]}


def set_up_group(say: Say) -> None:
    """Join, name a supervisor: the start of every story."""
    say(join(GROUP))
    say(in_group("ตั้งหัวหน้า @สมศักดิ์", ADMIN, (SUPERVISOR, "@สมศักดิ์")))


def add_task(say: Say, title: str = "จัดทำคู่มือการปฏิบัติงาน", when: str = "31 มี.ค. 2567") -> int:
    """The supervisor adds a task for officers A and B; returns its number."""
    answer = say(
        in_group(
            f"เพิ่มงาน {title} @สมชาย @สมศรี กำหนด {when}",
            SUPERVISOR,
            (OFFICER_A, "@สมชาย"),
            (OFFICER_B, "@สมศรี"),
        )
    )
    text = said(answer)
    assert "✅ เพิ่มงาน #" in text, text
    return int(text.split("#", 1)[1].split()[0])


def test_the_whole_story_of_one_task(
    conversation: Say, engine: Engine, fake_line: FakeLine
) -> None:
    say = conversation
    greeting = said(say(join(GROUP)))
    assert "ติดตาม" in greeting and "เพิ่มงาน" in greeting and "ช่วยเหลือ" in greeting

    promoted = say(in_group("ตั้งหัวหน้า @สมศักดิ์", ADMIN, (SUPERVISOR, "@สมศักดิ์")))
    assert promoted[0]["type"] == "textV2"
    assert promoted[0]["substitution"]["p0"]["mentionee"]["userId"] == SUPERVISOR

    added = say(
        in_group(
            "เพิ่มงาน จัดทำคู่มือการปฏิบัติงาน @สมชาย @สมศรี กำหนด 31 มี.ค. 2567",
            SUPERVISOR,
            (OFFICER_A, "@สมชาย"),
            (OFFICER_B, "@สมศรี"),
        )
    )
    [confirmation] = added
    assert confirmation["type"] == "textV2"
    number = int(confirmation["text"].split("#", 1)[1].split()[0])
    assert "กำหนด 31 มี.ค. 2567" in confirmation["text"]
    assert {m["mentionee"]["userId"] for m in confirmation["substitution"].values()} == {
        OFFICER_A,
        OFFICER_B,
    }
    assert "จัดทำคู่มือการปฏิบัติงาน" in confirmation["text"]

    mine = said(say(in_group("งานของฉัน", OFFICER_A)))
    assert f"#{number} จัดทำคู่มือการปฏิบัติงาน" in mine
    assert "อีก 30 วัน" in mine  # 1 → 31 March 2024

    refused = said(say(in_group(f"เสร็จ #{number}", OUTSIDER)))
    assert "แก้ไขได้เฉพาะผู้รับผิดชอบ" in refused

    reported = said(say(in_group(f"รายงาน #{number} ส่งร่างให้หัวหน้าแล้ว 60%", OFFICER_B)))
    assert "บันทึกรายงานเดือนมีนาคม 2567" in reported and "60%" in reported

    done = said(say(in_group(f"เสร็จ {number}", OFFICER_A)))
    assert f"งาน #{number}" in done and "เสร็จแล้ว" in done

    status = say(in_group("สถานะ", SUPERVISOR))
    assert status[0]["type"] == "flex"
    assert "เสร็จ 1 · ค้าง 0 · เลยกำหนด 0" in status[0]["altText"]

    with Session(engine) as session:
        task = session.get(Task, number)
        assert task is not None and task.status == "done" and task.progress == 100
        [report] = session.exec(select(ProgressReport)).all()
        assert (report.month, report.percent, report.text) == ("2024-03", 60, "ส่งร่างให้หัวหน้าแล้ว")
        actions = session.exec(select(AuditEntry.action).order_by(col(AuditEntry.id))).all()
        assert actions == ["group.join", "person.role", "task.create", "task.report", "task.done"]
        supervisor = session.exec(select(Person).where(Person.line_user_id == SUPERVISOR)).one()
        assert supervisor.role == "supervisor"
    # Every answer went out by reply (the tokens were fresh), none by push.
    assert len(fake_line.replies) == 8 and fake_line.pushes == []


def test_same_event_twice_makes_one_task_and_one_answer(
    client: FlaskClient, conversation: Say, engine: Engine, fake_line: FakeLine, app: Any
) -> None:
    set_up_group(conversation)
    event = in_group(
        "เพิ่มงาน ทำป้ายประกาศ @สมชาย กำหนด 15 มี.ค. 2567", SUPERVISOR, (OFFICER_A, "@สมชาย")
    )
    replies_before = len(fake_line.replies)
    conversation(event)
    conversation({**event, "deliveryContext": {"isRedelivery": True}})
    conversation(event)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Task)).one() == 1
    assert len(fake_line.replies) == replies_before + 1


def test_chatter_is_ignored_and_a_mention_without_command_gets_help(conversation: Say) -> None:
    say = conversation
    set_up_group(say)
    assert say(in_group("วันนี้ฝนตกหนักมาก ทุกคนเดินทางปลอดภัยนะ", OFFICER_A)) == []
    helped = said(
        say(text_message(f"{BOT_NAME} ", user_id=OFFICER_A, group_id=GROUP, mention_bot=True))
    )
    assert "คำสั่งของ" in helped
    hinted = said(
        say(
            text_message(f"{BOT_NAME} เสร็ด #3", user_id=OFFICER_A, group_id=GROUP, mention_bot=True)
        )
    )
    assert "ไม่รู้จักคำสั่งนี้" in hinted and "เสร็จ #12" in hinted


def test_one_to_one_chat_shows_my_tasks_from_all_my_groups(conversation: Say) -> None:
    say = conversation
    set_up_group(say)
    add_task(say, "งานกลุ่มแรก")
    say(join(OTHER_GROUP))
    say(
        in_group(
            "เพิ่มงาน งานกลุ่มสอง @สมชาย กำหนด 20 มี.ค. 2567",
            ADMIN,
            (OFFICER_A, "@สมชาย"),
            group=OTHER_GROUP,
        )
    )
    greeting = said(say(follow(OFFICER_A)))
    assert "งานของฉัน" in greeting
    mine = said(say(text_message("งานของฉัน", user_id=OFFICER_A, group_id=None)))
    assert "งานกลุ่มแรก" in mine and "งานกลุ่มสอง" in mine
    assert mine.index("งานกลุ่มสอง") < mine.index("งานกลุ่มแรก") or "【" in mine
    only_here = said(
        say(text_message("เพิ่มงาน x @y กำหนด 1 เม.ย. 2567", user_id=ADMIN, group_id=None))
    )
    assert "ใช้ในกลุ่ม" in only_here


def test_leave_keeps_the_data_and_member_joined_gets_a_welcome(
    conversation: Say, engine: Engine
) -> None:
    say = conversation
    set_up_group(say)
    number = add_task(say)
    welcome = say(member_joined([OUTSIDER], GROUP))
    assert welcome[0]["type"] == "textV2" and "ยินดีต้อนรับ" in welcome[0]["text"]
    assert say(leave(GROUP)) == []
    with Session(engine) as session:
        group = session.exec(select(ChatGroup).where(ChatGroup.line_group_id == GROUP)).one()
        assert group.active is False and group.left_at is not None
        assert session.get(Task, number) is not None


def test_stale_reply_token_is_answered_by_push(
    conversation: Say, clock: MutableClock, fake_line: FakeLine
) -> None:
    set_up_group(conversation)
    old = clock.now - timedelta(minutes=5)
    answer = conversation(text_message("ช่วยเหลือ", user_id=OFFICER_A, group_id=GROUP, at=old))
    assert "คำสั่งของ" in said(answer)
    [push] = fake_line.pushes
    assert push.body["to"] == GROUP and push.retry_key


def test_lost_answer_stays_in_the_outbox(
    conversation: Say, fake_line: FakeLine, engine: Engine
) -> None:
    set_up_group(conversation)
    fake_line.answer("POST", "/v2/bot/message/reply", 500, {"message": "boom"})
    conversation(in_group("ช่วยเหลือ", OFFICER_A))
    with Session(engine) as session:
        pending = session.exec(select(Delivery).where(Delivery.status == "pending")).all()
    assert len(pending) == 1 and pending[0].kind == "reply" and pending[0].target == GROUP
    assert "คำสั่งของ" in pending[0].payload["messages"][0]["text"]


def test_acknowledgement_does_not_wait_for_a_slow_line(
    client: FlaskClient, conversation: Say, fake_line: FakeLine, app: Any
) -> None:
    from bot.webhook import services_of

    set_up_group(conversation)
    conversation(
        in_group("งานของฉัน", OFFICER_A)
    )  # names are fetched once, so now only the reply waits
    fake_line.answer("POST", "/v2/bot/message/reply", 200, ACCEPTED, delay=3.0)
    body = json.dumps(webhook(in_group("ช่วยเหลือ", OFFICER_A))).encode()
    started = time.monotonic()
    response = client.post("/callback", data=body, headers={"X-Line-Signature": sign(body)})
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed < 0.5, f"acknowledged after {elapsed:.2f} s"
    assert services_of(app).wait_idle(timeout=30)
    assert "คำสั่งของ" in fake_line.replies[-1].body["messages"][0]["text"]


def test_events_left_by_a_crash_are_processed_at_the_next_start(
    settings: Any, engine: Engine, fake_line: FakeLine, clock: MutableClock
) -> None:
    from bot.inbox import record_events
    from bot.webhook import create_app, services_of
    from models.db import session_scope

    # A previous process stored these and died before answering.
    with session_scope(engine) as session:
        record_events(session, [join(GROUP), in_group("ช่วยเหลือ", OFFICER_A)], clock.now)
    app = create_app(settings, clock=clock)
    try:
        assert services_of(app).wait_idle(timeout=15)
    finally:
        services_of(app).close()
    with Session(engine) as session:
        assert set(session.exec(select(InboundEvent.status)).all()) == {"done"}
    # Both answers (the greeting, the help) go together: the second event was already stored.
    [reply] = fake_line.replies
    assert len(reply.body["messages"]) == 2


def test_names_are_fetched_from_line_once(
    conversation: Say, fake_line: FakeLine, engine: Engine
) -> None:
    set_up_group(conversation)
    for _ in range(3):
        conversation(in_group("งานของฉัน", OFFICER_A))
    profile_calls = [r for r in fake_line.requests if r.path.endswith(f"/member/{OFFICER_A}")]
    assert len(profile_calls) == 1
    with Session(engine) as session:
        officer = session.exec(select(Person).where(Person.line_user_id == OFFICER_A)).one()
        assert officer.display_name == f"member-{OFFICER_A[-4:]}"
        group = session.exec(select(ChatGroup).where(ChatGroup.line_group_id == GROUP)).one()
        assert group.name == f"group-{GROUP[-4:]}"


def test_names_are_asked_for_in_a_lull_not_while_answers_are_going_out(
    signed: Any, app: Any, fake_line: FakeLine
) -> None:
    """Asking LINE for names only costs time: it waits while another chat's answer is out."""
    from bot.webhook import services_of

    fake_line.latency = 1.0  # the first chat's answer is with LINE for a second
    signed(webhook(in_group("ช่วยเหลือ", OFFICER_A, group=OTHER_GROUP)))
    deadline = time.monotonic() + 10
    while fake_line.in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_line.in_flight == 1
    fake_line.latency = 0.0  # a new group's answer goes at once; its names could follow
    signed(webhook(in_group("ช่วยเหลือ", OFFICER_B)))
    assert services_of(app).wait_idle(timeout=15)
    answered = {request.path: at for request, at in fake_line.answered}
    slow_reply_done = max(
        at for request, at in fake_line.answered if request.path == "/v2/bot/message/reply"
    )
    asked = [at for path, at in answered.items() if path.startswith("/v2/bot/group/")]
    assert asked and min(asked) >= slow_reply_done


def test_limits_on_length_and_mentions_are_explained(conversation: Say, engine: Engine) -> None:
    set_up_group(conversation)
    long_text = "เพิ่มงาน " + "ก" * 2500 + " กำหนด 31 มี.ค. 2567"
    assert "ยาวเกินไป" in said(conversation(in_group(long_text, SUPERVISOR)))
    many = [("U" + f"{i:032x}", f"@p{i:02d}") for i in range(21)]
    command = "เพิ่มงาน งานใหญ่ " + " ".join(name for _, name in many) + " กำหนด 31 มี.ค. 2567"
    assert "ไม่เกิน 20 คน" in said(conversation(in_group(command, SUPERVISOR, *many)))
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Task)).one() == 0


def test_group_chatter_that_starts_with_a_command_word_is_left_alone(
    conversation: Say, engine: Engine
) -> None:
    set_up_group(conversation)
    for chatter in (
        "เสร็จแล้วค่ะ",
        "ประชุมกี่โมงคะ",
        "หน่วยงานไหนรับผิดชอบ",
        "คำสั่งแต่งตั้งออกแล้วนะ",
        "จัดซื้อครุภัณฑ์เสร็จหรือยังคะ",
        "เสร็จ ไปแล้วนะ",
    ):
        assert conversation(in_group(chatter, OFFICER_A)) == [], chatter
    # Tagging the bot, or a bare command word, still gets an answer.
    assert "พิมพ์แบบนี้" in said(conversation(in_group("เสร็จ", OFFICER_A)))
    tagged = text_message(
        f"{BOT_NAME} เสร็จแล้วค่ะ", user_id=OFFICER_A, group_id=GROUP, mention_bot=True
    )
    assert said(conversation(tagged)) != ""
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Task)).one() == 0


def test_a_mention_after_an_emoji_is_found_whichever_way_its_position_is_counted(
    conversation: Say, engine: Engine
) -> None:
    set_up_group(conversation)
    body = "เพิ่มงาน 📄 ทำเอกสาร @สมชาย กำหนด 31 มี.ค. 2567"
    for counted_in_utf16 in (False, True):
        event = in_group(body, SUPERVISOR, (OFFICER_A, "@สมชาย"))
        if counted_in_utf16:  # the emoji is two UTF-16 units
            event["message"]["mention"]["mentionees"][0]["index"] += 1
        answer = said(conversation(event))
        assert "“📄 ทำเอกสาร”" in answer, answer
    with Session(engine) as session:
        assert [t.title for t in session.exec(select(Task))] == ["📄 ทำเอกสาร", "📄 ทำเอกสาร"]


def test_one_chat_s_slow_line_call_does_not_hold_up_another_chat(
    client: FlaskClient, conversation: Say, fake_line: FakeLine, app: Any
) -> None:
    from bot.webhook import services_of

    conversation(join(GROUP))
    conversation(join(OTHER_GROUP))
    # LINE takes 1 s to take the first group's reply; the other group's must not wait for it.
    fake_line.answer("POST", "/v2/bot/message/reply", 200, ACCEPTED, delay=1.0)
    for group in (GROUP, OTHER_GROUP):
        body = json.dumps(webhook(in_group("ช่วยเหลือ", OFFICER_A, group=group))).encode()
        assert client.post("/callback", data=body, headers={"X-Line-Signature": sign(body)})
    assert services_of(app).wait_idle(timeout=15)
    answered = [
        request.body["replyToken"]
        for request, _ in fake_line.answered
        if request.path == "/v2/bot/message/reply"
    ]
    replies = [r for r in fake_line.requests if r.path == "/v2/bot/message/reply"]
    first_token = replies[-2].body["replyToken"]  # the slow one was asked first
    assert answered.index(first_token) > answered.index(replies[-1].body["replyToken"])


def test_answers_waiting_for_one_chat_go_in_one_reply_in_order(
    client: FlaskClient, app: Any, conversation: Say, fake_line: FakeLine, engine: Engine
) -> None:
    from bot.webhook import services_of

    set_up_group(conversation)
    # LINE is slow with the first answer; the next two wait for it and then go together.
    fake_line.answer("POST", "/v2/bot/message/reply", 200, ACCEPTED, delay=1.0)
    first = in_group("ประชุม", OFFICER_A)
    second = in_group("วันหยุด", OFFICER_A)
    third = in_group("งานของฉัน", OFFICER_A)
    replies_before = len(fake_line.replies)
    body = json.dumps(webhook(first)).encode()
    assert client.post("/callback", data=body, headers={"X-Line-Signature": sign(body)})
    deadline = time.monotonic() + 10
    while len(fake_line.replies) == replies_before and time.monotonic() < deadline:
        time.sleep(0.01)  # until the first answer is in flight
    conversation(second, third)
    assert services_of(app).wait_idle(timeout=15)
    replies = fake_line.replies[replies_before:]
    assert len(replies) == 2 and fake_line.pushes == []
    together = replies[1]
    assert together.body["replyToken"] == third["replyToken"]  # the newest fresh token
    texts = [message["text"] for message in together.body["messages"]]
    assert texts[0].startswith("🏖️ วันหยุดราชการที่จะถึง") and texts[1] == "ตอนนี้ไม่มีงานค้างของคุณ 🎉"
    assert "ยังไม่ได้ตั้งวันประชุม" in replies[0].body["messages"][0]["text"]
    with Session(engine) as session:
        vias = session.exec(select(Delivery.sent_via).where(Delivery.kind == "reply")).all()
    assert set(vias) == {"reply"}


def test_a_chat_s_stored_events_are_answered_in_one_reply(
    conversation: Say, fake_line: FakeLine
) -> None:
    set_up_group(conversation)
    asked = [in_group(words, OFFICER_A) for words in ("ประชุม", "วันหยุด", "งานของฉัน")]
    replies_before = len(fake_line.replies)
    conversation(*asked)  # one webhook: all three are stored before the first is answered
    [reply] = fake_line.replies[replies_before:]
    assert reply.body["replyToken"] == asked[-1]["replyToken"]  # the newest fresh token
    texts = [message["text"] for message in reply.body["messages"]]
    assert "ยังไม่ได้ตั้งวันประชุม" in texts[0]
    assert texts[1].startswith("🏖️ วันหยุดราชการที่จะถึง") and texts[2] == "ตอนนี้ไม่มีงานค้างของคุณ 🎉"


def test_a_reply_accepted_after_the_timeout_is_settled_by_its_token_not_pushed(
    conversation: Say, fake_line: FakeLine, engine: Engine
) -> None:
    set_up_group(conversation)
    # LINE takes the reply but answers after the client gave up (LINE_REQUEST_TIMEOUT is 2 s).
    fake_line.answer("POST", "/v2/bot/message/reply", 200, ACCEPTED, delay=3.0)
    event = in_group("ช่วยเหลือ", OFFICER_A)
    conversation(event)
    tries = [r for r in fake_line.replies if r.body["replyToken"] == event["replyToken"]]
    assert len(tries) == 2  # the second try met "Invalid reply token": the first had landed
    assert fake_line.pushes == []
    with Session(engine) as session:
        answer = session.exec(select(Delivery).where(Delivery.kind == "reply")).all()[-1]
    assert (answer.status, answer.sent_via) == ("sent", "reply")


@pytest.mark.parametrize("landed", [True, False])
def test_answers_a_dead_process_left_in_flight_are_settled_once(
    app: Any, fake_line: FakeLine, engine: Engine, clock: MutableClock, landed: bool
) -> None:
    from bot.answers import store_answer
    from bot.webhook import services_of

    event = in_group("ช่วยเหลือ", OFFICER_A)
    with engine.begin() as connection:
        # A process claimed it, called LINE, and died before marking it (no heartbeat left).
        answer = [{"type": "text", "text": "คำตอบ"}]
        claimed_by = "courier:gone:1:dead"
        assert store_answer(connection, event, answer, clock.now, claimed_by=claimed_by)
    if landed:
        fake_line.used_reply_tokens.add(event["replyToken"])  # that call had reached LINE
    # Settle now (the courier's own watch may be doing it already: the same code, once).
    services_of(app).courier.settle_orphans()
    deadline = time.monotonic() + 10
    while True:
        with Session(engine) as session:
            settled = session.exec(select(Delivery)).one()
        if settled.status != "sending" or time.monotonic() > deadline:
            break
        time.sleep(0.05)  # the watch thread settles it from its own thread
    assert (settled.status, settled.sent_via) == ("sent", "reply")
    assert fake_line.pushes == [] and len(fake_line.replies) == 1
    accepted = [request for request, _ in fake_line.answered if request.path.endswith("/reply")]
    assert len(accepted) == 1  # answered once either way: refused as used, or taken now
