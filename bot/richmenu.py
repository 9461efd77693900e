"""The bot's default rich menu: six buttons that send chat commands, its image, install/remove."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

from bot import texts
from scheduler.messenger import PushRejected, PushUnreachable

if TYPE_CHECKING:  # the simulator shows the menu without loading the LINE SDK
    from bot.line_api import LineClient

# How install and remove recognise the menus they made among the channel's others.
MENU_NAME = "tidtam-default"
WIDTH, HEIGHT = 2500, 1686  # LINE's full-height size: two rows of large buttons
COLUMNS, ROWS = 3, 2
IMAGE_RESOURCE = "static/richmenu.png"
IMAGE_TYPE = "image/png"

T = TypeVar("T")


@dataclass(frozen=True)
class Bounds:
    """A tappable rectangle of the menu, in image pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class MenuButton:
    """One button: the command its tap sends, the line under it, the glyph drawn above it."""

    command: str
    caption: str
    icon: str  # a name scripts/render_richmenu.py knows how to draw

    @property
    def label(self) -> str:
        """The big word on the button: the command itself, so people learn what to type."""
        return self.command


# Every command here answers in a 1:1 chat, where LINE shows the rich menu.
BUTTONS: tuple[MenuButton, ...] = (
    MenuButton(*texts.RICH_MENU_MY_TASKS, icon="checklist"),
    MenuButton(*texts.RICH_MENU_STATUS, icon="chart"),
    MenuButton(*texts.RICH_MENU_MEETING, icon="calendar"),
    MenuButton(*texts.RICH_MENU_HOLIDAYS, icon="sun"),
    MenuButton(*texts.RICH_MENU_ITA, icon="medal"),
    MenuButton(*texts.RICH_MENU_HELP, icon="question"),
)


def button_bounds(index: int) -> Bounds:
    """Where button `index` sits: a 3 × 2 grid filling the image, left to right, top to bottom."""
    row, column = divmod(index, COLUMNS)
    left, right = column * WIDTH // COLUMNS, (column + 1) * WIDTH // COLUMNS
    top, bottom = row * HEIGHT // ROWS, (row + 1) * HEIGHT // ROWS
    return Bounds(left, top, right - left, bottom - top)


def menu_definition() -> dict[str, Any]:
    """The rich menu object LINE's create call takes (the simulator shows the same one)."""
    areas = []
    for index, button in enumerate(BUTTONS):
        bounds = button_bounds(index)
        areas.append(
            {
                "bounds": {
                    "x": bounds.x,
                    "y": bounds.y,
                    "width": bounds.width,
                    "height": bounds.height,
                },
                "action": {"type": "message", "label": button.label, "text": button.command},
            }
        )
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,  # open on arrival: a new officer sees the buttons before typing
        "name": MENU_NAME,
        "chatBarText": texts.RICH_MENU_CHAT_BAR,
        "areas": areas,
    }


def menu_image() -> bytes:
    """The menu's PNG, shipped in the package (rendered by scripts/render_richmenu.py)."""
    return resources.files("bot").joinpath(IMAGE_RESOURCE).read_bytes()


class RichMenuFailed(Exception):
    """LINE refused a step or could not be reached; the message is one line for the operator."""


@dataclass(frozen=True)
class Installed:
    """What install did: the new default menu and the old ones it replaced."""

    rich_menu_id: str
    replaced: list[str]


def install(line: LineClient, image: bytes, say: Callable[[str], None]) -> Installed:
    """Create the menu, upload its image, make it the default, then delete our older menus.

    The old default stays until the new one has replaced it, so users never see no menu;
    a new menu that fails half-way is deleted again, so a failed run leaves nothing behind.
    """
    old = _step("list the rich menus", partial(_ours, line))
    rich_menu_id = _step("create the rich menu", partial(line.create_rich_menu, menu_definition()))
    say(f"created rich menu {rich_menu_id} ({WIDTH}×{HEIGHT}, {_buttons_summary()})")
    try:
        upload = partial(line.upload_rich_menu_image, rich_menu_id, image, IMAGE_TYPE)
        _step("upload its image", upload)
        say(f"uploaded its image ({len(image):,} bytes, {IMAGE_TYPE})")
        _step("set it as the default", partial(line.set_default_rich_menu, rich_menu_id))
    except RichMenuFailed:
        _delete_quietly(line, rich_menu_id)
        raise
    say(f"set {rich_menu_id} as the default rich menu")
    for old_id in old:
        _step(f"delete the previous rich menu {old_id}", partial(line.delete_rich_menu, old_id))
        say(f"deleted the previous rich menu {old_id}")
    return Installed(rich_menu_id, old)


def remove(line: LineClient, say: Callable[[str], None]) -> list[str]:
    """Unset our menu as the default (only if it is ours) and delete every menu we made."""
    ours = _step("list the rich menus", partial(_ours, line))
    default = _step("read the default rich menu", line.default_rich_menu_id)
    if default is not None and default in ours:
        _step("unset the default rich menu", line.cancel_default_rich_menu)
        say(f"unset {default} as the default rich menu")
    for rich_menu_id in ours:
        _step(f"delete rich menu {rich_menu_id}", partial(line.delete_rich_menu, rich_menu_id))
        say(f"deleted rich menu {rich_menu_id}")
    return ours


def _ours(line: LineClient) -> list[str]:
    """The IDs of the channel's menus that carry our name."""
    return [menu.rich_menu_id for menu in line.rich_menus() if menu.name == MENU_NAME]


def _step(what: str, call: Callable[[], T]) -> T:
    """Run one LINE call; a refusal or an unreachable LINE becomes a one-line RichMenuFailed."""
    try:
        return call()
    except PushRejected as error:
        detail = f": {error.message}" if error.message else ""
        raise RichMenuFailed(f"could not {what}: LINE answered {error.status}{detail}") from None
    except PushUnreachable as error:
        raise RichMenuFailed(f"could not {what}: LINE did not answer ({error})") from None


def _delete_quietly(line: LineClient, rich_menu_id: str) -> None:
    """Best effort: take back a menu that failed half-way (the first error is the one to report)."""
    with suppress(PushRejected, PushUnreachable):
        line.delete_rich_menu(rich_menu_id)


def _buttons_summary() -> str:
    """'6 buttons: งานของฉัน, สถานะ, …' for the install log."""
    return f"{len(BUTTONS)} buttons: " + ", ".join(button.command for button in BUTTONS)
