"""What a LINE webhook event says, read from its JSON: the chat, the sender, a command's text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from scheduler.thaidate import format_date

# Thai digits read as digits; control characters (NUL above all: PostgreSQL text refuses it)
# become spaces, so nothing a person cannot see or type reaches a title or a report.
_THAI_DIGITS = str.maketrans(
    {
        **{thai: str(n) for n, thai in enumerate("๐๑๒๓๔๕๖๗๘๙")},
        **{chr(code): " " for code in [*range(0x20), 0x7F] if chr(code) not in "\n\t"},
    }
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Chat:
    """Where an event came from."""

    kind: str  # "group", "user" or "room"
    chat_id: str  # where to push: group, user or room id
    user_id: str | None

    @property
    def is_group(self) -> bool:
        """True in a LINE group."""
        return self.kind == "group"


def chat_of(raw_event: Mapping[str, Any]) -> Chat:
    """The chat and sender of a raw event."""
    source = raw_event.get("source") or {}
    kind = str(source.get("type", ""))
    user_id = source.get("userId")
    chat_id = source.get("groupId") or source.get("roomId") or user_id or ""
    return Chat(kind, str(chat_id), str(user_id) if user_id else None)


def parse_text(message: Mapping[str, Any]) -> tuple[str, list[str], bool]:
    """The command text without @mentions, the tagged user ids, and whether the bot was tagged."""
    body = str(message.get("text", ""))
    mentionees = (message.get("mention") or {}).get("mentionees") or []
    spans: list[tuple[int, int]] = []
    user_ids: list[str] = []
    bot_mentioned = False
    for mentionee in mentionees:
        try:
            start, length = int(mentionee.get("index", -1)), int(mentionee.get("length", 0))
        except (TypeError, ValueError):
            continue
        span = _mention_span(body, start, length)
        if span is not None:
            spans.append(span)
        if mentionee.get("isSelf"):
            bot_mentioned = True
        elif mentionee.get("type") == "user" and mentionee.get("userId"):
            user_id = str(mentionee["userId"])
            if user_id not in user_ids:
                user_ids.append(user_id)
    for start, end in sorted(spans, reverse=True):
        body = body[:start] + " " + body[end:]
    command_text = _SPACES.sub(" ", body.translate(_THAI_DIGITS)).strip()
    return command_text, user_ids, bot_mentioned


def postback_text(postback: Any) -> str:
    """A button's postback as the command it stands for: its data, then the date picked (B.E.).

    The bot's buttons carry a command's own words ("เลื่อน #12"); LINE's date picker returns
    the chosen day as ISO params, which read as the Thai date the typed command expects.
    """
    if not isinstance(postback, Mapping):
        return ""
    command_text = _SPACES.sub(" ", str(postback.get("data", "")).translate(_THAI_DIGITS)).strip()
    params = postback.get("params")
    picked = _picked(params) if isinstance(params, Mapping) else None
    return f"{command_text} {picked}" if picked else command_text


def _picked(params: Mapping[str, Any]) -> str | None:
    """The date (and time) a picker returned, written in Thai; None when there is none."""
    try:
        if isinstance(params.get("date"), str):
            return format_date(date.fromisoformat(params["date"]))
        if isinstance(params.get("datetime"), str):
            moment = datetime.fromisoformat(params["datetime"])
            return f"{format_date(moment.date())} {moment:%H:%M}"
    except ValueError:
        return None
    return None


def _mention_span(body: str, index: int, length: int) -> tuple[int, int] | None:
    """Where a mention sits in `body`, whether LINE counted characters or UTF-16 units.

    The two agree unless an emoji comes first; the reading that lands on "@" wins.
    """
    if length <= 0 or index < 0:
        return None
    if body[index : index + 1] == "@":
        return index, index + length
    units = body.encode("utf-16-le")
    before = units[: index * 2].decode("utf-16-le", errors="ignore")
    mention = units[index * 2 : (index + length) * 2].decode("utf-16-le", errors="ignore")
    if mention.startswith("@"):
        return len(before), len(before) + len(mention)
    return (index, index + length) if index < len(body) else None
