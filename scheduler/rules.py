"""The reminder rules, pure: from a snapshot of a group to the digests due on its working days."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from scheduler import texts
from scheduler.calendar import NoWorkingDayError, WorkCalendar
from scheduler.digest import Line, Section, Tagged, build_messages
from scheduler.summary_card import TopicBar, UrgentItem, summary_card
from scheduler.thaidate import format_date, format_month, weekday_name

DIGEST_KIND = "reminder_digest"
DEFAULT_REMINDER_TIME = time(8, 30)
TITLE_LIMIT = 80  # characters of a task title shown in a digest; the full title is in สถานะ
_ONE_DAY = timedelta(days=1)
# More task lines than this and the digest becomes a short text (the @mentions) and one card.
BUSY_AFTER = 10


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
    topic: str = ""  # "3. การเปิดเผยข้อมูล"; "" for a task of no plan topic


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
    meeting_until: date | None = None  # no meetings after this day (a plan's range ended)
    tasks: tuple[TaskFacts, ...] = ()
    supervisors: tuple[Member, ...] = ()
    missed: tuple[MissedFacts, ...] = ()
    web_view_url: str | None = None  # a signed link to the group's web view, when one exists
    group_id: int | None = None  # the database's id (the web view's link names it)


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


def month_key(day: date) -> str:
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


def meeting_in_range(meeting_day: int, meeting: date, until: date | None) -> bool:
    """Whether a month's meeting is within the rule's range (judged by the day it names)."""
    if until is None:
        return True
    return meeting.replace(day=min(meeting_day, _month_end(meeting).day)) <= until


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
        if not meeting_in_range(group.meeting_day, meeting, group.meeting_until):
            continue
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
        and month_key(day) not in task.reported_months
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
        items.append(f"month-end:{month_key(day)}")
        parts.append(texts.summary_part_month_end())

    month_start = day == calendar.first_working_day(day.year, day.month)
    summary = _summary_facts(group, day) if month_start else None
    summary_lines = _summary_lines(group, summary) if summary else []
    if summary_lines:
        sections.append(summary_lines)
        items.append(f"summary:{month_key(day.replace(day=1) - _ONE_DAY)}")
        parts.append(texts.summary_part_summary())
    busy = len(near) + len(overdue) + len(ask) + (summary.size if summary else 0) > BUSY_AFTER
    if busy:
        sections = [sections[0], *([meeting_lines] if meeting_lines else [])]
        sections += _compact_lines(group, parts, near, overdue, ask, summary)
    # Missed reminders go to supervisors with the next summary or overdue escalation; on the
    # first working day they go even when there is nothing else to summarise.
    if missed and (month_start or overdue):
        addressed = bool(summary_lines or overdue)
        sections.append(_missed_lines(missed, () if addressed else group.supervisors, tz))
        noticed = tuple(entry.occurrence_key for entry in missed)
        parts.append(texts.summary_part_missed(len(missed)))

    if not items and not noticed:
        return None
    messages = build_messages(sections)
    if busy:
        card = _card(group, day, near, overdue, ask, summary, month_end)
        messages = [*messages[: 5 - 1], card]  # LINE takes 5 messages in one push
    return PlannedDigest(
        occurrence_key=digest_key(group.line_group_id, day),
        target=group.line_group_id,
        due_at=due_at,
        items=tuple(items),
        summary=texts.digest_summary(parts),
        messages=messages,
        noticed=noticed,
    )


@dataclass(frozen=True)
class _Summary:
    """Last month's reports as the first working day's summary sees them."""

    label: str  # "มิถุนายน 2567"
    short_label: str  # "มิ.ย. 2567"
    expected: list[TaskFacts]
    reported: list[TaskFacts]
    missing: list[TaskFacts]

    @property
    def size(self) -> int:
        """How many task lines the summary lists."""
        return len(self.reported) + len(self.missing)


def _summary_facts(group: GroupFacts, day: date) -> _Summary | None:
    """Last month's expected reports: who reported and who did not (None: nothing expected)."""
    last_day = day.replace(day=1) - _ONE_DAY
    first_day = last_day.replace(day=1)
    month = month_key(last_day)
    expected = [
        task
        for task in group.tasks
        if task.created_on <= last_day
        and (task.start_date is None or task.start_date <= last_day)
        and (task.is_open or (task.done_on is not None and task.done_on >= first_day))
    ]
    if not expected:
        return None
    reported = [task for task in expected if month in task.reported_months]
    # Only open work can be behind on its report: a task done or cancelled is not "missing".
    missing = [task for task in expected if task.is_open and month not in task.reported_months]
    return _Summary(
        format_month(last_day.year, last_day.month),
        format_month(last_day.year, last_day.month, "short"),
        expected,
        reported,
        missing,
    )


