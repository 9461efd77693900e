"""`python -m bot …`: serve the webhook, manage the database schema."""

from __future__ import annotations

import argparse
import logging
import resource
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from models.db import make_engine, session_scope
from models.migrate import SchemaBehind, current_revision, ready_engine, upgrade
from models.settings import Settings, settings_for_command

log = logging.getLogger("tidtam")


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of `python -m bot`."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Tidtam (ติดตาม) LINE bot")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="run the webhook (and the reminder clock) in one process"
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--no-scheduler", action="store_true", help="web only: do not run the reminder clock here"
    )
    serve.add_argument("--threads", type=int, default=8, help="waitress worker threads (default 8)")
    serve.add_argument(
        "--connection-limit",
        type=int,
        default=ServingLimits.connection_limit,
        help="open connections served at once; more wait in the listen queue "
        f"(default {ServingLimits.connection_limit})",
    )
    serve.add_argument(
        "--idle-timeout",
        type=int,
        default=ServingLimits.idle_timeout,
        help="seconds a connection may send nothing before it is closed "
        f"(default {ServingLimits.idle_timeout})",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="serve the LINE-group simulator at /simulator (the default without LINE credentials)",
    )

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser(
        "upgrade", help="create or upgrade the schema (Alembic) to the newest revision"
    )
    db_commands.add_parser("current", help="print the schema revision of the database")

    import_plan = commands.add_parser(
        "import-plan", help="import an action plan data file (idempotent: re-runs update)"
    )
    import_plan.add_argument("path", help="the plan file, e.g. data/ita-2566-plan.yaml")

    export = commands.add_parser("export", help="write the monthly progress report (.xlsx)")
    export.add_argument("--month", required=True, help="the month: 2567-03 or 'มี.ค. 2567'")
    export.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    export.add_argument("--group", help="only this LINE group's tasks (its group ID)")

    richmenu = commands.add_parser("richmenu", help="the bot's default rich menu on LINE")
    richmenu_commands = richmenu.add_subparsers(dest="richmenu_command", required=True)
    richmenu_commands.add_parser(
        "install",
        help="create the menu, upload its image, make it the default (a re-run replaces it)",
    )
    richmenu_commands.add_parser("remove", help="unset the menu as the default and delete it")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; settings errors are one line on stderr and exit code 2."""
    args = build_parser().parse_args(argv)
    settings = settings_for_command("tidtam")
    if settings is None:
        return 2
    if args.command == "serve":
        limits = ServingLimits(args.threads, args.connection_limit, args.idle_timeout)
        return serve(
            settings,
            host=args.host,
            port=args.port,
            limits=limits,
            demo=args.demo,
            with_scheduler=not args.no_scheduler,
        )
    if args.command == "db":
        return database_command(settings, args.db_command)
    if args.command == "import-plan":
        return import_plan_command(settings, args.path)
    if args.command == "export":
        return export_command(settings, args.month, args.output, args.group)
    if args.command == "richmenu":
        return richmenu_command(settings, args.richmenu_command)
    raise AssertionError(args.command)


def database_command(settings: Settings, command: str) -> int:
    """`db upgrade` / `db current`."""
    engine = make_engine(settings.database_url)
    try:
        if command == "upgrade":
            upgrade(engine)
            print(f"database schema is at revision {current_revision(engine)} (newest)")
        else:
            print(current_revision(engine) or "empty (run: python -m bot db upgrade)")
        return 0
    finally:
        engine.dispose()


@dataclass(frozen=True)
class ServingLimits:
    """How many requests and connections the web process takes on, and for how long.

    waitress reads every request whole on its own event loop before a worker thread sees it,
    so a client that sends headers and then stalls holds a connection, never a thread: with
    the defaults, 100 stalled connections leave LINE's webhook answered as usual
    (tests/benchmarks/slow_clients_bench.py). A stalled connection is closed after
    `idle_timeout` seconds of silence; past `connection_limit` new connections wait in the
    listen queue until others close.
    """

    threads: int = 8
    connection_limit: int = 1000
    idle_timeout: int = 30
    max_header_bytes: int = 64 * 1024
    listen_backlog: int = 2048

    def waitress_options(self, max_body_bytes: int) -> dict[str, object]:
        """The keyword arguments for waitress.serve."""
        return {
            "threads": self.threads,
            "connection_limit": self.connection_limit,
            "channel_timeout": self.idle_timeout,
            "cleanup_interval": max(1, min(10, self.idle_timeout // 3)),
            "max_request_header_size": self.max_header_bytes,
            "max_request_body_size": max_body_bytes,
            "backlog": self.listen_backlog,
            "asyncore_use_poll": True,  # select() stops at file descriptor 1024
        }

    def describe(self, max_body_bytes: int) -> str:
        """One log line an operator can read the limits from."""
        return (
            f"{self.threads} threads, up to {self.connection_limit} connections "
            f"(more wait in a queue of {self.listen_backlog}), a connection silent for "
            f"{self.idle_timeout} s is closed, request bodies up to {max_body_bytes // 1024} KB"
        )


def fit_open_file_limit(limits: ServingLimits) -> ServingLimits:
    """Raise this process's open-file limit for the connections, or lower the connection limit.

    Each connection is a file descriptor; a limit below them would fail accept() instead.
    """
    spare = 200  # database pool, log files, LINE's connection pool, the listening socket
    needed = limits.connection_limit + spare
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < needed:
        fitted = max(16, soft - spare)
        log.warning(
            "open-file limit %d allows %d connections, not %d (raise it with ulimit -n)",
            soft,
            fitted,
            limits.connection_limit,
        )
        return replace(limits, connection_limit=fitted)
    return limits


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    limits: ServingLimits,
    with_scheduler: bool,
    demo: bool,
) -> int:
    """Serve the app with waitress and, unless told not to, the reminder clock in a thread.

    Demo mode (no LINE credentials, or --demo) serves the LINE-group simulator instead of
    talking to LINE, and its reminder clock moves with the simulator's "go to date".
    """
    from waitress import serve as waitress_serve

    from bot.webhook import MAX_WEBHOOK_BYTES, ready_to_serve

    engine = _ready_engine(settings)
    if engine is None:
        return 2
    clock = None
    if demo or settings.demo_mode:
        from bot.demo import create_demo_app

        engine.dispose()
        local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        app = create_demo_app(settings, f"http://{local}:{port}")
        why = "--demo" if demo and not settings.demo_mode else "no LINE credentials set"
        log.info(
            "demo mode (%s): open http://%s:%d/simulator — LINE is simulated, reminders follow "
            "the simulator's clock",
            why,
            local,
            port,
        )
    else:
        from bot.webhook import create_app

        if with_scheduler:
            from bot.line_api import LineClient
            from scheduler.clock import start_background_clock

            line = LineClient.from_settings(settings)
            clock = start_background_clock(engine, line, settings)
        else:
            engine.dispose()
        app = create_app(settings)
    limits = fit_open_file_limit(limits)
    ready_to_serve(app)  # warmed up, then the heap settled: the lasting objects are there
    log.info("Tidtam listening on http://%s:%d (POST /callback, GET /healthz)", host, port)
    log.info("serving limits: %s", limits.describe(MAX_WEBHOOK_BYTES))
    try:
        waitress_serve(
            app,
            host=host,
            port=port,
            ident="tidtam",
            **limits.waitress_options(MAX_WEBHOOK_BYTES),  # type: ignore[arg-type]
        )
    finally:
        if clock is not None:
            clock.shutdown(wait=False)  # a tick cut short is finished by the next one
    return 0


def _ready_engine(settings: Settings) -> Engine | None:
    """The database engine with a current schema (SQLite is upgraded here), else None."""
    try:
        return ready_engine(settings.database_url)
    except SchemaBehind as error:
        print(f"tidtam: {error}", file=sys.stderr)
        return None


def import_plan_command(settings: Settings, path: str) -> int:
    """`import-plan PATH`: create or update the plan's rows and say what changed."""
    from bot.plan.document import PlanError, load_plan
    from bot.plan.importer import import_plan

    try:
        plan = load_plan(path)
    except (OSError, PlanError) as error:
        print(f"tidtam: cannot read the plan: {error}", file=sys.stderr)
        return 2
    engine = _ready_engine(settings)
    if engine is None:
        return 2
    try:
        with session_scope(engine) as session:
            report = import_plan(session, plan, now=datetime.now(UTC))
    finally:
        engine.dispose()
    for line in report.created:
        print(f"created  {line}")
    for line in report.updated:
        print(f"updated  {line}")
    for key in report.not_in_file:
        print(f"kept     task {key} (no longer in the file; not deleted)")
    print(
        f"{path}: {len(report.created)} created, {len(report.updated)} updated, "
        f"{report.unchanged} left as they were"
    )
    return 0


