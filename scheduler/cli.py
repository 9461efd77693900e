"""`python -m scheduler …`: the reminder clock (`run`) and one pass at a given instant (`tick`)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from models.db import ping
from models.migrate import SchemaBehind, ready_engine
from models.settings import Settings, settings_for_command
from scheduler import texts
from scheduler.clock import run_clock, tick
from scheduler.messenger import ClosableMessenger

log = logging.getLogger("tidtam")


def _aware_instant(text: str) -> datetime:
    """An ISO 8601 instant with a UTC offset, e.g. 2024-06-17T09:00:00+07:00."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a UTC offset, e.g. {text}+07:00")
    return moment


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of `python -m scheduler`."""
    parser = argparse.ArgumentParser(
        prog="python -m scheduler", description="Tidtam reminder clock"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="plan and send reminders every minute until stopped")
    tick_parser = commands.add_parser(
        "tick", help="plan and send everything due at one instant, then exit"
    )
    tick_parser.add_argument(
        "--now", type=_aware_instant, required=True, help="e.g. 2024-06-17T09:00:00+07:00"
    )
    return parser


def _ready_engine(settings: Settings) -> Engine:
    """The database, answering and at the newest schema (SQLite is upgraded here, as serve does)."""
    engine = ready_engine(settings.database_url)
    ping(engine)
    return engine


def main(
    argv: Sequence[str] | None = None,
    *,
    messenger_for: Callable[[Settings], ClosableMessenger],
) -> int:
    """Run `run` or `tick`; exit 2 on configuration errors, 1 when the database is unusable.

    `messenger_for` builds the LINE client; the entry point (`__main__`) injects the real one.
    """
    args = build_parser().parse_args(argv)
    settings = settings_for_command("tidtam scheduler")
    if settings is None:
        return 2
    try:
        engine = _ready_engine(settings)
    except (SQLAlchemyError, SchemaBehind) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"tidtam scheduler: database unusable: {reason}", file=sys.stderr)
        return 1
    if settings.demo_mode:
        # Without credentials there is no LINE to push to (the demo's clock runs inside
        # `python -m bot serve`); say so in one line instead of retrying the real LINE host.
        engine.dispose()
        print(texts.DEMO_MODE_NOTHING_SENT, file=sys.stderr)
        return 0
    messenger = messenger_for(settings)
    try:
        if args.command == "run":
            run_clock(engine, messenger, settings)
            return 0
        result = tick(engine, messenger, settings, args.now)
        print(
            f"tick {args.now.isoformat()}: planned {result.planned.planned}, "
            f"missed {result.planned.missed + result.sent.missed}, sent {result.sent.sent}, "
            f"retrying {result.sent.retrying}, failed {result.sent.failed}"
            + (", LINE monthly quota exhausted" if result.sent.quota_exhausted else "")
            + (
                f", groups not planned {result.planned.failed_groups}"
                if result.planned.failed_groups
                else ""
            )
        )
        if result.plan_error is not None:
            reason = result.plan_error.splitlines()[0]
            print(f"tidtam scheduler: planning failed: {reason}", file=sys.stderr)
            return 1
        return 0
    except SQLAlchemyError as error:
        print(f"tidtam scheduler: database error: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        messenger.close()
        engine.dispose()
