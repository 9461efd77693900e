"""Read what the reminder rules need, bounded by what can be due: the groups due, their due work."""

# Growth is the point of this module. A tick reads only the groups whose reminder time falls in
# its window (an indexed comparison, not a scan of every group), and of those only the tasks a
# rule can speak of on those days: deadlines within three weeks, overdue work on the week's
# first working day, every open task on the month's last working day, last month's done tasks
# for the summary. Lists of ids never become one bind parameter per row: owners and reports are
# joined from the chosen tasks, and groups are read in chunks well under PostgreSQL's 65,535 limit.
# A plan item shared through a co-responsible unit is read by a join from that unit's group.

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Row,
    Select,
    and_,
    false,
    or_,
    select,
    union_all,
)
from sqlmodel import Session, col

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
    Topic,
)
from scheduler.group_calendar import calendar_of
from scheduler.rules import (
    DEFAULT_REMINDER_TIME,
    GroupFacts,
    Member,
    MissedFacts,
    TaskFacts,
    is_first_working_day_of_week,
    month_key,
    reminder_instants,
)
from scheduler.shared_tasks import SHARED_GROUP, join_shared

log = logging.getLogger(__name__)

GROUP_CHUNK = 500  # groups per query: bind parameters stay far below any database's limit
# A deadline is announced at most this long before it: 7 days, moved back over a holiday run.
DEADLINE_LOOKAHEAD = timedelta(days=21)
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Needs:
    """What the rules will ask of a batch of groups in this window."""

    first_day: date
    last_day: date
    overdue_before: date | None = None  # the week's first working day in the window, if any
    every_open_task: bool = False  # a month's last or first working day is in the window
    done_since: date | None = None  # the month-start summary counts tasks done since then
    months: frozenset[str] = frozenset()  # report months the rules read

    def merge(self, other: Needs) -> Needs:
        """Both batches' needs."""
        return Needs(
            first_day=min(self.first_day, other.first_day),
            last_day=max(self.last_day, other.last_day),
            overdue_before=_latest(self.overdue_before, other.overdue_before),
            every_open_task=self.every_open_task or other.every_open_task,
            done_since=_earliest(self.done_since, other.done_since),
            months=self.months | other.months,
        )


def _latest(a: date | None, b: date | None) -> date | None:
    """The later of two optional days."""
    return max(a, b) if a and b else a or b


def _earliest(a: date | None, b: date | None) -> date | None:
    """The earlier of two optional days."""
    return min(a, b) if a and b else a or b


def needs_of(group: GroupFacts, days: Sequence[date]) -> Needs:
    """What the rules read for a group on these reminder days (pure)."""
    calendar = group.calendar
    needs = Needs(first_day=min(days), last_day=max(days))
    for day in days:
        month_end = day == calendar.last_working_day(day.year, day.month)
        month_start = day == calendar.first_working_day(day.year, day.month)
        previous = day.replace(day=1) - _ONE_DAY
        needs = needs.merge(
            Needs(
                first_day=day,
                last_day=day,
                overdue_before=day if is_first_working_day_of_week(calendar, day) else None,
                every_open_task=month_end or month_start,
                done_since=previous.replace(day=1) if month_start else None,
                months=frozenset(
                    ([month_key(day)] if month_end else [])
                    + ([month_key(previous)] if month_start else [])
                ),
            )
        )
    return needs


def clock_time(text: str, fallback: time = DEFAULT_REMINDER_TIME) -> time:
    """ "08:30" as a time; a malformed stored value falls back (and is logged)."""
    try:
        hour, minute = (int(part) for part in text.split(":"))
        return time(hour, minute)
    except ValueError:
        log.warning("ignoring malformed clock time %r; using %s", text, fallback)
        return fallback


