"""Turn groups, tasks, meeting rules and the calendar into outbox rows: one digest per group-day."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel, col

from models.tables import (
    ChatGroup,
    Delivery,
    DeliveryStatus,
    GroupMember,
    HolidayOverride,
    Person,
    ProgressReport,
    Role,
    Task,
    TaskKind,
    TaskOwner,
    TaskStatus,
)
from scheduler import texts
from scheduler.calendar import NoWorkingDayError, WorkCalendar
from scheduler.digest import Line, Section, Tagged, build_messages
from scheduler.group_calendar import calendar_of
from scheduler.thaidate import format_date, format_month, weekday_name

log = logging.getLogger(__name__)

DIGEST_KIND = "reminder_digest"
DEFAULT_REMINDER_TIME = time(8, 30)
TITLE_LIMIT = 80  # characters of a task title shown in a digest; the full title is in สถานะ
_RETRY_KEY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "tidtam:delivery")
_ONE_DAY = timedelta(days=1)
DELIVERY: Table = SQLModel.metadata.tables["delivery"]
SYSTEM_STATE: Table = SQLModel.metadata.tables["system_state"]


def retry_key_for(occurrence_key: str) -> str:
    """The X-Line-Retry-Key of a delivery: the same for every attempt, across processes."""
    return str(uuid.uuid5(_RETRY_KEY_NAMESPACE, occurrence_key))


def digest_key(line_group_id: str, day: date) -> str:
    """The occurrence key of a group's reminder digest of one working day."""
    return f"{DIGEST_KIND}:{line_group_id}:{day.isoformat()}"


@dataclass(frozen=True)
class Member:
    """A person as a digest mentions or names them."""

    line_user_id: str
    display_name: str


@dataclass(frozen=True)
class TaskFacts:
    """What the rules need to know about one task of a group."""

    id: int
    title: str
    is_open: bool
    created_on: date
    start_date: date | None = None
    due_date: date | None = None
    done_on: date | None = None
    owners: tuple[Member, ...] = ()
    reported_months: frozenset[str] = frozenset()  # "YYYY-MM" with a progress report


@dataclass(frozen=True)
class MissedFacts:
    """A missed delivery not yet listed in a supervisor summary."""

    occurrence_key: str
    due_at: datetime
    summary: str


@dataclass(frozen=True)
class GroupFacts:
    """A snapshot of one active group: its calendar, settings, tasks and supervisors."""

    line_group_id: str
    calendar: WorkCalendar
    reminder_time: time = DEFAULT_REMINDER_TIME
    meeting_day: int | None = None
    meeting_time: str = "09:30"
    tasks: tuple[TaskFacts, ...] = ()
    supervisors: tuple[Member, ...] = ()
    missed: tuple[MissedFacts, ...] = ()


@dataclass(frozen=True)
class PlannedDigest:
    """One push to one group at one instant, ready for the outbox."""

    occurrence_key: str
    target: str
    due_at: datetime
    items: tuple[str, ...]
    summary: str
    messages: list[dict[str, Any]]
    noticed: tuple[str, ...] = ()  # missed deliveries this digest lists


@dataclass
class PlanResult:
    """What one planning pass put in the outbox."""

    planned: int = 0
    missed: int = 0
    duplicates: int = 0
    keys: list[str] = field(default_factory=list)


# --- The rules (pure) ----------------------------------------------------------------


def reminder_instants(
    group: GroupFacts, since: datetime, until: datetime, tz: tzinfo
) -> Iterator[tuple[date, datetime]]:
    """(working day, instant) of the group's reminder times in the window (since, until]."""
    day, last = since.astimezone(tz).date(), until.astimezone(tz).date()
    while day <= last:
        instant = datetime.combine(day, group.reminder_time, tzinfo=tz)
        if since < instant <= until and group.calendar.is_working_day(day):
            yield day, instant
        day += _ONE_DAY


def deadline_days(calendar: WorkCalendar, due: date) -> frozenset[date]:
    """The days a deadline is announced: 7 days before, 1 working day before, on the day.

    A reminder day that is not a working day moves to the working day before it, so a task due
    on a Saturday is announced once on Friday (both "1 working day before" and "on the day").
    """

    def on_or_before(day: date) -> date:
        """The day itself if working, else the working day before it."""
        return day if calendar.is_working_day(day) else calendar.previous_working_day(day)

    return frozenset(
        {on_or_before(due - 7 * _ONE_DAY), calendar.previous_working_day(due), on_or_before(due)}
    )


