"""Chat answers through faults between LINE taking a reply and the database being told.

LINE's reply API has no retry key: an answer LINE took must never be pushed again. Each test
makes LINE take the reply and then breaks the bot's side before it can mark it sent.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.webhook import create_app, services_of
from models.settings import Settings
from scheduler.state import ANSWER_KIND, DELIVERY
from tests.support.events import OFFICER_A, text_message, webhook
from tests.support.fake_line import FakeLine
from tests.support.processes import clean_environment, post_event, start_bot, stop
from tests.support.storage import Outage, database_outage
from tests.support.web import ACCESS_TOKEN, CHANNEL_SECRET, sign

ACCEPTED = {"sentMessages": [{"id": "1", "quoteToken": "q"}]}
PATIENCE_SECONDS = 60  # the watch runs every 5 s; a takeover waits 15 s of silence


@pytest.fixture
def outage(database_url: str, engine: Engine) -> Iterator[Outage]:
    """The test database, and how to take it away from the bot."""
    with database_outage(database_url) as outage:
        yield outage


def answer_rows(engine: Engine) -> list[tuple[str, str | None]]:
    """(status, sent_via) of every chat answer in the outbox."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(DELIVERY.c.status, DELIVERY.c.sent_via).where(DELIVERY.c.kind == ANSWER_KIND)
        ).all()
    return [(row.status, row.sent_via) for row in rows]


def until(condition: object, what: str) -> None:
    """Poll (bounded) while the bot's own threads or processes get there."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)  # waiting on the bot's threads and LINE's fake latency
    raise AssertionError(f"not within {PATIENCE_SECONDS} s: {what}")


def test_a_reply_taken_while_the_database_is_away_is_marked_later_never_pushed(
    settings: Settings, outage: Outage, fake_line: FakeLine, engine: Engine
) -> None:
    app = create_app(replace(settings, database_url=outage.database_url))
    try:
        # LINE takes the reply at once and answers 1.5 s later; meanwhile the database goes.
        fake_line.answer("POST", "/v2/bot/message/reply", 200, ACCEPTED, delay=1.5)
        body = json.dumps(
            webhook(text_message("ช่วยเหลือ", user_id=OFFICER_A, group_id=None, at=datetime.now(UTC)))
        ).encode()
        response = app.test_client().post(
            "/callback", data=body, headers={"X-Line-Signature": sign(body)}
        )
        assert response.status_code == 200
        until(lambda: fake_line.replies, "the bot replied")
        outage.begin()
        courier = services_of(app).courier
        until(lambda: courier.claims_held == 1, "the courier held its unmarked claim")
        outage.end()
        until(lambda: answer_rows(engine) == [("sent", "reply")], "the answer marked sent")
        assert courier.claims_held == 0
        assert len(fake_line.replies) == 1 and fake_line.pushes == []  # once, and free
    finally:
        services_of(app).close()


def test_a_process_killed_between_reply_and_mark_has_its_answer_settled_once(
    database_url: str, engine: Engine, fake_line: FakeLine, tmp_path: Path
) -> None:
    env = clean_environment(
        BOT_ENV="test",
        DATABASE_URL=database_url,
        LINE_CHANNEL_SECRET=CHANNEL_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
        LINE_API_BASE_URL=fake_line.base_url,
    )

    first, port = start_bot(env, tmp_path)
    second = None
    try:
        # LINE takes the reply at once and is slow to say so: the process dies meanwhile.
        fake_line.answer("POST", "/v2/bot/message/reply", 200, ACCEPTED, delay=5.0)
        event = text_message("ช่วยเหลือ", user_id=OFFICER_A, group_id=None, at=datetime.now(UTC))
        assert post_event(port, event) == 200
        until(lambda: fake_line.replies, "the bot replied")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert answer_rows(engine) == [("sending", None)]  # in flight, owner dead

        # The restart: it finds the orphan by its silent heartbeat.
        second, _ = start_bot(env, tmp_path)
        until(lambda: answer_rows(engine) == [("sent", "reply")], "the orphan settled")
        tries = [r for r in fake_line.replies if r.body["replyToken"] == event["replyToken"]]
        assert len(tries) == 2  # the second met "Invalid reply token": the first had landed
        assert fake_line.pushes == []
    finally:
        stop(first, second)
