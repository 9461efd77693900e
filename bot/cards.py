"""The bot's Flex cards: the status carousel and the ITA score bubbles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot import texts
from scheduler.messages import Message, flex


def status_card(heading: str, topics: Sequence[TopicCard], alt_text: str) -> Message:
    """A carousel, one bubble per topic: counts, late tasks with owners, who has not reported."""
    bubbles = [_topic_bubble(heading, topic) for topic in topics[:MAX_BUBBLES]]
    contents: dict[str, Any] = (
        bubbles[0] if len(bubbles) == 1 else {"type": "carousel", "contents": bubbles}
    )
    return flex(alt_text, contents)


@dataclass(frozen=True)
class TopicCard:
    """What one status bubble shows, already worded in Thai."""

    title: str
    counts: str
    late_heading: str
    late_lines: Sequence[str]
    footer: str
    has_late: bool


MAX_BUBBLES = 12  # LINE's carousel limit
_GREEN, _AMBER, _RED, _GREY = "#1DB446", "#E37400", "#D93025", "#8C8C8C"


def _topic_bubble(heading: str, topic: TopicCard) -> dict[str, Any]:
    """One topic as a Flex bubble."""
    body: list[dict[str, Any]] = [
        {
            "type": "text",
            "text": topic.counts,
            "size": "sm",
            "weight": "bold",
            "color": _RED if topic.has_late else _GREEN,
            "wrap": True,
        },
    ]
    if topic.late_lines:
        body.append({"type": "separator", "margin": "md"})
        body.append(
            {
                "type": "text",
                "text": topic.late_heading,
                "size": "xs",
                "color": _RED,
                "margin": "md",
                "weight": "bold",
            }
        )
        body.extend(
            {"type": "text", "text": line, "size": "xs", "wrap": True, "margin": "sm"}
            for line in topic.late_lines
        )
    body.append({"type": "separator", "margin": "md"})
    body.append(
        {
            "type": "text",
            "text": topic.footer,
            "size": "xs",
            "color": _GREY,
            "wrap": True,
            "margin": "md",
        }
    )
    return {
        "type": "bubble",
        "size": "kilo",
        "header": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {"type": "text", "text": heading, "size": "xxs", "color": _GREY},
                {"type": "text", "text": topic.title, "weight": "bold", "size": "sm", "wrap": True},
            ],
        },
        "body": {"type": "box", "layout": "vertical", "contents": body},
    }


@dataclass(frozen=True)
class WeakItem:
    """A question scored below the pass mark, the topics it was scored under, and their measures."""

    code: str
    tool: str
    score: float
    topics: tuple[int, ...]
    measures: tuple[str, ...]
    text: str = ""  # what the item asks (ITA 2566), when known


def _score_colour(score: float, pass_mark: float) -> str:
    """Red far below the pass mark, amber just below, green at or above."""
    if score >= pass_mark:
        return _GREEN
    return _AMBER if score >= pass_mark - 10 else _RED


def _ita_header(year: int, subtitle: str) -> dict[str, Any]:
    """A bubble header: the view's title and what this bubble shows."""
    return {
        "type": "box",
        "layout": "vertical",
        "contents": [
            {"type": "text", "text": texts.ita_title(year), "size": "xxs", "color": _GREY},
            {"type": "text", "text": subtitle, "weight": "bold", "size": "sm", "wrap": True},
        ],
    }


def _score_row(label: str, score: float, pass_mark: float, size: str = "xs") -> dict[str, Any]:
    """A label on the left, its score on the right, coloured by the pass mark."""
    return {
        "type": "box",
        "layout": "horizontal",
        "margin": "sm",
        "contents": [
            {"type": "text", "text": label, "size": size, "wrap": True, "flex": 5},
            {
                "type": "text",
                "text": f"{score:.2f}",
                "size": size,
                "align": "end",
                "weight": "bold",
                "color": _score_colour(score, pass_mark),
                "flex": 2,
            },
        ],
    }


def ita_overview_bubble(
    year: int, overall: str, level: str, indicators: Sequence[tuple[str, float]], pass_mark: float
) -> dict[str, Any]:
    """The overall score and the ten indicators, weakest first."""
    body: list[dict[str, Any]] = [
        {"type": "text", "text": texts.ita_overall(overall, level), "weight": "bold", "size": "lg"},
        {
            "type": "text",
            "text": f"{texts.ITA_PASS_MARK} {pass_mark:.2f}",
            "size": "xxs",
            "color": _GREY,
        },
        {"type": "separator", "margin": "md"},
        {
            "type": "text",
            "text": texts.ITA_INDICATORS,
            "size": "xs",
            "margin": "md",
            "color": _GREY,
        },
    ]
    body += [_score_row(label, score, pass_mark) for label, score in indicators]
    return {
        "type": "bubble",
        "size": "kilo",
        "header": _ita_header(year, texts.ita_title(year)),
        "body": {"type": "box", "layout": "vertical", "contents": body},
    }


def ita_weak_bubble(
    year: int, items: Sequence[WeakItem], page: int, pages: int, passed: int, pass_mark: float
) -> dict[str, Any]:
    """Up to five weak questions, each with the plan's measures that address it."""
    body: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if index:
            body.append({"type": "separator", "margin": "md"})
        body.append(_score_row(item.code, item.score, pass_mark, "sm"))
        where = texts.ita_item_where(item.tool, list(item.topics))
        body.append({"type": "text", "text": where, "size": "xxs", "color": _GREY})
        if item.text:
            body.append({"type": "text", "text": item.text, "size": "xxs", "wrap": True})
        measures = texts.ita_item_measures(list(item.measures))
        body.append({"type": "text", "text": measures, "size": "xxs", "wrap": True})
    if passed:
        rest = texts.ita_rest(passed, f"{pass_mark:.2f}")
        body.append(
            {
                "type": "text",
                "text": rest,
                "size": "xxs",
                "color": _GREY,
                "margin": "lg",
                "wrap": True,
            }
        )
    return {
        "type": "bubble",
        "size": "kilo",
        "header": _ita_header(year, texts.ita_weak_heading(page, pages, f"{pass_mark:.2f}")),
        "body": {"type": "box", "layout": "vertical", "contents": body},
    }
