"""`ช่วยเหลือ`: every visible command, its example and its docstring, read from the router."""

from __future__ import annotations

from tests.support.chat import Chat, said
from tests.support.events import OFFICER_A


def test_the_help_lists_every_visible_command_with_its_example_and_help_line(chat: Chat) -> None:
    [message] = chat.say("ช่วยเหลือ", OFFICER_A)
    text = said([message])
    for spec in chat.router.visible():
        assert spec.example in text and spec.help_line in text, spec.name
    assert text.index("เพิ่มงาน") < text.index("ผูกหน่วยงาน")  # in FEATURES order
    labels = [item["action"]["label"] for item in message["quickReply"]["items"]]
    assert labels == ["งานของฉัน", "สถานะ", "ประชุม", "ช่วยเหลือ"]
    assert said(chat.say("help", OFFICER_A, group=None)) == text