def is_first_working_day_of_week(calendar: WorkCalendar, day: date) -> bool:
    """True for the week's first working day (Monday, or Tuesday after a Monday holiday, …)."""
    return calendar.is_working_day(day) and not any(
        calendar.is_working_day(day - k * _ONE_DAY) for k in range(1, day.weekday() + 1)
    )


def _month_key(day: date) -> str:
    """ "2024-06": the ProgressReport.month of the day's month."""
    return f"{day.year:04d}-{day.month:02d}"


def _short(title: str) -> str:
    """A title cut to TITLE_LIMIT characters."""
    title = " ".join(title.split())
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"


def _day_label(day: date) -> str:
    """ "วันจันทร์ที่ 17 มิ.ย. 2567"."""
    return f"{weekday_name(day.weekday())}ที่ {format_date(day)}"


def _mentions(people: Iterable[Member]) -> list[Tagged | str]:
    """Mentions, each after a space."""
    segments: list[Tagged | str] = []
    for person in people:
        segments += [" ", Tagged(person.line_user_id)]
    return segments


def _addressed(people: Sequence[Member], text: str) -> Line:
    """A heading addressed to people: "@a @b text" (just the text when nobody)."""
    if not people:
        return (text,)
    return (*_mentions(people)[1:], " ", text)


def _meeting_lines(group: GroupFacts, day: date) -> tuple[list[Line], list[str]]:
    """Lines and item keys for a meeting on this day or the next working day."""
    if group.meeting_day is None:
        return [], []
    calendar = group.calendar
    lines: list[Line] = []
    items: list[str] = []
    next_month = (day.replace(day=1) + 32 * _ONE_DAY).replace(day=1)
    for year, month in ((day.year, day.month), (next_month.year, next_month.month)):
        try:
            meeting = calendar.meeting_date(year, month, group.meeting_day)
        except NoWorkingDayError:
            continue  # no working day left for the meeting that month: nothing to announce
        if day == meeting:
            lines.append((texts.meeting_today(_day_label(meeting), group.meeting_time),))
            items.append(f"meeting:{meeting.isoformat()}")
        elif day == calendar.previous_working_day(meeting):
            lines.append((texts.meeting_eve(_day_label(meeting), group.meeting_time),))
            items.append(f"meeting-eve:{meeting.isoformat()}")
        else:
            continue
        usual = meeting.replace(day=min(group.meeting_day, _month_end(meeting).day))
        if usual != meeting:
            also = [
                texts.falls_on(format_date(skipped), name)
                for skipped, name in calendar.holidays_between(usual + _ONE_DAY, meeting - _ONE_DAY)
            ]
            why = calendar.holiday_name(usual) or ""
            lines.append((texts.meeting_moved(format_date(usual), why, also),))
    return lines, items


def _month_end(day: date) -> date:
    """The last day of the day's month."""
    return (day.replace(day=1) + 32 * _ONE_DAY).replace(day=1) - _ONE_DAY


def _task_line(task: TaskFacts, detail: str, mention_owners: bool, suffix: str = "") -> Line:
    """ "• #12 title — detail @owner @owner suffix"."""
    owners: list[Tagged | str] = _mentions(task.owners) if mention_owners else []
    return (texts.task_line(task.id, _short(task.title)), detail, *owners, suffix)


