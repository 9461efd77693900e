"""Demo mode's fake LINE platform: signs webhook events, answers the API, keeps a transcript."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot import texts
from scheduler.thaidate import format_date

DEMO_GROUP_ID = "C" + "de" * 16
DEMO_GROUP_NAME = "ITA เทศบาลเมืองสะเตงนอก (สาธิต)"
BOT_USER_ID = "U" + "b0" * 16
BOT_NAME = "ติดตาม"
# Photos and files the demo people sent, kept for the bot to fetch (the newest ones only).
MAX_CONTENTS = 50


@dataclass(frozen=True)
class DemoPerson:
    """Someone the simulator lets you be."""

    key: str
    user_id: str
    name: str
    role: str  # officer / supervisor / admin, as seeded in the demo database
    in_group: bool = True


DEMO_PEOPLE = (
    DemoPerson("admin", "U" + "a1" * 16, "ปลัดสมศักดิ์", "admin"),
    DemoPerson("supervisor", "U" + "a2" * 16, "หัวหน้าวิไล", "supervisor"),
    DemoPerson("officer1", "U" + "a3" * 16, "สมชาย", "officer"),
    DemoPerson("officer2", "U" + "a4" * 16, "สมศรี", "officer"),
    DemoPerson("outsider", "U" + "a5" * 16, "คนนอก", "officer", in_group=False),
)


class DemoClock:
    """The demo's time: starts at a chosen instant and moves only when told (thread-safe)."""

    def __init__(self, start: datetime) -> None:
        self._lock = threading.Lock()
        self._now = start

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to `moment` (aware)."""
        if moment.tzinfo is None:
            raise ValueError("the demo clock needs an aware datetime")
        with self._lock:
            self._now = moment


@dataclass
class Entry:
    """One line of the chat transcript the simulator page shows."""

    number: int
    kind: str  # "user" (someone typed), "bot" (reply or push), "system" (clock, joins)
    sender: str
    messages: list[dict[str, Any]]
    at: str  # demo time, ISO
    via: str = ""  # "reply" / "push" for the bot
    to: str = ""  # 1:1: the person the bot answered or pushed to, or the bot a person wrote to

    def as_json(self) -> dict[str, Any]:
        """The entry as the page reads it."""
        return {
            "number": self.number,
            "kind": self.kind,
            "sender": self.sender,
            "messages": self.messages,
            "at": self.at,
            "via": self.via,
            "to": self.to,
        }


@dataclass
class Simulator:
    """The LINE side of the demo: people's messages go to /callback, the bot's come here."""

    channel_secret: str
    clock: DemoClock
    people: tuple[DemoPerson, ...] = DEMO_PEOPLE
    transcript: list[Entry] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _reply_tokens: dict[str, str] = field(default_factory=dict)
    _retry_keys: set[str] = field(default_factory=set)
    # What people sent, by message id, as LINE's data host keeps it: (bytes, content type).
    _contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    # Set by the composition root: runs the reminder clock at the new demo time.
    on_clock_moved: Callable[[datetime], None] | None = None

    def move_clock(self, moment: datetime) -> None:
        """Jump the demo clock and let the reminder clock catch up to it."""
        self.clock.set(moment)
        self.note(
            texts.simulator_clock_moved(
                format_date(moment.date(), "long", weekday=True), moment.strftime("%H:%M")
            )
        )
        if self.on_clock_moved is not None:
            self.on_clock_moved(moment)

    def person(self, key: str) -> DemoPerson:
        """A demo person by key; KeyError for an unknown one."""
        for person in self.people:
            if person.key == key:
                return person
        raise KeyError(key)

    def message_event(
        self,
        sender_key: str,
        text: str,
        mentions: list[dict[str, Any]],
        *,
        one_to_one: bool = False,
    ) -> dict[str, Any]:
        """A text-message event as LINE sends it (group, or 1:1 with the bot), and its line."""
        sender = self.person(sender_key)
        mentionees = []
        for mention in mentions:
            index, length = int(mention["index"]), int(mention["length"])
            if not (index >= 0 and length > 0 and index + length <= len(text)):
                raise ValueError("mention outside the text")
            if mention.get("key") == "bot":
                mentionees.append(
                    {
                        "index": index,
                        "length": length,
                        "type": "user",
                        "userId": BOT_USER_ID,
                        "isSelf": True,
                    }
                )
            else:
                target = self.person(str(mention["key"]))
                mentionees.append(
                    {"index": index, "length": length, "type": "user", "userId": target.user_id}
                )
        message: dict[str, Any] = {
            "id": uuid.uuid4().hex[:18],
            "type": "text",
            "quoteToken": uuid.uuid4().hex,
            "text": text,
        }
        if mentionees:
            message["mention"] = {"mentionees": mentionees}
        # The rich menu lives in the 1:1 chat with the bot: its taps come from there.
        source = _source(sender, one_to_one)
        event = self._envelope("message", source)
        event["message"] = message
        to = BOT_NAME if one_to_one else ""
        self._add("user", sender.name, [{"type": "text", "text": text}], to=to)
        return event

    def postback_event(
        self,
        sender_key: str,
        data: str,
        *,
        label: str = "",
        shows: str = "",
        params: dict[str, str] | None = None,
        one_to_one: bool = False,
    ) -> dict[str, Any]:
        """A tapped button's postback event as LINE sends it (with a picked date, if any).

        LINE posts a button's displayText as the person's message and nothing otherwise; the
        transcript also notes the tap, so a reader of the demo sees what was pressed.
        """
        sender = self.person(sender_key)
        if not data or len(data) > 300:
            raise ValueError("postback data must be 1–300 characters")
        body: dict[str, Any] = {"data": data}
        if params:
            body["params"] = {str(key): str(value) for key, value in params.items()}
        source = _source(sender, one_to_one)
        event = self._envelope("postback", source)
        event["postback"] = body
        to = BOT_NAME if one_to_one else ""
        if shows:
            self._add("user", sender.name, [{"type": "text", "text": shows}], to=to)
        else:
            self.note(texts.simulator_tapped(sender.name, label or data))
        return event

    def file_event(
        self,
        sender_key: str,
        file_name: str,
        data: bytes,
        content_type: str,
        *,
        one_to_one: bool = False,
    ) -> dict[str, Any]:
        """A photo (image/*) or another file sent in the chat, shaped as LINE sends it; its
        bytes wait here for the bot to fetch, as they wait at LINE's data host."""
        sender = self.person(sender_key)
        if not data:
            raise ValueError("an empty file")
        message_id = uuid.uuid4().hex[:18]
        with self._lock:
            self._contents[message_id] = (data, content_type or "application/octet-stream")
            while len(self._contents) > MAX_CONTENTS:
                self._contents.pop(next(iter(self._contents)))
        if content_type.startswith("image/"):
            message: dict[str, Any] = {
                "id": message_id,
                "type": "image",
                "quoteToken": uuid.uuid4().hex,
                "contentProvider": {"type": "line"},
            }
            shown: dict[str, Any] = {"type": "image", "url": f"/simulator/content/{message_id}"}
        else:
            name = file_name or "file"
            message = {"id": message_id, "type": "file", "fileName": name, "fileSize": len(data)}
            shown = {"type": "file", "fileName": name, "fileSize": len(data)}
        source = _source(sender, one_to_one)
        event = self._envelope("message", source)
        event["message"] = message
        self._add("user", sender.name, [shown], to=BOT_NAME if one_to_one else "")
        return event

    def content(self, message_id: str) -> tuple[bytes, str] | None:
        """What someone sent in a message, as LINE's content API gives it (None: gone)."""
        with self._lock:
            return self._contents.get(message_id)

    def join_event(self) -> dict[str, Any]:
        """The bot being added to the demo group."""
        return self._envelope("join", {"type": "group", "groupId": DEMO_GROUP_ID})

    def webhook_request(self, events: list[dict[str, Any]]) -> tuple[bytes, str]:
        """A webhook body and its X-Line-Signature (HMAC-SHA256 with the channel secret)."""
        body = json.dumps(
            {"destination": BOT_USER_ID, "events": events}, ensure_ascii=False
        ).encode()
        digest = hmac.new(self.channel_secret.encode(), body, hashlib.sha256).digest()
        return body, base64.b64encode(digest).decode()

    def note(self, text: str) -> None:
        """A system line in the transcript (the clock moved, the bot joined …)."""
        self._add("system", "", [{"type": "text", "text": text}])

    def entries_after(self, number: int) -> list[dict[str, Any]]:
        """Transcript entries newer than `number`."""
        with self._lock:
            return [entry.as_json() for entry in self.transcript if entry.number > number]

    def line_api(
        self, method: str, path: str, body: Any, headers: dict[str, str]
    ) -> tuple[int, Any]:
        """Answer a Messaging API call from the bot the way LINE does, recording what it sends."""
        if headers.get("authorization", "") == "":
            return 401, {"message": "Authentication failed"}
        if method == "POST" and path == "/v2/bot/message/reply":
            chat = self._reply_tokens.pop(str(body.get("replyToken")), None)
            if chat is None:
                return 400, {"message": "Invalid reply token"}
            recipient = "" if chat == DEMO_GROUP_ID else self._name_of(chat)
            self._add("bot", BOT_NAME, list(body.get("messages", [])), via="reply", to=recipient)
            return 200, {"sentMessages": [{"id": uuid.uuid4().hex[:18]}]}
        if method == "POST" and path == "/v2/bot/message/push":
            retry_key = headers.get("x-line-retry-key")
            with self._lock:
                if retry_key and retry_key in self._retry_keys:
                    return 409, {"message": "The retry key is already accepted"}
                if retry_key:
                    self._retry_keys.add(retry_key)
            to = str(body.get("to", ""))
            recipient = "" if to == DEMO_GROUP_ID else self._name_of(to)
            self._add("bot", BOT_NAME, list(body.get("messages", [])), via="push", to=recipient)
            return 200, {"sentMessages": [{"id": uuid.uuid4().hex[:18]}]}
        if method == "GET" and path.startswith("/v2/bot/group/") and path.endswith("/summary"):
            return 200, {"groupId": DEMO_GROUP_ID, "groupName": DEMO_GROUP_NAME}
        if method == "GET" and (path.startswith("/v2/bot/profile/") or "/member/" in path):
            user_id = path.rsplit("/", 1)[-1]
            name = self._name_of(user_id)
            if not name:
                return 404, {"message": "Not found"}
            return 200, {"userId": user_id, "displayName": name}
        if method == "GET" and path == "/v2/bot/message/quota/consumption":
            with self._lock:
                pushes = sum(1 for entry in self.transcript if entry.via == "push")
            return 200, {"totalUsage": pushes}
        return 404, {"message": f"The simulator does not fake {method} {path}"}

    def _envelope(self, kind: str, source: dict[str, Any]) -> dict[str, Any]:
        """Fields every event has; message-like events get a reply token we will accept once."""
        token = uuid.uuid4().hex
        with self._lock:
            self._reply_tokens[token] = str(source.get("groupId") or source.get("userId"))
        return {
            "type": kind,
            "mode": "active",
            "timestamp": int(self.clock().timestamp() * 1000),
            "source": source,
            "webhookEventId": uuid.uuid4().hex.upper()[:26],
            "deliveryContext": {"isRedelivery": False},
            "replyToken": token,
        }

    def _name_of(self, user_id: str) -> str:
        """A demo person's name by LINE user id ('' when unknown)."""
        return next((p.name for p in self.people if p.user_id == user_id), "")

    def _add(
        self, kind: str, sender: str, messages: list[dict[str, Any]], via: str = "", to: str = ""
    ) -> None:
        """Append to the transcript."""
        at = self.clock().astimezone(UTC).isoformat()
        with self._lock:
            self.transcript.append(Entry(next(self._numbers), kind, sender, messages, at, via, to))


def _source(sender: DemoPerson, one_to_one: bool) -> dict[str, Any]:
    """Where a demo person's event comes from: the 1:1 chat with the bot, or the demo group."""
    if one_to_one:
        return {"type": "user", "userId": sender.user_id}
    return {"type": "group", "groupId": DEMO_GROUP_ID, "userId": sender.user_id}
