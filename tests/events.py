"""Builders for LINE webhook payloads shaped exactly like the platform sends them."""

from __future__ import annotations

import itertools
from typing import Any

_counter = itertools.count(1)

DESTINATION = "U" + "d" * 32


def event_id() -> str:
    """A fresh webhookEventId (LINE uses 26-character ULIDs)."""
    return f"01HTEST{next(_counter):019d}"


def text_message(
    text: str,
    *,
    user_id: str = "U" + "1" * 32,
    group_id: str | None = "C" + "a" * 32,
    webhook_event_id: str | None = None,
    redelivery: bool = False,
    timestamp: int = 1718600000000,
) -> dict[str, Any]:
    """A text message event from a user, in a group (or 1:1 when group_id is None)."""
    source: dict[str, Any] = (
        {"type": "group", "groupId": group_id, "userId": user_id}
        if group_id
        else {"type": "user", "userId": user_id}
    )
    return {
        "type": "message",
        "mode": "active",
        "timestamp": timestamp,
        "source": source,
        "webhookEventId": webhook_event_id or event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
        "replyToken": "rt-" + (webhook_event_id or event_id()),
        "message": {"id": str(next(_counter)), "type": "text", "quoteToken": "q", "text": text},
    }


def webhook(*events: dict[str, Any]) -> dict[str, Any]:
    """A webhook body carrying `events`."""
    return {"destination": DESTINATION, "events": list(events)}
