"""The Flask adapter: check the signature, store the events, answer 200; plus /healthz."""

from __future__ import annotations

import gc
import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, jsonify, request
from linebot.v3.webhook import SignatureValidator
from sqlalchemy.engine import Engine
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot import export, feeds, pages, texts
from bot.answers import AnswerCourier
from bot.commands import build_router
from bot.conversation import Conversation
from bot.evidence_fetch import EvidenceFetcher
from bot.inbox import EventRecorder, InboxWorker
from bot.line_api import LineClient
from bot.richmenu import menu_definition, menu_image
from bot.router import Router
from bot.simulator import BOT_NAME, DEMO_GROUP_NAME, Simulator
from bot.spool import EventSpool, SpoolDrainer, StorageUnavailable
from models.db import make_engine, open_pool
from models.settings import Settings
from scheduler.sender import LAST_TICK
from scheduler.state import read_instant, write_state

log = logging.getLogger(__name__)

# LINE's own bodies are a few KB; anything far larger is not from LINE.
MAX_WEBHOOK_BYTES = 1024 * 1024
SIMULATOR_MAX_UPLOAD = 64 * 1024 * 1024  # a demo photo or file (over EVIDENCE_MAX_MB: answered)
HEALTH_PROBE = "health.probe"  # SystemState: the row /healthz writes to prove it can store


@dataclass
class Services:
    """What the views need, built once per app."""

    settings: Settings
    engine: Engine
    signature: SignatureValidator
    line: LineClient
    inbox: InboxWorker
    courier: AnswerCourier
    evidence: EvidenceFetcher
    spool: EventSpool | None
    drainer: SpoolDrainer | None

    def wait_idle(self, timeout: float = 15.0) -> bool:
        """Block until every notified event is processed and its answer delivered."""
        return (
            self.inbox.wait_idle(timeout)
            and self.evidence.wait_idle(timeout)
            and self.courier.wait_idle(timeout)
        )

    def close(self) -> None:
        """Stop the inbox threads and the courier, and release connections."""
        if self.drainer is not None:
            self.drainer.stop()
        self.inbox.stop()
        self.evidence.stop()
        self.courier.stop()
        self.line.close()
        self.engine.dispose()