def plan_day(
    group: GroupFacts, day: date, due_at: datetime, missed: Sequence[MissedFacts] = ()
) -> PlannedDigest | None:
    """Everything due for the group on one working day, as one digest (None if nothing is)."""
    calendar = group.calendar
    tz = due_at.tzinfo
    assert tz is not None
    sections: list[Section] = [[(texts.digest_heading(_day_label(day)),)]]
    items: list[str] = []
    parts: list[str] = []
    noticed: tuple[str, ...] = ()

    meeting_lines, meeting_items = _meeting_lines(group, day)
    if meeting_lines:
        sections.append(meeting_lines)
        items += meeting_items
        parts.append(texts.summary_part_meeting())

    month_end = day == calendar.last_working_day(day.year, day.month)
    open_tasks = [task for task in group.tasks if task.is_open]
    asked = {
        task.id
        for task in open_tasks
        if month_end
        and task.owners
        and task.created_on <= day
        and (task.start_date is None or task.start_date <= day)
        and _month_key(day) not in task.reported_months
    }
    also_report = texts.report_also()

    near = sorted(
        (task for task in open_tasks if task.due_date is not None and task.due_date >= day),
        key=lambda task: (task.due_date, task.id),
    )
    near = [
        task for task in near if task.due_date and day in deadline_days(calendar, task.due_date)
    ]
    if near:
        lines: list[Line] = [(texts.deadlines_heading(),)]
        for task in near:
            assert task.due_date is not None
            detail = texts.due_detail(format_date(task.due_date), (task.due_date - day).days)
            suffix = also_report if task.id in asked else ""
            lines.append(_task_line(task, detail, True, suffix))
            items.append(f"deadline:{task.id}:{task.due_date.isoformat()}")
        sections.append(lines)
        parts.append(texts.summary_part_deadlines(len(near)))

    overdue: list[TaskFacts] = []
    if is_first_working_day_of_week(calendar, day):
        overdue = sorted(
            (task for task in open_tasks if task.due_date is not None and task.due_date < day),
            key=lambda task: (task.due_date, task.id),
        )
    if overdue:
        lines = [_addressed(group.supervisors, texts.overdue_heading(len(overdue)))]
        for task in overdue:
            assert task.due_date is not None
            detail = texts.overdue_detail(format_date(task.due_date), (day - task.due_date).days)
            suffix = also_report if task.id in asked else ""
            lines.append(_task_line(task, detail, True, suffix))
            items.append(f"overdue:{task.id}")
        sections.append(lines)
        parts.append(texts.summary_part_overdue(len(overdue)))

    listed = {task.id for task in (*near, *overdue)}
    ask = [task for task in open_tasks if task.id in asked and task.id not in listed]
    if asked:
        lines = [(texts.month_end_heading(format_month(day.year, day.month)),)]
        lines += [_task_line(task, texts.owners_detail(), True) for task in ask]
        sections.append(lines)
        items.append(f"month-end:{_month_key(day)}")
        parts.append(texts.summary_part_month_end())

    month_start = day == calendar.first_working_day(day.year, day.month)
    summary_lines = _summary_lines(group, day) if month_start else []
    if summary_lines:
        sections.append(summary_lines)
        items.append(f"summary:{_month_key(day.replace(day=1) - _ONE_DAY)}")
        parts.append(texts.summary_part_summary())
    # Missed reminders go to supervisors with the next summary or overdue escalation; on the
    # first working day they go even when there is nothing else to summarise.
    if missed and (month_start or overdue):
        addressed = bool(summary_lines or overdue)
        sections.append(_missed_lines(missed, () if addressed else group.supervisors, tz))
        noticed = tuple(entry.occurrence_key for entry in missed)
        parts.append(texts.summary_part_missed(len(missed)))

    if not items and not noticed:
        return None
    return PlannedDigest(
        occurrence_key=digest_key(group.line_group_id, day),
        target=group.line_group_id,
        due_at=due_at,
        items=tuple(items),
        summary=texts.digest_summary(parts),
        messages=build_messages(sections),
        noticed=noticed,
    )


def _summary_lines(group: GroupFacts, day: date) -> list[Line]:
    """Last month's reports for supervisors: who reported and who did not."""
    last_day = day.replace(day=1) - _ONE_DAY
    first_day = last_day.replace(day=1)
    month = _month_key(last_day)
    expected = [
        task
        for task in group.tasks
        if task.created_on <= last_day
        and (task.start_date is None or task.start_date <= last_day)
        and (task.is_open or (task.done_on is not None and task.done_on >= first_day))
    ]
    if not expected:
        return []
    reported = [task for task in expected if month in task.reported_months]
    missing = [task for task in expected if month not in task.reported_months]
    label = format_month(last_day.year, last_day.month)
    lines: list[Line] = [
        _addressed(group.supervisors, texts.summary_heading(label, len(reported), len(missing)))
    ]
    for heading, tasks in (
        (texts.summary_reported(), reported),
        (texts.summary_missing(), missing),
    ):
        if tasks:
            lines.append((heading,))
            lines += [
                (
                    texts.task_line(task.id, _short(task.title)),
                    texts.summary_owners([owner.display_name for owner in task.owners]),
                )
                for task in tasks
            ]
    return lines


