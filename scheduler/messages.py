"""LINE message objects as JSON: text, textV2 with @mentions, Flex, and quick-reply buttons."""

# The wire format sits here, the lowest layer that sends messages (the reminder digests), so the
# bot's answers and the reminders build mentions and buttons the same way. Nothing here talks
# to LINE: bot/line_api.py is the only module that imports the SDK's messaging client.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Message = dict[str, Any]

# LINE's limits: 5,000 characters per text message, 13 quick-reply buttons, 20-char labels.
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20


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


def text(body: str, quick_replies: Sequence[str | Button] = ()) -> Message:
    """A plain text message, cut to LINE's limit, with optional quick-reply buttons."""
    message: Message = {"type": "text", "text": fit(body)}
    return with_quick_replies(message, quick_replies)


def text_with_mentions(
    template: str, mentions: Sequence[Mention], quick_replies: Sequence[str | Button] = ()
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
    alt_text: str, contents: Mapping[str, Any], quick_replies: Sequence[str | Button] = ()
) -> Message:
    """A Flex message (bubble or carousel) with the text shown in notifications and old clients."""
    message: Message = {"type": "flex", "altText": alt_text[:400], "contents": dict(contents)}
    return with_quick_replies(message, quick_replies)


def with_quick_replies(message: Message, buttons: Sequence[str | Button]) -> Message:
    """Attach buttons that send a message when tapped (a plain label sends itself)."""
    if buttons:
        message["quickReply"] = {
            "items": [_quick_reply(button) for button in buttons[:MAX_QUICK_REPLIES]]
        }
    return message


def _quick_reply(button: str | Button) -> dict[str, Any]:
    """One quick-reply item of the message-action kind."""
    if isinstance(button, str):
        button = Button(button[:MAX_LABEL], button)
    return {
        "type": "action",
        "action": {"type": "message", "label": button.label, "text": button.sends},
    }


def fit(body: str) -> str:
    """Cut text to LINE's limit (ending with an ellipsis) instead of being refused with a 400."""
    return body if len(body) <= MAX_TEXT else body[: MAX_TEXT - 1] + "…"
