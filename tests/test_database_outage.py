"""A database outage under traffic, LINE redelivery off: every event is kept, stored once, in order.

The bot runs as its own process (`python -m bot serve`). On PostgreSQL the outage is a cut TCP
proxy between the bot and the server (connections reset, new ones refused); on SQLite the
database files are made immutable. TIDTAM_OUTAGE_SECONDS sets its length (3 s in the suite;
docs/operations.md gives a 20 s run).
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tests.support.events import text_message
from tests.support.fake_line import FakeLine, answers
from tests.support.processes import clean_environment, post_event, start_bot, stop
from tests.support.storage import Outage, database_outage
from tests.support.web import ACCESS_TOKEN, CHANNEL_SECRET

OUTAGE_SECONDS = float(os.environ.get("TIDTAM_OUTAGE_SECONDS", "3"))
EVENTS_PER_SECOND = 10
CHATS = 4


@pytest.fixture
def outage(database_url: str, engine: Engine) -> Iterator[Outage]:
    """The test database, and how to take it away from the bot process."""
    with database_outage(database_url) as outage:
        yield outage


def health(port: int) -> tuple[int, dict[str, object]]:
    """/healthz status and body."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read())


def test_an_outage_with_redelivery_off_loses_no_event(
    outage: Outage, fake_line: FakeLine, engine: Engine, tmp_path: Path
) -> None:
    env = clean_environment(
        BOT_ENV="test",
        DATABASE_URL=outage.database_url,
        LINE_CHANNEL_SECRET=CHANNEL_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
        LINE_API_BASE_URL=fake_line.base_url,
    )
    bot, port = start_bot(env, tmp_path)  # its spool: var/spool under tmp_path
    try:
        users = [f"U{n:032x}" for n in range(1, CHATS + 1)]
        asked: dict[str, list[int]] = defaultdict(list)
        chat_of_token: dict[str, str] = {}
        statuses: list[int] = []
        during: list[tuple[int, dict[str, object]]] = []
        stop_posting = threading.Event()

        def officers_type() -> None:
            """Four people each send `เสร็จ #n` in turn, ten messages a second in all."""
            number = 0
            while not stop_posting.is_set():
                number += 1
                user = users[number % CHATS]
                event = text_message(
                    f"เสร็จ #{number}", user_id=user, group_id=None, at=datetime.now(UTC)
                )
                chat_of_token[str(event["replyToken"])] = user
                asked[user].append(number)
                statuses.append(post_event(port, event))
                time.sleep(1 / EVENTS_PER_SECOND)  # the pace of people typing, not our logic

        poster = threading.Thread(target=officers_type)
        poster.start()
        try:
            time.sleep(1.0)  # traffic before the outage
            outage.begin()
            started = time.monotonic()
            while time.monotonic() - started < OUTAGE_SECONDS:
                during.append(health(port))
                time.sleep(0.5)  # sampling /healthz through the outage
            outage.end()
            restored = time.monotonic()
            time.sleep(1.0)  # traffic after it
        finally:
            stop_posting.set()
            poster.join(timeout=30)

        sent = sum(len(numbers) for numbers in asked.values())
        assert statuses == [200] * sent, "an event was refused: without redelivery, lost"
        assert any(status == 503 for status, _ in during), "/healthz never saw the outage"
        assert any(
            isinstance(body.get("spool"), dict) and body["spool"]["waiting"] > 0  # type: ignore[index]
            for _, body in during
        ), "no event waited in the spool"

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(answers(fake_line, chat_of_token)) < sent:
            time.sleep(0.1)  # the bot drains the spool and answers from its own threads
        caught_up = time.monotonic() - restored
        most_waiting = max(
            (body["spool"]["waiting"] for _, body in during if isinstance(body.get("spool"), dict)),  # type: ignore[index]
            default=0,
        )
        print(  # the figures docs/operations.md quotes (pytest -s shows them)
            f"\noutage {OUTAGE_SECONDS:.0f} s: {sent} events, all 200; most waiting in the spool "
            f"{most_waiting}; every answer out {caught_up:.1f} s after the database came back"
        )
        with engine.connect() as connection:
            stored = connection.execute(
                text("SELECT chat_id, raw FROM inbound_event ORDER BY id")
            ).all()
        by_chat: dict[str, list[int]] = defaultdict(list)
        for chat_id, raw in stored:
            message = (raw if isinstance(raw, dict) else json.loads(raw))["message"]
            by_chat[chat_id].append(int(message["text"].split("#")[1]))
        assert dict(by_chat) == dict(asked)  # every event stored once, in the order sent
        answered: dict[str, list[int]] = defaultdict(list)
        for chat_id, said in answers(fake_line, chat_of_token):
            answered[chat_id].append(int(said.split("#", 1)[1].split()[0]))
        assert dict(answered) == dict(asked)  # answered once each, in order
        assert health(port)[1]["spool"] == {"waiting": 0, "bytes": 0, "limit_bytes": 64 << 20}
    finally:
        stop(bot)
