"""`จัดซื้อ`: each procurement becomes a task to publish its result within 5 days (measure 5.1)."""

from __future__ import annotations

import re

from sqlmodel import col, select

from bot import texts
from bot.context import Context, Refusal
from bot.plan.importer import plan_id
from bot.router import Reply, command
from models.tables import Task, TaskKind
from scheduler.messages import Mention, escape_braces, text_with_mentions
from scheduler.recurrence import Recurrence
from scheduler.thaidate import format_date

MAX_ITEM = 250  # a procurement item's name, within Task.title with its prefix
_SPACES = re.compile(r"\s+")
# "ทุกครั้งที่มีการจัดซื้อจัดจ้าง … ภายใน 5 วัน" unless the plan's step says otherwise.
DEFAULT_PROCUREMENT_RULE = Recurrence("within_days", days=5)


@command(
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
    return text_with_mentions(template, mentions, ("งานของฉัน",))


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
