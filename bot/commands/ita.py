"""`คะแนน ITA`: the ITA scores, weakest first, with the plan's measures that address each."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import col, func, select

from bot import texts
from bot.cards import WeakItem, ita_overview_bubble, ita_weak_bubble
from bot.context import Context
from bot.plan.importer import plan_id
from bot.plan.ita_items import item_indicators, item_texts
from bot.router import Reply, command
from models.tables import ItaScore, Task, TaskKind, Topic, Unit
from scheduler.messages import flex

PASS_MARK = 85.0  # the ITA pass mark: items below it are the ones the plan must lift
ITEMS_PER_BUBBLE = 5
MAX_WEAK_BUBBLES = 11  # with the overview, LINE's carousel limit of 12


# Not bare "คะแนน" or "ITA": both are everyday words in a busy group.
@command("คะแนน ITA", "คะแนนITA", "ita score", args=r".*", usage="คะแนน ITA")
def ita_scores(ctx: Context) -> Reply:
    """ดูคะแนน ITA ข้อที่ต่ำสุดก่อน และมาตรการในแผนที่แก้แต่ละข้อ"""
    year = ctx.session.exec(select(func.max(ItaScore.assessment_year))).one()
    if year is None:
        return texts.ITA_NONE
    scores = list(ctx.session.exec(select(ItaScore).where(ItaScore.assessment_year == year)))
    overall = next((s for s in scores if s.kind == "overall"), None)
    indicators = sorted(
        (s for s in scores if s.kind == "indicator"), key=lambda s: (s.score, int(s.code))
    )
    names = {int(s.code): s.name for s in indicators}
    weak, passed = _weak_items(ctx, [s for s in scores if s.kind == "question"], names)
    overall_text = f"{overall.score:.2f}" if overall else "-"
    level = overall.name if overall else ""
    pages = [weak[i : i + ITEMS_PER_BUBBLE] for i in range(0, len(weak), ITEMS_PER_BUBBLE)][
        :MAX_WEAK_BUBBLES
    ]
    rows = [(texts.ita_indicator_line(s.code, s.name, s.tool), s.score) for s in indicators]
    bubbles = [ita_overview_bubble(year, overall_text, level, rows, PASS_MARK)]
    bubbles += [
        ita_weak_bubble(
            year, page, number, len(pages), passed if number == len(pages) else 0, PASS_MARK
        )
        for number, page in enumerate(pages, start=1)
    ]
    weakest = [f"{item.code} {item.score:.2f}" for item in weak[:8]]
    alt = texts.ita_alt(year, overall_text, level, weakest)
    return flex(alt, {"type": "carousel", "contents": bubbles}, ("สถานะ",))


def _weak_items(
    ctx: Context, questions: list[ItaScore], indicator_names: dict[int, str]
) -> tuple[list[WeakItem], int]:
    """Questions below the pass mark, weakest first, merged when a topic repeats a score."""
    topics = {
        topic.id: topic
        for topic in ctx.session.exec(
            select(Topic).where(col(Topic.id).in_({q.topic_id for q in questions if q.topic_id}))
        )
    }
    measures_of: dict[int, list[str]] = defaultdict(list)
    unit_names = {unit.id: unit.name for unit in ctx.session.exec(select(Unit))}
    for task in ctx.session.exec(
        select(Task)
        .where(Task.kind == TaskKind.MEASURE.value, col(Task.topic_id).in_(list(topics)))
        .order_by(col(Task.id))
    ):
        assert task.topic_id is not None
        unit = unit_names.get(task.unit_id, "") if task.unit_id else ""
        measures_of[task.topic_id].append(texts.ita_measure(plan_id(task) or "", unit))
    merged: dict[tuple[str, float], list[int]] = defaultdict(list)
    passed: set[str] = set()
    for question in questions:
        if question.score >= PASS_MARK:
            passed.add(question.code)
            continue
        merged[(question.code, question.score)].append(question.topic_id or 0)
    items = []
    for (code, score), topic_ids in merged.items():
        found = sorted(
            (topics[t] for t in set(topic_ids) if t in topics), key=lambda topic: topic.number
        )
        items.append(
            WeakItem(
                code=code,
                tool=_tool(code),
                score=score,
                topics=tuple(topic.number for topic in found),
                measures=tuple(m for topic in found for m in measures_of.get(topic.id or 0, [])),
                text=_what_it_asks(code, indicator_names),
            )
        )
    items.sort(key=lambda item: (item.score, "ieo".find(item.code[0]), _number(item.code)))
    weak_codes = {item.code for item in items}
    return items, len(passed - weak_codes)


def _what_it_asks(code: str, indicator_names: dict[int, str]) -> str:
    """The item's own text, else the indicator it counts toward (EIT texts were not found)."""
    found = item_texts().get(code)
    if found:
        return found
    number = item_indicators().get(code)
    name = indicator_names.get(number) if number else None
    return texts.ita_item_indicator(number, name) if number and name else ""


def _tool(code: str) -> str:
    """IIT, EIT or OIT from a question id's letter."""
    return {"i": "IIT", "e": "EIT", "o": "OIT"}.get(code[:1], "")


def _number(code: str) -> int:
    """The number of a question id ("e10" → 10)."""
    digits = code[1:]
    return int(digits) if digits.isdigit() else 0
