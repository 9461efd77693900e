"""`python -m scheduler …`: the reminder clock (`run`) and one pass at a given instant (`tick`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime


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
    tick = commands.add_parser(
        "tick", help="plan and send everything due at one instant, then exit"
    )
    tick.add_argument(
        "--now", type=_aware_instant, required=True, help="e.g. 2024-06-17T09:00:00+07:00"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The reminder planner and sender arrive with issue #5; until then say so plainly."""
    build_parser().parse_args(argv)
    print(
        "tidtam scheduler: reminders are not built yet (issue #5); nothing to do", file=sys.stderr
    )
    return 0
