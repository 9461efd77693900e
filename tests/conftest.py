"""Fixtures built on the app factory: a real database, a recording fake LINE, signed webhooks."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from bot.plan.document import load_plan
from bot.plan.importer import import_plan
from bot.webhook import create_app, services_of
from models.db import make_engine, session_scope
from models.migrate import upgrade
from models.settings import Settings
from tests.support.chat import Chat
from tests.support.demo import demo  # noqa: F401  (the demo-server fixture, for the simulator tests)
from tests.support.events import ADMIN, NOW
from tests.support.fake_line import FakeLine
from tests.support.web import (
    ACCESS_TOKEN,
    CHANNEL_SECRET,
    PUBLIC_BASE_URL,
    MutableClock,
    SignedPost,
    repository_root,
    sign,
)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """TEST_DATABASE_URL (CI sets a scratch PostgreSQL database) or a fresh SQLite file."""
    configured = os.environ.get("TEST_DATABASE_URL", "").strip()
    if configured:
        return configured
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'tidtam-test.db'}"


@pytest.fixture(scope="session")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    """One engine for the session, schema built by the Alembic migrations (as in production)."""
    engine = make_engine(database_url)
    with engine.begin() as connection:
        SQLModel.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The database, emptied after each test so tests never see each other's rows."""
    yield migrated_engine
    with migrated_engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the test database."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def fake_line() -> Iterator[FakeLine]:
    """A recording fake LINE API on a free local port."""
    server = FakeLine().start()
    yield server
    server.stop()


@pytest.fixture
def settings(
    request: pytest.FixtureRequest, engine: Engine, fake_line: FakeLine, tmp_path: Path
) -> Settings:
    """Test settings: the test database, the fake LINE, a known channel secret."""
    public = (
        {}
        if request.node.get_closest_marker("no_public_base_url")
        else {"PUBLIC_BASE_URL": PUBLIC_BASE_URL}
    )
    return Settings.from_env(
        {
            **public,
            "BOT_ENV": "test",
            "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
            "LINE_API_BASE_URL": fake_line.base_url,
            "LINE_API_DATA_BASE_URL": fake_line.data_base_url,
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "LINE_REQUEST_TIMEOUT": "2",
            "BOT_ADMIN_IDS": ADMIN,
            "EVENT_SPOOL_DIR": str(tmp_path / "spool"),
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
        }
    )


@pytest.fixture
def clock() -> MutableClock:
    """The app's clock, set to 1 March 2024 09:00 Bangkok; tests move it, nobody sleeps."""
    return MutableClock(NOW)


@pytest.fixture
def chat(engine: Engine, settings: Settings, clock: MutableClock) -> Chat:
    """Commands dispatched straight to the router (no HTTP, threads or LINE): milliseconds each."""
    return Chat(engine, settings, clock)


@pytest.fixture
def imported(engine: Engine) -> Engine:
    """The real plan (data/ita-2566-plan.yaml) imported into the test database."""
    with session_scope(engine) as session:
        import_plan(session, load_plan(repository_root() / "data" / "ita-2566-plan.yaml"), now=NOW)
    return engine


@pytest.fixture
def app(settings: Settings, clock: MutableClock) -> Iterator[Flask]:
    """The real Flask app from the factory, on the test clock."""
    application = create_app(settings, clock=clock)
    application.config["TESTING"] = True
    yield application
    services_of(application).close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def signed(client: FlaskClient) -> SignedPost:
    """POST a webhook body to /callback with a real signature (or a given one)."""

    def post(payload: dict[str, Any] | bytes, signature: str | None = None) -> Any:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        headers["X-Line-Signature"] = sign(body) if signature is None else signature
        return client.post("/callback", data=body, headers=headers)

    return post


@pytest.fixture
def conversation(signed: SignedPost, app: Flask, fake_line: FakeLine) -> Callable[..., list[Any]]:
    """Send events through /callback and return the messages LINE received in answer."""

    def say(*events: dict[str, Any]) -> list[Any]:
        before = len(fake_line.requests)
        response = signed({"destination": "U" + "d" * 32, "events": list(events)})
        assert response.status_code == 200
        assert services_of(app).wait_idle(timeout=15)
        answered = [
            request
            for request in fake_line.requests[before:]
            if request.path in ("/v2/bot/message/reply", "/v2/bot/message/push")
        ]
        return [message for request in answered for message in request.body["messages"]]

    return say


