"""Builders for LINE webhook payloads shaped exactly like the platform sends them."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")
NOW = datetime(2024, 3, 1, 9, 0, tzinfo=BANGKOK)  # the test clock starts here (a Friday)
BOT_NAME = "@ติดตาม"

_counter = itertools.count(1)

DESTINATION = "U" + "d" * 32


def event_id() -> str:
    """A fresh webhookEventId (LINE uses 26-character ULIDs)."""
    return f"01HTEST{next(_counter):019d}"


def millis(moment: datetime) -> int:
    """LINE's event timestamp: milliseconds since the epoch."""
    return int(moment.timestamp() * 1000)


def _source(user_id: str | None, group_id: str | None) -> dict[str, Any]:
    """A group source, or a 1:1 source when group_id is None."""
    if group_id:
        source: dict[str, Any] = {"type": "group", "groupId": group_id}
        if user_id:
            source["userId"] = user_id
        return source
    return {"type": "user", "userId": user_id}


def _envelope(
    kind: str, source: dict[str, Any], at: datetime | None, **fields: Any
) -> dict[str, Any]:
    """The fields every event has."""
    webhook_event_id = fields.pop("webhook_event_id", None) or event_id()
    return {
        "type": kind,
        "mode": "active",
        "timestamp": millis(at or NOW),
        "source": source,
        "webhookEventId": webhook_event_id,
        "deliveryContext": {"isRedelivery": fields.pop("redelivery", False)},
        **fields,
    }


def text_message(
    text: str,
    *,
    user_id: str = "U" + "1" * 32,
    group_id: str | None = "C" + "a" * 32,
    mentions: Sequence[tuple[str, str]] = (),
    mention_bot: bool = False,
    webhook_event_id: str | None = None,
    redelivery: bool = False,
    at: datetime | None = None,
) -> dict[str, Any]:
    """A text message event; `mentions` are (user id, "@name" as it appears in `text`)."""
    mentionees = []
    for mentioned_id, written in mentions:
        mentionees.append(
            {
                "index": text.index(written),
                "length": len(written),
                "type": "user",
                "userId": mentioned_id,
            }
        )
    if mention_bot:
        mentionees.append(
            {
                "index": text.index(BOT_NAME),
                "length": len(BOT_NAME),
                "type": "user",
                "userId": DESTINATION,
                "isSelf": True,
            }
        )
    message: dict[str, Any] = {
        "id": str(next(_counter)),
        "type": "text",
        "quoteToken": "q",
        "text": text,
    }
    if mentionees:
        message["mention"] = {"mentionees": mentionees}
    return _envelope(
        "message",
        _source(user_id, group_id),
        at,
        webhook_event_id=webhook_event_id,
        redelivery=redelivery,
        replyToken="rt-" + event_id(),
        message=message,
    )


def join(group_id: str = "C" + "a" * 32, at: datetime | None = None) -> dict[str, Any]:
    """The bot was added to a group."""
    return _envelope("join", _source(None, group_id), at, replyToken="rt-" + event_id())


def leave(group_id: str = "C" + "a" * 32, at: datetime | None = None) -> dict[str, Any]:
    """The bot was removed from a group."""
    return _envelope("leave", _source(None, group_id), at)


def member_joined(user_ids: Sequence[str], group_id: str = "C" + "a" * 32) -> dict[str, Any]:
    """People joined a group the bot is in."""
    members = [{"type": "user", "userId": user_id} for user_id in user_ids]
    return _envelope(
        "memberJoined",
        _source(None, group_id),
        None,
        replyToken="rt-" + event_id(),
        joined={"members": members},
    )


def follow(user_id: str) -> dict[str, Any]:
    """Someone added the bot as a friend."""
    return _envelope("follow", _source(user_id, None), None, replyToken="rt-" + event_id())


def webhook(*events: dict[str, Any]) -> dict[str, Any]:
    """A webhook body carrying `events`."""
    return {"destination": DESTINATION, "events": list(events)}


# The cast of the scripted conversations.
ADMIN = "U" + "a0" * 16
SUPERVISOR = "U" + "b0" * 16
OFFICER_A = "U" + "c0" * 16
OFFICER_B = "U" + "d0" * 16
OUTSIDER = "U" + "e0" * 16
GROUP = "C" + "1" * 32
OTHER_GROUP = "C" + "2" * 32


def in_group(
    text: str, user: str, *mentioned: tuple[str, str], group: str = GROUP
) -> dict[str, Any]:
    """A message in a group (the test group unless told), with @mentions written in `text`."""
    return text_message(text, user_id=user, group_id=group, mentions=mentioned)


def postback(
    data: str,
    user_id: str,
    group_id: str | None = GROUP,
    params: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A button was tapped: LINE's postback event (with the date picked, for a date picker)."""
    body: dict[str, Any] = {"data": data}
    if params is not None:
        body["params"] = params
    return _envelope(
        "postback", _source(user_id, group_id), None, replyToken="rt-" + event_id(), postback=body
    )


def image_message(
    user_id: str,
    group_id: str | None = GROUP,
    *,
    message_id: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """A photo sent in a chat, as LINE's webhook shows it (the bytes wait at LINE's data host)."""
    message = {
        "id": message_id or str(next(_counter)),
        "type": "image",
        "quoteToken": "q-" + event_id(),
        "contentProvider": {"type": "line"},
    }
    return _envelope(
        "message", _source(user_id, group_id), at, replyToken="rt-" + event_id(), message=message
    )


def file_message(
    user_id: str,
    file_name: str,
    file_size: int,
    group_id: str | None = GROUP,
    *,
    message_id: str | None = None,
) -> dict[str, Any]:
    """A file (PDF, Word …) sent in a chat: LINE says its name and size, not its bytes."""
    message = {
        "id": message_id or str(next(_counter)),
        "type": "file",
        "fileName": file_name,
        "fileSize": file_size,
    }
    return _envelope(
        "message", _source(user_id, group_id), None, replyToken="rt-" + event_id(), message=message
    )
