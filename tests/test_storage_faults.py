"""Storage that refuses writes: /healthz says so, and the bot recovers by itself when it is back."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from bot.webhook import create_app, services_of
from models.db import make_engine
from models.migrate import upgrade
from tests.support.events import text_message, webhook
from tests.support.fake_line import FakeLine
from tests.support.storage import write_protect
from tests.support.web import ACCESS_TOKEN, CHANNEL_SECRET, sign


@pytest.fixture
def protected_database(tmp_path: Path) -> Iterator[Path]:
    """A migrated SQLite file whose files are write-protected (undone at the end)."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed (apt install e2fsprogs)")
    folder = tmp_path / "db"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'tidtam.db'}")
    upgrade(engine)
    engine.dispose()
    try:
        write_protect(folder, True)
    except subprocess.CalledProcessError:
        pytest.skip("this filesystem has no immutable attribute")
    try:
        yield folder
    finally:
        write_protect(folder, False)


def post_event(app: Flask) -> int:
    """POST one signed text event to /callback; the status."""
    event = text_message("ช่วยเหลือ", user_id="U" + "5" * 32, group_id=None, at=datetime.now(UTC))
    body = json.dumps(webhook(event))
    data = body.encode()
    response = app.test_client().post(
        "/callback", data=data, headers={"X-Line-Signature": sign(data)}
    )
    return response.status_code


def protected_app(folder: Path, line: FakeLine, spool: str) -> Flask:
    """The app on the write-protected database, with a spool folder (or "off")."""
    return create_app(
        {
            "BOT_ENV": "test",
            "DATABASE_URL": f"sqlite:///{folder / 'tidtam.db'}",
            "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
            "LINE_API_BASE_URL": line.base_url,
            "EVENT_SPOOL_DIR": spool,
        }
    )


def replied(line: FakeLine) -> int:
    """Messages LINE received in replies (a chat's waiting answers may share one reply)."""
    return sum(len(request.body["messages"]) for request in line.replies)


def wait_for_replies(line: FakeLine, count: int) -> None:
    """Until LINE has replied `count` messages (bounded): the bot's own threads do the work."""
    deadline = time.monotonic() + 20
    while replied(line) < count and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_bot_started_on_write_protected_files_recovers_without_a_restart(
    protected_database: Path, fake_line: FakeLine, tmp_path: Path
) -> None:
    app = protected_app(protected_database, fake_line, str(tmp_path / "spool"))
    try:
        client = app.test_client()
        health = client.get("/healthz")
        assert health.status_code == 503 and health.get_json()["database"] == "cannot store"
        assert post_event(app) == 200  # kept in the spool (fsync'd), not lost
        spool = client.get("/healthz").get_json()["spool"]
        assert spool["waiting"] == 1 and spool["bytes"] > 0

        write_protect(protected_database, False)  # the operator fixes the files
        assert client.get("/healthz").status_code == 200
        assert post_event(app) == 200
        # The spooled event is stored first, then the new one; both are answered. A lane whose
        # pooled handle was opened read-only fails once, drops it, and the inbox sweep (every
        # 5 s) processes the event on a fresh one.
        wait_for_replies(fake_line, 2)
        assert replied(fake_line) == 2 and fake_line.pushes == []
        assert client.get("/healthz").get_json()["spool"]["waiting"] == 0
    finally:
        services_of(app).close()


def test_without_a_spool_an_event_the_database_cannot_take_is_a_500(
    protected_database: Path, fake_line: FakeLine
) -> None:
    app = protected_app(protected_database, fake_line, "off")
    try:
        assert post_event(app) == 500  # LINE will redeliver (if redelivery is on)
        assert app.test_client().get("/healthz").get_json()["spool"] is None
        write_protect(protected_database, False)
        assert post_event(app) == 200
        wait_for_replies(fake_line, 1)
        assert replied(fake_line) == 1  # the refused event was not half-stored
    finally:
        services_of(app).close()
