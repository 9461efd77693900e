"""`สถานะการส่ง`: the admin's view of reminder deliveries and the month's LINE quota."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from scheduler.sender import QUOTA_EXHAUSTED_AT
from scheduler.state import write_state
from tests.support.chat import Chat, said
from tests.support.events import ADMIN, OFFICER_A
from tests.support.outbox import add_deliveries
from tests.support.web import MutableClock


def test_admins_see_delivery_status_with_the_quota_and_officers_do_not(
    chat: Chat, engine: Engine, clock: MutableClock
) -> None:
    with engine.begin() as connection:
        write_state(connection, QUOTA_EXHAUSTED_AT, clock.now.isoformat(), clock.now)
    chat.quota_used = lambda: 1234  # read from LINE by the conversation; injected here
    answer = said(chat.say("สถานะการส่ง", ADMIN, group=None))
    assert "ใช้ไปแล้ว 1,234 ข้อความ" in answer
    assert "โควตาข้อความรายเดือนของ LINE หมดแล้ว" in answer
    refused = said(chat.say("สถานะการส่ง", OFFICER_A, group=None))
    assert "ใช้ได้เฉพาะผู้ดูแลระบบ" in refused


def test_the_report_counts_answers_sent_free_by_reply_and_by_paid_push(
    chat: Chat, engine: Engine, clock: MutableClock
) -> None:
    for n, via in enumerate(["reply", "reply", "reply", "push"]):
        add_deliveries(
            engine,
            1,
            due_at=clock.now,
            kind="reply",
            occurrence_key=f"reply:{n}",
            status="sent",
            sent_via=via,
        )
    answer = said(chat.say("สถานะการส่ง", ADMIN, group=None))
    assert "คำตอบในแชท: ตอบกลับ 3 (ไม่ใช้โควตา) · ส่งแบบ push 1 (ใช้โควตา)" in answer
