"""Calendar upkeep in chat: announced days off and declared working days, by who hears first.

An administrator records a day for the whole deployment or a province; a group's supervisor
for the group alone. Every group's meeting date and reminders follow at once (calendars are
built from the stored days whenever they are used), and each group for which the day moves
something — its meeting, its month-end report day, a deadline on that day — is told once.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, distinct
from sqlmodel import col, func, select

from bot import duties, texts
from bot.context import SUPERVISORS, Context, Refusal
from bot.router import Reply, command
from models.tables import (
    ChatGroup,
    Delivery,
    HolidayOverride,
    OverrideKind,
    Role,
    Task,
    TaskStatus,
)
from scheduler.calendar import (
    UnknownProvinceError,
    WorkCalendar,
    canonical_province,
    month_span,
)
from scheduler.group_calendar import CalendarChange, calendar_where, changes_for, province_of
from scheduler.messages import text
from scheduler.planner import retry_key_for
from scheduler.shared_tasks import SHARED_GROUP, join_shared
from scheduler.thaidate import ThaiDateError, format_date, parse_date

NOTICE_KIND = "calendar_notice"  # the outbox kind of the groups' notices
_ALL_WORDS = ("ทั้งประเทศ", "ทั่วประเทศ")
_GROUP_WORDS = ("เฉพาะกลุ่มนี้", "กลุ่มนี้")
_PROVINCE = re.compile(r"(?:^|\s)จังหวัด\s*(?P<name>\S+)\s*$")
_MOST_DATE_WORDS = 4  # "2 ม.ค. 2569" is three words; "วันที่ 2 ม.ค. 2569" four


@dataclass(frozen=True)
class Where:
    """Where a recorded day applies: everywhere, one province, or one group."""

    scope: str  # holiday_override.scope: "all", "province:ยะลา", "group:C…"
    province: str | None = None
    group: ChatGroup | None = None

    @property
    def label(self) -> str:
        """The scope in Thai words."""
        return texts.calendar_scope_label(self.province, self.group is not None)


_USAGE_SCOPE = "[ทั้งประเทศ|จังหวัด<ชื่อ>|เฉพาะกลุ่มนี้]"


@command(
    "เพิ่มวันหยุด",
    args=r"(?P<said>.+)",
    roles=SUPERVISORS,
    usage=f"เพิ่มวันหยุด <วันที่> <ชื่อวันหรือเหตุผล> {_USAGE_SCOPE}",
    example="เพิ่มวันหยุด 2 ม.ค. 2569 วันหยุดพิเศษ (มติ ครม.)",
)
def add_holiday(ctx: Context, said: str) -> Reply:
    """(ผู้ดูแล) บันทึกวันหยุดที่ประกาศใหม่ ทั้งประเทศ/จังหวัด (หัวหน้า: เฉพาะกลุ่มนี้)"""
    day, reason, where = _read(ctx, said)
    calendar = _calendar(ctx, where, day)
    if not calendar.is_working_day(day) and calendar.holiday_name(day):
        raise Refusal(texts.calendar_already_holiday(_when(day), calendar.holiday_name(day) or ""))
    return _record(ctx, day, where, OverrideKind.HOLIDAY, reason)


@command(
    "วันทำงานพิเศษ",
    args=r"(?P<said>.+)",
    roles=SUPERVISORS,
    usage=f"วันทำงานพิเศษ <วันที่> <เหตุผล> {_USAGE_SCOPE}",
    example="วันทำงานพิเศษ 27 ธ.ค. 2568 ทำงานชดเชยวันหยุดพิเศษ",
)
def add_working_day(ctx: Context, said: str) -> Reply:
    """(ผู้ดูแล) บันทึกวันเสาร์/อาทิตย์/วันหยุดที่ประกาศให้เป็นวันทำการ"""
    day, reason, where = _read(ctx, said)
    if _calendar(ctx, where, day).is_working_day(day):
        raise Refusal(texts.calendar_already_working(_when(day)))
    return _record(ctx, day, where, OverrideKind.WORKING_DAY, reason)


@command(
    "ลบวันหยุด",
    args=r"(?P<said>.+)",
    roles=SUPERVISORS,
    usage=f"ลบวันหยุด <วันที่> {_USAGE_SCOPE}",
    example="ลบวันหยุด 2 มิ.ย. 2569",
)
def remove_holiday(ctx: Context, said: str) -> Reply:
    """(ผู้ดูแล) ลบวันหยุดที่บันทึกไว้ หรือวันหยุดที่ประกาศแล้วถูกยกเลิก ให้กลับเป็นวันทำการ"""
    day, _, where = _read(ctx, said, reason_needed=False)
    stored = _stored(ctx, day, where)
    calendar = _calendar(ctx, where, day)
    if stored is not None and stored.kind == OverrideKind.HOLIDAY.value:
        return _record(ctx, day, where, None, stored.name)
    name = calendar.holiday_name(day)
    if calendar.is_working_day(day) or not name:
        raise Refusal(texts.calendar_not_a_holiday(_when(day), where.label))
    # A holiday of the government calendar that was announced and then withdrawn.
    withdrawn = texts.calendar_withdrawn_name(name)
    return _record(ctx, day, where, OverrideKind.WORKING_DAY, withdrawn, undone=True)


@command(
    "ลบวันทำงานพิเศษ",
    args=r"(?P<said>.+)",
    roles=SUPERVISORS,
    usage=f"ลบวันทำงานพิเศษ <วันที่> {_USAGE_SCOPE}",
    example="ลบวันทำงานพิเศษ 27 ธ.ค. 2568",
)
def remove_working_day(ctx: Context, said: str) -> Reply:
    """(ผู้ดูแล) ยกเลิกวันทำงานพิเศษที่บันทึกไว้ ให้กลับเป็นวันหยุด"""
    day, _, where = _read(ctx, said, reason_needed=False)
    stored = _stored(ctx, day, where)
    if stored is None or stored.kind != OverrideKind.WORKING_DAY.value:
        raise Refusal(texts.calendar_no_working_day(_when(day), where.label))
    return _record(ctx, day, where, None, stored.name)


def _read(ctx: Context, said: str, *, reason_needed: bool = True) -> tuple[date, str, Where]:
    """The day, the reason and the scope of `said`; a Thai refusal that shows what to type."""
    words = said.split()
    for take in range(min(_MOST_DATE_WORDS, len(words)), 0, -1):
        try:
            day = parse_date(" ".join(words[:take]), today=ctx.today)
        except ThaiDateError:
            continue
        reason, where = _where(ctx, " ".join(words[take:]))
        if reason_needed and not reason:
            raise Refusal(texts.CALENDAR_REASON_NEEDED)
        if where.group is None and ctx.role != Role.ADMIN:
            raise Refusal(texts.calendar_needs_admin(where.label))
        return day, reason, where
    raise Refusal(texts.CALENDAR_DAY_NEEDED)


def _where(ctx: Context, rest: str) -> tuple[str, Where]:
    """Split the scope words off the end of `rest`: (reason, where). No words: everywhere."""
    for word in _GROUP_WORDS:
        if rest.endswith(word):
            if ctx.group is None:
                raise Refusal(texts.CALENDAR_GROUP_SCOPE_IN_GROUP)
            scope = f"group:{ctx.group.line_group_id}"
            return rest.removesuffix(word).strip(), Where(scope, group=ctx.group)
    for word in _ALL_WORDS:
        if rest.endswith(word):
            return rest.removesuffix(word).strip(), Where("all")
    found = _PROVINCE.search(rest)
    if found:
        try:
            province = canonical_province(found["name"])
        except UnknownProvinceError as error:
            raise Refusal(str(error)) from None
        return rest[: found.start()].strip(), Where(f"province:{province}", province=province)
    return rest.strip(), Where("all")


def _calendar(ctx: Context, where: Where, day: date) -> WorkCalendar:
    """The scope's own calendar (a province's without any group's days), right for `day`."""
    rows = ctx.session.exec(select(HolidayOverride).where(HolidayOverride.day == day)).all()
    line_group_id = where.group.line_group_id if where.group is not None else None
    province = province_of(where.group) if where.group is not None else where.province
    return calendar_where(province, line_group_id, rows)


