"""Builders for LINE message objects: text, textV2 with @mentions, Flex cards, quick replies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scheduler import texts

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


def text(body: str, quick_replies: Sequence[str] = ()) -> Message:
    """A plain text message, cut to LINE's limit, with optional quick-reply buttons."""
    message: Message = {"type": "text", "text": _fit(body)}
    return _with_quick_replies(message, quick_replies)


def text_with_mentions(
    template: str, mentions: Sequence[Mention], quick_replies: Sequence[str] = ()
) -> Message:
    """A textV2 message whose `{key}` placeholders become real @mentions."""
    if not mentions:
        return text(escape_braces(template), quick_replies)
    substitution = {
        mention.key: {"type": "mention", "mentionee": {"type": "user", "userId": mention.user_id}}
        for mention in mentions
    }
    message: Message = {"type": "textV2", "text": _fit(template), "substitution": substitution}
    return _with_quick_replies(message, quick_replies)


def escape_braces(value: str) -> str:
    """User text placed in a textV2 template must not open a placeholder by accident."""
    return value.replace("{", "(").replace("}", ")")


def flex(alt_text: str, contents: Mapping[str, Any], quick_replies: Sequence[str] = ()) -> Message:
    """A Flex message (bubble or carousel) with the text shown in notifications and old clients."""
    message: Message = {"type": "flex", "altText": alt_text[:400], "contents": dict(contents)}
    return _with_quick_replies(message, quick_replies)


def _with_quick_replies(message: Message, labels: Sequence[str]) -> Message:
    """Attach buttons that send their label as a message when tapped."""
    if labels:
        message["quickReply"] = {
            "items": [
                {
                    "type": "action",
                    "action": {"type": "message", "label": label[:MAX_LABEL], "text": label},
                }
                for label in labels[:MAX_QUICK_REPLIES]
            ]
        }
    return message


def _fit(body: str) -> str:
    """Cut text to LINE's limit (ending with an ellipsis) instead of being refused with a 400."""
    return body if len(body) <= MAX_TEXT else body[: MAX_TEXT - 1] + "…"


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
