"""A busy group's reminder as one Flex card: counts, a bar per topic, the five most urgent.

A digest that would list dozens of tasks line by line (the month's first working day in a
big office) is not read on a phone. The card shows the numbers, a bar per topic drawn with
Flex boxes (no image to host), the few items that need someone today, and a button to the
web view for the rest; the text message beside it keeps the @mentions LINE notifies on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scheduler import texts
from scheduler.messages import MAX_LABEL, Message, flex

MAX_URGENT = 5
MAX_TOPICS = 8  # a bubble stays a phone screen tall
_GREEN, _AMBER, _RED, _GREY, _TRACK = "#1DB446", "#E37400", "#D93025", "#8C8C8C", "#E6E6E6"


@dataclass(frozen=True)
class TopicBar:
    """One topic's bar: how many of its items are fine out of how many."""

    title: str
    fine: int
    total: int


@dataclass(frozen=True)
class UrgentItem:
    """A task the card names: its number, short title and why it is urgent."""

    number: int
    title: str
    detail: str
    late: bool  # overdue: drawn in red


def summary_card(
    heading: str,
    counts: Sequence[str],
    bars: Sequence[TopicBar],
    bar_caption: str,
    urgent: Sequence[UrgentItem],
    more: int,
    link: str | None,
    alt_text: str,
) -> Message:
    """The card (a Flex bubble) with a button to the web view, or to `สถานะ` without one."""
    body: list[dict[str, Any]] = [
        {"type": "text", "text": line, "size": "sm", "weight": "bold", "wrap": True}
        for line in counts
    ]
    if bars:
        body.append(_caption(bar_caption))
        body.extend(part for bar in bars[:MAX_TOPICS] for part in _bar(bar))
    if urgent:
        body.append(_caption(texts.card_urgent_heading(len(urgent))))
        body.extend(part for item in urgent[:MAX_URGENT] for part in _urgent(item))
    if more > 0:
        body.append({"type": "text", "text": texts.card_more(more), "size": "xs", "color": _GREY})
    action = (
        {"type": "uri", "label": texts.CARD_SEE_ALL[:MAX_LABEL], "uri": link}
        if link
        else {"type": "message", "label": texts.CARD_STATUS[:MAX_LABEL], "text": "สถานะ"}
    )
    bubble = {
        "type": "bubble",
        "size": "mega",
        "header": {
            "type": "box",
            "layout": "vertical",
            "contents": [{"type": "text", "text": heading, "weight": "bold", "wrap": True}],
        },
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
        "footer": {
            "type": "box",
            "layout": "vertical",
            "contents": [{"type": "button", "style": "primary", "height": "sm", "action": action}],
        },
    }
    return flex(alt_text, bubble)


def _caption(words: str) -> dict[str, Any]:
    """A small grey heading inside the card."""
    return {"type": "text", "text": words, "size": "xs", "color": _GREY, "margin": "lg"}


def _bar(bar: TopicBar) -> list[dict[str, Any]]:
    """The topic's name and numbers over a bar: green for the fine part, amber for the rest.

    Flat on purpose: a card goes to every busy group at 08:30, and each component costs the
    LINE SDK time to model and serialise (a nested layout doubled the month-end round).
    """
    parts: list[dict[str, Any]] = []
    if bar.fine:
        parts.append(_segment(_GREEN, bar.fine))
    if bar.total - bar.fine:
        parts.append(_segment(_AMBER, bar.total - bar.fine))
    if not parts:
        parts.append(_segment(_TRACK, 1))
    return [
        {
            "type": "text",
            "text": f"{bar.title} · {bar.fine}/{bar.total}",
            "size": "xs",
            "wrap": True,
            "margin": "sm",
        },
        {
            "type": "box",
            "layout": "horizontal",
            "spacing": "none",
            "height": "6px",
            "cornerRadius": "3px",
            "backgroundColor": _TRACK,
            "contents": parts,
        },
    ]


def _segment(colour: str, weight: int) -> dict[str, Any]:
    """One coloured part of a bar, as wide as its share (Flex's `flex` weights)."""
    return {
        "type": "box",
        "layout": "vertical",
        "flex": weight,
        "backgroundColor": colour,
        "contents": [],
    }


def _urgent(item: UrgentItem) -> list[dict[str, Any]]:
    """ "#12 title" and why, one under the other."""
    return [
        {
            "type": "text",
            "text": f"#{item.number} {item.title}",
            "size": "xs",
            "wrap": True,
            "margin": "sm",
        },
        {
            "type": "text",
            "text": item.detail,
            "size": "xxs",
            "color": _RED if item.late else _GREY,
            "wrap": True,
        },
    ]
