"""Answers under load: Tidtam against the bare line-bot-sdk echo webhook, in the same run.

Run by hand: `python tests/benchmarks/answer_bench.py [--postgresql URL] [--latencies 0,0.2,1]`.
40 groups each send 3 messages at once through 16 concurrent webhook clients (one event per
POST, as LINE sends them); LINE (a local fake) answers every message call after a fixed
latency. Each server runs in its own process on waitress with 8 threads. The echo baseline
is the SDK's flask-echo shape: verify the signature, reply inline. Each message is `เสร็จ #N`,
so every answer can be traced to its event (Tidtam: "ไม่พบงาน #N"; the echo repeats it).

time-to-answer = when LINE finished accepting the answer - when the webhook was posted.
Each server takes `--bursts` bursts (default 2), each from groups and people it has not seen:
the first comes right after the server started (its caches cold), the second does not.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import waitress
from flask import Flask, request

# Run as a script: make the repository (bot, scheduler, models, tests) importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from linebot.v3.messaging import (  # the baseline is the SDK's own example, not our code
    ApiClient,
    Configuration,
    MessagingApi,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import MessageEvent, TextMessageContent

from tests.support.events import text_message, webhook
from tests.support.fake_line import FakeLine
from tests.support.processes import clean_environment, free_port, wait_for_health
from tests.support.scratch import scratch_database
from tests.support.web import ACCESS_TOKEN, CHANNEL_SECRET, sign

GROUPS = 40
MESSAGES_PER_GROUP = 3
CLIENTS = 16
_NUMBER = re.compile(r"#(\d+)")


@dataclass
class Figures:
    """What one run measured."""

    answer_p50: float
    answer_p99: float
    ack_p50: float
    ack_p99: float
    replies: int
    pushes: int
    unanswered: int
    out_of_order: int


def echo_app(line_url: str) -> Flask:
    """The SDK's flask-echo example: parse the signed body, reply to each text inline."""
    app = Flask("echo")
    parser = WebhookParser(CHANNEL_SECRET)
    configuration = Configuration(host=line_url, access_token=ACCESS_TOKEN)
    configuration.connection_pool_maxsize = 16
    api = MessagingApi(ApiClient(configuration))

    @app.get("/healthz")
    def healthz() -> str:
        return "{}"

    @app.post("/callback")
    def callback() -> str:
        body = request.get_data(as_text=True)
        for event in parser.parse(body, request.headers["X-Line-Signature"]):
            if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
                api.reply_message(
                    ReplyMessageRequest(
                        reply_token=event.reply_token,
                        messages=[TextMessage(text=event.message.text)],
                    )
                )
        return "OK"

    return app


@contextmanager
def served(command: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    """A server in its own process group (its own GIL, as in production); its base URL."""
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # gunicorn and its workers stop together
    )
    try:
        wait_for_health(port, process, path="/healthz")
        _settled(process.pid)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


