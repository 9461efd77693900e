"""Calendar feeds (.ics): a group's meetings and deadlines, or a person's own deadlines.

A feed link carries the feed's row id, signed with the channel secret: it never expires, and
revoking the row ends every copy of it. The calendar is built with `icalendar`; every event
has a UID derived from what it is (a task, a duty's month, a group's meeting month), so a
calendar app that downloads the feed again updates its events instead of adding copies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

import icalendar
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import duties, store, texts
from bot.context import display_name
from bot.export import Download
from models.settings import Settings
from models.tables import CalendarFeed, ChatGroup, Person, Task, TaskKind, TaskOwner, TaskStatus
from scheduler.calendar import NoWorkingDayError
from scheduler.group_calendar import calendar_for
from scheduler.rules import meeting_in_range

_SALT = "tidtam-calendar-feed"
MEETINGS_BEFORE = 3  # months of past meetings kept in a group's feed
MEETINGS_AHEAD = 12  # months of meetings ahead (or until the rule's end)
MEETING_LENGTH = timedelta(hours=1)
REFRESH = timedelta(hours=6)  # how often calendar apps are asked to download again
_PRODID = "-//Tidtam//ติดตาม//TH"


class FeedLinkError(Exception):
    """The link was not signed by us (tampered or made up)."""


@dataclass(frozen=True)
class FeedEvent:
    """One calendar entry: an all-day deadline (`at` None) or a meeting at a time."""

    uid: str
    summary: str
    description: str
    day: date
    at: time | None = None
    updated: datetime | None = None


# --- The link -----------------------------------------------------------------------------


def make_token(secret: str, feed_id: int) -> str:
    """The URL-safe signed token naming a feed (no timestamp: a subscription does not expire)."""
    return str(URLSafeSerializer(secret, salt=_SALT).dumps({"f": feed_id}))


def read_token(secret: str, token: str) -> int:
    """The feed id a token names; FeedLinkError when it was not signed by us."""
    try:
        payload = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except BadSignature:
        raise FeedLinkError from None
    feed_id = payload.get("f") if isinstance(payload, dict) else None
    if not isinstance(feed_id, int):
        raise FeedLinkError
    return feed_id


def feed_url(base_url: str, token: str) -> str:
    """The address a calendar app subscribes to."""
    return f"{base_url}/calendar/{token}.ics"


def active_feed(
    session: Session, *, group: ChatGroup | None = None, person: Person | None = None
) -> CalendarFeed | None:
    """The group's (or the person's) feed that is not revoked, if there is one."""
    statement = select(CalendarFeed).where(col(CalendarFeed.revoked_at).is_(None))
    if group is not None:
        statement = statement.where(CalendarFeed.group_id == group.id)
    else:
        assert person is not None
        statement = statement.where(
            CalendarFeed.person_id == person.id, col(CalendarFeed.group_id).is_(None)
        )
    return session.exec(statement.order_by(col(CalendarFeed.id))).first()


# --- Serving it ---------------------------------------------------------------------------


def download(engine: Engine, settings: Settings, token: str, now: datetime) -> Download:
    """The feed behind a token: 200 .ics; 403 not ours; 410 revoked or gone (Thai text)."""
    try:
        feed_id = read_token(settings.line_channel_secret, token)
    except FeedLinkError:
        return Download(403, texts.FEED_LINK_FORGED.encode(), "text/plain; charset=utf-8")
    today = now.astimezone(settings.timezone).date()
    with Session(engine) as session:
        feed = session.get(CalendarFeed, feed_id)
        found = _contents(session, feed, today) if feed and feed.revoked_at is None else None
    if found is None:
        return Download(410, texts.FEED_LINK_REVOKED.encode(), "text/plain; charset=utf-8")
    name, events = found
    body = render(name, events, settings.timezone, now)
    return Download(200, body, "text/calendar; charset=utf-8", "tidtam.ics")


def _contents(
    session: Session, feed: CalendarFeed, today: date
) -> tuple[str, list[FeedEvent]] | None:
    """The calendar's name and events: the group's, or the person's (None: either is gone)."""
    if feed.group_id is not None:
        group = session.get(ChatGroup, feed.group_id)
        if group is None:
            return None
        return texts.feed_name_group(group.name), group_events(session, group, today)
    person = session.get(Person, feed.person_id) if feed.person_id else None
    if person is None:
        return None
    return texts.feed_name_person(display_name(person)), person_events(session, person)


# --- What is in it ------------------------------------------------------------------------