def create_app(
    config: Settings | Mapping[str, str] | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    simulator: Simulator | None = None,
    router: Router | None = None,
) -> Flask:
    """The app factory: settings from `config` (Settings or env-style overrides) or the env.

    `router` is the chat's command set; by default every feature module's (bot.commands).
    """
    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env({**os.environ, **(config or {})})
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_WEBHOOK_BYTES
    engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
    line = LineClient.from_settings(settings)
    now = clock or _utcnow
    conversation = Conversation(settings, engine, line, router or build_router(), now)
    inbox = InboxWorker(
        engine,
        conversation.process,
        warm_up=conversation.warm_up,
        chat_done=conversation.courier.events_done,
    )
    conversation.courier.hold_followups_while(inbox.busy)  # names wait for a lull in events too
    conversation.courier.gather_with(inbox)  # a chat's next answers go in the same reply
    recorder = EventRecorder(engine, _is_unavailable)

    def store(raw_events: list[dict[str, Any]], received_at: datetime) -> None:
        """Record the events (idempotent); StorageUnavailable when the database cannot."""
        try:
            new_rows = recorder.record(raw_events, received_at)
        except SQLAlchemyError as error:
            if _is_unavailable(error):
                raise StorageUnavailable(_first_line(error)) from error
            raise
        if new_rows:
            # After the commit, so a lane that claims a row finds it.
            inbox.notify([(row.id, row.chat_id) for row in new_rows])

    spool = drainer = None
    if settings.event_spool_dir:
        spool = EventSpool(Path(settings.event_spool_dir), settings.event_spool_max_mb << 20)
        drainer = SpoolDrainer(
            spool, lambda body, received_at: store(_raw_events(body), received_at), inbox.notify
        )
    services = Services(
        settings=settings,
        engine=engine,
        signature=SignatureValidator(settings.line_channel_secret),
        line=line,
        inbox=inbox,
        courier=conversation.courier,
        evidence=conversation.fetcher,
        spool=spool,
        drainer=drainer,
    )
    app.extensions["tidtam"] = services
    services.inbox.start()
    services.courier.start()
    if drainer is not None:
        drainer.start()

    @app.post("/callback")
    def callback() -> tuple[Response, int]:
        """LINE's webhook: 400 for a bad signature or body, else record the events and say 200."""
        with inbox.acknowledging():  # the lanes and the courier wait a moment for this
            return _acknowledge()

    def _acknowledge() -> tuple[Response, int]:
        """Verify, record and answer one webhook (callback's body)."""
        signature = request.headers.get("X-Line-Signature", "")
        body = request.get_data(as_text=True)
        if not signature:
            return _error("missing X-Line-Signature header"), 400
        if not services.signature.validate(body, signature):
            return _error("invalid signature"), 400
        try:
            raw_events = _raw_events(body)
        except (ValueError, RecursionError):
            return _error("malformed webhook body"), 400
        if not raw_events:
            return jsonify(ok=True), 200
        received_at = now()
        if spool is None or not spool.holding:
            try:
                store(raw_events, received_at)
                return jsonify(ok=True), 200
            except StorageUnavailable as error:
                log.warning("cannot store a webhook's events: %s", error)
                if spool is None:
                    return _error("cannot store events now"), 500  # LINE may redeliver
        # The database is away, or earlier bodies still wait in the spool: queue behind them.
        if not spool.append(body, received_at):
            return _error("cannot store events now"), 500  # spool full: as without one
        if drainer is not None:
            drainer.notify()
        return jsonify(ok=True, spooled=True), 200

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        """200 when an event could be stored now (a real write), 503 when not; the clock's age.

        A read alone would say "ok" through a read-only or full disk, when every webhook
        would fail; so the check writes one small row, as storing an event does.
        """
        moment = now()
        try:
            with services.engine.begin() as connection:
                write_state(connection, HEALTH_PROBE, moment.isoformat(), moment)
                last_tick = read_instant(connection, LAST_TICK)
        except SQLAlchemyError as error:
            reason = _first_line(error)
            log.warning("health check: cannot store: %s", reason)
            return jsonify(
                status="error", database="cannot store", error=reason[:200], spool=_spool_state()
            ), 503
        clock: dict[str, object] = {"last_tick": last_tick.isoformat() if last_tick else None}
        if last_tick is not None:
            clock["seconds_ago"] = int((moment - last_tick).total_seconds())
        return jsonify(
            status="ok",
            database="ok",
            demo_mode=settings.demo_mode,
            clock=clock,
            spool=_spool_state(),
        ), 200

    def _spool_state() -> dict[str, object] | None:
        """Webhook bodies waiting on local disk for the database (None: no spool)."""
        if spool is None:
            return None
        state = spool.state()
        return {
            "waiting": state.waiting,
            "bytes": state.size_bytes,
            "limit_bytes": state.limit_bytes,
        }

    @app.get("/exports/<token>")
    def download_export(token: str) -> Response:
        """A monthly report behind a signed link; 403 forged, 410 expired (Thai text either way)."""
        found = export.download(services.engine, settings, token, now())
        response = Response(found.body, status=found.status, mimetype=found.mimetype)
        if found.filename:
            response.headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
        return response

    @app.get("/calendar/<token>.ics")
    def calendar_feed(token: str) -> Response:
        """A calendar subscription; 403 forged, 410 revoked (Thai text either way)."""
        found = feeds.download(services.engine, settings, token, now())
        response = Response(found.body, status=found.status, mimetype=found.mimetype)
        if found.filename:
            response.headers["Content-Disposition"] = f'inline; filename="{found.filename}"'
        response.headers["Cache-Control"] = "private, max-age=300"
        return response

    @app.get("/evidence/<token>")
    def download_evidence(token: str) -> Response:
        """An evidence file behind a signed link; 403 forged, 410 expired, 404 deleted."""
        found = export.download_evidence(services.engine, settings, token, now())
        response = Response(found.body, status=found.status, mimetype=found.mimetype)
        if found.filename:
            response.headers["Content-Disposition"] = _attachment(found.filename)
        return response
    @app.get("/dashboard/<token>")
    def dashboard(token: str) -> Response:
        """The officials' web view of the groups a signed link names; 403 forged, 410 expired."""
        return _page(pages.dashboard(services.engine, settings, token, now()))

    @app.get("/public/<slug>")
    def public_progress(slug: str) -> Response:
        """The public progress page; 404 unless an admin has published it under this slug."""
        return _page(pages.public(services.engine, settings, slug, now()))

    if simulator is not None:
        _add_simulator_routes(app, simulator, settings)
    if settings.is_production:  # a gunicorn worker, serving from now on
        ready_to_serve(app)
    return app


WARM_UP_WAIT_SECONDS = 10.0  # a database that slow to answer: serve, and warm up meanwhile


def ready_to_serve(app: Flask) -> None:
    """Wait for the inbox's warm-up, open the database pool's connections, then settle the
    heap: the process serves warm from its first request (a gunicorn worker takes none before
    this returns)."""
    services = services_of(app)
    if not services.inbox.wait_warm(WARM_UP_WAIT_SECONDS):
        log.warning("warm-up still running after %s s: serving anyway", WARM_UP_WAIT_SECONDS)
    open_pool(services.engine)
    settle_heap()


