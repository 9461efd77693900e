"""Real processes for the entry-point tests: a clean environment, a free port, bounded waits."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.events import webhook
from tests.support.fake_line import FakeLine
from tests.support.web import sign

WAIT_LIMIT_SECONDS = 30
STARTUP_LIMIT_SECONDS = 30


def clean_environment(**overrides: str) -> dict[str, str]:
    """The process environment without any Tidtam/LINE variables, plus `overrides`."""
    names = ("LINE_", "BOT_", "DATABASE_URL", "DELIVERY_GRACE_HOURS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(names)}
    env.update(overrides)
    return env


def run_module(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m …` to completion."""
    return subprocess.run(
        [sys.executable, "-m", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scheduler_env(url: str, line: FakeLine) -> dict[str, str]:
    """The clock's environment: this database and the fake LINE."""
    return clean_environment(
        BOT_ENV="test",
        DATABASE_URL=url,
        LINE_CHANNEL_SECRET="secret",
        LINE_CHANNEL_ACCESS_TOKEN="token",
        LINE_API_BASE_URL=line.base_url,
        LINE_REQUEST_TIMEOUT="5",
    )


def wait_until(condition: object, process: subprocess.Popen[str] | None = None) -> None:
    """Poll a condition (bounded) while another process works towards it."""
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the process exited early: {process.communicate()}")
        time.sleep(0.02)  # waiting for another process, not for our own logic
    raise AssertionError("the other process did not get there in time")


def wait_for_health(
    port: int, process: subprocess.Popen[str], path: str = "/healthz"
) -> tuple[int, dict[str, object]]:
    """Poll /healthz until the server answers (bounded), returning status and JSON."""
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"serve exited early: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
                return response.status, json.loads(response.read())
        except OSError:
            time.sleep(0.1)  # waiting for another process to bind its port, not for our own logic
    raise AssertionError("serve did not answer /healthz in time")


def start_bot(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[str], int]:
    """`python -m bot serve --no-scheduler` on a free port, answering /healthz; (process, port)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port), "--no-scheduler"],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    wait_for_health(port, process)
    return process, port


def post_event(port: int, event: dict[str, object]) -> int:
    """POST one signed event to a bot process's /callback, as LINE does; the HTTP status."""
    body = json.dumps(webhook(event)).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/callback",
        data=body,
        headers={"Content-Type": "application/json", "X-Line-Signature": sign(body)},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def stop(*processes: subprocess.Popen[str] | None) -> None:
    """Terminate processes still running and wait for them."""
    for process in processes:
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=15)
