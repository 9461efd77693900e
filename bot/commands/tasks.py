"""Tasks in a group: add, list mine, report progress, finish, move the due date, cancel, reopen."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import col, select

from bot import store, texts
from bot.context import SUPERVISORS, Context, Refusal
from bot.router import TASK_NUMBER, Reply, command
from models.tables import ProgressReport, Task, TaskKind, TaskStatus, Topic, Unit
from scheduler.messages import Button, Mention, escape_braces, text, text_with_mentions
from scheduler.thaidate import format_date, format_month, format_period, parse_period

MAX_TITLE = 300
_PERCENT = re.compile(r"(?P<percent>[0-9]{1,3})\s*(?:%|เปอร์เซ็นต์|เปอร์เซ็น)")
# Keywords count only as words of their own: "ทบทวนกำหนดการ" is a title, not a due date.
_KEYWORDS = re.compile(r"(?:^|(?<=\s))(กำหนดส่ง|กำหนด|หน่วยงาน|ประเด็นที่|ประเด็น)(?=\s|[0-9]|$)")


@command(
    "เพิ่มงาน",
    "add",
    args=r"(?P<rest>.*)",
    roles=SUPERVISORS,
    group_only=True,
    usage="เพิ่มงาน <ชื่องาน> @คน กำหนด <วันที่>",
    example="เพิ่มงาน จัดทำคู่มือ @สมชาย @สมศรี กำหนด 30 ก.ย. 2567",
)
def add_task(ctx: Context, rest: str) -> Reply:
    """(หัวหน้า) เพิ่มงานให้คนที่แท็ก พร้อมวันกำหนดส่งหรือช่วงวันที่"""
    parts = _keyword_parts(rest)
    title = parts.get("", "").strip()
    if not title:
        raise Refusal(texts.add_task_needs_title())
    if len(title) > MAX_TITLE:
        raise Refusal(texts.title_too_long(MAX_TITLE))
    if not ctx.mentions:
        raise Refusal(texts.add_task_needs_owner())
    when = parts.get("กำหนด", "").strip()
    if not when:
        raise Refusal(texts.add_task_needs_due())
    start, due = parse_period(when, today=ctx.today)
    unit = _unit_named(ctx, parts["หน่วยงาน"].strip()) if parts.get("หน่วยงาน", "").strip() else None
    topic = _topic_numbered(ctx, parts["ประเด็น"]) if parts.get("ประเด็น", "").strip() else None
    assert ctx.group is not None and ctx.group.id is not None
    task = Task(
        kind=TaskKind.TASK.value,
        group_id=ctx.group.id,
        unit_id=unit.id if unit else None,
        topic_id=topic.id if topic else None,
        title=title,
        period_text=when[:500],
        start_date=start if start != due else None,
        due_date=due,
        created_by_id=ctx.sender.id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    number = ctx.add_task(task, ctx.mentions)
    mentions = [Mention(f"o{i}", person.line_user_id) for i, person in enumerate(ctx.mentions)]
    template = texts.task_added(
        number, escape_braces(title), format_period(start, due), [m.key for m in mentions]
    )
    added = text_with_mentions(template, mentions, ("งานของฉัน", "สถานะ"))
    if due >= ctx.today:
        return added
    # A past date is most often last year's typed by habit: say so, and offer the next one.
    later = _next_anniversary(due, ctx.today)
    fix = Button(f"ใช้ {format_date(later)}", f"เลื่อน #{number} {format_date(later)}")
    warning = texts.past_due_warning((ctx.today - due).days, format_date(later))
    return [added, text(warning, [fix])]


def _next_anniversary(day: date, today: date) -> date:
    """The same day and month in the first year that is not before `today` (29 Feb → 28)."""
    year = today.year
    while True:
        try:
            candidate = day.replace(year=year)
        except ValueError:
            candidate = date(year, day.month, 28)
        if candidate >= today:
            return candidate
        year += 1


@command("งานของฉัน", "งานฉัน", "mytasks", "my tasks", usage="งานของฉัน")
def my_tasks(ctx: Context) -> Reply:
    """ดูงานที่ยังไม่เสร็จของคุณ (ในแชท 1:1 ดูได้ทุกกลุ่ม)"""
    group_ids = ctx.visible_group_ids()
    if not group_ids:
        return texts.NOT_IN_ANY_GROUP
    tasks = [
        task
        for task in store.tasks_in_groups(ctx.session, group_ids)
        if task.status == TaskStatus.OPEN.value and task.kind != TaskKind.MEASURE.value
    ]
    owners = store.owner_ids(ctx.session, [t.id for t in tasks if t.id is not None])
    mine = [
        task for task in tasks if task.id is not None and ctx.sender.id in owners.get(task.id, [])
    ]
    if not mine:
        return texts.my_tasks_none()
    mine.sort(key=lambda task: (task.due_date or date.max, task.id or 0))
    reported = store.reporters_by_task(ctx.session, [t.id for t in mine if t.id], ctx.month)
    if ctx.group is not None:
        lines = [_task_line(ctx, task, reported) for task in mine]
        return text(texts.my_tasks(lines, None), ("สถานะ", "ช่วยเหลือ"))
    names = {g.id: g.name or g.line_group_id[-6:] for g in store.groups_of(ctx.session, ctx.sender)}
    lines = []
    for group_id in group_ids:
        in_group = [task for task in mine if task.group_id == group_id]
        if in_group:
            lines.append(texts.group_heading(names.get(group_id, "")))
            lines.extend(_task_line(ctx, task, reported) for task in in_group)
    return text(texts.my_tasks(lines, None))


def _task_line(ctx: Context, task: Task, reported: dict[int, set[int]]) -> str:
    """One task in a list: number, title, period, how far the due date is, reported or not."""
    assert task.id is not None
    when = (
        format_period(task.start_date or task.due_date, task.due_date)
        if task.due_date
        else (texts.NO_DATE)
    )
    due = texts.due_phrase((task.due_date - ctx.today).days) if task.due_date else None
    return texts.my_task_line(
        task.id, task.title, when, due, ctx.sender.id in reported.get(task.id, set())
    )


@command(
    "รายงาน",
    "report",
    args=TASK_NUMBER + r"\s*(?P<body>.*)",
    usage="รายงาน #เลขงาน <ความคืบหน้า> [เปอร์เซ็นต์]",
    example="รายงาน #12 ส่งร่างคู่มือให้หัวหน้าแล้ว 50%",
)
def report(ctx: Context, number: str, body: str = "") -> Reply:
    """(ผู้รับผิดชอบ) ส่งรายงานความคืบหน้าประจำเดือน ใส่ % ได้"""
    task = ctx.task(int(number))
    assert task.id is not None
    if not ctx.is_owner(task):
        raise Refusal(texts.only_owner_reports(task.id))
    percent = None
    if match := _PERCENT.search(body):
        percent = int(match["percent"])
        if percent > 100:
            raise Refusal(texts.percent_out_of_range(percent))
        body = (body[: match.start()] + body[match.end() :]).strip()
    if not body and percent is None:
        raise Refusal(texts.report_needs_text(task.id))
    entry = ProgressReport(
        task_id=task.id,
        month=ctx.month,
        reporter_id=ctx.sender.id or 0,
        percent=percent,
        text=body,
        reported_at=ctx.now,
    )
    ctx.session.add(entry)
    before = store.task_snapshot(task)
    if percent is not None:
        task.progress = percent
        task.updated_at = ctx.now
    ctx.audit(
        "task.report",
        "task",
        task.id,
        before=before,
        after=store.task_snapshot(task) | {"report": body, "percent": percent, "month": ctx.month},
    )
    month_label = format_month(ctx.today.year, ctx.today.month)
    return texts.report_saved(task.id, task.title, month_label, percent)


@command("เสร็จ", "done", args=TASK_NUMBER, usage="เสร็จ #เลขงาน", example="เสร็จ #12")
def finish(ctx: Context, number: str) -> Reply:
    """(ผู้รับผิดชอบ/หัวหน้า) ปิดงานว่าเสร็จแล้ว"""
    task = ctx.task(int(number))
    assert task.id is not None
    ctx.require_can_change(task)
    if task.status != TaskStatus.OPEN.value:
        return texts.already_done(task.id)
    before = store.task_snapshot(task)
    task.status, task.progress, task.done_at, task.updated_at = (
        TaskStatus.DONE.value,
        100,
        ctx.now,
        ctx.now,
    )
    ctx.audit("task.done", "task", task.id, before=before, after=store.task_snapshot(task))
    return texts.task_done(task.id, task.title)


@command(
    "เลื่อนกำหนด",
    "เลื่อน",
    args=TASK_NUMBER + r"\s*(?:เป็น|ไป)?\s*(?P<when>.+)",
    usage="เลื่อน #เลขงาน <วันที่ใหม่>",
    example="เลื่อน #12 31 ส.ค. 2567",
)
def change_due(ctx: Context, number: str, when: str) -> Reply:
    """(ผู้รับผิดชอบ/หัวหน้า) เปลี่ยนวันกำหนดส่ง"""
    task = ctx.task(int(number))
    assert task.id is not None
    ctx.require_can_change(task)
    start, due = parse_period(when, today=ctx.today)
    before = store.task_snapshot(task)
    old = (
        format_period(task.start_date or task.due_date, task.due_date)
        if task.due_date
        else (texts.NO_DATE)
    )
    if start != due:
        task.start_date = start
    task.due_date, task.period_text, task.updated_at = due, when[:500], ctx.now
    ctx.audit("task.due", "task", task.id, before=before, after=store.task_snapshot(task))
    return texts.due_changed(task.id, task.title, old, format_period(task.start_date or due, due))


@command("ยกเลิก", "cancel", args=TASK_NUMBER, usage="ยกเลิก #เลขงาน", example="ยกเลิก #12")
def cancel(ctx: Context, number: str) -> Reply:
    """(ผู้รับผิดชอบ/หัวหน้า) ยกเลิกงานที่ไม่ต้องทำแล้ว"""
    task = ctx.task(int(number))
    assert task.id is not None
    ctx.require_can_change(task)
    if task.status != TaskStatus.OPEN.value:
        return texts.already_done(task.id)
    before = store.task_snapshot(task)
    task.status, task.updated_at = TaskStatus.CANCELLED.value, ctx.now
    ctx.audit("task.cancel", "task", task.id, before=before, after=store.task_snapshot(task))
    return texts.task_cancelled(task.id, task.title)


@command("เปิดใหม่", "reopen", args=TASK_NUMBER, usage="เปิดใหม่ #เลขงาน", example="เปิดใหม่ #12")
def reopen(ctx: Context, number: str) -> Reply:
    """(ผู้รับผิดชอบ/หัวหน้า) เปิดงานที่ปิดหรือยกเลิกไปแล้วอีกครั้ง"""
    task = ctx.task(int(number))
    assert task.id is not None
    ctx.require_can_change(task)
    if task.status == TaskStatus.OPEN.value:
        return texts.task_already_open(task.id)
    before = store.task_snapshot(task)
    task.status, task.done_at, task.updated_at = TaskStatus.OPEN.value, None, ctx.now
    ctx.audit("task.reopen", "task", task.id, before=before, after=store.task_snapshot(task))
    return texts.task_reopened(task.id, task.title)


def _keyword_parts(rest: str) -> dict[str, str]:
    """Split "title กำหนด … หน่วยงาน … ประเด็น …" into its parts ("" is the title)."""
    pieces = _KEYWORDS.split(rest)
    parts = {"": pieces[0]}
    for keyword, value in zip(pieces[1::2], pieces[2::2], strict=True):
        key = "กำหนด" if keyword.startswith("กำหนด") else keyword.removesuffix("ที่")
        parts[key] = value
    return parts


def _unit_named(ctx: Context, name: str) -> Unit:
    """The responsible unit with this name, created when new (units come from the plan too)."""
    unit = ctx.session.exec(select(Unit).where(Unit.name == name[:300])).first()
    if unit is None:
        unit = Unit(name=name[:300])
        ctx.session.add(unit)
        ctx.session.flush()
    return unit


def _topic_numbered(ctx: Context, written: str) -> Topic:
    """The plan topic (ประเด็น) with this number, from the newest plan."""
    digits = re.match(r"\s*([0-9]{1,3})", written)
    if digits is None:
        raise Refusal(texts.topic_not_found(written.strip()))
    statement = (
        select(Topic).where(Topic.number == int(digits[1])).order_by(col(Topic.fiscal_year).desc())
    )
    topic = ctx.session.exec(statement).first()
    if topic is None:
        raise Refusal(texts.topic_not_found(digits[1]))
    return topic
