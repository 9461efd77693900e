"""One place to register a chat command: its words, argument pattern and who may use it."""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from bot.messages import Message, text
from models.tables import Role

# Thai is written without spaces, so "เสร็จแล้วค่ะ" starts with "เสร็จ": a command word counts
# on its own in a busy group only when a space, "#", a digit or the end follows it.
_STANDS_ALONE = re.compile(r"$|[\s#0-9๐-๙]")

Reply: TypeAlias = str | Message | list[str | Message] | None
Handler: TypeAlias = Callable[..., Reply]


@dataclass(frozen=True)
class Command:
    """A registered command; the handler's docstring is its help line."""

    words: tuple[str, ...]  # the Thai word first, then aliases
    pattern: re.Pattern[str]  # matched against the text after the command word
    handler: Handler
    roles: frozenset[Role] | None  # None: anyone may use it
    group_only: bool
    usage: str  # how to type it, shown when the arguments do not fit
    example: str
    hidden: bool

    @property
    def name(self) -> str:
        """The command's Thai word."""
        return self.words[0]

    @property
    def help_line(self) -> str:
        """The first line of the handler's docstring."""
        doc = inspect.getdoc(self.handler) or ""
        return doc.splitlines()[0] if doc else ""


@dataclass(frozen=True)
class Match:
    """A command found at the start of a message, with its named arguments."""

    command: Command
    arguments: dict[str, str]
    standalone: bool = True  # the word stands alone ("เสร็จ #3"), not inside chatter ("เสร็จแล้ว")


@dataclass(frozen=True)
class BadArguments:
    """The command word was recognised but the rest did not fit its pattern."""

    command: Command
    standalone: bool = True
    rest: str = ""


@dataclass
class Router:
    """The command registry; `@router.command(...)` registers, `find(text)` looks up."""

    commands: list[Command] = field(default_factory=list)

    def command(
        self,
        *words: str,
        args: str = "",
        roles: Sequence[Role] | None = None,
        group_only: bool = False,
        usage: str = "",
        example: str = "",
        hidden: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Register the decorated function for `words` (Thai first), arguments matching `args`."""

        def register(handler: Handler) -> Handler:
            taken = {word.casefold() for command in self.commands for word in command.words}
            clash = [word for word in words if word.casefold() in taken]
            if clash:
                raise ValueError(f"command word(s) registered twice: {clash}")
            self.commands.append(
                Command(
                    words=tuple(words),
                    pattern=re.compile(args, re.DOTALL | re.IGNORECASE),
                    handler=handler,
                    roles=frozenset(roles) if roles is not None else None,
                    group_only=group_only,
                    usage=usage or words[0],
                    example=example or usage or words[0],
                    hidden=hidden,
                )
            )
            return handler

        return register

    def find(self, text: str) -> Match | BadArguments | None:
        """The command that `text` starts with (longest word first), or None."""
        folded = text.casefold()
        candidates = sorted(
            ((word, command) for command in self.commands for word in command.words),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        for word, command in candidates:
            if not folded.startswith(word.casefold()):
                continue
            rest = text[len(word) :]
            # An English alias must be a whole word ("donest" is not "done").
            if word.isascii() and rest[:1].isalnum():
                continue
            standalone = _STANDS_ALONE.match(rest) is not None
            match = command.pattern.fullmatch(rest.strip())
            if match is None:
                return BadArguments(command, standalone, rest.strip())
            arguments = {
                key: value for key, value in match.groupdict().items() if value is not None
            }
            return Match(command, arguments, standalone)
        return None

    def closest(self, text: str) -> Command | None:
        """The command whose word looks most like the first word of `text` (for a hint)."""
        first_word = text.split(maxsplit=1)[0] if text.strip() else ""
        first_word = re.split(r"[#\d]", first_word, maxsplit=1)[0]
        by_word = {word.casefold(): command for command in self.commands for word in command.words}
        found = difflib.get_close_matches(first_word.casefold(), list(by_word), n=1, cutoff=0.5)
        return by_word[found[0]] if found else None

    def visible(self) -> list[Command]:
        """Commands listed in the help, in registration order."""
        return [command for command in self.commands if not command.hidden]


def normalise_reply(reply: Reply) -> list[Message]:
    """A handler's return value as a list of LINE message dicts (strings become text)."""
    if reply is None:
        return []
    items: list[Any] = reply if isinstance(reply, list) else [reply]
    return [text(item) if isinstance(item, str) else item for item in items]
