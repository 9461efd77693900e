"""The entry points as an administrator runs them: real processes, real ports, real exit codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from models.db import normalise_url
from models.migrate import head_revision
from models.settings import DEMO_CHANNEL_SECRET
from tests.support.processes import clean_environment, free_port, run_module, wait_for_health
from tests.support.web import repository_root


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """`python -m bot serve` in demo mode on a fresh SQLite file, until the test ends."""
    port = free_port()
    env = clean_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port), "--no-scheduler"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_without_credentials_starts_in_demo_mode(
    serving: tuple[int, subprocess.Popen[str]], tmp_path: Path
) -> None:
    port, process = serving
    status, body = wait_for_health(port, process)
    assert status == 200
    assert body == {
        "status": "ok",
        "database": "ok",
        "demo_mode": True,
        "clock": {"last_tick": None},
        "spool": {"waiting": 0, "bytes": 0, "limit_bytes": 64 << 20},
    }
    assert (tmp_path / "demo.db").exists()  # the SQLite schema was created by serve itself
    process.terminate()
    output = process.communicate(timeout=10)[0]
    demo_lines = [line for line in output.splitlines() if "demo mode" in line]
    assert len(demo_lines) == 1


def test_serve_states_its_limits_and_stalled_clients_do_not_hold_its_threads(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = clean_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}")
    command = ["bot", "serve", "--port", str(port), "--no-scheduler", "--threads", "2"]
    process = subprocess.Popen(
        [sys.executable, "-m", *command, "--connection-limit", "300", "--idle-timeout", "20"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    stalled: list[socket.socket] = []
    try:
        wait_for_health(port, process)
        # Ten times as many clients as threads send headers, then nothing more.
        for _ in range(20):
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            connection.sendall(
                b"POST /callback HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"
            )
            stalled.append(connection)
        body = json.dumps({"destination": "U0", "events": []}).encode()
        signature = base64.b64encode(
            hmac.new(DEMO_CHANNEL_SECRET.encode(), body, hashlib.sha256).digest()
        ).decode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/callback", data=body, headers={"X-Line-Signature": signature}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
    finally:
        for connection in stalled:
            connection.close()
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert (
        "serving limits: 2 threads, up to 300 connections (more wait in a queue of 2048), "
        "a connection silent for 20 s is closed, request bodies up to 1024 KB"
    ) in output


def test_production_without_channel_secret_is_a_one_line_error(tmp_path: Path) -> None:
    env = clean_environment(
        BOT_ENV="production",
        LINE_CHANNEL_ACCESS_TOKEN="t",
        DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}",
    )
    result = run_module(["bot", "serve"], env, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "tidtam: configuration error: "
        "LINE_CHANNEL_SECRET is not set (required when BOT_ENV=production)"
    ]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture
def empty_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind under test: a new SQLite file, or a new PostgreSQL database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    url = make_url(normalise_url(database_url))
    name = f"tidtam_empty_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_db_upgrade_creates_the_schema_and_is_repeatable(
    empty_database_url: str, tmp_path: Path
) -> None:
    env = clean_environment(DATABASE_URL=empty_database_url)
    first = run_module(["bot", "db", "upgrade"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"revision {head_revision()}" in first.stdout
    again = run_module(["bot", "db", "upgrade"], env, tmp_path)
    assert again.returncode == 0, again.stderr
    current = run_module(["bot", "db", "current"], env, tmp_path)
    assert current.stdout.strip() == head_revision()


def test_alembic_command_line_creates_the_schema(empty_database_url: str, tmp_path: Path) -> None:
    env = clean_environment(DATABASE_URL=empty_database_url)
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        env=env,
        cwd=repository_root(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    current = run_module(["bot", "db", "current"], env, tmp_path)
    assert current.stdout.strip() == head_revision()


def test_scheduler_tick_needs_an_aware_instant(tmp_path: Path) -> None:
    result = run_module(
        ["scheduler", "tick", "--now", "2024-06-17T09:00:00"], clean_environment(), tmp_path
    )
    assert result.returncode == 2
    assert "+07:00" in result.stderr