def settle_heap() -> None:
    """Put everything made while starting out of the garbage collector's sight (gc.freeze).

    A server process holds a few hundred thousand objects from its imports (SQLAlchemy, the
    LINE SDK's models) that live as long as it does. The collector's first full collection
    after a start scanned them all while holding the interpreter lock: 175–190 ms in which
    no webhook was acknowledged and no answer sent (the benchmark's second burst on
    PostgreSQL: acknowledgement p99 ~280 ms, not ~80). Frozen, they are never scanned again;
    later collections see only what was made since. Called once a process is ready to serve
    (`serve`, and a production app, as in the Procfile's gunicorn workers), never in tests:
    garbage frozen there would stay for the rest of the run.
    """
    gc.collect()  # what is garbage now is freed, not frozen
    gc.freeze()


def _attachment(filename: str) -> str:
    """A Content-Disposition for any file name (Thai ones too: RFC 6266's filename*)."""
    fallback = "".join(c if c.isascii() and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
def _page(found: pages.Page) -> Response:
    """A rendered page as a Flask response, with its headers."""
    response = Response(found.body, status=found.status, mimetype=found.mimetype)
    response.headers.update(found.headers)
    return response


def _add_simulator_routes(app: Flask, simulator: Simulator, settings: Settings) -> None:
    """Demo mode: the simulator page, its API, and the fake LINE Messaging API it answers."""

    @app.get("/simulator")
    def simulator_page() -> Response:
        """The LINE-group simulator page."""
        page = resources.files("bot").joinpath("static/simulator.html").read_text("utf-8")
        return Response(page, mimetype="text/html")

    @app.get("/simulator/richmenu.png")
    def simulator_rich_menu_image() -> Response:
        """The rich menu's image, the same PNG `richmenu install` uploads to LINE."""
        return Response(menu_image(), mimetype="image/png")

    @app.get("/simulator/api/info")
    def simulator_info() -> Response:
        """Who you can be, the group, the demo time, the rich menu."""
        return jsonify(
            people=[
                {
                    "key": p.key,
                    "name": p.name,
                    "user_id": p.user_id,
                    "label": texts.ROLE_LABELS[p.role] if p.in_group else texts.SIMULATOR_OUTSIDER,
                }
                for p in simulator.people
            ],
            group_name=DEMO_GROUP_NAME,
            bot_name=BOT_NAME,
            now=simulator.clock().astimezone(settings.timezone).isoformat(),
            rich_menu=menu_definition(),
        )

    @app.get("/simulator/api/transcript")
    def simulator_transcript() -> Response:
        """Chat lines newer than ?after=N, and the demo time."""
        after = request.args.get("after", "0")
        number = int(after) if after.isdigit() else 0
        return jsonify(entries=simulator.entries_after(number), now=simulator.clock().isoformat())

    @app.post("/simulator/api/say")
    def simulator_say() -> tuple[Response, int]:
        """Someone types in the group, or taps the rich menu (1:1): sign it, post to /callback."""
        payload = request.get_json(silent=True) or {}
        text = str(payload.get("text", "")).strip()
        if not text:
            return _error(texts.SIMULATOR_EMPTY), 400
        try:
            event = simulator.message_event(
                str(payload.get("who")),
                text,
                list(payload.get("mentions") or []),
                one_to_one=payload.get("chat") == "user",
            )
        except (KeyError, ValueError, TypeError):
            return _error(texts.SIMULATOR_BAD_INPUT), 400
        return _post_to_callback(simulator, event)

    @app.post("/simulator/api/upload")
    def simulator_upload() -> tuple[Response, int]:
        """Someone sends a photo or file (the body, with its type; ?who=&name=): post it."""
        # Bigger than a webhook, so an over-size file can be tried (the bot answers it).
        request.max_content_length = SIMULATOR_MAX_UPLOAD
        try:
            event = simulator.file_event(
                str(request.args.get("who")),
                str(request.args.get("name") or "")[:255],
                request.get_data(),
                (request.content_type or "").split(";")[0].strip().lower(),
                one_to_one=request.args.get("chat") == "user",
            )
        except (KeyError, ValueError):
            return _error(texts.SIMULATOR_BAD_INPUT), 400
        return _post_to_callback(simulator, event)

    @app.get("/simulator/content/<message_id>")
    def simulator_content(message_id: str) -> Response:
        """A photo someone sent, for the page to show."""
        found = simulator.content(message_id)
        if found is None:
            return Response(status=404)
        return Response(found[0], mimetype=found[1])

    @app.post("/simulator/api/tap")
    def simulator_tap() -> tuple[Response, int]:
        """Someone taps a button (postback or date picker): sign the postback, post it."""
        payload = request.get_json(silent=True) or {}
        params = payload.get("params")
        try:
            event = simulator.postback_event(
                str(payload.get("who")),
                str(payload.get("data") or ""),
                label=str(payload.get("label") or ""),
                shows=str(payload.get("shows") or ""),
                params=params if isinstance(params, dict) else None,
                one_to_one=payload.get("chat") == "user",
            )
        except (KeyError, ValueError, TypeError):
            return _error(texts.SIMULATOR_BAD_INPUT), 400
        return _post_to_callback(simulator, event)

    @app.post("/simulator/api/clock")
    def simulator_clock() -> tuple[Response, int]:
        """Move the demo clock and run the reminder clock at that instant."""
        payload = request.get_json(silent=True) or {}
        try:
            day = date.fromisoformat(str(payload.get("date")))
            hour, minute = (int(part) for part in str(payload.get("time") or "08:30").split(":"))
            moment = datetime.combine(day, time(hour, minute), settings.timezone)
        except (TypeError, ValueError):
            return _error(texts.SIMULATOR_BAD_DATE), 400
        simulator.move_clock(moment)
        return jsonify(ok=True, now=moment.isoformat()), 200

    @app.route("/simulator/line/<path:api_path>", methods=["GET", "POST"])
    def simulator_line_api(api_path: str) -> tuple[Response, int]:
        """The fake LINE Messaging API the bot's LINE client talks to in demo mode."""
        headers = {key.lower(): value for key, value in request.headers.items()}
        if api_path.startswith("v2/bot/message/") and api_path.endswith("/content"):
            # LINE's data host: what someone sent (the demo's data host is this same path).
            message_id = api_path.removeprefix("v2/bot/message/").removesuffix("/content")
            found = simulator.content(message_id) if headers.get("authorization") else None
            if found is None:
                return jsonify(message="Not found"), 404
            return Response(found[0], mimetype=found[1]), 200
        status, body = simulator.line_api(
            request.method, "/" + api_path, request.get_json(silent=True) or {}, headers
        )
        return jsonify(body), status


def _post_to_callback(simulator: Simulator, event: dict[str, Any]) -> tuple[Response, int]:
    """Sign a simulated event and post it to our own /callback, as LINE would; what came of it."""
    status = _post_webhook(request.host_url + "callback", *simulator.webhook_request([event]))
    return jsonify(ok=status == 200, callback_status=status), 200


def _post_webhook(url: str, body: bytes, signature: str) -> int:
    """POST a signed webhook body like LINE does; the HTTP status, or 0 when unreachable."""
    outgoing = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "X-Line-Signature": signature},
        method="POST",
    )
    try:
        with urllib.request.urlopen(outgoing, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def services_of(app: Flask) -> Services:
    """The services an app was built with."""
    services = app.extensions["tidtam"]
    assert isinstance(services, Services)
    return services


def _raw_events(body: str) -> list[dict[str, Any]]:
    """The events of a webhook body as plain dicts (the signature was already checked).

    ValueError (or RecursionError, for absurd nesting) when the body itself is not a webhook:
    the whole request is refused. One event of a shape we cannot use is dropped and logged,
    and costs only itself: LINE's older events lack webhookEventId, deliveryContext and mode,
    and a new kind of event may come any day.
    """
    payload = json.loads(body)
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        raise ValueError("a webhook body is an object with a list of events")
    usable = [event for event in events if _usable(event)]
    if len(usable) != len(events):
        log.warning("dropped %d webhook event(s) without a type", len(events) - len(usable))
    return usable


def _usable(event: object) -> bool:
    """An event we can store: an object with a type, and a source object if it has one."""
    return (
        isinstance(event, dict)
        and isinstance(event.get("type"), str)
        and bool(event["type"])
        and isinstance(event.get("source", {}), dict)
    )


def _is_unavailable(error: BaseException) -> bool:
    """True when the database cannot take writes now (down, read-only, full), not the data.

    Looks along the chain too: a connection lost inside a savepoint surfaces as SQLAlchemy's
    "Can't reconnect until invalid transaction is rolled back", raised while handling the
    driver's OperationalError.
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OperationalError | InterfaceError | DisconnectionError | PoolTimeout):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _first_line(error: SQLAlchemyError) -> str:
    """The driver's own message, first line: what an operator needs in a log or /healthz."""
    return str(error.orig if isinstance(error, DBAPIError) else error).splitlines()[0]


def _utcnow() -> datetime:
    """The real time, aware (tests pass their own clock)."""
    return datetime.now(UTC)


def _error(message: str) -> Response:
    """A JSON error body."""
    return jsonify(error=message)
