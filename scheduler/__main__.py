"""Entry point: `python -m scheduler` (the reminder clock), wired to the real LINE client."""

# The composition root: the only scheduler module that may import bot/ (declared in the
# import-linter contract), because the clock needs the concrete LINE client.

import sys

from models.settings import Settings
from scheduler.cli import main
from scheduler.messenger import ClosableMessenger


def line_client(settings: Settings) -> ClosableMessenger:
    """The LINE Messaging API client (the SDK is slow to import: only once we will run)."""
    from bot.line_api import LineClient

    return LineClient.from_settings(settings)


if __name__ == "__main__":
    sys.exit(main(messenger_for=line_client))
