"""The chat commands: each is one function that returns its answer; its docstring is its help."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlmodel import col, select

from bot import store
from bot.context import Context, Refusal, display_name
from bot.messages import (
    Mention,
    Message,
    TopicCard,
    escape_braces,
    status_card,
    text,
    text_with_mentions,
)
from bot.router import Reply, Router
from bot.status import TopicStatus, summarize
from models.tables import Person, ProgressReport, Role, Task, TaskKind, TaskStatus, Topic, Unit
from scheduler import texts
from scheduler.calendar import (
    NoWorkingDayError,
    UnknownProvinceError,
    WorkCalendar,
    canonical_province,
)
from scheduler.delivery_report import delivery_report
from scheduler.recurrence import parse_recurrence
from scheduler.thaidate import format_date, format_month, format_period, parse_period

router = Router()

SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
MAX_TITLE = 300
TASK_NUMBER = r"#?\s*(?P<number>[0-9]{1,9})"
QUICK_HELP = ("งานของฉัน", "สถานะ", "ประชุม", "ช่วยเหลือ")
_PERCENT = re.compile(r"(?P<percent>[0-9]{1,3})\s*(?:%|เปอร์เซ็นต์|เปอร์เซ็น)")
# Keywords count only as words of their own: "ทบทวนกำหนดการ" is a title, not a due date.
_KEYWORDS = re.compile(r"(?:^|(?<=\s))(กำหนดส่ง|กำหนด|หน่วยงาน|ประเด็นที่|ประเด็น)(?=\s|[0-9]|$)")


@router.command("ช่วยเหลือ", "วิธีใช้", "คำสั่ง", "help", args=r".*", usage="ช่วยเหลือ")
def show_help(ctx: Context) -> Reply:
    """ดูคำสั่งทั้งหมดพร้อมตัวอย่าง"""
    return help_message()


def help_message() -> Message:
    """The help list built from every visible command's docstring and example."""
    lines = [texts.help_line(command.example, command.help_line) for command in router.visible()]
    return text(texts.help_text(lines), QUICK_HELP)


