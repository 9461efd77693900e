"""`ช่วยเหลือ`: the command list, read from the router (each handler's docstring and example)."""

from __future__ import annotations

from collections.abc import Sequence

from bot import texts
from bot.context import Context
from bot.router import Command, Reply, command
from scheduler.messages import Message, text

# The buttons under the help and the greetings: the commands a newcomer needs first.
QUICK_HELP = ("งานของฉัน", "สถานะ", "ประชุม", "ช่วยเหลือ")


@command("ช่วยเหลือ", "วิธีใช้", "คำสั่ง", "help", args=r".*", usage="ช่วยเหลือ")
def show_help(ctx: Context) -> Reply:
    """ดูคำสั่งทั้งหมดพร้อมตัวอย่าง"""
    assert ctx.router is not None
    return help_message(ctx.router.visible())


def help_message(commands: Sequence[Command]) -> Message:
    """The help list built from the commands' docstrings and examples."""
    lines = [texts.help_line(spec.example, spec.help_line) for spec in commands]
    return text(texts.help_text(lines), QUICK_HELP)