def reminder_time_in_window(since: datetime, until: datetime, tz: tzinfo) -> ColumnElement[bool]:
    """Groups whose "HH:MM" reminder time falls in (since, until], as a SQL condition.

    A window of a day or more (a catch-up) takes every group. A stored time that is not
    "HH:MM" is always taken: the rules then use the default time, as before.
    """
    column = col(ChatGroup.reminder_time)
    malformed = ~column.like("__:__")
    if until - since >= timedelta(days=1):
        return column.is_not(None)
    start, end = since.astimezone(tz), until.astimezone(tz)
    after, up_to = start.strftime("%H:%M"), end.strftime("%H:%M")
    if start.date() == end.date():
        return or_(and_(column > after, column <= up_to), malformed)
    return or_(column > after, column <= up_to, malformed)  # the window crosses midnight


def load_groups(
    session: Session,
    tz: tzinfo,
    since: datetime,
    until: datetime,
    *,
    retry_since: dict[str, datetime] | None = None,
) -> list[GroupFacts]:
    """A snapshot of the active groups with a reminder time in (since, until], due work only.

    `retry_since` names groups whose planning failed earlier: each is read from its own since.
    Most minute ticks find no group due and stop after two small queries.
    """
    retry_since = retry_since or {}
    overrides = list(session.scalars(select(HolidayOverride)))
    in_window = reminder_time_in_window(since, until, tz)
    retrying = col(ChatGroup.line_group_id).in_(list(retry_since)) if retry_since else false()
    candidates = session.scalars(
        select(ChatGroup)
        .where(col(ChatGroup.active), or_(in_window, retrying))
        .order_by(col(ChatGroup.id))
    )
    due: list[tuple[ChatGroup, GroupFacts, Needs]] = []
    for group in candidates:
        bare = GroupFacts(
            line_group_id=group.line_group_id,
            calendar=calendar_of(group, overrides),
            reminder_time=clock_time(group.reminder_time),
            meeting_day=group.meeting_day,
            meeting_time=group.meeting_time,
            meeting_until=group.meeting_until,
        )
        start = min(since, retry_since.get(group.line_group_id, since))
        days = [day for day, _ in reminder_instants(bare, start, until, tz)]
        if days:
            due.append((group, bare, needs_of(bare, days)))
    snapshots: list[GroupFacts] = []
    for first in range(0, len(due), GROUP_CHUNK):
        snapshots += _load_chunk(session, tz, due[first : first + GROUP_CHUNK])
    return snapshots


