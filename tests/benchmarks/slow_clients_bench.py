"""Slow clients: does LINE's webhook still get its 200 while 100 connections stall?

Run by hand: `python tests/benchmarks/slow_clients_bench.py [--stalled 100]`.
Each server runs in its own process on a fresh SQLite database with a local fake LINE.
A stalled client sends a request's headers (Content-Length 500) and one byte of body, then
nothing, as a slowloris client does. For each server: 20 signed webhooks one after another
with no stalled clients (the baseline), then the same with the stalled connections open;
a webhook not answered within 5 s counts as failed.

Servers: the Procfile's `web` (gunicorn's gevent workers on the app factory), `python -m bot
serve` (waitress) with its limits and at waitress's default connection limit (100), and the
earlier Procfile's gunicorn with threads (1 worker × 8 threads).
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.util import find_spec
from pathlib import Path

# Run as a script: make the repository (bot, scheduler, models, tests) importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.events import text_message, webhook
from tests.support.fake_line import FakeLine
from tests.support.processes import clean_environment, free_port, wait_for_health
from tests.support.scratch import scratch_database
from tests.support.web import ACCESS_TOKEN, CHANNEL_SECRET, sign

WEBHOOKS = 20
TIMEOUT_SECONDS = 5.0


@dataclass
class Figures:
    """Acknowledgement times of one series of webhooks (seconds; failed = no 200 in time)."""

    p50: float
    worst: float
    failed: int


def stall(port: int, count: int) -> list[socket.socket]:
    """Open `count` connections that send headers and one byte of a 500-byte body, then wait."""
    head = (
        b"POST /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"X-Line-Signature: x\r\nContent-Length: 500\r\n\r\n{"
    )
    stalled = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port), timeout=5)
        connection.sendall(head)
        stalled.append(connection)
    return stalled


def webhooks(port: int, series: int) -> Figures:
    """POST signed webhooks one after another; how long each took to be acknowledged."""
    times: list[float] = []
    failed = 0
    for number in range(WEBHOOKS):
        event = text_message(
            f"คุยกันเฉยๆ {series}-{number}",
            user_id=f"U{number + 1:032x}",
            group_id=f"C{series + 1:032x}",
            at=datetime.now(UTC),
        )
        body = json.dumps(webhook(event)).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/callback",
            data=body,
            headers={"Content-Type": "application/json", "X-Line-Signature": sign(body)},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                ok = response.status == 200
        except (urllib.error.URLError, OSError):
            ok = False
        elapsed = time.perf_counter() - started
        if ok:
            times.append(elapsed)
        else:
            failed += 1
            times.append(TIMEOUT_SECONDS)
    return Figures(statistics.median(times), max(times), failed)


@contextmanager
def served(command: list[str], env: dict[str, str], port: int, cwd: str) -> Iterator[None]:
    """A server in its own process until the block ends."""
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True
    )
    try:
        wait_for_health(port, process)
        yield
    finally:
        process.terminate()
        process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stalled", type=int, default=100, help="stalled connections (100)")
    args = parser.parse_args()
    python = sys.executable
    servers: list[tuple[str, list[str]]] = [
        ("python -m bot serve (waitress)", [python, "-m", "bot", "serve", "--no-scheduler"]),
        (
            "bot serve --connection-limit 100",
            [python, "-m", "bot", "serve", "--no-scheduler", "--connection-limit", "100"],
        ),
    ]
    if find_spec("gunicorn") is not None and find_spec("gevent") is not None:
        servers.append(
            (
                "Procfile web: gunicorn, 2 gevent workers",
                [python, "-m", "gunicorn", "--workers", "2", "--worker-class", "gevent",
                 "--worker-connections", "1000", "--timeout", "30", "bot.webhook:create_app()"],
            )
        )  # fmt: skip
    if find_spec("gunicorn") is not None:
        servers.append(
            (
                "earlier Procfile: gunicorn 1 x 8 threads",
                [
                    python,
                    "-m",
                    "gunicorn",
                    "--workers",
                    "1",
                    "--threads",
                    "8",
                    "--timeout",
                    "30",
                    "bot.webhook:create_app()",
                ],
            )
        )
    print(f"{args.stalled} stalled connections; {WEBHOOKS} signed webhooks per series")
    print(
        f"{'server':42} {'alone p50':>10} {'alone max':>10} "
        f"{'stalled p50':>12} {'stalled max':>12} {'failed':>7} {'max ratio':>10}"
    )
    repository = str(Path(__file__).resolve().parents[2])
    line = FakeLine().start()
    try:
        for series, (label, command) in enumerate(servers):
            port = free_port()
            with scratch_database("sqlite") as url:
                env = clean_environment(
                    BOT_ENV="test",
                    DATABASE_URL=url,
                    LINE_CHANNEL_SECRET=CHANNEL_SECRET,
                    LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
                    LINE_API_BASE_URL=line.base_url,
                    PYTHONPATH=repository,
                )
                if "gunicorn" in command:
                    command = [*command, "--bind", f"127.0.0.1:{port}"]
                else:
                    command = [*command, "--port", str(port)]
                with served(command, env, port, repository):
                    alone = webhooks(port, series * 2)
                    stalled = stall(port, args.stalled)
                    time.sleep(0.5)  # let the server take them all in
                    try:
                        loaded = webhooks(port, series * 2 + 1)
                    finally:
                        for connection in stalled:
                            connection.close()
            print(
                f"{label:42} {alone.p50 * 1000:>8.1f}ms {alone.worst * 1000:>8.1f}ms "
                f"{loaded.p50 * 1000:>10.1f}ms {loaded.worst * 1000:>10.1f}ms "
                f"{loaded.failed:>4}/{WEBHOOKS} {loaded.worst / alone.worst:>9.1f}x"
            )
    finally:
        line.stop()


if __name__ == "__main__":
    main()
