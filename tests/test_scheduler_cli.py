"""`python -m scheduler` as the clock process runs it: ticks, exit codes, SIGKILL mid-batch, run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine, Row
from sqlmodel import Session

from models.db import make_engine
from models.migrate import upgrade
from models.tables import ChatGroup
from scheduler.__main__ import line_client
from scheduler.cli import main
from scheduler.sender import LEASE
from scheduler.state import DELIVERY
from tests.support.fake_line import FakeLine, RecordedRequest
from tests.support.outbox import NOW, add_deliveries
from tests.support.processes import run_module, scheduler_env, wait_until


class SlowLine(FakeLine):
    """The fake LINE, slow to answer pushes, counting the pushes it accepted (200) per retry key."""

    def __init__(self, delay: float) -> None:
        """A fake LINE that answers pushes after `delay` seconds."""
        super().__init__()
        self.delay = delay
        self.accepted: Counter[str] = Counter()
        self._count_lock = threading.Lock()

    def _default_answer(self, request: RecordedRequest) -> tuple[int, object]:
        """Answer like LINE after `delay`; the push lands even if the caller is gone by then."""
        if request.path.startswith("/v2/bot/message/push"):
            time.sleep(self.delay)  # the fake LINE is slow, not the test
        status, body = super()._default_answer(request)
        if status == 200 and request.retry_key:
            with self._count_lock:
                self.accepted[request.retry_key] += 1
        return status, body


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A migrated SQLite file shared with the subprocesses."""
    url = f"sqlite:///{tmp_path / 'clock.db'}"
    engine = make_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()


def test_a_tick_sends_what_is_due_and_the_same_tick_again_sends_nothing(
    database: tuple[str, Engine],
    fake_line: FakeLine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, engine = database
    with Session(engine) as session:
        session.add(ChatGroup(line_group_id="C" + "a" * 32, meeting_day=15))
        session.commit()
    env = scheduler_env(url, fake_line)
    at = ["scheduler", "tick", "--now", "2024-06-17T09:00:00+07:00"]
    first = run_module(at, env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "planned 1" in first.stdout and "sent 1" in first.stdout
    [push] = fake_line.pushes
    assert "17 มิ.ย. 2567" in push.body["messages"][0]["text"]
    # Again, in this process to spare a second start of the LINE SDK (its import takes seconds).
    assert run_in_process(monkeypatch, tmp_path, env, *at[1:]) == 0
    again = capsys.readouterr().out
    assert "planned 0" in again and "sent 0" in again
    assert len(fake_line.pushes) == 1


def run_in_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], *argv: str
) -> int:
    """`python -m scheduler argv…` in this process (fast), with exactly `env`."""
    monkeypatch.chdir(tmp_path)  # no stray .env file
    for name in list(os.environ):
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return main(list(argv), messenger_for=line_client)


def test_a_failed_push_is_not_a_failed_tick(
    database: tuple[str, Engine],
    fake_line: FakeLine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, engine = database
    add_deliveries(engine)
    fake_line.answer("POST", "/v2/bot/message/push", 503, {"message": "Service unavailable"})
    env = scheduler_env(url, fake_line)
    assert run_in_process(monkeypatch, tmp_path, env, "tick", "--now", NOW.isoformat()) == 0
    assert "retrying 1" in capsys.readouterr().out


def test_an_unreachable_database_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    assert run_in_process(monkeypatch, tmp_path, env, "tick", "--now", NOW.isoformat()) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("tidtam scheduler: database unusable:")


def test_a_settings_error_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"BOT_ENV": "staging"}
    assert run_in_process(monkeypatch, tmp_path, env, "tick", "--now", NOW.isoformat()) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "tidtam scheduler: configuration error: "
        "BOT_ENV must be production, development or test, not 'staging'"
    ]


def test_a_sender_killed_mid_batch_then_restarted_delivers_each_once(
    database: tuple[str, Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, engine = database
    count = 40  # more than the sender takes at once, so the kill lands mid-round
    add_deliveries(engine, count)
    line = SlowLine(delay=0.2).start()
    try:
        env = scheduler_env(url, line)
        process = subprocess.Popen(
            [sys.executable, "-m", "scheduler", "tick", "--now", NOW.isoformat()],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_until(lambda: len(line.pushes) >= 4, process)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=10)
        received_before_kill = {push.retry_key for push in line.pushes}
        with engine.connect() as connection:
            statuses = Counter(connection.execute(select(DELIVERY.c.status)).scalars())
        in_flight_at_kill = statuses["sending"]  # pushes run side by side: several may be
        assert in_flight_at_kill >= 1 and 0 < statuses["pending"] < count  # really mid-batch

        # The clock's next tick, after the dead process's lease ran out (here, in this process).
        later = (NOW + LEASE + timedelta(minutes=1)).isoformat()
        assert run_in_process(monkeypatch, tmp_path, env, "tick", "--now", later) == 0
        wait_until(lambda: sum(line.accepted.values()) == count)  # the killed push has landed
    finally:
        line.stop()
    with engine.connect() as connection:
        rows = list(connection.execute(select(DELIVERY)))
    assert {row.status for row in rows} == {"sent"}
    assert line.accepted == Counter({row.retry_key: 1 for row in rows})
    in_flight = [row for row in rows if row.attempts == 2]
    assert len(in_flight) == in_flight_at_kill
    # A push LINE received before the kill landed: its retry under the same key met a 409.
    assert all(
        "409" in (row.last_error or "")
        for row in in_flight
        if row.retry_key in received_before_kill
    )
    assert any(row.retry_key in received_before_kill for row in in_flight)


def test_run_catches_up_at_once_on_start(
    database: tuple[str, Engine], fake_line: FakeLine, tmp_path: Path
) -> None:
    url, engine = database
    add_deliveries(engine, 2, due_at=datetime.now(UTC) - timedelta(minutes=30))
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler", "run"],
        env=scheduler_env(url, fake_line),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def rows() -> list[Row[Any]]:
        """The outbox now."""
        with engine.connect() as connection:
            return list(connection.execute(select(DELIVERY)))

    try:
        wait_until(lambda: [row.status for row in rows()] == ["sent", "sent"], process)
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert all(row.late for row in rows())
    assert len(fake_line.pushes) == 2


def test_without_credentials_the_clock_says_in_one_line_that_nothing_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}  # no LINE credentials: demo
    assert run_in_process(monkeypatch, tmp_path, env, "tick", "--now", NOW.isoformat()) == 0
    captured = capsys.readouterr()
    [line] = captured.err.strip().splitlines()
    assert "โหมดสาธิต" in line and "nothing is sent" in line and captured.out == ""
