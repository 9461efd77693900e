"""The chat commands, one feature module each; FEATURES is the one list of them."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from bot.commands import (
    calendar_days,
    calendar_feed,
    dashboard,
    deliveries,
    evidence,
    exports,
    help,
    ita,
    meetings,
    people,
    procurement,
    status,
    tasks,
    units,
)
from bot.router import Router

# A new feature module is added here, once; its commands join the help in this order.
FEATURES: tuple[ModuleType, ...] = (
    help,
    tasks,
    evidence,
    status,
    people,
    meetings,
    calendar_days,
    calendar_feed,
    deliveries,
    units,
    ita,
    procurement,
    exports,
    dashboard,
)


def build_router(features: Sequence[ModuleType] = FEATURES) -> Router:
    """A fresh router with every command of `features`."""
    return Router.from_modules(features)