def _compact_lines(
    group: GroupFacts,
    parts: Sequence[str],
    near: Sequence[TaskFacts],
    overdue: Sequence[TaskFacts],
    ask: Sequence[TaskFacts],
    summary: _Summary | None,
) -> list[Section]:
    """A busy digest's text: what is in the card, and everyone it concerns @mentioned."""
    lines: list[Line] = [(texts.compact_headline(list(parts)),)]
    if overdue or summary:
        lines.append(_addressed(group.supervisors, texts.compact_supervisors()))
    owners: dict[str, Member] = {}
    for task in (*overdue, *near, *ask, *(summary.missing if summary else ())):
        for owner in task.owners:
            owners.setdefault(owner.line_user_id, owner)
    if owners:
        lines.append((texts.compact_owners(), *_mentions(owners.values())))
    return [lines]


def _card(
    group: GroupFacts,
    day: date,
    near: Sequence[TaskFacts],
    overdue: Sequence[TaskFacts],
    ask: Sequence[TaskFacts],
    summary: _Summary | None,
    month_end: bool,
) -> dict[str, Any]:
    """The busy digest's card: counts, a bar per topic, the most urgent five, the web view."""
    counts = []
    if near:
        counts.append(texts.card_count_deadlines(len(near)))
    if overdue:
        counts.append(texts.card_count_overdue(len(overdue)))
    if ask:
        counts.append(texts.card_count_month_end(len(ask)))
    if summary:
        counts.append(
            texts.card_count_summary(
                summary.short_label, len(summary.reported), len(summary.missing)
            )
        )
    bars: list[TopicBar] = []
    caption = ""
    if summary:
        # Fine: reported, or done (done work is not behind on its report).
        missing_ids = {task.id for task in summary.missing}
        bars = _topic_bars(summary.expected, lambda task: task.id not in missing_ids)
        caption = texts.card_bars_reported(summary.short_label)
    elif month_end:
        month = month_key(day)
        started = [
            task
            for task in group.tasks
            if task.is_open and task.owners and (task.start_date is None or task.start_date <= day)
        ]
        bars = _topic_bars(started, lambda task: month in task.reported_months)
        caption = texts.card_bars_reported(format_month(day.year, day.month, "short"))
    urgent = [
        UrgentItem(
            task.id,
            _short(task.title),
            texts.card_overdue_detail((day - task.due_date).days, format_date(task.due_date)),
            late=True,
        )
        for task in sorted(overdue, key=lambda task: (task.due_date or day, task.id))
        if task.due_date is not None
    ]
    urgent += [
        UrgentItem(
            task.id,
            _short(task.title),
            texts.card_due_detail(format_date(task.due_date), (task.due_date - day).days),
            late=False,
        )
        for task in near
        if task.due_date is not None
    ]
    for waiting in (summary.missing if summary else [], ask):
        urgent += [
            UrgentItem(
                task.id,
                _short(task.title),
                texts.card_unreported_detail([owner.display_name for owner in task.owners]),
                late=False,
            )
            for task in waiting
        ]
    shown = urgent[:5]
    return summary_card(
        texts.card_heading(_day_label(day)),
        counts,
        bars,
        caption,
        shown,
        len(urgent) - len(shown),
        group.web_view_url,
        texts.card_alt(counts),
    )


def _topic_bars(tasks: Sequence[TaskFacts], fine: Any) -> list[TopicBar]:
    """Per topic (in plan order), how many of `tasks` are fine by `fine(task)`."""
    by_topic: dict[str, list[TaskFacts]] = {}
    for task in tasks:
        by_topic.setdefault(task.topic or texts.card_no_topic(), []).append(task)
    return [
        TopicBar(title, sum(1 for task in members if fine(task)), len(members))
        for title, members in sorted(by_topic.items(), key=lambda item: _topic_order(item[0]))
    ]


def _topic_order(title: str) -> tuple[int, str]:
    """Plan topics by their number ("3. …"), tasks of no topic last."""
    number = title.split(".", 1)[0]
    return (int(number), title) if number.isdigit() else (10**6, title)


def _summary_lines(group: GroupFacts, summary: _Summary) -> list[Line]:
    """Last month's reports for supervisors: who reported and who did not."""
    lines: list[Line] = [
        _addressed(
            group.supervisors,
            texts.summary_heading(summary.label, len(summary.reported), len(summary.missing)),
        )
    ]
    for heading, tasks in (
        (texts.summary_reported(), summary.reported),
        (texts.summary_missing(), summary.missing),
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
