"""Two web processes on one database: each chat's answers arrive once each, in the order asked."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.support.fake_line import FakeLine
from tests.support.processes import (
    clean_environment,
    start_bot,
    stop,
)
from tests.support.typing import answered_numbers, type_at_once
from tests.support.web import ACCESS_TOKEN, CHANNEL_SECRET

CHATS = 6
MESSAGES_PER_CHAT = 6


@pytest.fixture
def two_processes(
    engine: Engine, database_url: str, fake_line: FakeLine, tmp_path: Path
) -> Iterator[list[int]]:
    """Two `python -m bot serve --no-scheduler` processes on the test database; their ports."""
    env = clean_environment(
        BOT_ENV="test",
        DATABASE_URL=database_url,
        LINE_CHANNEL_SECRET=CHANNEL_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
        LINE_API_BASE_URL=fake_line.base_url,
    )
    started = [start_bot(env, tmp_path), start_bot(env, tmp_path)]
    try:
        yield [port for _, port in started]
    finally:
        stop(*(process for process, _ in started))


def test_two_processes_answer_each_chat_once_and_in_order(
    two_processes: list[int], fake_line: FakeLine
) -> None:
    fake_line.latency = 0.05  # answers overlap, so ordering is really put to the test
    typed = type_at_once(two_processes, CHATS, MESSAGES_PER_CHAT)
    assert answered_numbers(fake_line, typed) == dict(typed.asked)  # each once, in order
    assert fake_line.pushes == []  # every answer was a free reply
    # One call at a time per chat: LINE got each chat's next call after answering the last.
    calls: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for request, answered_at in fake_line.answered:
        if request.path == "/v2/bot/message/reply":
            calls[typed.chat_of_token[request.body["replyToken"]]].append(
                (request.received_at, answered_at)
            )
    for chat_calls in calls.values():
        chat_calls.sort()
        for (_, done), (started, _) in itertools.pairwise(chat_calls):
            assert started >= done, "two answers to one chat were in flight at once"
