"""Ready to serve: the warm-up (the first event compiles nothing; nothing kept), a settled heap."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import CacheStats

from bot.commands import build_router
from bot.conversation import Conversation
from bot.line_api import LineClient
from bot.webhook import services_of
from models.settings import Settings
from models.tables import ChatGroup, Delivery, GroupMember, InboundEvent, Person
from tests.support.events import NOW, OFFICER_A, text_message, webhook
from tests.support.fake_line import FakeLine
from tests.support.processes import clean_environment
from tests.support.scratch import scratch_database
from tests.support.web import SignedPost, repository_root


@pytest.fixture
def compiled_on_first_use(app: Flask) -> Iterator[list[tuple[str, str]]]:
    """(thread, statement) of every statement the app's engine had to compile, from now on."""
    services = services_of(app)
    assert services.wait_idle()  # the dispatcher warms up before its first pass
    misses: list[tuple[str, str]] = []

    def note(_c: Any, _cur: Any, statement: str, _p: Any, context: Any, _many: bool) -> None:
        if getattr(context, "cache_hit", None) is CacheStats.CACHE_MISS:
            misses.append((threading.current_thread().name, " ".join(statement.split())[:80]))

    event.listen(services.engine, "after_cursor_execute", note)
    yield misses
    event.remove(services.engine, "after_cursor_execute", note)


def test_the_first_command_after_a_start_compiles_no_statement_on_its_way(
    app: Flask,
    signed: SignedPost,
    fake_line: FakeLine,
    compiled_on_first_use: list[tuple[str, str]],
) -> None:
    # A new group's first command and the next: acknowledged, processed, answered, marked sent.
    for number in (1, 2):
        response = signed(webhook(text_message(f"เสร็จ #{number}", user_id=OFFICER_A)))
        assert response.status_code == 200
        assert services_of(app).wait_idle()
    assert len(fake_line.replies) == 2
    # The webhook (here the test client's thread), the lanes and the couriers; not the names
    # asked of LINE after the answers, nor the courier's heartbeat.
    on_the_way = [
        miss
        for miss in compiled_on_first_use
        if miss[0].startswith(("MainThread", "inbox", "courier_"))
    ]
    assert on_the_way == []


def test_the_warm_up_keeps_nothing_and_sends_nothing(
    settings: Settings, engine: Engine, fake_line: FakeLine
) -> None:
    line = LineClient("t", settings.line_api_base_url)
    conversation = Conversation(settings, engine, line, build_router(), lambda: NOW)
    try:
        conversation.warm_up()
        conversation.warm_up()  # as often as processes start
        assert conversation.courier.wait_idle(timeout=5)
    finally:
        conversation.courier.stop()
        line.close()
    with engine.connect() as connection:
        for table in (InboundEvent, ChatGroup, Person, GroupMember, Delivery):
            count = connection.execute(select(func.count()).select_from(table)).scalar()
            assert count == 0, table.__name__
    assert fake_line.requests == []


def test_a_production_app_is_warm_and_settled_before_it_serves_and_a_test_app_is_not(
    app: Flask, database_url: str
) -> None:
    assert gc.get_freeze_count() == 0  # the test app (BOT_ENV=test) froze nothing here
    script = (
        "import gc; from bot.webhook import create_app, services_of; "
        "app = create_app(); services = services_of(app); warm = services.inbox.wait_warm(0); "
        "print(warm, gc.get_freeze_count(), services.engine.pool.checkedin()); services.close()"
    )
    kind = "postgresql" if database_url.startswith("postgres") else "sqlite"
    with scratch_database(kind, database_url) as url:
        env = clean_environment(
            BOT_ENV="production",
            DATABASE_URL=url,
            LINE_CHANNEL_SECRET="secret",
            LINE_CHANNEL_ACCESS_TOKEN="token",
            LINE_API_BASE_URL="http://127.0.0.1:9",  # never called
        )
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            cwd=repository_root(),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    warm, frozen, pooled = done.stdout.split()[-3:]
    assert warm == "True"  # the warm-up ran before create_app returned: no cold first burst
    assert int(frozen) > 100_000  # the imports' objects, frozen
    if kind == "postgresql":  # its connections open before the first burst needs them
        assert int(pooled) == 10
