"""An answer is claimed for the courier in its own transaction, or waits, briefly, for the next;
names are asked for after the burst."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot import answers
from bot.answers import GATHER_WITHIN, MAX_MESSAGES_PER_CALL, AnswerCourier, hand_over
from bot.line_api import LineClient
from scheduler.state import DELIVERY
from tests.support.events import GROUP, NOW, OFFICER_A, text_message
from tests.support.fake_line import FakeLine

WORKER = "courier:test:1:handover"


def answer(words: str) -> list[Any]:
    """One text message."""
    return [{"type": "text", "text": words}]


def statuses(engine: Engine) -> list[str]:
    """The outbox rows' statuses, oldest first."""
    with engine.connect() as connection:
        return list(connection.execute(select(DELIVERY.c.status).order_by(DELIVERY.c.id)).scalars())


def test_an_answer_with_nothing_before_or_after_it_is_claimed_at_once(engine: Engine) -> None:
    event = text_message("ช่วยเหลือ", user_id=OFFICER_A, group_id=GROUP)
    with engine.begin() as connection:
        batch, waiting = hand_over(
            connection, event, answer("คำตอบ"), NOW, WORKER, more_coming=False
        )
    assert [row.payload["reply_token"] for row in batch.rows] == [event["replyToken"]]
    assert not waiting and statuses(engine) == ["sending"]


def test_answers_wait_for_the_chat_s_next_event_then_go_together(engine: Engine) -> None:
    first, second = (text_message(w, user_id=OFFICER_A, group_id=GROUP) for w in ("ก", "ข"))
    with engine.begin() as connection:
        batch, waiting = hand_over(connection, first, answer("1"), NOW, WORKER, more_coming=True)
    assert batch.rows == () and waiting and statuses(engine) == ["pending"]
    with engine.begin() as connection:
        batch, waiting = hand_over(connection, second, answer("2"), NOW, WORKER, more_coming=False)
    assert [m["text"] for m in batch.messages] == ["1", "2"]
    assert batch.fresh_token(NOW) == second["replyToken"]  # the newest token answers both
    assert not waiting and statuses(engine) == ["sending", "sending"]


def test_the_wait_for_the_next_event_is_bounded_in_time(engine: Engine) -> None:
    first, second = (text_message(w, user_id=OFFICER_A, group_id=GROUP) for w in ("ก", "ข"))
    with engine.begin() as connection:
        hand_over(connection, first, answer("1"), NOW, WORKER, more_coming=True)
    later = NOW + GATHER_WITHIN + timedelta(milliseconds=1)
    with engine.begin() as connection:
        # Still more events stored, but the first answer has waited long enough.
        batch, _ = hand_over(connection, second, answer("2"), later, WORKER, more_coming=True)
    assert [m["text"] for m in batch.messages] == ["1", "2"]


def test_the_wait_ends_when_one_call_is_full(engine: Engine) -> None:
    events = [text_message(str(n), user_id=OFFICER_A, group_id=GROUP) for n in range(6)]
    batches = []
    for event in events:
        with engine.begin() as connection:
            batch, _ = hand_over(
                connection, event, answer(event["message"]["text"]), NOW, WORKER, more_coming=True
            )
        batches.append(batch)
    full = [batch for batch in batches if batch.rows]
    assert len(full) == 1 and len(full[0].messages) == MAX_MESSAGES_PER_CALL
    assert [m["text"] for m in full[0].messages] == ["0", "1", "2", "3", "4"]


def test_nothing_is_claimed_while_one_of_the_chat_s_answers_is_in_flight(
    engine: Engine,
) -> None:
    first, second = (text_message(w, user_id=OFFICER_A, group_id=GROUP) for w in ("ก", "ข"))
    with engine.begin() as connection:
        hand_over(connection, first, answer("1"), NOW, WORKER, more_coming=False)
    with engine.begin() as connection:
        batch, waiting = hand_over(
            connection, second, answer("2"), NOW, "courier:other:2:x", more_coming=False
        )
    assert batch.rows == () and waiting  # the courier with the first one looks again after it
    assert statuses(engine) == ["sending", "pending"]


def test_names_follow_ups_wait_while_the_inbox_has_events_then_run(
    engine: Engine, fake_line: FakeLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = LineClient("t", fake_line.base_url)
    courier = AnswerCourier(engine, line, lambda: NOW)
    inbox_busy = threading.Event()
    inbox_busy.set()
    courier.hold_followups_while(inbox_busy.is_set)
    ran = threading.Event()
    try:
        courier.ring(GROUP, ran.set)  # nothing to deliver: only the follow-up is left
        assert not ran.wait(0.3)  # events are still waiting: names can wait
        inbox_busy.clear()
        assert ran.wait(2)
        # Never for ever: a follow-up waits FOLLOWUP_LULL_WAIT_SECONDS at most.
        monkeypatch.setattr(answers, "FOLLOWUP_LULL_WAIT_SECONDS", 0.2)
        inbox_busy.set()
        ran.clear()
        courier.ring(GROUP, ran.set)
        assert ran.wait(2)
    finally:
        courier.stop()
        line.close()
