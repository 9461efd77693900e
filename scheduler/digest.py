"""Turn a reminder digest (sections of lines with @mentions) into at most 5 LINE textV2 messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scheduler import texts
from scheduler.messages import MAX_TEXT, escape_literal_braces, mention_substitution, text_v2

MAX_MESSAGES = 5  # LINE accepts at most 5 message objects per push
MAX_CHARS = MAX_TEXT  # LINE's limit for the text of one text/textV2 message
MAX_SUBSTITUTIONS = 100  # LINE's limit for the substitution keys of one textV2 message


@dataclass(frozen=True)
class Tagged:
    """A LINE user to @mention in a digest line (LINE notifies them even in a muted group)."""

    user_id: str


Segment = str | Tagged
Line = tuple[Segment, ...]
Section = Sequence[Line]


@dataclass
class _Rendered:
    """One line as textV2 text, with the mention keys it uses."""

    text: str
    keys: frozenset[str]


@dataclass
class _Message:
    """A message being filled with lines (its size and keys kept as lines are added)."""

    lines: list[_Rendered] = field(default_factory=list)
    chars: int = 0  # the text's length so far, lines joined by newlines
    used: set[str] = field(default_factory=set)

    def keys(self) -> set[str]:
        """Mention keys used so far."""
        return self.used

    def fits(self, extra: Sequence[_Rendered]) -> bool:
        """Whether `extra` lines can be added within LINE's limits."""
        size = self.chars + sum(len(line.text) + 1 for line in extra)
        if not self.lines:
            size -= 1
        keys = self.used.union(*(line.keys for line in extra))
        return size <= MAX_CHARS and len(keys) <= MAX_SUBSTITUTIONS

    def add(self, extra: Sequence[_Rendered]) -> None:
        """Append lines (the caller checked that they fit)."""
        for line in extra:
            self.chars += len(line.text) + (1 if self.lines else 0)
            self.lines.append(line)
            self.used |= line.keys

    def drop_last(self) -> _Rendered:
        """Remove and return the last line."""
        line = self.lines.pop()
        self.chars -= len(line.text) + (1 if self.lines else 0)
        self.used = {key for kept in self.lines for key in kept.keys}
        return line


def build_messages(sections: Sequence[Section]) -> list[dict[str, Any]]:
    """textV2 messages for the sections: blank line between sections, split at line boundaries.

    A section moves whole to the next message when it would not fit in the rest of this one
    but fits in a message of its own; content beyond 5 messages ends in a "… and N more" line.
    """
    key_of: dict[str, str] = {}
    blank = _Rendered("", frozenset())

    def render(line: Line) -> _Rendered:
        """The line as textV2 text; each person gets one key for the whole digest."""
        parts: list[str] = []
        keys: set[str] = set()
        for segment in line:
            if isinstance(segment, Tagged):
                key = key_of.setdefault(segment.user_id, f"u{len(key_of) + 1}")
                keys.add(key)
                parts.append("{" + key + "}")
            else:
                parts.append(escape_literal_braces(segment))
        text = "".join(parts)
        if len(text) > MAX_CHARS:
            # Far beyond any real line (titles are shortened); cut the plain text before escaping
            # so no brace pair or placeholder is split.
            plain = "".join(segment for segment in line if isinstance(segment, str))
            return _Rendered(escape_literal_braces(plain[: MAX_CHARS // 2 - 1]) + "…", frozenset())
        return _Rendered(text, frozenset(keys))

    messages: list[_Message] = [_Message()]
    for section in sections:
        rendered = [render(line) for line in section]
        if not rendered:
            continue
        current = messages[-1]
        lead = [blank] if current.lines else []
        if current.lines and not current.fits(lead + rendered) and _Message().fits(rendered):
            messages.append(_Message())
            lead = []
        for index, line in enumerate(rendered):
            extra = (lead if index == 0 else []) + [line]
            if not messages[-1].fits(extra):
                messages.append(_Message())
                extra = [line]
            messages[-1].add(extra)
    messages = [message for message in messages if message.lines]
    if len(messages) > MAX_MESSAGES:
        messages = _truncate(messages)
    return [_as_json(message, key_of) for message in messages]


def _truncate(messages: list[_Message]) -> list[_Message]:
    """Keep 5 messages; the last one ends saying how many lines were left out."""
    kept, dropped = messages[:MAX_MESSAGES], messages[MAX_MESSAGES:]
    left_out = sum(1 for message in dropped for line in message.lines if line.text)
    last = kept[-1]
    while True:
        notice = _Rendered(escape_literal_braces(texts.digest_truncated(left_out)), frozenset())
        if last.fits([notice]):
            last.add([notice])
            return kept
        removed = last.drop_last()
        left_out += 1 if removed.text else 0


def _as_json(message: _Message, key_of: dict[str, str]) -> dict[str, Any]:
    """The LINE message object: textV2 with a mention substitution per @mentioned user."""
    text = "\n".join(line.text for line in message.lines).strip("\n")
    used = message.keys()
    tagged = {key: user_id for user_id, key in key_of.items() if key in used}
    return text_v2(text, mention_substitution(tagged))
