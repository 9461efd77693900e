"""An answer is claimed for the courier in its own transaction, or waits, briefly, for the next;
names are asked for after the burst."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot import answers
from bot.answers import (
    GATHER_WITHIN,
    MAX_MESSAGES_PER_CALL,
    AnswerCourier,
    Batch,
    ChatActivity,
    hand_over,
)
from bot.line_api import LineClient
from bot.precedence import AcknowledgementsFirst
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


@pytest.fixture
def courier(engine: Engine, fake_line: FakeLine) -> Iterator[AnswerCourier]:
    """A courier on the fake LINE (no inbox: the tests say what waits)."""
    line = LineClient("t", fake_line.base_url)
    courier = AnswerCourier(engine, line, lambda: NOW)
    yield courier
    courier.stop()
    line.close()


class Coming:
    """What the inbox would tell the courier of a chat's events; notes that it was asked."""

    def __init__(
        self,
        *,
        here: bool = False,
        anywhere: bool = False,
        burst: bool = False,
        precedence: AcknowledgementsFirst | None = None,
    ) -> None:
        self.here, self.anywhere, self.burst = here, anywhere, burst
        self.asked = threading.Event()
        self.precedence = precedence or AcknowledgementsFirst()

    def waiting_in(self, chat_key: str) -> bool:
        self.asked.set()
        return self.here

    def elsewhere(self, chat_key: str) -> ChatActivity:
        return ChatActivity(unprocessed=self.anywhere, latest_received=None)

    def busy_besides(self, chat_key: str) -> bool:
        self.asked.set()
        return self.burst

    def last_arrival(self, chat_key: str) -> float | None:
        return self.arrived  # None: long ago

    def give_way(self) -> None:
        self.precedence.give_way()

    arrived: float | None = None


def first_answer_handed(
    engine: Engine, courier: AnswerCourier, event: dict[str, Any], coming: Coming
) -> None:
    """Hand the chat's first answer ("1") to the courier as a lane does; return once the
    courier has asked whether more is coming (it waits, or it has gone)."""
    with engine.begin() as connection:
        batch, _ = hand_over(connection, event, answer("1"), NOW, courier.worker, more_coming=False)
    courier.deliver(GROUP, batch)
    assert coming.asked.wait(5)


def stored_later(engine: Engine, event: dict[str, Any], words: str, worker: str) -> Batch:
    """A later answer of the chat, stored as a lane (of `worker`'s process) does."""
    with engine.begin() as connection:
        batch, _ = hand_over(connection, event, answer(words), NOW, worker, more_coming=False)
    return batch


def replied_texts(fake_line: FakeLine) -> list[list[str]]:
    """The texts of each reply call, in order."""
    return [[m["text"] for m in reply.body["messages"]] for reply in fake_line.replies]


def test_an_answer_about_to_go_waits_for_the_chat_s_next_event_and_they_go_in_one_reply(
    engine: Engine, fake_line: FakeLine, courier: AnswerCourier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers, "PARK_AT_MOST", timedelta(seconds=30))
    next_event_here = Coming(here=True)
    courier.gather_with(next_event_here)
    first, second = (text_message(w, user_id=OFFICER_A, group_id=GROUP) for w in ("ก", "ข"))
    first_answer_handed(engine, courier, first, next_event_here)  # it waits for that event
    # The lane processes that event: its answer waits behind the first, and rings the chat.
    assert stored_later(engine, second, "2", courier.worker).rows == ()
    next_event_here.here = False
    courier.ring(GROUP)
    assert courier.wait_idle(10)
    assert replied_texts(fake_line) == [["1", "2"]]
    assert fake_line.replies[0].body["replyToken"] == second["replyToken"]  # the newer token
    assert statuses(engine) == ["sent", "sent"] and fake_line.pushes == []


