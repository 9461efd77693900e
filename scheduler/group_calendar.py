"""The one way to build a group's working-day calendar: its province plus the stored overrides."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, or_, select

from models.tables import ChatGroup, HolidayOverride, OverrideKind
from scheduler.calendar import (
    NoWorkingDayError,
    UnknownProvinceError,
    WorkCalendar,
    canonical_province,
)

log = logging.getLogger(__name__)


def calendar_for(session: Session, group: ChatGroup | None) -> WorkCalendar:
    """The calendar a group follows (national for None: a 1:1 chat), read from the database."""
    scope = col(HolidayOverride.scope)
    scopes = ["all"] + ([f"group:{group.line_group_id}"] if group is not None else [])
    wanted: list[ColumnElement[bool]] = [scope.in_(scopes)]
    if group is not None and group.province:
        wanted.append(scope.startswith("province:"))  # "province:Yala" matches after normalising
    return calendar_of(group, list(session.exec(select(HolidayOverride).where(or_(*wanted)))))


def calendar_of(group: ChatGroup | None, overrides: Sequence[HolidayOverride]) -> WorkCalendar:
    """The group's calendar from overrides already loaded (the planner loads them once a tick)."""
    province = province_of(group) if group is not None else None
    line_group_id = group.line_group_id if group is not None else None
    return calendar_where(province, line_group_id, overrides)


def calendar_where(
    province: str | None, line_group_id: str | None, overrides: Sequence[HolidayOverride]
) -> WorkCalendar:
    """The calendar of a province (None: national) and a group (None: no group's own days)."""
    rows = [
        (row.day, row.name, row.kind == OverrideKind.HOLIDAY.value)
        for row in overrides
        if override_applies(row.scope, province, line_group_id)
    ]
    return WorkCalendar.with_overrides(province, rows)


def province_of(group: ChatGroup) -> str | None:
    """The group's province in its canonical Thai name; None (national) when unknown."""
    if not group.province:
        return None
    try:
        return canonical_province(group.province)
    except UnknownProvinceError:
        log.warning("group %s has unknown province %r; using national", group.id, group.province)
        return None


def override_applies(scope: str, province: str | None, line_group_id: str | None) -> bool:
    """Whether an override's scope ("all", "province:ยะลา" or "…:Yala", "group:C…") applies."""
    if scope == "all":
        return True
    if scope.startswith("group:"):
        return line_group_id is not None and scope.removeprefix("group:") == line_group_id
    if scope.startswith("province:") and province is not None:
        try:
            return canonical_province(scope.removeprefix("province:")) == province
        except UnknownProvinceError:
            return False
    return False


@dataclass(frozen=True)
class CalendarChange:
    """What one recorded day changes for one group, in that day's month."""

    group: ChatGroup
    meeting_before: date | None  # the month's meeting day (None: no rule, or no working day)
    meeting_after: date | None
    month_end_before: date  # the month's last working day: progress reports are due then
    month_end_after: date
    deadlines: int  # the group's open tasks due on the day itself

    @property
    def meeting_moved(self) -> bool:
        """True when the month's meeting falls on another day now."""
        return self.meeting_before != self.meeting_after

    @property
    def month_end_moved(self) -> bool:
        """True when the month's reports are due on another day now."""
        return self.month_end_before != self.month_end_after

    @property
    def matters(self) -> bool:
        """True when the group should be told."""
        return self.meeting_moved or self.month_end_moved or self.deadlines > 0


def changes_for(
    groups: Sequence[ChatGroup],
    day: date,
    before: Sequence[HolidayOverride],
    after: Sequence[HolidayOverride],
    deadlines: Mapping[int, int],
) -> list[CalendarChange]:
    """For each group, what `day`'s new calendar entry moves in its month (pure).

    `before`/`after` are the overrides of that month without and with the change; groups
    sharing a province and no group-scoped override share one calendar, so a national day
    for thousands of groups builds a few dozen calendars, not thousands.
    """
    grouped_scopes = {row.scope for row in (*before, *after) if row.scope.startswith("group:")}
    calendars: dict[tuple[str | None, str | None], tuple[WorkCalendar, WorkCalendar]] = {}
    found = []
    for group in groups:
        own = f"group:{group.line_group_id}"
        key = (province_of(group), own if own in grouped_scopes else None)
        if key not in calendars:
            calendars[key] = (calendar_of(group, before), calendar_of(group, after))
        old, new = calendars[key]
        found.append(
            CalendarChange(
                group=group,
                meeting_before=_meeting(old, day, group.meeting_day),
                meeting_after=_meeting(new, day, group.meeting_day),
                month_end_before=old.last_working_day(day.year, day.month),
                month_end_after=new.last_working_day(day.year, day.month),
                deadlines=deadlines.get(group.id or 0, 0),
            )
        )
    return found


def _meeting(calendar: WorkCalendar, day: date, meeting_day: int | None) -> date | None:
    """The meeting of `day`'s month under `calendar`, if the group has a rule and it has a day."""
    if meeting_day is None:
        return None
    try:
        return calendar.meeting_date(day.year, day.month, meeting_day)
    except NoWorkingDayError:
        return None