def _settled(pid: int, quiet_for: float = 0.5, at_most: float = 30.0) -> None:
    """Wait until the server and its children have used no CPU for a moment: gunicorn's
    other worker answers no request until its app is made, but its start-up (imports, the
    warm-up) would take the CPU from the first burst."""
    deadline = time.monotonic() + at_most
    last = _cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet_for)
        now = _cpu_seconds(pid)
        if now - last < 0.05 * quiet_for:
            return
        last = now


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process and its children (Linux /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = (
        [pid, *(int(child) for child in children.read_text().split())]
        if children.exists()
        else [pid]
    )
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def tidtam_command(server: str, port: int) -> list[str]:
    """Tidtam as `python -m bot serve` (one process) or as the Procfile's `web:` line."""
    if server == "serve":
        return [sys.executable, "-m", "bot", "serve", "--port", str(port), "--no-scheduler"]
    procfile = (Path(__file__).resolve().parents[2] / "Procfile").read_text()
    web = next(line for line in procfile.splitlines() if line.startswith("web:"))
    return ["bash", "-c", web.split(":", 1)[1].strip()]


def run_load(base_url: str, line: FakeLine, burst: int = 0) -> Figures:
    """Post the load, wait for every answer, and read the figures off the fake LINE.

    Each burst (0, 1, …) comes from 40 groups and people the server has not seen before.
    """
    events = []
    for turn in range(MESSAGES_PER_GROUP):
        for group in range(GROUPS):
            number = group * 10 + turn
            events.append((number, group))
    posted: dict[int, float] = {}
    acked: dict[int, float] = {}
    acks: list[float] = []
    first = burst * GROUPS + 1  # new groups and people in every burst
    groups = {group: f"C{first + group:032x}" for group in range(GROUPS)}

    def post(item: tuple[int, int]) -> None:
        number, group = item
        event = text_message(
            f"เสร็จ #{number}",
            user_id=f"U{first + group:032x}",
            group_id=groups[group],
            at=datetime.now(UTC),
        )
        body = json.dumps(webhook(event)).encode()
        outgoing = urllib.request.Request(
            base_url + "/callback",
            data=body,
            headers={"Content-Type": "application/json", "X-Line-Signature": sign(body)},
        )
        started = time.monotonic()
        posted[number] = started
        with urllib.request.urlopen(outgoing, timeout=120) as response:
            assert response.status == 200
        acked[number] = time.monotonic()
        acks.append(acked[number] - started)

    before = len(line.answered)
    # This process (clients and fake LINE) holds ~240,000 objects from its imports; a full
    # collection of them takes 140-150 ms and holds every client and LINE's answers: inside a
    # burst, the server measured would be blamed. Frozen, later collections see only the new.
    gc.collect()
    gc.freeze()
    with ThreadPoolExecutor(CLIENTS) as clients:
        list(clients.map(post, events))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(_answer_times(line, before)) < len(events):
        time.sleep(0.05)
    answered = _answer_times(line, before)
    times = sorted(answered[n] - posted[n] for n in answered if n in posted)
    calls = [r for r, _ in line.answered[before:]]
    # Order asked: a message whose webhook was acknowledged before another of its group was
    # posted must be answered first (two posts in flight together have no order).
    out_of_order = 0
    for first in answered:
        for second in answered:
            same_group = first // 10 == second // 10
            if same_group and acked[first] < posted[second] and answered[second] < answered[first]:
                out_of_order += 1
    return Figures(
        answer_p50=statistics.median(times),
        answer_p99=_p99(times),
        ack_p50=statistics.median(acks),
        ack_p99=_p99(acks),
        replies=sum(r.path == "/v2/bot/message/reply" for r in calls),
        pushes=sum(r.path == "/v2/bot/message/push" for r in calls),
        unanswered=len(events) - len(answered),
        out_of_order=out_of_order,
    )


def _answer_times(line: FakeLine, since: int) -> dict[int, float]:
    """Event number → when LINE accepted the call that carried its answer."""
    found: dict[int, float] = {}
    for recorded, answered_at in line.answered[since:]:
        if not recorded.path.startswith("/v2/bot/message/"):
            continue
        for message in recorded.body.get("messages", []):
            match = _NUMBER.search(str(message.get("text", "")))
            if match:
                found.setdefault(int(match[1]), answered_at)
    return found


def _p99(values: list[float]) -> float:
    """The 99th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]


def _burst(burst: int) -> str:
    """How a burst is labelled: the first comes right after the server started."""
    return ", first burst" if burst == 0 else f", burst {burst + 1}"


def show(label: str, figures: Figures, baseline: Figures | None = None) -> None:
    """Print one row of figures (with ratios to the baseline)."""
    ratio = ""
    if baseline is not None:
        ratio = (
            f"  ratio answer p99 {figures.answer_p99 / baseline.answer_p99:.2f}×,"
            f" ack p99 {figures.ack_p99 / baseline.ack_p99:.2f}×"
        )
    print(
        f"{label:44} answer p50 {figures.answer_p50:6.2f} s p99 {figures.answer_p99:6.2f} s | "
        f"ack p50 {figures.ack_p50 * 1000:6.1f} ms p99 {figures.ack_p99 * 1000:6.1f} ms | "
        f"replies {figures.replies} pushes {figures.pushes} unanswered {figures.unanswered} "
        f"out of order {figures.out_of_order}{ratio}"
    )


def main() -> None:
    """Run the echo baseline and Tidtam at each latency, on each database."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgresql", help="admin URL, e.g. postgresql://postgres@127.0.0.1/test")
    parser.add_argument("--latencies", default="0,0.2,1", help="LINE latencies in seconds")
    parser.add_argument(
        "--servers",
        default="serve",
        help="Tidtam servers, comma-separated: serve (python -m bot serve), procfile (web:)",
    )
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="databases, comma-separated: sqlite, postgresql (needs --postgresql)",
    )
    parser.add_argument(
        "--bursts",
        type=int,
        default=2,
        help="bursts per server, each from new groups: the first follows the server's start",
    )
    parser.add_argument(
        "--serve-echo", nargs=2, metavar=("PORT", "LINE_URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve_echo:  # the baseline's own process
        waitress.serve(echo_app(args.serve_echo[1]), port=int(args.serve_echo[0]), threads=8)
        return
    kinds = [
        kind
        for kind in args.databases.split(",")
        if kind == "sqlite" or (kind == "postgresql" and args.postgresql)
    ]
    line = FakeLine(keep_alive=True).start()  # as api.line.me: connections kept open
    env = clean_environment()
    path = env.get("PATH", "")  # the Procfile's gunicorn is found beside this Python
    try:
        for latency in (float(value) for value in args.latencies.split(",")):
            line.latency = latency
            port = free_port()
            echo = [sys.executable, __file__, "--serve-echo", str(port), line.base_url]
            with served(echo, env, port) as echo_url:
                baselines = [run_load(echo_url, line, burst) for burst in range(args.bursts)]
            for burst, baseline in enumerate(baselines):
                show(f"echo baseline, LINE {latency * 1000:.0f} ms{_burst(burst)}", baseline)
            for kind in kinds:
                for server in args.servers.split(","):
                    with scratch_database(kind, args.postgresql) as url:
                        port = free_port()
                        tidtam_env = {
                            **env,
                            "BOT_ENV": "test",
                            "DATABASE_URL": url,
                            "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
                            "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
                            "LINE_API_BASE_URL": line.base_url,
                            "PORT": str(port),
                            "PATH": os.pathsep.join((str(Path(sys.executable).parent), path)),
                        }
                        command = tidtam_command(server, port)
                        with served(command, tidtam_env, port) as tidtam_url:
                            runs = [
                                run_load(tidtam_url, line, burst) for burst in range(args.bursts)
                            ]
                    for burst, (figures, baseline) in enumerate(zip(runs, baselines, strict=True)):
                        label = (
                            f"tidtam {kind} {server}, LINE {latency * 1000:.0f} ms{_burst(burst)}"
                        )
                        show(label, figures, baseline)
    finally:
        line.stop()


if __name__ == "__main__":
    main()
