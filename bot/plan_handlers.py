"""Chat commands for the imported plan: bind units to groups, ITA scores, procurement, export."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import col, func, select

from bot import export
from bot.context import Context, Refusal
from bot.handlers import SUPERVISORS, router
from bot.messages import (
    MAX_LABEL,
    MAX_QUICK_REPLIES,
    Mention,
    Message,
    WeakItem,
    escape_braces,
    flex,
    ita_overview_bubble,
    ita_weak_bubble,
    text,
)
from bot.messages import text_with_mentions as mention_text
from bot.plan_import import bind_unit, plan_id
from bot.router import Reply
from models.tables import ChatGroup, ItaScore, Role, Task, TaskKind, Topic, Unit
from scheduler import texts
from scheduler.recurrence import Recurrence
from scheduler.thaidate import format_date, format_month, parse_month

MAX_ITEM = 250  # a procurement item's name, within Task.title with its prefix
MAX_CANDIDATES = 5
_SPACES = re.compile(r"\s+")


# --- Units and groups ---------------------------------------------------------------------


@router.command(
    "ผูกหน่วยงาน",
    "bind",
    args=r"(?P<name>.*)",
    roles=SUPERVISORS,
    group_only=True,
    usage="ผูกหน่วยงาน <ชื่อหน่วยงาน>",
    example="ผูกหน่วยงาน สำนักปลัดเทศบาล งานธุรการ",
)
def bind(ctx: Context, name: str = "") -> Reply:
    """(หัวหน้า) ให้งานตามแผนของหน่วยงานนี้รายงานและแจ้งเตือนในกลุ่มนี้"""
    group = ctx.group
    assert group is not None
    units = list(ctx.session.exec(select(Unit).order_by(col(Unit.id))))
    if not units:
        return texts.UNITS_NONE
    typed = _SPACES.sub(" ", name).strip()
    if not typed:
        return _offer(texts.UNIT_NAME_NEEDED, [unit.name for unit in units])
    unit = _unit_matching(units, typed)
    if isinstance(unit, list):
        if not unit:
            return _offer(texts.unit_not_found(typed), [u.name for u in units])
        return _offer(texts.unit_choose(typed, [u.name for u in unit]), [u.name for u in unit])
    before = {"group_id": unit.group_id, "meeting_day": group.meeting_day}
    moved_from = None
    if unit.group_id is not None and unit.group_id != group.id:
        previous = ctx.session.get(ChatGroup, unit.group_id)
        moved_from = texts.group_label(previous.name, previous.line_group_id) if previous else None
    binding = bind_unit(ctx.session, unit, group)
    ctx.audit(
        "unit.bind",
        "unit",
        unit.id,
        before=before,
        after={"group_id": group.id, "meeting_day": group.meeting_day, "tasks": binding.steps},
    )
    meeting = None
    if binding.meeting_day is not None:
        meeting = Recurrence("monthly", day=binding.meeting_day).describe()
    return text(
        texts.unit_bound(unit.name, binding.measures, binding.steps, moved_from, meeting),
        ("สถานะ", "ประชุม") if meeting else ("สถานะ",),
    )


def _unit_matching(units: Sequence[Unit], typed: str) -> Unit | list[Unit]:
    """The unit meant by `typed`, or the candidates to offer (none when nothing is close).

    An exact name, or a part of exactly one name ("งานธุรการ"), binds at once; otherwise the
    close matches (difflib) over whole names and over the part after the division's name.
    """
    folded = typed.casefold()
    by_name = {_SPACES.sub(" ", unit.name).casefold(): unit for unit in units}
    if folded in by_name:
        return by_name[folded]
    containing = [unit for key, unit in by_name.items() if folded in key]
    if len(containing) == 1 and len(folded) >= 4:
        return containing[0]
    keys: dict[str, Unit] = {}
    for key, unit in by_name.items():
        keys[key] = unit
        keys.setdefault(key.rsplit(" ", 1)[-1], unit)  # "งานธุรการ" for "สำนักปลัดเทศบาล งานธุรการ"
    close = difflib.get_close_matches(folded, list(keys), n=MAX_CANDIDATES * 2, cutoff=0.6)
    found: dict[int | None, Unit] = {}
    for unit in [*containing, *(keys[key] for key in close)]:
        found.setdefault(unit.id, unit)
    return list(found.values())[:MAX_CANDIDATES]


def _offer(body: str, unit_names: Sequence[str]) -> Message:
    """A text whose buttons each send "ผูกหน่วยงาน <name>" (labelled by the distinctive part)."""
    message = text(body)
    message["quickReply"] = {
        "items": [
            {
                "type": "action",
                "action": {
                    "type": "message",
                    "label": _label(name),
                    "text": f"ผูกหน่วยงาน {name}",
                },
            }
            for name in unit_names[:MAX_QUICK_REPLIES]
        ]
    }
    return message


def _label(unit_name: str) -> str:
    """A button label within LINE's 20 characters: the unit's own part of the name."""
    last = unit_name.rsplit(" ", 1)[-1]
    return (last if len(last) <= MAX_LABEL else last[: MAX_LABEL - 1] + "…") or "?"


@router.command("หน่วยงาน", "units", roles=(Role.ADMIN,), usage="หน่วยงาน")
def list_units(ctx: Context) -> Reply:
    """(ผู้ดูแลระบบ) ดูหน่วยงานตามแผน กลุ่มที่ผูกไว้ และหน่วยที่ยังไม่ผูก"""
    units = list(ctx.session.exec(select(Unit).order_by(col(Unit.id))))
    if not units:
        return texts.UNITS_NONE
    counts = dict(
        ctx.session.exec(
            select(Task.unit_id, func.count())
            .where(col(Task.kind).in_([TaskKind.MEASURE.value, TaskKind.STEP.value]))
            .group_by(col(Task.unit_id))
        ).all()
    )
    group_ids = {unit.group_id for unit in units if unit.group_id is not None}
    groups = {
        group.id: group
        for group in ctx.session.exec(select(ChatGroup).where(col(ChatGroup.id).in_(group_ids)))
    }
    lines = []
    for unit in sorted(units, key=lambda u: (u.group_id is not None, u.id or 0)):
        group = groups.get(unit.group_id) if unit.group_id is not None else None
        label = texts.group_label(group.name, group.line_group_id) if group else None
        lines.append(texts.unit_line(unit.name, label, counts.get(unit.id, 0)))
    unbound = sum(unit.group_id is None for unit in units)
    body = "\n".join([texts.units_heading(len(units), unbound), *lines, "", texts.UNITS_FOOTER])
    return text(body)


# --- ITA scores ---------------------------------------------------------------------------

PASS_MARK = 85.0  # the ITA pass mark: items below it are the ones the plan must lift
ITEMS_PER_BUBBLE = 5
MAX_WEAK_BUBBLES = 11  # with the overview, LINE's carousel limit of 12


# Not bare "คะแนน" or "ITA": both are everyday words in a busy group.
@router.command("คะแนน ITA", "คะแนนITA", "ita score", args=r".*", usage="คะแนน ITA")
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
    weak, passed = _weak_items(ctx, [s for s in scores if s.kind == "question"])
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


def _weak_items(ctx: Context, questions: list[ItaScore]) -> tuple[list[WeakItem], int]:
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
            )
        )
    items.sort(key=lambda item: (item.score, "ieo".find(item.code[0]), _number(item.code)))
    weak_codes = {item.code for item in items}
    return items, len(passed - weak_codes)


def _tool(code: str) -> str:
    """IIT, EIT or OIT from a question id's letter."""
    return {"i": "IIT", "e": "EIT", "o": "OIT"}.get(code[:1], "")


