"""Tasks in a group: add, list mine, report progress, finish, move the due date, cancel, reopen."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import col, select

from bot import duties, store, texts
from bot.context import SUPERVISORS, Context, Refusal
from bot.router import TASK_NUMBER, Reply, command
from models.tables import ProgressReport, Task, TaskKind, TaskStatus, Topic, Unit
from scheduler.calendar import month_span
from scheduler.duties import DutyProgress, fiscal_year_end, is_duty
from scheduler.messages import (
    Action,
    Button,
    DatePick,
    Mention,
    Postback,
    confirm,
    escape_braces,
    text,
    text_with_mentions,
)
from scheduler.recurrence import Recurrence, parse_recurrence
from scheduler.thaidate import (
    ThaiDateError,
    format_date,
    format_month,
    format_period,
    parse_date,
    parse_month,
    parse_period,
)

MAX_TITLE = 300
_PERCENT = re.compile(r"(?P<percent>[0-9]{1,3})\s*(?:%|เปอร์เซ็นต์|เปอร์เซ็น)")
# Keywords count only as words of their own: "ทบทวนกำหนดการ" is a title, not a due date.
_KEYWORDS = re.compile(r"(?:^|(?<=\s))(กำหนดส่ง|กำหนด|หน่วยงาน|ประเด็นที่|ประเด็น)(?=\s|[0-9]|$)")
_UNTIL = re.compile(r"\s+ถึง\s+")
_STOP_WORDS = frozenset({"หยุด", "ปิด", "stop"})
MAX_TASKS_WITH_BUTTONS = 3  # my tasks: 4 buttons for each of the soonest three (13 at most)


@command(
    "เพิ่มงาน",
    "add",
    args=r"(?P<rest>.*)",
    roles=SUPERVISORS,
    group_only=True,
    usage="เพิ่มงาน <ชื่องาน> @คน กำหนด <วันที่ | ทุกสิ้นเดือน | ทุกวันที่ N> [ถึง <วันที่>]",
    example="เพิ่มงาน จัดทำคู่มือ @สมชาย @สมศรี กำหนด 30 ก.ย. 2567",
)
def add_task(ctx: Context, rest: str) -> Reply:
    """(หัวหน้า) เพิ่มงานให้คนที่แท็ก กำหนดเป็นวันที่ ช่วงวันที่ หรืองานทำซ้ำรายเดือน"""
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
    repeating = _duty_rule(ctx, when)
    start, due = (ctx.today, ctx.today) if repeating else parse_period(when, today=ctx.today)
    unit = _unit_named(ctx, parts["หน่วยงาน"].strip()) if parts.get("หน่วยงาน", "").strip() else None
    topic = _topic_numbered(ctx, parts["ประเด็น"]) if parts.get("ประเด็น", "").strip() else None
    assert ctx.group is not None and ctx.group.id is not None
    if repeating is not None:
        return _add_duty(ctx, _new_task(ctx, title, when, unit, topic, None, due), repeating)
    task = _new_task(ctx, title, when, unit, topic, start if start != due else None, due)
    number = ctx.add_task(task, ctx.mentions)
    mentions = [Mention(f"o{i}", person.line_user_id) for i, person in enumerate(ctx.mentions)]
    template = texts.task_added(
        number, escape_braces(title), format_period(start, due), [m.key for m in mentions]
    )
    added = text_with_mentions(
        template, mentions, [*task_buttons(task, ctx.today), "งานของฉัน", "สถานะ"]
    )
    if due >= ctx.today:
        return added
    # A past date is most often last year's typed by habit: say so, and offer the next one.
    later = _next_anniversary(due, ctx.today)
    fix = Button(f"ใช้ {format_date(later)}", f"เลื่อน #{number} {format_date(later)}")
    warning = texts.past_due_warning((ctx.today - due).days, format_date(later))
    return [added, text(warning, [fix])]


def _duty_rule(ctx: Context, when: str) -> tuple[Recurrence, date] | None:
    """A monthly rule and its last day from "ทุกสิ้นเดือน [ถึง 30 ก.ย. 2570]"; None for dates.

    Without "ถึง" a duty runs to the end of the fiscal year (30 September).
    """
    rule_text, *until_text = _UNTIL.split(when, maxsplit=1)
    try:
        rule = parse_recurrence(rule_text)
    except ThaiDateError:
        return None
    if not is_duty(rule):
        raise Refusal(texts.DUTY_KINDS_HINT)
    until = parse_date(until_text[0], today=ctx.today) if until_text else fiscal_year_end(ctx.today)
    return rule, until


def _new_task(
    ctx: Context,
    title: str,
    when: str,
    unit: Unit | None,
    topic: Topic | None,
    start: date | None,
    due: date,
) -> Task:
    """A task typed in this group, not stored yet."""
    assert ctx.group is not None and ctx.group.id is not None
    return Task(
        kind=TaskKind.TASK.value,
        group_id=ctx.group.id,
        unit_id=unit.id if unit else None,
        topic_id=topic.id if topic else None,
        title=title,
        period_text=when[:500],
        start_date=start,
        due_date=due,
        created_by_id=ctx.sender.id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )


def _add_duty(ctx: Context, task: Task, repeating: tuple[Recurrence, date]) -> Reply:
    """A recurring duty from today to its last day: one occurrence a month."""
    rule, until = repeating
    duties.start(task, rule, ctx.today, until)
    duty = duties.progress_of(ctx.session, task, frozenset())
    if duty is None or duty.current is None:
        raise Refusal(texts.duty_no_occurrence(rule.describe(), format_date(until)))
    duties.reschedule(task, duty, ctx.now)
    number = ctx.add_task(task, ctx.mentions)
    mentions = [Mention(f"o{i}", person.line_user_id) for i, person in enumerate(ctx.mentions)]
    period = texts.duty_period(
        rule.describe(), format_date(until), format_date(duty.current.due, weekday=True)
    )
    template = texts.task_added(
        number, escape_braces(task.title), period, [m.key for m in mentions]
    )
    return text_with_mentions(
        template, mentions, [*task_buttons(task, ctx.today), "งานของฉัน", "สถานะ"]
    )


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
    # A plan item shared by two of the sender's groups is listed once, under the first.
    home: dict[int | None, int] = {}
    tasks: list[Task] = []
    for group_id, task in store.tasks_by_group(ctx.session, group_ids):
        is_work = task.status == TaskStatus.OPEN.value and task.kind != TaskKind.MEASURE.value
        if is_work and task.id not in home:
            home[task.id] = group_id
            tasks.append(task)
    owners = store.owner_ids(ctx.session, [t.id for t in tasks if t.id is not None])
    mine = [
        task for task in tasks if task.id is not None and ctx.sender.id in owners.get(task.id, [])
    ]
    if not mine:
        return texts.my_tasks_none()
    mine.sort(key=lambda task: (task.due_date or date.max, task.id or 0))
    reported = store.reporters_by_task(ctx.session, [t.id for t in mine if t.id], ctx.month)
    evidence = store.evidence_counts(ctx.session, [t.id for t in mine if t.id])
    progress = _duty_progress(ctx, mine)
    soonest = [
        button
        for task in mine[:MAX_TASKS_WITH_BUTTONS]
        for button in task_buttons(task, ctx.today, numbered=True)
    ]
    if ctx.group is not None:
        lines = [_task_line(ctx, task, reported, progress, evidence) for task in mine]
        return text(texts.my_tasks(lines, None), [*soonest, "สถานะ"])
    names = {g.id: g.name or g.line_group_id[-6:] for g in store.groups_of(ctx.session, ctx.sender)}
    lines = []
    for group_id in group_ids:
        in_group = [task for task in mine if home.get(task.id) == group_id]
        if in_group:
            lines.append(texts.group_heading(names.get(group_id, "")))
            lines.extend(
                _task_line(ctx, task, reported, progress, evidence) for task in in_group
            )
    return text(texts.my_tasks(lines, None), soonest)


def task_buttons(task: Task, today: date, *, numbered: bool = False) -> list[Action]:
    """Buttons that act on one open task: done (asks first), report, move the due date,
    attach evidence (📎).

    Each carries the words of the command it stands for, so a tap meets the same checks and
    answers as typing it; `numbered` labels them with the task's number (several tasks).
    """
    assert task.id is not None
    number = task.id

    def label(word: str) -> str:
        return texts.button_for(word, number) if numbered else word

    found: list[Action] = [
        Postback(label(texts.BUTTON_DONE), f"ยืนยันเสร็จ #{number}"),
        Postback(label(texts.BUTTON_REPORT), f"เปิดรายงาน #{number}", fill_in=f"รายงาน #{number} "),
    ]
    if task.due_date is not None and duties.rule_of(task) is None:
        move = DatePick(label(texts.BUTTON_MOVE), f"เลื่อน #{number}", task.due_date, today)
        found.append(move)
    found.append(Postback(label(texts.BUTTON_ATTACH), f"แนบหลักฐาน #{number}"))
    return found


def _task_line(
    ctx: Context,
    task: Task,
    reported: dict[int, set[int]],
    progress: dict[int, DutyProgress],
    evidence: dict[int, int],
) -> str:
    """One task in a list: number, title, period, how far the due date is, reported or not,
    how many evidence files."""
    assert task.id is not None
    when = (
        format_period(task.start_date or task.due_date, task.due_date)
        if task.due_date
        else (texts.NO_DATE)
    )
    duty, rule = progress.get(task.id), duties.rule_of(task)
    if duty is not None and duty.current is not None and rule is not None:
        current = duty.current
        late = [format_month(o.year, o.month, "short") for o in duty.late(ctx.today)]
        month = format_month(current.year, current.month, "short")
        when = texts.duty_when(rule.describe(), month, format_date(current.due))
        when += " · " + texts.duty_progress(duty.done_count, duty.total, late)
    due = texts.due_phrase((task.due_date - ctx.today).days) if task.due_date else None
    return texts.my_task_line(
        task.id,
        task.title,
        when,
        due,
        ctx.sender.id in reported.get(task.id, set()),
        evidence.get(task.id, 0),
    )


def _duty_progress(ctx: Context, tasks: list[Task]) -> dict[int, DutyProgress]:
    """The occurrences of the recurring ones among `tasks`, by task id."""
    recurring = [task for task in tasks if task.id is not None and duties.rule_of(task)]
    done = duties.done_periods(ctx.session, [task.id for task in recurring if task.id])
    found = {}
    for task in recurring:
        assert task.id is not None
        duty = duties.progress_of(ctx.session, task, done.get(task.id, frozenset()))
        if duty is not None:
            found[task.id] = duty
    return found


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
    saved = texts.report_saved(task.id, task.title, month_label, percent)
    return (
        text(saved, task_buttons(task, ctx.today))
        if task.status == TaskStatus.OPEN.value
        else saved
    )


@command(
    "เสร็จ",
    "done",
    args=TASK_NUMBER + r"(?:\s+(?P<month>\S.*))?",
    usage="เสร็จ #เลขงาน [เดือน ของงานทำซ้ำ]",
    example="เสร็จ #12",
)
def finish(ctx: Context, number: str, month: str | None = None) -> Reply:
    """(ผู้รับผิดชอบ/หัวหน้า) ปิดงานว่าเสร็จแล้ว (งานทำซ้ำ: ปิดรอบที่ค้างเก่าสุด)"""
    task = ctx.task(int(number))
    assert task.id is not None
    ctx.require_can_change(task)
    if task.status == TaskStatus.CANCELLED.value:
        return texts.already_done(task.id)
    duty = duties.progress_of(ctx.session, task)
    if duty is not None:
        return _finish_occurrence(ctx, task, duty, month)
    if month is not None:
        raise Refusal(texts.duty_not_recurring(task.id))
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


def _finish_occurrence(ctx: Context, task: Task, duty: DutyProgress, month: str | None) -> Reply:
    """Close one month of a duty: the month named, else the oldest not done."""
    assert task.id is not None
    if month is not None:
        year, number = parse_month(month)
        occurrence = duty.find(year, number)
        label = format_month(year, number, "short")
        if occurrence is None:
            raise Refusal(texts.duty_no_such_month(task.id, label))
        if occurrence.period in duty.done:
            return texts.duty_month_already_done(task.id, label)
    elif duty.current is None:
        return texts.already_done(task.id)
    else:
        occurrence = duty.current
    before = store.task_snapshot(task)
    duties.close(ctx.session, task, occurrence, ctx.sender, ctx.now)
    after = DutyProgress(duty.occurrences, duty.done | {occurrence.period})
    duties.reschedule(task, after, ctx.now)
    task.progress = after.done_count * 100 // max(after.total, 1)
    ctx.audit(
        "task.occurrence_done",
        "task",
        task.id,
        before=before,
        after=store.task_snapshot(task) | {"period": occurrence.period},
    )
    following = after.current
    answer = texts.duty_done(
        task.id,
        task.title,
        format_month(occurrence.year, occurrence.month, "short"),
        after.done_count,
        after.total,
        format_date(following.due, weekday=True) if following is not None else None,
    )
    if month is None and occurrence.due < ctx.today and following is not None:
        example = format_month(following.year, following.month, "short")
        answer += "\n" + texts.duty_other_month_hint(task.id, example)
    return answer


@command("ยืนยันเสร็จ", args=TASK_NUMBER, usage="ยืนยันเสร็จ #เลขงาน", hidden=True)
def confirm_finish(ctx: Context, number: str) -> Reply:
    """(ปุ่ม เสร็จ) ถามให้แน่ใจก่อนปิดงาน ด้วยสิทธิ์เดียวกับคำสั่ง เสร็จ"""
    task = ctx.task(int(number))
    assert task.id is not None
    ctx.require_can_change(task)
    if task.status != TaskStatus.OPEN.value:
        return texts.already_done(task.id)
    done = f"เสร็จ #{task.id}"
    month = None
    duty = duties.progress_of(ctx.session, task)
    if duty is not None:
        if duty.current is None:
            return texts.already_done(task.id)
        month = format_month(duty.current.year, duty.current.month, "short")
        done += f" {month}"  # that month, even if another is closed before the tap
    return confirm(
        texts.confirm_done(task.id, task.title, month),
        Postback(texts.BUTTON_YES_DONE, done, shows=done),
        Postback(texts.BUTTON_NOT_YET, f"ยังไม่เสร็จ #{task.id}"),
    )


@command("ยังไม่เสร็จ", args=r"(?P<rest>.*)", hidden=True)
def not_yet(ctx: Context, rest: str = "") -> Reply:
    """(ปุ่ม ยังก่อน) ไม่ปิดงาน: ไม่ต้องตอบ"""
    return None  # the question stays in the chat; nothing changed, nothing to say


@command("เปิดรายงาน", args=TASK_NUMBER, usage="เปิดรายงาน #เลขงาน", hidden=True)
def open_report(ctx: Context, number: str) -> Reply:
    """(ปุ่ม รายงาน) LINE เปิดแป้นพิมพ์พร้อม "รายงาน #N " ให้ผู้รับผิดชอบพิมพ์ต่อ"""
    task = ctx.task(int(number))
    assert task.id is not None
    if not ctx.is_owner(task):
        raise Refusal(texts.only_owner_reports(task.id))
    return None  # the keyboard opens on the phone with the command typed in; nothing to say


@command(
    "ทำซ้ำ",
    args=TASK_NUMBER + r"\s+(?P<rule>.+)",
    roles=SUPERVISORS,
    usage="ทำซ้ำ #เลขงาน <ทุกสิ้นเดือน | ทุกวันที่ N | เดือนละ 1 ครั้ง> [ถึง <วันที่>] | หยุด",
    example="ทำซ้ำ #12 ทุกสิ้นเดือน ถึง 30 ก.ย. 2570",
)
def set_repeat(ctx: Context, number: str, rule: str) -> Reply:
    """(หัวหน้า) ตั้ง เปลี่ยน หรือหยุดการทำซ้ำรายเดือนของงาน"""
    task = ctx.task(int(number))
    assert task.id is not None
    before = store.task_snapshot(task)
    duty = duties.progress_of(ctx.session, task)
    if rule.strip() in _STOP_WORDS:
        if duty is None or task.repeat_until is None:
            raise Refusal(texts.duty_not_recurring(task.id))
        task.repeat_until = min(task.repeat_until, month_span(ctx.today)[1])
        stopped = duties.progress_of(ctx.session, task, duty.done)
        assert stopped is not None
        duties.reschedule(task, stopped, ctx.now)
        ctx.audit("task.repeat", "task", task.id, before=before, after=store.task_snapshot(task))
        last = stopped.occurrences[-1] if stopped.occurrences else None
        last_label = format_month(last.year, last.month, "short") if last else "—"
        return texts.duty_stopped(task.id, last_label, stopped.total - stopped.done_count)
    repeating = _duty_rule(ctx, rule)
    if repeating is None:
        raise Refusal(texts.DUTY_KINDS_HINT)
    new_rule, until = repeating
    done = duty.done if duty is not None else frozenset()
    duties.start(task, new_rule, task.repeat_from or ctx.today, until)
    changed = duties.progress_of(ctx.session, task, done)
    if changed is None or changed.current is None:
        raise Refusal(texts.duty_no_occurrence(new_rule.describe(), format_date(until)))
    duties.reschedule(task, changed, ctx.now)
    task.period_text = rule[:500]
    ctx.audit("task.repeat", "task", task.id, before=before, after=store.task_snapshot(task))
    return texts.duty_changed(
        task.id,
        new_rule.describe(),
        format_date(until),
        format_date(changed.current.due, weekday=True),
    )


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
    if duties.rule_of(task) is not None:
        raise Refusal(texts.duty_use_repeat(task.id))
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
    changed = texts.due_changed(
        task.id, task.title, old, format_period(task.start_date or due, due)
    )
    if task.status != TaskStatus.OPEN.value:
        return changed
    return text(changed, task_buttons(task, ctx.today))


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