def test_the_wait_for_the_next_event_ends_after_a_moment(
    engine: Engine, fake_line: FakeLine, courier: AnswerCourier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers, "PARK_AT_MOST", timedelta(seconds=0.2))
    waiting = Coming(here=True)  # an event that is never processed
    courier.gather_with(waiting)
    first_answer_handed(engine, courier, text_message("ก", user_id=OFFICER_A), waiting)
    assert courier.wait_idle(10)
    assert replied_texts(fake_line) == [["1"]] and statuses(engine) == ["sent"]


def test_in_a_burst_an_answer_lingers_for_the_chat_s_next_message_and_takes_it_along(
    engine: Engine, fake_line: FakeLine, courier: AnswerCourier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers, "BURST_LINGER", timedelta(seconds=30))
    monkeypatch.setattr(answers, "PARK_AT_MOST", timedelta(seconds=30))
    burst = Coming(burst=True)  # other chats' events are waiting; none of this chat's yet
    courier.gather_with(burst)
    first, second = (text_message(w, user_id=OFFICER_A, group_id=GROUP) for w in ("ก", "ข"))
    first_answer_handed(engine, courier, first, burst)
    stored_later(engine, second, "2", courier.worker)
    courier.ring(GROUP)  # the next answer is stored: the linger ends at once, not in 30 s
    assert courier.wait_idle(10)
    assert replied_texts(fake_line) == [["1", "2"]]


def test_in_a_burst_an_answer_waits_for_the_chat_s_event_in_another_process(
    engine: Engine, fake_line: FakeLine, courier: AnswerCourier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers, "BURST_LINGER", timedelta(seconds=0))
    monkeypatch.setattr(answers, "PARK_AT_MOST", timedelta(seconds=30))
    elsewhere = Coming(anywhere=True, burst=True)  # stored by the other process, unprocessed
    courier.gather_with(elsewhere)
    first, second = (text_message(w, user_id=OFFICER_A, group_id=GROUP) for w in ("ก", "ข"))
    first_answer_handed(engine, courier, first, elsewhere)
    # The other process processes it (its ring goes to its own courier, not to this one).
    stored_later(engine, second, "2", "courier:other:2:x")
    elsewhere.anywhere = False  # this courier sees that at its next look
    assert courier.wait_idle(10)
    assert replied_texts(fake_line) == [["1", "2"]]


def test_in_a_burst_a_chat_s_lines_a_moment_apart_all_go_in_one_reply(
    engine: Engine, fake_line: FakeLine, courier: AnswerCourier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers, "BURST_LINGER", timedelta(seconds=1))
    monkeypatch.setattr(answers, "PARK_AT_MOST", timedelta(seconds=30))
    burst = Coming(burst=True)
    courier.gather_with(burst)
    events = [text_message(w, user_id=OFFICER_A, group_id=GROUP) for w in ("ก", "ข", "ค")]
    first_answer_handed(engine, courier, events[0], burst)
    for event, words in ((events[1], "2"), (events[2], "3")):
        burst.arrived = time.monotonic()  # the next line arrives, and is answered
        stored_later(engine, event, words, courier.worker)
        courier.ring(GROUP)
    assert courier.wait_idle(10)  # a second after the last line: nothing more came
    assert replied_texts(fake_line) == [["1", "2", "3"]]
    assert fake_line.replies[0].body["replyToken"] == events[2]["replyToken"]


def test_an_answer_gives_way_to_a_webhook_being_acknowledged(
    engine: Engine, fake_line: FakeLine, courier: AnswerCourier
) -> None:
    nothing_coming = Coming(precedence=AcknowledgementsFirst(quiet=0.0, at_most=60.0))
    courier.gather_with(nothing_coming)
    with nothing_coming.precedence.acknowledging():
        first_answer_handed(engine, courier, text_message("ก", user_id=OFFICER_A), nothing_coming)
        assert nothing_coming.precedence.wait_for_waiting(1, timeout=5)
        assert fake_line.replies == []  # LINE waits for the webhook's 200 first
    assert courier.wait_idle(10)
    assert replied_texts(fake_line) == [["1"]] and statuses(engine) == ["sent"]
