"""The README's chat-command table lists every command the help shows, and no other."""

from __future__ import annotations

import re

from bot.commands import build_router
from tests.support.web import repository_root


def command_table() -> list[str]:
    """The first cell of each row of the README's "Chat commands" table."""
    readme = (repository_root() / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Chat commands", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [row.split("|")[1] for row in rows]


def test_the_readme_lists_every_visible_command_and_nothing_else() -> None:
    router = build_router()
    listed = set()
    for cell in command_table():
        for written in re.findall(r"`([^`]+)`", cell):
            found = router.find(written)
            assert found is not None, f"README lists {written!r}, which is not a command"
            assert not found.command.hidden, f"README lists the hidden command {written!r}"
            listed.add(found.command.name)
    visible = {spec.name for spec in router.visible()}
    assert visible - listed == set(), "commands missing from the README's table"
    assert listed == visible
