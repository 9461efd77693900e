"""LINE message objects as JSON: text, textV2 with @mentions, Flex, confirm, and buttons."""

# The wire format sits here, the lowest layer that sends messages (the reminder digests), so the
# bot's answers and the reminders build mentions and buttons the same way. Nothing here talks
# to LINE: bot/line_api.py is the only module that imports the SDK's messaging client.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

Message = dict[str, Any]

# LINE's limits: 5,000 characters per text message, 13 quick-reply buttons, 20-char labels,
# 300 characters of postback data (and of its display and fill-in texts), 240 for a confirm.
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_POSTBACK = 300
MAX_CONFIRM_TEXT = 240


@dataclass(frozen=True)
class Mention:
    """Someone to @mention in a textV2 message: LINE notifies them and shows their name."""

    key: str
    user_id: str


@dataclass(frozen=True)
class Button:
    """A quick-reply button: its label, and the text it sends as the user when tapped."""

    label: str
    sends: str


@dataclass(frozen=True)
class Postback:
    """A button that hands `data` to the bot without posting it in the chat.

    `shows` is posted as the user's message (so the chat reads what was done); `fill_in` opens
    the keyboard with that text typed in (LINE's inputOption openKeyboard) instead.
    """

    label: str
    data: str
    shows: str | None = None
    fill_in: str | None = None


@dataclass(frozen=True)
class DatePick:
    """A button that opens LINE's date picker; `data` comes back with the date chosen."""

    label: str
    data: str
    initial: date
    earliest: date | None = None


Action: TypeAlias = Button | Postback | DatePick


def text(body: str, quick_replies: Sequence[str | Action] = ()) -> Message:
    """A plain text message, cut to LINE's limit, with optional quick-reply buttons."""
    message: Message = {"type": "text", "text": fit(body)}
    return with_quick_replies(message, quick_replies)


def text_with_mentions(
    template: str, mentions: Sequence[Mention], quick_replies: Sequence[str | Action] = ()
) -> Message:
    """A textV2 message whose `{key}` placeholders become real @mentions."""
    if not mentions:
        return text(escape_braces(template), quick_replies)
    substitution = mention_substitution({mention.key: mention.user_id for mention in mentions})
    message = text_v2(fit(template), substitution)
    return with_quick_replies(message, quick_replies)


def text_v2(body: str, substitution: Mapping[str, Any]) -> Message:
    """A textV2 message with its substitution (omitted when empty, as LINE prefers)."""
    message: Message = {"type": "textV2", "text": body}
    if substitution:
        message["substitution"] = dict(substitution)
    return message


def mention_substitution(user_ids_by_key: Mapping[str, str]) -> dict[str, Any]:
    """textV2 substitution entries that @mention each user under its key."""
    return {
        key: {"type": "mention", "mentionee": {"type": "user", "userId": user_id}}
        for key, user_id in user_ids_by_key.items()
    }


def escape_braces(value: str) -> str:
    """User text placed in a chat answer's textV2 template must not open a placeholder."""
    return value.replace("{", "(").replace("}", ")")


def escape_literal_braces(value: str) -> str:
    """Literal braces in textV2 written the way LINE reads them back as braces (doubled)."""
    return value.replace("{", "{{").replace("}", "}}")


def flex(
    alt_text: str, contents: Mapping[str, Any], quick_replies: Sequence[str | Action] = ()
) -> Message:
    """A Flex message (bubble or carousel) with the text shown in notifications and old clients."""
    message: Message = {"type": "flex", "altText": alt_text[:400], "contents": dict(contents)}
    return with_quick_replies(message, quick_replies)


def confirm(question: str, yes: Action, no: Action) -> Message:
    """LINE's confirm template: a question with two buttons side by side."""
    return {
        "type": "template",
        "altText": question[:400],
        "template": {
            "type": "confirm",
            "text": question[:MAX_CONFIRM_TEXT],
            "actions": [action(yes), action(no)],
        },
    }


def with_quick_replies(message: Message, buttons: Sequence[str | Action]) -> Message:
    """Attach buttons under the message (a plain label sends itself as text)."""
    if buttons:
        message["quickReply"] = {
            "items": [
                {"type": "action", "action": action(button)}
                for button in buttons[:MAX_QUICK_REPLIES]
            ]
        }
    return message


def action(button: str | Action) -> dict[str, Any]:
    """The LINE action object of a button (message, postback or date picker)."""
    if isinstance(button, str):
        button = Button(button[:MAX_LABEL], button)
    if isinstance(button, Button):
        return {"type": "message", "label": button.label[:MAX_LABEL], "text": button.sends}
    if isinstance(button, Postback):
        found: dict[str, Any] = {
            "type": "postback",
            "label": button.label[:MAX_LABEL],
            "data": button.data[:MAX_POSTBACK],
        }
        if button.shows:
            found["displayText"] = button.shows[:MAX_POSTBACK]
        if button.fill_in:
            found["inputOption"] = "openKeyboard"
            found["fillInText"] = button.fill_in[:MAX_POSTBACK]
        return found
    picker: dict[str, Any] = {
        "type": "datetimepicker",
        "label": button.label[:MAX_LABEL],
        "data": button.data[:MAX_POSTBACK],
        "mode": "date",
        "initial": max(button.initial, button.earliest or button.initial).isoformat(),
    }
    if button.earliest is not None:
        picker["min"] = button.earliest.isoformat()
    return picker


def fit(body: str) -> str:
    """Cut text to LINE's limit (ending with an ellipsis) instead of being refused with a 400."""
    return body if len(body) <= MAX_TEXT else body[: MAX_TEXT - 1] + "…"