def _missed_lines(
    missed: Sequence[MissedFacts], mention: Sequence[Member], tz: tzinfo
) -> list[Line]:
    """The list of skipped reminders, oldest first, after mentioning `mention`."""
    lines: list[Line] = [_addressed(mention, texts.missed_heading(len(missed)))]
    for entry in sorted(missed, key=lambda entry: entry.due_at):
        local = entry.due_at.astimezone(tz)
        when = texts.time_label(format_date(local.date()), local.strftime("%H:%M"))
        lines.append((texts.missed_line(when, entry.summary),))
    return lines


def plan_group(
    group: GroupFacts, since: datetime, until: datetime, cutoff: datetime, tz: tzinfo
) -> list[tuple[PlannedDigest, bool]]:
    """The group's digests due in (since, until], each with True when older than `cutoff`.

    A missed digest is never sent, so it does not count as having told anyone about earlier
    missed ones; the next digest that will be sent lists them all.
    """
    missed = list(group.missed)
    planned: list[tuple[PlannedDigest, bool]] = []
    for day, instant in reminder_instants(group, since, until, tz):
        too_old = instant < cutoff
        digest = plan_day(group, day, instant, () if too_old else missed)
        if digest is None:
            continue
        planned.append((digest, too_old))
        if too_old:
            missed.append(MissedFacts(digest.occurrence_key, instant, digest.summary))
        elif digest.noticed:
            missed = [entry for entry in missed if entry.occurrence_key not in digest.noticed]
    return planned


# --- The edges: read a snapshot, write the outbox -------------------------------------


def _clock_time(text: str, fallback: time) -> time:
    """ "08:30" as a time; a malformed stored value falls back (and is logged)."""
    try:
        hour, minute = (int(part) for part in text.split(":"))
        return time(hour, minute)
    except ValueError:
        log.warning("ignoring malformed clock time %r; using %s", text, fallback)
        return fallback


def load_groups(session: Session, tz: tzinfo, since: datetime, until: datetime) -> list[GroupFacts]:
    """A snapshot of the active groups with a reminder time in (since, until].

    Most minute ticks have no reminder time in their window; they stop after two small queries.
    """
    overrides = list(session.scalars(select(HolidayOverride)))
    due: list[tuple[ChatGroup, GroupFacts]] = []
    for group in session.scalars(
        select(ChatGroup).where(col(ChatGroup.active)).order_by(col(ChatGroup.id))
    ):
        bare = GroupFacts(
            line_group_id=group.line_group_id,
            calendar=calendar_of(group, overrides),
            reminder_time=_clock_time(group.reminder_time, DEFAULT_REMINDER_TIME),
            meeting_day=group.meeting_day,
            meeting_time=group.meeting_time,
        )
        if next(reminder_instants(bare, since, until, tz), None) is not None:
            due.append((group, bare))
    if not due:
        return []
    groups = [group for group, _ in due]
    group_ids = [group.id for group in groups]

    tasks = list(
        session.scalars(
            select(Task).where(
                col(Task.group_id).in_(group_ids),
                col(Task.status).in_([TaskStatus.OPEN.value, TaskStatus.DONE.value]),
                # A plan measure is the heading over its steps; the steps carry the dates to chase.
                col(Task.kind) != TaskKind.MEASURE.value,
            )
        )
    )
    task_ids = [task.id for task in tasks]
    owners: dict[int, list[Member]] = defaultdict(list)
    for task_id, person in session.execute(
        select(col(TaskOwner.task_id), Person)
        .join(Person, col(Person.id) == col(TaskOwner.person_id))
        .where(col(TaskOwner.task_id).in_(task_ids))
        .order_by(col(Person.id))
    ):
        owners[task_id].append(Member(person.line_user_id, person.display_name))
    reported: dict[int, set[str]] = defaultdict(set)
    for task_id, month in session.execute(
        select(col(ProgressReport.task_id), col(ProgressReport.month)).where(
            col(ProgressReport.task_id).in_(task_ids)
        )
    ):
        reported[task_id].add(month)

    supervisors: dict[int, list[Member]] = defaultdict(list)
    for group_id, person in session.execute(
        select(col(GroupMember.group_id), Person)
        .join(Person, col(Person.id) == col(GroupMember.person_id))
        .where(
            col(GroupMember.group_id).in_(group_ids),
            col(GroupMember.active),
            col(Person.role).in_([Role.SUPERVISOR.value, Role.ADMIN.value]),
        )
        .order_by(col(Person.id))
    ):
        supervisors[group_id].append(Member(person.line_user_id, person.display_name))

    line_ids = [group.line_group_id for group in groups]
    missed: dict[str, list[MissedFacts]] = defaultdict(list)
    for row in session.scalars(
        select(Delivery).where(
            col(Delivery.target).in_(line_ids),
            col(Delivery.status) == DeliveryStatus.MISSED.value,
            col(Delivery.noticed_in).is_(None),
        )
    ):
        missed[row.target].append(
            MissedFacts(row.occurrence_key, row.due_at, str(row.payload.get("summary", "")))
        )

    by_group: dict[int, list[TaskFacts]] = defaultdict(list)
    for task in tasks:
        assert task.id is not None and task.group_id is not None
        by_group[task.group_id].append(
            TaskFacts(
                id=task.id,
                title=task.title,
                is_open=task.status == TaskStatus.OPEN.value,
                created_on=task.created_at.astimezone(tz).date(),
                start_date=task.start_date,
                due_date=task.due_date,
                done_on=task.done_at.astimezone(tz).date() if task.done_at else None,
                owners=tuple(owners[task.id]),
                reported_months=frozenset(reported[task.id]),
            )
        )
    return [
        replace(
            bare,
            tasks=tuple(sorted(by_group[group.id or 0], key=lambda task: task.id)),
            supervisors=tuple(supervisors[group.id or 0]),
            missed=tuple(missed[group.line_group_id]),
        )
        for group, bare in due
    ]


