"""The one way to build a group's working-day calendar: its province plus the stored overrides."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, or_, select

from models.tables import ChatGroup, HolidayOverride, OverrideKind
from scheduler.calendar import UnknownProvinceError, WorkCalendar, canonical_province

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
