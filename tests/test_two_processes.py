"""Two web processes on one database: each chat's answers arrive once each, in the order asked."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.support.events import text_message
from tests.support.fake_line import FakeLine, answers
from tests.support.processes import (
    WAIT_LIMIT_SECONDS,
    clean_environment,
    free_port,
    post_event,
    wait_for_health,
)
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
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--port", str(port), "--no-scheduler"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_for_health(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)


def test_two_processes_answer_each_chat_once_and_in_order(
    two_processes: list[int], fake_line: FakeLine
) -> None:
    fake_line.latency = 0.05  # answers overlap, so ordering is really put to the test
    users = [f"U{n:032x}" for n in range(1, CHATS + 1)]
    asked: dict[str, list[int]] = defaultdict(list)
    chat_of_token: dict[str, str] = {}

    def chat(index: int, user: str) -> None:
        """One person types quickly, each message landing on the other process."""
        for turn in range(MESSAGES_PER_CHAT):
            number = (index + 1) * 100 + turn
            asked[user].append(number)
            event = text_message(
                f"เสร็จ #{number}", user_id=user, group_id=None, at=datetime.now(UTC)
            )
            chat_of_token[str(event["replyToken"])] = user
            assert post_event(two_processes[turn % 2], event) == 200

    threads = [threading.Thread(target=chat, args=pair) for pair in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    expected = CHATS * MESSAGES_PER_CHAT
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while time.monotonic() < deadline and len(answers(fake_line, chat_of_token)) < expected:
        time.sleep(0.05)  # the processes answer from their own threads
    time.sleep(0.3)  # and nothing more arrives after the last expected answer
    received = answers(fake_line, chat_of_token)
    assert len(received) == expected, f"{len(received)} answers for {expected} messages"
    by_chat: dict[str, list[int]] = defaultdict(list)
    for chat_id, text in received:
        by_chat[chat_id].append(int(text.split("#", 1)[1].split()[0]))
    assert dict(by_chat) == dict(asked)  # each once, in the order asked
    assert fake_line.pushes == []  # every answer was a free reply
    # One call at a time per chat: LINE got each chat's next call after answering the last.
    calls: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for request, answered_at in fake_line.answered:
        if request.path == "/v2/bot/message/reply":
            calls[chat_of_token[request.body["replyToken"]]].append(
                (request.received_at, answered_at)
            )
    for chat_calls in calls.values():
        chat_calls.sort()
        for (_, done), (started, _) in itertools.pairwise(chat_calls):
            assert started >= done, "two answers to one chat were in flight at once"
