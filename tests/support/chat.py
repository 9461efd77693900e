"""Commands typed in a LINE chat, dispatched straight to the router on a real database."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from bot import store
from bot.commands import build_router
from bot.context import Context
from bot.events import parse_text
from bot.router import (
    BadArguments,
    Match,
    RefusedAfterWriting,
    Router,
    every_command_in_a_savepoint,
)
from models.db import session_scope
from models.settings import Settings
from scheduler.messages import Message
from tests.support.events import ADMIN, GROUP, OFFICER_A, OFFICER_B, SUPERVISOR, text_message

# What a scripted conversation calls: events in, the messages LINE received out.
Say = Callable[..., list[Any]]


@dataclass
class Chat:
    """A chat driver without HTTP, inbox threads or LINE: text → router.dispatch → messages.

    People are registered as the conversation would (the sender and everyone tagged become
    members of the group); a tagged person is named after the tag ("@สมชาย" → "สมชาย").
    """

    engine: Engine
    settings: Settings
    clock: Callable[[], datetime]
    router: Router = field(default_factory=build_router, repr=False)
    quota_used: Callable[[], int | None] = lambda: None

    def say(
        self,
        text: str,
        by: str,
        *tagged: tuple[str, str],
        group: str | None = GROUP,
    ) -> list[Message]:
        """`by` types `text` in `group` (None: a 1:1 chat), tagging (user id, "@name") pairs."""
        message = text_message(text, user_id=by, group_id=group, mentions=tagged)["message"]
        command_text, tagged_ids, _ = parse_text(message)
        found = self.router.find(command_text)
        assert found is not None, f"not a command: {command_text!r}"
        names = {user_id: written.lstrip("@") for user_id, written in tagged}
        try:
            return self._dispatch(found, by, tagged_ids, names, group)
        except RefusedAfterWriting:  # rolled back: again, as the conversation does
            with every_command_in_a_savepoint():
                return self._dispatch(found, by, tagged_ids, names, group)

    def _dispatch(
        self,
        found: Match | BadArguments,
        by: str,
        tagged_ids: list[str],
        names: dict[str, str],
        group: str | None,
    ) -> list[Message]:
        """Dispatch in one transaction, as the conversation would for this sender and chat."""
        now = self.clock()
        with session_scope(self.engine) as session:
            chat_group = store.get_or_create_group(session, group, now) if group else None
            sender = store.get_or_create_person(session, by)
            people = [store.get_or_create_person(session, i, names[i]) for i in tagged_ids]
            if chat_group is not None:
                for person in [sender, *people]:
                    store.note_member(session, chat_group, person, now)
            ctx = Context(
                session,
                self.settings,
                now,
                sender,
                chat_group,
                people,
                self.quota_used,
                self.router,
            )
            return self.router.dispatch(ctx, found)


def said(messages: Sequence[Message]) -> str:
    """Everything the bot answered, as one text (Flex cards by their altText and contents)."""
    parts = []
    for message in messages:
        if message["type"] in ("text", "textV2"):
            parts.append(message["text"])
        elif message["type"] == "flex":
            parts.append(
                message["altText"] + "\n" + json.dumps(message["contents"], ensure_ascii=False)
            )
    return "\n".join(parts)


def buttons(message: Message) -> list[tuple[str, str]]:
    """(label, text sent or postback data) of a message's quick-reply buttons."""
    items = (message.get("quickReply") or {}).get("items") or []
    return [
        (item["action"]["label"], item["action"].get("text", item["action"].get("data", "")))
        for item in items
    ]


def actions(message: Message) -> dict[str, dict[str, Any]]:
    """A message's quick-reply actions by label (the whole LINE action object)."""
    items = (message.get("quickReply") or {}).get("items") or []
    return {item["action"]["label"]: item["action"] for item in items}


def task_number(answer: Sequence[Message]) -> int:
    """The number in a "✅ เพิ่มงาน #12 …" answer."""
    text = said(answer)
    assert "#" in text, text
    return int(text.split("#", 1)[1].split()[0])


def name_supervisor(chat: Chat, group: str = GROUP) -> None:
    """The admin names สมศักดิ์ (SUPERVISOR) supervisor in `group`: the start of most stories."""
    chat.say("ตั้งหัวหน้า @สมศักดิ์", ADMIN, (SUPERVISOR, "@สมศักดิ์"), group=group)


def add_task(
    chat: Chat, title: str = "จัดทำคู่มือการปฏิบัติงาน", when: str = "31 มี.ค. 2567"
) -> int:
    """The supervisor adds a task for officers A (สมชาย) and B (สมศรี); its number."""
    answer = chat.say(
        f"เพิ่มงาน {title} @สมชาย @สมศรี กำหนด {when}",
        SUPERVISOR,
        (OFFICER_A, "@สมชาย"),
        (OFFICER_B, "@สมศรี"),
    )
    assert "✅ เพิ่มงาน #" in said(answer), said(answer)
    return task_number(answer)