def _stored(ctx: Context, day: date, where: Where) -> HolidayOverride | None:
    """The day already recorded for exactly this scope, if any."""
    return ctx.session.exec(
        select(HolidayOverride).where(
            HolidayOverride.day == day, HolidayOverride.scope == where.scope
        )
    ).first()


def _record(
    ctx: Context,
    day: date,
    where: Where,
    kind: OverrideKind | None,
    reason: str,
    *,
    undone: bool = False,
) -> Reply:
    """Store (kind) or delete (None) the scope's entry for `day`; tell the groups it moves."""
    before = _month_overrides(ctx, day)
    stored = _stored(ctx, day, where)
    was = None if stored is None else {"kind": stored.kind, "name": stored.name}
    if kind is None:
        if stored is not None:
            ctx.session.delete(stored)
    elif stored is None:
        ctx.session.add(
            HolidayOverride(
                day=day,
                name=reason,
                kind=kind.value,
                scope=where.scope,
                created_by_id=ctx.sender.id,
            )
        )
    else:
        stored.kind, stored.name = kind.value, reason
    ctx.session.flush()
    after = _month_overrides(ctx, day)
    now_is = None if kind is None else {"kind": kind.value, "name": reason}
    ctx.audit("calendar.day", "holiday_override", f"{where.scope}:{day}", before=was, after=now_is)
    # Deleting a declared working day gives the day off back; deleting a day off, the work.
    removed_working = kind is None and was is not None and was["kind"] == OverrideKind.WORKING_DAY
    holiday = kind == OverrideKind.HOLIDAY or removed_working
    if kind is not None:
        notice_reason = reason
    elif removed_working:
        notice_reason = texts.calendar_working_day_withdrawn_name(reason)
    else:
        notice_reason = texts.calendar_withdrawn_name(reason)
    groups = _groups_in(ctx, where)
    _reschedule_duties(ctx, day, groups)
    told = _tell(ctx, day, where, groups, before, after, holiday, notice_reason)
    if removed_working:
        return texts.calendar_working_day_removed(_when(day), where.label, told)
    return texts.calendar_recorded(
        _when(day), holiday, reason, where.label, told, undone=undone or kind is None
    )