def export_command(settings: Settings, month: str, output: str, group: str | None) -> int:
    """`export --month 2567-03 -o report.xlsx [--group C…]`: the monthly report to a file."""
    from bot.export import ReportScope, evidence_linker, monthly_report
    from bot.store import group_by_line_id
    from scheduler.thaidate import ThaiDateError, parse_month

    try:
        year, number = parse_month(month)
    except ThaiDateError as error:
        print(f"tidtam: --month: {error}", file=sys.stderr)
        return 2
    engine = _ready_engine(settings)
    if engine is None:
        return 2
    try:
        with session_scope(engine) as session:
            group_id = None
            if group:
                found = group_by_line_id(session, group)
                if found is None:
                    print(f"tidtam: no group {group!r} in the database", file=sys.stderr)
                    return 2
                group_id = found.id
            scope = ReportScope(year, number, group_id)
            now = datetime.now(UTC)
            # Evidence links (with PUBLIC_BASE_URL) expire a day after the file is written.
            body = monthly_report(
                session,
                scope,
                now=now,
                tz=settings.timezone,
                link=evidence_linker(settings, now),
            )
    finally:
        engine.dispose()
    with open(output, "wb") as file:
        file.write(body)
    print(f"wrote {output} ({len(body):,} bytes): the progress report of {scope.month_key}")
    return 0


def richmenu_command(settings: Settings, command: str) -> int:
    """`richmenu install` / `richmenu remove`: the default rich menu, on the real LINE."""
    from bot.line_api import LineClient
    from bot.richmenu import RichMenuFailed, install, menu_image, remove

    if settings.demo_mode:
        print(
            "tidtam: richmenu talks to LINE: set LINE_CHANNEL_ACCESS_TOKEN and "
            "LINE_CHANNEL_SECRET first (in demo mode the simulator shows the menu)",
            file=sys.stderr,
        )
        return 2
    line = LineClient.from_settings(settings)
    try:
        if command == "install":
            installed = install(line, menu_image(), say=print)
            replaced = f", replacing {len(installed.replaced)}" if installed.replaced else ""
            print(f"rich menu installed: {installed.rich_menu_id}{replaced}")
        else:
            removed = remove(line, say=print)
            print(
                f"rich menu removed ({len(removed)} deleted)"
                if removed
                else "no rich menu of ours to remove"
            )
    except RichMenuFailed as error:
        print(f"tidtam: richmenu {command}: {error}", file=sys.stderr)
        return 1
    finally:
        line.close()
    return 0