@router.command(
    "เพิ่มงาน",
    "add",
    args=r"(?P<rest>.*)",
    roles=SUPERVISORS,
    group_only=True,
    usage="เพิ่มงาน <ชื่องาน> @คน กำหนด <วันที่>",
    example="เพิ่มงาน จัดทำคู่มือ @สมชาย @สมศรี กำหนด 31 มี.ค. 2567",
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
    return text_with_mentions(template, mentions, ("งานของฉัน", "สถานะ"))


@router.command("งานของฉัน", "งานฉัน", "mytasks", "my tasks", usage="งานของฉัน")
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


@router.command("สถานะ", "status", usage="สถานะ")
def status(ctx: Context) -> Reply:
    """ดูสรุปงานตามประเด็น: เสร็จ ค้าง เลยกำหนด และใครยังไม่รายงานเดือนนี้"""
    if ctx.group is not None:
        scope, group_ids = texts.STATUS_SCOPE_GROUP, ctx.visible_group_ids()
    elif ctx.role in SUPERVISORS:
        scope = texts.STATUS_SCOPE_ALL
        group_ids = [g.id for g in store.active_groups(ctx.session) if g.id is not None]
    else:
        scope, group_ids = texts.STATUS_SCOPE_MINE, ctx.visible_group_ids()
        if not group_ids:
            return texts.NOT_IN_ANY_GROUP
    tasks = [
        task
        for task in store.tasks_in_groups(ctx.session, group_ids)
        if task.kind != TaskKind.MEASURE.value
    ]
    if not tasks:
        return texts.STATUS_EMPTY
    month_label = format_month(ctx.today.year, ctx.today.month)
    topics = summarize(ctx.session, tasks, ctx.today, ctx.month, texts.STATUS_NO_TOPIC)
    cards = [_topic_card(topic, month_label) for topic in topics]
    totals = (
        sum(t.done for t in topics),
        sum(t.open for t in topics),
        sum(len(t.late) for t in topics),
    )
    return status_card(texts.status_title(scope), cards, texts.status_alt(scope, *totals))


MAX_LATE_LINES = 8


def _topic_card(topic: TopicStatus, month_label: str) -> TopicCard:
    """One topic's numbers worded for its status bubble."""
    late_lines = [
        texts.status_late_line(late.number, late.title, ", ".join(late.owners), late.days_late)
        for late in topic.late[:MAX_LATE_LINES]
    ]
    if len(topic.late) > MAX_LATE_LINES:
        late_lines.append(texts.status_more(len(topic.late) - MAX_LATE_LINES))
    return TopicCard(
        title=topic.title,
        counts=texts.status_counts(topic.done, topic.open, len(topic.late)),
        late_heading=texts.STATUS_LATE_HEADING,
        late_lines=late_lines,
        footer=texts.status_unreported(topic.unreported, month_label),
        has_late=bool(topic.late),
    )


@router.command(
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


@router.command("เสร็จ", "done", args=TASK_NUMBER, usage="เสร็จ #เลขงาน", example="เสร็จ #12")
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


@router.command(
    "เลื่อนกำหนด",
    "เลื่อน",
    args=TASK_NUMBER + r"\s*(?:เป็น|ไป)?\s*(?P<when>.+)",
    usage="เลื่อน #เลขงาน <วันที่ใหม่>",
    example="เลื่อน #12 30 เม.ย. 2567",
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


@router.command("เพิ่มคน", args=TASK_NUMBER, usage="เพิ่มคน #เลขงาน @คน", example="เพิ่มคน #12 @สมศรี")
def add_owner(ctx: Context, number: str) -> Reply:
    """(ผู้รับผิดชอบ/หัวหน้า) เพิ่มผู้รับผิดชอบงาน"""
    task = ctx.task(int(number))
    assert task.id is not None
    ctx.require_can_change(task)
    if not ctx.mentions:
        raise Refusal(texts.mention_someone(f"เพิ่มคน #{task.id} @สมศรี"))
    before = [p.line_user_id for p in store.owners_of(ctx.session, task)]
    store.set_owners(ctx.session, task, ctx.mentions)
    after = [p.line_user_id for p in store.owners_of(ctx.session, task)]
    ctx.audit("task.owners", "task", task.id, before={"owners": before}, after={"owners": after})
    mentions = [Mention(f"o{i}", person.line_user_id) for i, person in enumerate(ctx.mentions)]
    return text_with_mentions(texts.owners_added(task.id, [m.key for m in mentions]), mentions)


@router.command("ลบคน", args=TASK_NUMBER, usage="ลบคน #เลขงาน @คน", example="ลบคน #12 @สมศรี")
def remove_owner(ctx: Context, number: str) -> Reply:
    """(ผู้รับผิดชอบ/หัวหน้า) นำคนออกจากผู้รับผิดชอบงาน"""
    task = ctx.task(int(number))
    assert task.id is not None
    ctx.require_can_change(task)
    if not ctx.mentions:
        raise Refusal(texts.mention_someone(f"ลบคน #{task.id} @สมศรี"))
    owners = store.owners_of(ctx.session, task)
    owner_ids = {p.id for p in owners}
    strangers = [display_name(p) for p in ctx.mentions if p.id not in owner_ids]
    if strangers:
        raise Refusal(texts.not_an_owner(task.id, strangers))
    if len(owner_ids - {p.id for p in ctx.mentions}) == 0:
        raise Refusal(texts.last_owner(task.id))
    store.remove_owners(ctx.session, task, ctx.mentions)
    ctx.audit(
        "task.owners",
        "task",
        task.id,
        before={"owners": [p.line_user_id for p in owners]},
        after={"owners": [p.line_user_id for p in store.owners_of(ctx.session, task)]},
    )
    return texts.owners_removed(task.id, [display_name(p) for p in ctx.mentions])


@router.command("ยกเลิก", "cancel", args=TASK_NUMBER, usage="ยกเลิก #เลขงาน", example="ยกเลิก #12")
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


@router.command("เปิดใหม่", "reopen", args=TASK_NUMBER, usage="เปิดใหม่ #เลขงาน", example="เปิดใหม่ #12")
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


@router.command("ประชุม", "meeting", usage="ประชุม")
def next_meeting(ctx: Context) -> Reply:
    """ดูวันประชุมประจำเดือนครั้งถัดไป และเหตุผลถ้าเลื่อน"""
    groups = [ctx.group] if ctx.group is not None else store.groups_of(ctx.session, ctx.sender)
    if not groups:
        return texts.NOT_IN_ANY_GROUP
    answers = []
    for group in groups:
        name = None if ctx.group is not None else (group.name or None)
        if group.meeting_day is None:
            answers.append(texts.meeting_not_set(name))
            continue
        calendar = store.calendar_for(ctx.session, group)
        when, reason = _upcoming_meeting(calendar, group.meeting_day, ctx.today)
        answers.append(
            texts.meeting_next(
                format_date(when, "long", weekday=True), group.meeting_time, reason, name
            )
        )
    return "\n\n".join(answers)


def _upcoming_meeting(calendar: WorkCalendar, day: int, today: date) -> tuple[date, str | None]:
    """The first meeting on or after today (this month's, else the next month with one)."""
    year, month = today.year, today.month
    for _ in range(13):
        try:
            when = calendar.meeting_date(year, month, day)
        except NoWorkingDayError:
            when = None
        if when is not None and when >= today:
            return when, calendar.meeting_shift_reason(year, month, day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("no meeting day in a whole year")


@router.command("วันหยุด", "holidays", usage="วันหยุด")
def upcoming_holidays(ctx: Context) -> Reply:
    """ดูวันหยุดราชการใน 90 วันข้างหน้า (ตามจังหวัดของกลุ่ม)"""
    label = texts.calendar_label(ctx.group.province if ctx.group else None)
    found = ctx.calendar.holidays_between(ctx.today, ctx.today + timedelta(days=90))
    if not found:
        return texts.holidays_none(label)
    lines = [texts.holiday_line(format_date(day, weekday=True), name) for day, name in found]
    return texts.holidays_upcoming(label, lines)


@router.command(
    "ตั้งหัวหน้า", args=r".*", roles=(Role.ADMIN,), usage="ตั้งหัวหน้า @คน", example="ตั้งหัวหน้า @สมศักดิ์"
)
def make_supervisor(ctx: Context) -> Reply:
    """(ผู้ดูแลระบบ) ตั้งคนที่แท็กเป็นหัวหน้า"""
    if not ctx.mentions:
        raise Refusal(texts.mention_someone("ตั้งหัวหน้า @สมศักดิ์"))
    promoted: list[Person] = []
    for person in ctx.mentions:
        if (
            person.role != Role.SUPERVISOR.value
            and person.line_user_id not in ctx.settings.admin_ids
        ):
            ctx.audit(
                "person.role",
                "person",
                person.line_user_id,
                before={"role": person.role},
                after={"role": Role.SUPERVISOR.value},
            )
            person.role = Role.SUPERVISOR.value
        promoted.append(person)
    mentions = [Mention(f"p{i}", person.line_user_id) for i, person in enumerate(promoted)]
    return text_with_mentions(texts.supervisors_set([m.key for m in mentions]), mentions)


@router.command(
    "ยกเลิกหัวหน้า",
    args=r".*",
    roles=(Role.ADMIN,),
    usage="ยกเลิกหัวหน้า @คน",
    example="ยกเลิกหัวหน้า @สมศักดิ์",
)
def remove_supervisor(ctx: Context) -> Reply:
    """(ผู้ดูแลระบบ) ให้หัวหน้าที่แท็กกลับเป็นเจ้าหน้าที่"""
    if not ctx.mentions:
        raise Refusal(texts.mention_someone("ยกเลิกหัวหน้า @สมศักดิ์"))
    admins = [display_name(p) for p in ctx.mentions if p.line_user_id in ctx.settings.admin_ids]
    if admins:
        raise Refusal(texts.admin_role_fixed(admins))
    for person in ctx.mentions:
        if person.role != Role.OFFICER.value:
            ctx.audit(
                "person.role",
                "person",
                person.line_user_id,
                before={"role": person.role},
                after={"role": Role.OFFICER.value},
            )
            person.role = Role.OFFICER.value
    return texts.supervisors_unset([display_name(p) for p in ctx.mentions])


@router.command(
    "ตั้งประชุม",
    args=r"(?P<rule>.+)",
    roles=SUPERVISORS,
    group_only=True,
    usage="ตั้งประชุม ทุกวันที่ <วัน> เวลา <เวลา> | ตั้งประชุม ปิด",
    example="ตั้งประชุม ทุกวันที่ 15 เวลา 09:30",
)
def set_meeting(ctx: Context, rule: str) -> Reply:
    """(หัวหน้า) ตั้งวันประชุมประจำเดือนของกลุ่ม (ตรงวันหยุดเลื่อนเป็นวันทำการถัดไป)"""
    group = ctx.group
    assert group is not None
    before = {"meeting_day": group.meeting_day, "meeting_time": group.meeting_time}
    if rule.strip() in {"ปิด", "off", "ยกเลิก"}:
        group.meeting_day = None
        ctx.audit(
            "group.meeting",
            "group",
            group.line_group_id,
            before=before,
            after={"meeting_day": None},
        )
        return texts.meeting_rule_off()
    recurrence = parse_recurrence(rule)
    if recurrence.kind != "monthly" or recurrence.day is None:
        raise Refusal(texts.meeting_rule_needs_day())
    group.meeting_day = recurrence.day
    group.meeting_time = recurrence.at.strftime("%H:%M") if recurrence.at else group.meeting_time
    ctx.audit(
        "group.meeting",
        "group",
        group.line_group_id,
        before=before,
        after={"meeting_day": group.meeting_day, "meeting_time": group.meeting_time},
    )
    when, _ = _upcoming_meeting(ctx.calendar, recurrence.day, ctx.today)
    next_label = texts.at_clock(format_date(when, "long", weekday=True), group.meeting_time)
    return texts.meeting_rule_set(recurrence.describe(), next_label)


@router.command(
    "ตั้งจังหวัด",
    args=r"(?P<province>.+)",
    roles=SUPERVISORS,
    group_only=True,
    usage="ตั้งจังหวัด <ชื่อจังหวัด>",
    example="ตั้งจังหวัด ยะลา",
)
def set_province(ctx: Context, province: str) -> Reply:
    """(หัวหน้า) เลือกจังหวัดที่กลุ่มใช้ปฏิทินวันหยุด (เช่น ยะลา มีวันหยุดเพิ่ม)"""
    group = ctx.group
    assert group is not None
    try:
        name = canonical_province(province)
    except UnknownProvinceError as error:
        raise Refusal(str(error)) from None
    ctx.audit(
        "group.province",
        "group",
        group.line_group_id,
        before={"province": group.province},
        after={"province": name},
    )
    group.province = name
    year_start, year_end = date(ctx.today.year, 1, 1), date(ctx.today.year, 12, 31)
    national = {
        day
        for day, _ in store.calendar_for(ctx.session, None).holidays_between(year_start, year_end)
    }
    local = store.calendar_for(ctx.session, group).holidays_between(year_start, year_end)
    return texts.province_set(name, len([day for day, _ in local if day not in national]))


@router.command("สถานะการส่ง", "deliveries", roles=(Role.ADMIN,), usage="สถานะการส่ง")
def delivery_status(ctx: Context) -> Reply:
    """(ผู้ดูแลระบบ) ดูผลการส่งแจ้งเตือน 30 วันล่าสุด และโควตาข้อความของเดือนนี้"""
    return delivery_report(
        ctx.session,
        ctx.now,
        ctx.quota_used(),
        tz=ctx.settings.timezone,
        grace_hours=ctx.settings.delivery_grace_hours,
    )


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


from bot import plan_handlers  # noqa: E402,F401  (registers the plan commands)
