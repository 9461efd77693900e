"""The Procfile's web command, run as written: gunicorn's gevent workers on the app factory."""

from __future__ import annotations

import os
import signal
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
from tests.support.web import ACCESS_TOKEN, CHANNEL_SECRET, repository_root

CHATS = 4
MESSAGES_PER_CHAT = 4


def procfile_command(name: str) -> str:
    """The command of one Procfile process, as the platform would run it."""
    for line in (repository_root() / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no {name}: line in the Procfile")


@pytest.fixture
def procfile_web(
    database_url: str, engine: Engine, fake_line: FakeLine, tmp_path: Path
) -> Iterator[int]:
    """The Procfile's `web:` command in a shell, on the test database; its port."""
    port = free_port()
    env = clean_environment(
        DATABASE_URL=database_url,
        LINE_CHANNEL_SECRET=CHANNEL_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
        LINE_API_BASE_URL=fake_line.base_url,
        PORT=str(port),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONPATH=str(repository_root()),
    )
    process = subprocess.Popen(
        ["bash", "-c", procfile_command("web")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # gunicorn and its workers, stopped together
    )
    try:
        wait_for_health(port, process)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_the_procfile_web_process_answers_each_chat_once_and_in_order(
    procfile_web: int, fake_line: FakeLine
) -> None:
    fake_line.latency = 0.05
    users = [f"U{n:032x}" for n in range(1, CHATS + 1)]
    asked: dict[str, list[int]] = defaultdict(list)
    chat_of_token: dict[str, str] = {}

    def chat(index: int, user: str) -> None:
        """One person types quickly; gunicorn spreads the requests over its workers."""
        for turn in range(MESSAGES_PER_CHAT):
            number = (index + 1) * 100 + turn
            asked[user].append(number)
            event = text_message(
                f"เสร็จ #{number}", user_id=user, group_id=None, at=datetime.now(UTC)
            )
            chat_of_token[str(event["replyToken"])] = user
            assert post_event(procfile_web, event) == 200

    threads = [threading.Thread(target=chat, args=pair) for pair in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    expected = CHATS * MESSAGES_PER_CHAT
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while time.monotonic() < deadline and len(answers(fake_line, chat_of_token)) < expected:
        time.sleep(0.05)  # the workers answer from their own greenlets
    by_chat: dict[str, list[int]] = defaultdict(list)
    for chat_id, said in answers(fake_line, chat_of_token):
        by_chat[chat_id].append(int(said.split("#", 1)[1].split()[0]))
    assert dict(by_chat) == dict(asked)  # each once, in the order asked
    assert fake_line.pushes == []  # every answer was a free reply