def group_events(session: Session, group: ChatGroup, today: date) -> list[FeedEvent]:
    """The group's meetings (with why one moved) and its tasks' deadlines."""
    assert group.id is not None
    tasks = [
        task
        for task in store.tasks_in_groups(session, [group.id])
        if task.kind != TaskKind.MEASURE.value
    ]
    return meeting_events(session, group, today) + deadline_events(session, tasks, {})


def person_events(session: Session, person: Person) -> list[FeedEvent]:
    """The deadlines of the person's own tasks, in every group they are in (shared ones too)."""
    groups = {group.id: group for group in store.groups_of(session, person) if group.id}
    if not groups:
        return []
    owned = set(session.exec(select(TaskOwner.task_id).where(TaskOwner.person_id == person.id)))
    tasks: list[Task] = []
    where: dict[int, str] = {}  # task id → the (first) group it is seen in
    for group_id, task in store.tasks_by_group(session, list(groups)):
        if task.id in owned and task.id not in where and task.kind != TaskKind.MEASURE.value:
            tasks.append(task)
            where[task.id] = groups[group_id].name
    return deadline_events(session, tasks, where)


def meeting_events(session: Session, group: ChatGroup, today: date) -> list[FeedEvent]:
    """Monthly meetings from a few months back to a year ahead (or the rule's end)."""
    if group.meeting_day is None:
        return []
    calendar = calendar_for(session, group)
    hour, minute = (int(part) for part in group.meeting_time.split(":"))
    found = []
    year, month = _months_back(today.year, today.month, MEETINGS_BEFORE)
    for _ in range(MEETINGS_BEFORE + MEETINGS_AHEAD + 1):
        try:
            when = calendar.meeting_date(year, month, group.meeting_day)
        except NoWorkingDayError:
            when = None
        if when is not None and meeting_in_range(group.meeting_day, when, group.meeting_until):
            reason = calendar.meeting_shift_reason(year, month, group.meeting_day)
            found.append(
                FeedEvent(
                    uid=f"meeting-{group.line_group_id}-{year:04d}-{month:02d}@tidtam",
                    summary=texts.feed_meeting_summary(group.name),
                    description=texts.feed_meeting_description(reason),
                    day=when,
                    at=time(hour, minute),
                )
            )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def deadline_events(
    session: Session, tasks: Sequence[Task], group_names: dict[int, str]
) -> list[FeedEvent]:
    """All-day deadlines: one per task, one per month of a duty; cancelled tasks have none.

    `group_names` names the group of a task id (a person's feed spans groups).
    """
    kept = [task for task in tasks if task.status != TaskStatus.CANCELLED.value and task.id]
    done_by_task = duties.done_periods(session, [t.id for t in kept if t.id and duties.rule_of(t)])
    found = []
    for task in kept:
        assert task.id is not None
        group_name = group_names.get(task.id, "")
        description = texts.feed_task_description(task.id, task.title, group_name)
        duty = duties.progress_of(session, task, done_by_task.get(task.id, frozenset()))
        if duty is not None:
            for occurrence in duty.occurrences:
                done = occurrence.period in duty.done
                found.append(
                    FeedEvent(
                        uid=f"task-{task.id}-{occurrence.period}@tidtam",
                        summary=texts.feed_deadline_summary(task.id, task.title, done),
                        description=description,
                        day=occurrence.due,
                        updated=task.updated_at,
                    )
                )
        elif task.due_date is not None:
            found.append(
                FeedEvent(
                    uid=f"task-{task.id}@tidtam",
                    summary=texts.feed_deadline_summary(
                        task.id, task.title, task.status == TaskStatus.DONE.value
                    ),
                    description=description,
                    day=task.due_date,
                    updated=task.updated_at,
                )
            )
    return found


def render(name: str, events: Iterable[FeedEvent], tz: tzinfo, now: datetime) -> bytes:
    """The events as an iCalendar file (RFC 5545), with the time zone the meetings are in."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(tz))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # An X- property is written as text: say it the way RFC 5545 durations are written.
    calendar.add("x-published-ttl", f"PT{int(REFRESH.total_seconds()) // 3600}H")
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.at is None:  # a deadline: the whole day
            event.add("dtstart", item.day)
            event.add("dtend", item.day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            start = datetime.combine(item.day, item.at, tz)
            event.add("dtstart", start)
            event.add("dtend", start + MEETING_LENGTH)
        if item.updated is not None:
            event.add("last-modified", item.updated)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _months_back(year: int, month: int, count: int) -> tuple[int, int]:
    """The month `count` months before (year, month)."""
    index = year * 12 + (month - 1) - count
    return index // 12, index % 12 + 1
