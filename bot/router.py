"""Chat commands: `@command` marks a handler; a Router collects feature modules and dispatches."""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, TypeAlias

from bot import texts
from bot.context import Context, Refusal
from models.db import writes_so_far
from models.tables import Role
from scheduler.messages import Message, text
from scheduler.thaidate import ThaiDateError

# Thai is written without spaces, so "เสร็จแล้วค่ะ" starts with "เสร็จ": a command word counts
# on its own in a busy group only when a space, "#", a digit or the end follows it.
_STANDS_ALONE = re.compile(r"$|[\s#0-9๐-๙]")
# How a task number is written after a command word: "#12", "# 12" or "12".
TASK_NUMBER = r"#?\s*(?P<number>[0-9]{1,9})"
_MARK = "__tidtam_command__"

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


def command(
    *words: str,
    args: str = "",
    roles: Sequence[Role] | None = None,
    group_only: bool = False,
    usage: str = "",
    example: str = "",
    hidden: bool = False,
) -> Callable[[Handler], Handler]:
    """Mark a handler as the command for `words` (Thai first); a Router collects it later."""

    def mark(handler: Handler) -> Handler:
        spec = Command(
            words=tuple(words),
            pattern=re.compile(args, re.DOTALL | re.IGNORECASE),
            handler=handler,
            roles=frozenset(roles) if roles is not None else None,
            group_only=group_only,
            usage=usage or words[0],
            example=example or usage or words[0],
            hidden=hidden,
        )
        setattr(handler, _MARK, spec)
        return handler

    return mark


def commands_in(module: ModuleType) -> list[Command]:
    """The commands a feature module defines, in the order they are written in it."""
    return [
        getattr(value, _MARK)
        for value in vars(module).values()  # a module's names keep their definition order
        if hasattr(value, _MARK) and getattr(value, "__module__", None) == module.__name__
    ]


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
    """The command registry: built from feature modules, it finds and dispatches commands."""

    commands: list[Command] = field(default_factory=list)

    @classmethod
    def from_modules(cls, modules: Iterable[ModuleType]) -> Router:
        """A router with every command of these feature modules, in the order given."""
        router = cls()
        for module in modules:
            for spec in commands_in(module):
                router.add(spec)
        return router

    def add(self, spec: Command) -> None:
        """Register one command; a word already taken is a programming error."""
        taken = {word.casefold() for known in self.commands for word in known.words}
        clash = [word for word in spec.words if word.casefold() in taken]
        if clash:
            raise ValueError(f"command word(s) registered twice: {clash}")
        self.commands.append(spec)

    def find(self, text: str) -> Match | BadArguments | None:
        """The command that `text` starts with (longest word first), or None."""
        folded = text.casefold()
        candidates = sorted(
            ((word, spec) for spec in self.commands for word in spec.words),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        for word, spec in candidates:
            if not folded.startswith(word.casefold()):
                continue
            rest = text[len(word) :]
            # An English alias must be a whole word ("donest" is not "done").
            if word.isascii() and rest[:1].isalnum():
                continue
            standalone = _STANDS_ALONE.match(rest) is not None
            match = spec.pattern.fullmatch(rest.strip())
            if match is None:
                return BadArguments(spec, standalone, rest.strip())
            arguments = {
                key: value for key, value in match.groupdict().items() if value is not None
            }
            return Match(spec, arguments, standalone)
        return None

    def closest(self, text: str) -> Command | None:
        """The command whose word looks most like the first word of `text` (for a hint)."""
        first_word = text.split(maxsplit=1)[0] if text.strip() else ""
        first_word = re.split(r"[#\d]", first_word, maxsplit=1)[0]
        by_word = {word.casefold(): spec for spec in self.commands for word in spec.words}
        found = difflib.get_close_matches(first_word.casefold(), list(by_word), n=1, cutoff=0.5)
        return by_word[found[0]] if found else None

    def visible(self) -> list[Command]:
        """Commands listed in the help, in registration order."""
        return [spec for spec in self.commands if not spec.hidden]

    def dispatch(self, ctx: Context, found: Match | BadArguments) -> list[Message]:
        """Run a found command for `ctx` and return its answer as LINE messages.

        The shared rules live here, not in handlers: usage on bad arguments, group-only
        commands, roles; a Refusal or a Thai date error becomes the answer and leaves nothing
        half-written. Most commands refuse before they write (or do not refuse): they run
        without a savepoint (its SAVEPOINT and RELEASE were two of an event's eight round trips
        on PostgreSQL). One that refuses after writing raises RefusedAfterWriting; its caller
        rolls the event back and runs it again inside every_command_in_a_savepoint().
        """
        spec = found.command
        if isinstance(found, BadArguments):
            return [text(texts.bad_arguments(spec.usage, spec.example))]
        if spec.group_only and ctx.group is None:
            return [text(texts.group_only(spec.name))]
        try:
            if spec.roles is not None:
                ctx.require_role(*sorted(spec.roles))
            if _every_command_in_a_savepoint.get():
                with ctx.session.begin_nested():
                    reply = spec.handler(ctx, **found.arguments)
            else:
                reply = _run_without_savepoint(ctx, spec.handler, found.arguments)
        except Refusal as refusal:
            reply = refusal.answer
        except ThaiDateError as error:
            reply = str(error)
        return normalise_reply(reply)


class RefusedAfterWriting(Exception):
    """A command refused after it had written: undo the transaction, and run the event again
    inside every_command_in_a_savepoint() (the refusal is then the answer, nothing kept)."""


_every_command_in_a_savepoint: ContextVar[bool] = ContextVar(
    "every_command_in_a_savepoint", default=False
)


@contextmanager
def every_command_in_a_savepoint() -> Iterator[None]:
    """Commands dispatched inside run in a savepoint, so a refusal undoes their writes."""
    token = _every_command_in_a_savepoint.set(True)
    try:
        yield
    finally:
        _every_command_in_a_savepoint.reset(token)


def _run_without_savepoint(
    ctx: Context, handler: Callable[..., Reply], arguments: dict[str, str]
) -> Reply:
    """Run the handler; a refusal after it wrote anything becomes RefusedAfterWriting."""
    session = ctx.session
    session.flush()  # what was pending before the command is not the command's
    connection = session.connection()
    before = writes_so_far(connection)
    try:
        return handler(ctx, **arguments)
    except (Refusal, ThaiDateError) as refusal:
        wrote = before is None or writes_so_far(connection) != before
        if wrote or session.new or session.dirty or session.deleted:
            raise RefusedAfterWriting(str(refusal)) from refusal
        raise


def normalise_reply(reply: Reply) -> list[Message]:
    """A handler's return value as a list of LINE message dicts (strings become text)."""
    if reply is None:
        return []
    items: list[Any] = reply if isinstance(reply, list) else [reply]
    return [text(item) if isinstance(item, str) else item for item in items]
