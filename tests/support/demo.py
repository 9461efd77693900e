"""A demo server (the simulator app) on a free port, driven like the simulator page drives it."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from waitress.server import create_server

from bot.demo import create_demo_app
from bot.webhook import services_of
from models.settings import Settings
from tests.support.processes import free_port

WAIT_SECONDS = 20


class Demo:
    """A demo server on a free port, driven like the simulator page drives it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.seen = 0

    def call(self, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        """GET (no body) or POST JSON to the simulator API."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + "/simulator/api/" + path,
            data=data,
            headers={"Content-Type": "application/json"},
            method="POST" if data is not None else "GET",
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def say(self, who: str, text: str, mentions: list[dict[str, Any]] | None = None) -> None:
        """Type a message as a demo person."""
        status, answer = self.call("say", {"who": who, "text": text, "mentions": mentions or []})
        assert status == 200 and answer["callback_status"] == 200, answer

    def send_file(self, who: str, name: str, data: bytes, content_type: str) -> None:
        """Send a photo or file as a demo person (the page posts the file's bytes the same way)."""
        query = urllib.parse.urlencode({"who": who, "name": name, "chat": "group"})
        request = urllib.request.Request(
            f"{self.base_url}/simulator/api/upload?{query}",
            data=data,
            headers={"Content-Type": content_type},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=15) as response:
            answer = json.loads(response.read())
        assert answer["callback_status"] == 200, answer

    def bot_entries(self, wanted: int = 1) -> list[dict[str, Any]]:
        """Wait (bounded) for `wanted` new bot lines in the transcript."""
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            _, data = self.call(f"transcript?after={self.seen}")
            for entry in data["entries"]:
                self.seen = entry["number"]
                if entry["kind"] == "bot":
                    found.append(entry)
            if len(found) >= wanted:
                return found
            time.sleep(0.05)  # the bot answers from its own worker thread
        raise AssertionError(f"expected {wanted} bot lines, got {found}")


@pytest.fixture
def demo(settings: Settings) -> Iterator[Demo]:
    """The demo app served by waitress in a thread (the simulator posts to itself over HTTP)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = create_demo_app(replace(settings, line_request_timeout=5), base_url)
    server = create_server(app, host="127.0.0.1", port=port, threads=6)
    stopping = threading.Event()

    def serve() -> None:
        # Short loop passes, so the sockets are closed only after this thread stops
        # selecting on them (closing them under a running select() raises EBADF here).
        while not stopping.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield Demo(base_url)
    finally:
        stopping.set()
        thread.join(timeout=10)
        server.close()
        services_of(app).close()


def text_of(entry: dict[str, Any]) -> str:
    """A transcript entry's text (textV2 placeholders left as they are)."""
    return "\n".join(m.get("text", m.get("altText", "")) for m in entry["messages"])
