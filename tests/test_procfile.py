"""The Procfile's web command, run as written: gunicorn's gevent workers on the app factory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.support.fake_line import FakeLine
from tests.support.processes import (
    clean_environment,
    free_port,
    wait_for_health,
)
from tests.support.typing import answered_numbers, type_at_once
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
    typed = type_at_once([procfile_web], CHATS, MESSAGES_PER_CHAT)
    assert answered_numbers(fake_line, typed) == dict(typed.asked)  # each once, in order
    assert fake_line.pushes == []  # every answer was a free reply