def _number(code: str) -> int:
    """The number of a question id ("e10" → 10)."""
    digits = code[1:]
    return int(digits) if digits.isdigit() else 0


# --- Procurement ("ทุกครั้งที่มีการจัดซื้อจัดจ้าง … ภายใน 5 วัน") -----------------------------

DEFAULT_PROCUREMENT_RULE = Recurrence("within_days", days=5)


@router.command(
    "จัดซื้อ",
    "จัดจ้าง",
    "จัดซื้อจัดจ้าง",
    args=r"(?P<item>.*)",
    group_only=True,
    usage="จัดซื้อ <รายการ> [@ผู้รับผิดชอบ]",
    example="จัดซื้อ ครุภัณฑ์คอมพิวเตอร์ 3 เครื่อง",
)
def procurement(ctx: Context, item: str = "") -> Reply:
    """บันทึกการจัดซื้อจัดจ้าง: ได้งานเผยแพร่ผลภายใน 5 วัน (มาตรการ 5.1)"""
    item = _SPACES.sub(" ", item).strip()
    if not item:
        raise Refusal(texts.PROCUREMENT_NEEDS_ITEM)
    if len(item) > MAX_ITEM:
        raise Refusal(texts.title_too_long(MAX_ITEM))
    group = ctx.group
    assert group is not None and group.id is not None
    step = _procurement_step(ctx)
    rule = DEFAULT_PROCUREMENT_RULE
    if step is not None and step.recurrence:
        rule = Recurrence.from_rule_string(step.recurrence)
    due = rule.due_after(ctx.today)
    owners = ctx.mentions or [ctx.sender]
    task = Task(
        kind=TaskKind.TASK.value,
        parent_id=step.id if step else None,
        group_id=group.id,
        topic_id=step.topic_id if step else None,
        unit_id=step.unit_id if step else None,
        title=texts.procurement_title(item),
        period_text=rule.describe(),
        start_date=ctx.today,
        due_date=due,
        created_by_id=ctx.sender.id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    number = ctx.add_task(task, owners)
    mentions = [Mention(f"o{i}", person.line_user_id) for i, person in enumerate(owners)]
    template = texts.procurement_added(
        number,
        escape_braces(task.title),
        format_date(due),
        rule.describe(),
        plan_id(step) if step else None,
        [m.key for m in mentions],
    )
    return mention_text(template, mentions, ("งานของฉัน",))


def _procurement_step(ctx: Context) -> Task | None:
    """The plan step that repeats "within N days" of each procurement: this group's first."""
    steps = list(
        ctx.session.exec(
            select(Task)
            .where(Task.kind == TaskKind.STEP.value, col(Task.recurrence).startswith("within_days"))
            .order_by(col(Task.id).desc())
        )
    )
    assert ctx.group is not None
    here = [step for step in steps if step.group_id == ctx.group.id]
    candidates = here or steps
    return candidates[0] if candidates else None


# --- Export -------------------------------------------------------------------------------


@router.command(
    "ส่งออกรายงาน",
    "export",
    args=r"(?P<month>.*)",
    roles=SUPERVISORS,
    usage="ส่งออกรายงาน [เดือน]",
    example="ส่งออกรายงาน มี.ค. 2567",
)
def export_report(ctx: Context, month: str = "") -> Reply:
    """(หัวหน้า) ได้ลิงก์ไฟล์ Excel รายงานผลประจำเดือน (ในกลุ่ม: งานของกลุ่ม; แชท 1:1: ทุกกลุ่ม)"""
    year, number = parse_month(month) if month.strip() else (ctx.today.year, ctx.today.month)
    base_url = ctx.settings.public_base_url
    if base_url is None:
        raise Refusal(texts.EXPORT_NO_PUBLIC_URL)
    group_id = ctx.group.id if ctx.group is not None else None
    scope = export.ReportScope(year, number, group_id)
    token = export.make_token(ctx.settings.line_channel_secret, scope, now=ctx.now)
    ctx.audit("report.export", "report", scope.month_key, after={"group_id": group_id})
    label = texts.EXPORT_SCOPE_GROUP if group_id is not None else texts.EXPORT_SCOPE_ALL
    hours = int(export.DEFAULT_LINK_LIFETIME.total_seconds() // 3600)
    return texts.export_link(
        format_month(year, number), label, export.download_url(base_url, token), hours
    )