def _month_overrides(ctx: Context, day: date) -> list[HolidayOverride]:
    """Copies of every stored day in `day`'s month (copies: the rows may change next)."""
    first, last = month_span(day)
    rows = ctx.session.exec(
        select(HolidayOverride).where(
            col(HolidayOverride.day) >= first, col(HolidayOverride.day) <= last
        )
    ).all()
    return [
        HolidayOverride(day=row.day, name=row.name, kind=row.kind, scope=row.scope) for row in rows
    ]


def _reschedule_duties(ctx: Context, day: date, groups: list[ChatGroup]) -> None:
    """Monthly duties due in the day's month follow the new calendar (a month end may move)."""
    first, last = month_span(day)
    group_ids = [group.id for group in groups if group.id is not None]
    if not group_ids:
        return
    recurring = ctx.session.exec(
        select(Task).where(
            col(Task.group_id).in_(group_ids),
            col(Task.repeat_until).is_not(None),
            Task.status == TaskStatus.OPEN.value,
            col(Task.due_date) >= first,
            col(Task.due_date) <= last,
        )
    ).all()
    for task in recurring:
        duty = duties.progress_of(ctx.session, task)
        if duty is not None:
            duties.reschedule(task, duty, ctx.now)


def _tell(
    ctx: Context,
    day: date,
    where: Where,
    groups: list[ChatGroup],
    before: list[HolidayOverride],
    after: list[HolidayOverride],
    holiday: bool,
    reason: str,
) -> int:
    """Queue one notice for each group in scope the day moves something for; how many."""
    deadlines = _deadlines_on(ctx, day, where)
    change_id = uuid.uuid4().hex
    told = 0
    for change in changes_for(groups, day, before, after, deadlines):
        notice = _notice(ctx, change, day, holiday, reason)
        if notice is None:
            continue
        # One notice per change: a day recorded and removed within a second is two changes.
        key = f"{NOTICE_KIND}:{day.isoformat()}:{change.group.line_group_id}:{change_id}"
        ctx.session.add(
            Delivery(
                kind=NOTICE_KIND,
                target=change.group.line_group_id,
                occurrence_key=key,
                payload={"messages": [text(notice)]},
                due_at=ctx.now,
                retry_key=retry_key_for(key),
            )
        )
        told += 1
    return told


def _notice(
    ctx: Context, change: CalendarChange, day: date, holiday: bool, reason: str
) -> str | None:
    """The group's notice, or None when nothing still ahead moves for it."""
    today = ctx.today
    meeting = None
    meetings = [d for d in (change.meeting_before, change.meeting_after) if d is not None]
    if change.meeting_moved and max(meetings) >= today:
        meeting = (_short(change.meeting_before), _short(change.meeting_after))
    month_end = None
    if change.month_end_moved and max(change.month_end_before, change.month_end_after) >= today:
        month_end = (_short(change.month_end_before), _short(change.month_end_after))
    deadlines = change.deadlines if day >= today else 0
    if meeting is None and month_end is None and not deadlines:
        return None
    return texts.calendar_notice(
        _when(day), holiday, reason, meeting, change.group.meeting_time, month_end, deadlines
    )


def _groups_in(ctx: Context, where: Where) -> list[ChatGroup]:
    """The active groups the scope covers."""
    if where.group is not None:
        return [where.group]
    groups = ctx.session.exec(
        select(ChatGroup).where(col(ChatGroup.active), col(ChatGroup.left_at).is_(None))
    ).all()
    if where.province is None:
        return list(groups)
    return [group for group in groups if province_of(group) == where.province]


def _deadlines_on(ctx: Context, day: date, where: Where) -> dict[int, int]:
    """Open tasks due on `day`, counted per group (a plan item shared in counts there too)."""
    due = and_(col(Task.due_date) == day, col(Task.status) == TaskStatus.OPEN.value)
    statement = select(Task.group_id, func.count()).where(due).group_by(col(Task.group_id))
    if where.group is not None:
        statement = statement.where(Task.group_id == where.group.id)
    counts = {group_id: count for group_id, count in ctx.session.exec(statement) if group_id}
    in_groups = None if where.group is None else [where.group.id or 0]
    shared = join_shared(select(SHARED_GROUP, func.count(distinct(col(Task.id)))), in_groups)
    for group_id, count in ctx.session.exec(shared.where(due).group_by(SHARED_GROUP)):
        if group_id:
            counts[group_id] = counts.get(group_id, 0) + count
    return counts


def _when(day: date) -> str:
    """A day as the notices write it: "วันศุกร์ที่ 2 ม.ค. 2569"."""
    return format_date(day, weekday=True)


def _short(day: date | None) -> str:
    """A day in short form, or a dash."""
    return format_date(day) if day is not None else "—"
