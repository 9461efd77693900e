"""The group's calendar: the monthly meeting, upcoming holidays, the meeting rule, the province."""

from __future__ import annotations

from datetime import date, timedelta

from bot import store, texts
from bot.context import SUPERVISORS, Context, Refusal
from bot.router import Reply, command
from scheduler.calendar import (
    NoWorkingDayError,
    UnknownProvinceError,
    WorkCalendar,
    canonical_province,
)
from scheduler.group_calendar import calendar_for
from scheduler.recurrence import parse_recurrence
from scheduler.rules import meeting_in_range
from scheduler.thaidate import format_date


@command("ประชุม", "meeting", usage="ประชุม")
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
        calendar = calendar_for(ctx.session, group)
        when, reason = _upcoming_meeting(calendar, group.meeting_day, ctx.today)
        if not meeting_in_range(group.meeting_day, when, group.meeting_until):
            assert group.meeting_until is not None
            answers.append(texts.meeting_rule_ended(format_date(group.meeting_until), name))
            continue
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


@command("วันหยุด", "holidays", usage="วันหยุด")
def upcoming_holidays(ctx: Context) -> Reply:
    """ดูวันหยุดราชการใน 90 วันข้างหน้า (ตามจังหวัดของกลุ่ม)"""
    label = texts.calendar_label(ctx.group.province if ctx.group else None)
    found = ctx.calendar.holidays_between(ctx.today, ctx.today + timedelta(days=90))
    if not found:
        return texts.holidays_none(label)
    lines = [texts.holiday_line(format_date(day, weekday=True), name) for day, name in found]
    return texts.holidays_upcoming(label, lines)


@command(
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
    group.meeting_until = None  # set (or renewed) by a supervisor: no end
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


@command(
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
        for day, _ in calendar_for(ctx.session, None).holidays_between(year_start, year_end)
    }
    local = calendar_for(ctx.session, group).holidays_between(year_start, year_end)
    return texts.province_set(name, len([day for day, _ in local if day not in national]))
