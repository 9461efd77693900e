"""`python -m bot …`: serve the webhook, manage the database schema."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from dotenv import load_dotenv

from models.db import make_engine
from models.migrate import current_revision, head_revision, is_up_to_date, upgrade
from models.settings import Settings, SettingsError

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

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser(
        "upgrade", help="create or upgrade the schema (Alembic) to the newest revision"
    )
    db_commands.add_parser("current", help="print the schema revision of the database")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; settings errors are one line on stderr and exit code 2."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    load_dotenv()  # a local .env fills in variables the environment does not set
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"tidtam: configuration error: {error}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return serve(
            settings,
            host=args.host,
            port=args.port,
            threads=args.threads,
            with_scheduler=not args.no_scheduler,
        )
    if args.command == "db":
        return database_command(settings, args.db_command)
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


def serve(settings: Settings, *, host: str, port: int, threads: int, with_scheduler: bool) -> int:
    """Serve the app with waitress; SQLite schemas are created or upgraded first."""
    from waitress import serve as waitress_serve

    from bot.webhook import create_app

    engine = make_engine(settings.database_url)
    if settings.is_sqlite:
        upgrade(engine)
    elif not is_up_to_date(engine):
        print(
            f"tidtam: the database schema is at {current_revision(engine) or 'nothing'}, "
            f"this code needs {head_revision()}: run `python -m bot db upgrade` first",
            file=sys.stderr,
        )
        return 2
    engine.dispose()
    if settings.demo_mode:
        log.info("demo mode: no LINE credentials set; webhooks are checked with the demo secret")
    if with_scheduler:
        log.info("reminder clock: not built yet (issue #5); serving the webhook only")
    app = create_app(settings)
    log.info("Tidtam listening on http://%s:%d (POST /callback, GET /healthz)", host, port)
    waitress_serve(app, host=host, port=port, threads=threads, ident="tidtam")
    return 0
