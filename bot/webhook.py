"""The Flask adapter: check the signature, store the events, answer 200; plus /healthz."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, jsonify, request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.conversation import Conversation
from bot.inbox import InboxWorker, record_events
from bot.line_api import LineClient
from models.db import make_engine, ping, session_scope
from models.settings import Settings

log = logging.getLogger(__name__)

# LINE's own bodies are a few KB; anything far larger is not from LINE.
MAX_WEBHOOK_BYTES = 1024 * 1024


@dataclass
class Services:
    """What the views need, built once per app."""

    settings: Settings
    engine: Engine
    parser: WebhookParser
    line: LineClient
    inbox: InboxWorker

    def close(self) -> None:
        """Stop the inbox threads and release connections."""
        self.inbox.stop()
        self.line.close()
        self.engine.dispose()


def create_app(
    config: Settings | Mapping[str, str] | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
) -> Flask:
    """The app factory: settings from `config` (Settings or env-style overrides) or the env."""
    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env({**os.environ, **(config or {})})
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_WEBHOOK_BYTES
    engine = make_engine(settings.database_url)
    line = LineClient(
        settings.line_channel_access_token,
        settings.line_api_base_url,
        settings.line_request_timeout,
    )
    now = clock or _utcnow
    conversation = Conversation(settings, engine, line, clock=now)
    services = Services(
        settings=settings,
        engine=engine,
        parser=WebhookParser(settings.line_channel_secret),
        line=line,
        inbox=InboxWorker(engine, conversation.process),
    )
    app.extensions["tidtam"] = services
    services.inbox.start()

    @app.post("/callback")
    def callback() -> tuple[Response, int]:
        """LINE's webhook: 400 for a bad signature or body, else record the events and say 200."""
        signature = request.headers.get("X-Line-Signature", "")
        body = request.get_data(as_text=True)
        if not signature:
            return _error("missing X-Line-Signature header"), 400
        try:
            services.parser.parse(body, signature)
            raw_events = _raw_events(body)
        except InvalidSignatureError:
            return _error("invalid signature"), 400
        except (ValueError, KeyError, TypeError, AttributeError):
            return _error("malformed webhook body"), 400
        if raw_events:
            with session_scope(services.engine) as session:
                new_rows = record_events(session, raw_events, now())
            if new_rows:
                services.inbox.notify()  # after the commit, so the worker finds the rows
        return jsonify(ok=True), 200

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        """200 with JSON when the database answers, 503 when it does not."""
        try:
            ping(services.engine)
        except SQLAlchemyError as error:
            log.warning("health check: database unreachable: %s", error)
            return jsonify(status="error", database="unreachable"), 503
        return jsonify(status="ok", database="ok", demo_mode=settings.demo_mode), 200

    return app


def services_of(app: Flask) -> Services:
    """The services an app was built with."""
    services = app.extensions["tidtam"]
    assert isinstance(services, Services)
    return services


def _raw_events(body: str) -> list[dict[str, Any]]:
    """The events of a webhook body as plain dicts (the signature was already checked)."""
    payload = json.loads(body)
    events = payload["events"]
    if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
        raise ValueError("events must be a list of objects")
    return events


def _utcnow() -> datetime:
    """The real time, aware (tests pass their own clock)."""
    return datetime.now(UTC)


def _error(message: str) -> Response:
    """A JSON error body."""
    return jsonify(error=message)
