"""`สถานะการส่ง`: the admin's view of reminder deliveries and the month's LINE quota."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from scheduler.sender import QUOTA_EXHAUSTED_AT
from scheduler.state import write_state
from tests.support.chat import Chat, said
from tests.support.events import ADMIN, OFFICER_A
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