def dialect_insert(connection: Connection, table: Table) -> Any:
    """INSERT with the dialect's ON CONFLICT support (PostgreSQL or SQLite)."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    if connection.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(
        f"the outbox needs PostgreSQL or SQLite, not {connection.dialect.name}"
    )


def record(
    connection: Connection, planned: Sequence[tuple[PlannedDigest, bool]], now: datetime
) -> PlanResult:
    """Insert the digests, skipping any already in the outbox (same occurrence key)."""
    table = DELIVERY
    result = PlanResult()
    if not planned:
        return result
    with connection.begin():
        for digest, too_old in planned:
            status = DeliveryStatus.MISSED if too_old else DeliveryStatus.PENDING
            statement = (
                dialect_insert(connection, table)
                .values(
                    kind=DIGEST_KIND,
                    target=digest.target,
                    occurrence_key=digest.occurrence_key,
                    payload={
                        "messages": digest.messages,
                        "items": list(digest.items),
                        "summary": digest.summary,
                    },
                    due_at=digest.due_at,
                    status=status.value,
                    attempts=0,
                    retry_key=retry_key_for(digest.occurrence_key),
                    late=False,
                    last_error="older than the grace window when planned" if too_old else None,
                    created_at=now,
                )
                .on_conflict_do_nothing(index_elements=["occurrence_key"])
                .returning(table.c.id)
            )
            if connection.execute(statement).first() is None:
                result.duplicates += 1
                continue
            result.keys.append(digest.occurrence_key)
            if too_old:
                result.missed += 1
                continue
            result.planned += 1
            if digest.noticed:
                connection.execute(
                    update(table)
                    .where(table.c.occurrence_key.in_(digest.noticed), table.c.noticed_in.is_(None))
                    .values(noticed_in=digest.occurrence_key)
                )
    return result


def plan(
    connection: Connection, now: datetime, *, since: datetime, grace: timedelta, tz: tzinfo
) -> PlanResult:
    """Plan every digest due in (since, now]; those older than the grace window are missed."""
    with Session(bind=connection) as session:
        groups = load_groups(session, tz, since, now)
    planned = [
        entry for group in groups for entry in plan_group(group, since, now, now - grace, tz)
    ]
    return record(connection, planned, now)