def _load_chunk(
    session: Session, tz: tzinfo, due: Sequence[tuple[ChatGroup, GroupFacts, Needs]]
) -> list[GroupFacts]:
    """The due work of up to GROUP_CHUNK groups, in a handful of queries."""
    needs = due[0][2]
    for _, _, more in due[1:]:
        needs = needs.merge(more)
    group_ids = [group.id for group, _, _ in due if group.id is not None]
    due_work = _due_condition(needs)
    own = and_(col(Task.group_id).in_(group_ids), due_work)

    def both(statement: Select[*tuple[Any, ...]]) -> CompoundSelect[*tuple[Any, ...]]:
        """`statement` over the groups' own due tasks, and again over the tasks shared in."""
        return union_all(
            statement.add_columns(col(Task.group_id).label("shown_in")).where(own),
            join_shared(statement.add_columns(SHARED_GROUP.label("shown_in")), group_ids).where(
                due_work
            ),
        )

    # Plain rows, not ORM objects: thousands of tasks at month end, read once, never changed.
    tasks = session.execute(
        both(
            select(
                col(Task.id),
                col(Task.title),
                col(Task.status),
                col(Task.created_at),
                col(Task.start_date),
                col(Task.due_date),
                col(Task.done_at),
                col(Task.topic_id),
            )
        )
    ).all()
    # A plan has a handful of topics: all of them, for the busy digest's card.
    topics = {
        topic_id: f"{number}. {title}"
        for topic_id, number, title in session.execute(
            select(col(Topic.id), col(Topic.number), col(Topic.title))
        )
    }

    # Joined from the chosen tasks (read by the group index), never a list of their ids.
    owners: dict[int, dict[int, Member]] = defaultdict(dict)
    for task_id, person_id, line_user_id, name, _ in session.execute(
        both(
            select(
                col(TaskOwner.task_id),
                col(Person.id),
                col(Person.line_user_id),
                col(Person.display_name),
            )
            .select_from(Task)
            .join(TaskOwner, col(Task.id) == col(TaskOwner.task_id))
            .join(Person, col(Person.id) == col(TaskOwner.person_id))
        )
    ):
        owners[task_id][person_id] = Member(line_user_id, name)
    reported: dict[int, set[str]] = defaultdict(set)
    if needs.months:
        for task_id, month, _ in session.execute(
            both(
                select(col(ProgressReport.task_id), col(ProgressReport.month))
                .select_from(Task)
                .join(ProgressReport, col(Task.id) == col(ProgressReport.task_id))
                .where(col(ProgressReport.month).in_(sorted(needs.months)))
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

    missed: dict[str, list[MissedFacts]] = defaultdict(list)
    for row in session.scalars(
        select(Delivery).where(
            col(Delivery.target).in_([group.line_group_id for group, _, _ in due]),
            col(Delivery.status) == DeliveryStatus.MISSED.value,
            col(Delivery.noticed_in).is_(None),
        )
    ):
        missed[row.target].append(
            MissedFacts(row.occurrence_key, row.due_at, str(row.payload.get("summary", "")))
        )

    # A task shared in by two co-units of one group is still one line of that group's digest.
    by_group: dict[int, dict[int, TaskFacts]] = defaultdict(dict)
    for task in tasks:
        people = [owners[task.id][person_id] for person_id in sorted(owners[task.id])]
        facts = _facts(task, people, reported[task.id], tz)
        by_group[task.shown_in][task.id] = replace(facts, topic=topics.get(task.topic_id, ""))
    return [
        replace(
            bare,
            tasks=tuple(sorted(by_group[group.id or 0].values(), key=lambda task: task.id)),
            supervisors=tuple(supervisors[group.id or 0]),
            missed=tuple(missed[group.line_group_id]),
            group_id=group.id,
        )
        for group, bare, _ in due
    ]


def _due_condition(needs: Needs) -> ColumnElement[bool]:
    """The tasks a rule can speak of: open work due soon or overdue, and what a round reads."""
    is_open = col(Task.status) == TaskStatus.OPEN.value
    due = col(Task.due_date)
    open_work: list[ColumnElement[bool]] = [
        due.between(needs.first_day, needs.last_day + DEADLINE_LOOKAHEAD)
    ]
    if needs.overdue_before is not None:
        open_work.append(due < needs.overdue_before)
    chosen: list[ColumnElement[bool]] = [
        is_open if needs.every_open_task else and_(is_open, or_(*open_work))
    ]
    if needs.done_since is not None:
        done_since = datetime.combine(needs.done_since - _ONE_DAY, time(), UTC)  # zone margin
        chosen.append(
            and_(col(Task.status) == TaskStatus.DONE.value, col(Task.done_at) >= done_since)
        )
    return and_(
        # A plan measure is the heading over its steps; the steps carry the dates to chase.
        col(Task.kind) != TaskKind.MEASURE.value,
        or_(*chosen),
    )


def _facts(task: Row[Any], owners: list[Member], months: set[str], tz: tzinfo) -> TaskFacts:
    """What the rules know of one task."""
    return TaskFacts(
        id=task.id,
        title=task.title,
        is_open=task.status == TaskStatus.OPEN.value,
        created_on=task.created_at.astimezone(tz).date(),
        start_date=task.start_date,
        due_date=task.due_date,
        done_on=task.done_at.astimezone(tz).date() if task.done_at else None,
        owners=tuple(owners),
        reported_months=frozenset(months),
    )
