"""People typing `เสร็จ #N` in 1:1 chats at once, and what LINE got back, numbered."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.support.events import text_message
from tests.support.fake_line import FakeLine, answers
from tests.support.processes import WAIT_LIMIT_SECONDS, post_event


@dataclass
class Typed:
    """What was asked, by whom, and which reply token belongs to which chat."""

    asked: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    chat_of_token: dict[str, str] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """How many messages were sent."""
        return sum(len(numbers) for numbers in self.asked.values())


def type_at_once(ports: list[int], chats: int, per_chat: int) -> Typed:
    """Each of `chats` people sends `per_chat` messages quickly, turn by turn over `ports`.

    Every message is `เสร็จ #N`, so each answer ("ไม่พบงาน #N") can be traced to its message.
    """
    typed = Typed()
    users = [f"U{n:032x}" for n in range(1, chats + 1)]

    def chat(index: int, user: str) -> None:
        for turn in range(per_chat):
            number = (index + 1) * 100 + turn
            typed.asked[user].append(number)
            event = text_message(
                f"เสร็จ #{number}", user_id=user, group_id=None, at=datetime.now(UTC)
            )
            typed.chat_of_token[str(event["replyToken"])] = user
            assert post_event(ports[turn % len(ports)], event) == 200

    threads = [threading.Thread(target=chat, args=pair) for pair in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return typed


def answered_numbers(line: FakeLine, typed: Typed) -> dict[str, list[int]]:
    """The task numbers LINE received in answers, per chat, in arrival order (waits, bounded)."""
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while time.monotonic() < deadline and len(answers(line, typed.chat_of_token)) < typed.count:
        time.sleep(0.05)  # the bot answers from its own threads or processes
    time.sleep(0.3)  # and nothing more arrives after the last expected answer
    by_chat: dict[str, list[int]] = defaultdict(list)
    for chat_id, said in answers(line, typed.chat_of_token):
        by_chat[chat_id].append(int(said.split("#", 1)[1].split()[0]))
    return dict(by_chat)
