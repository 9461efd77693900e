"""Repeat rules written in Thai ("ทุกวันที่ 15 ของเดือน", "ทุกสิ้นเดือน") and their dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, cast, get_args

from dateutil.rrule import MONTHLY, WEEKLY, rrule

from scheduler import texts
from scheduler.thaidate import ThaiDateError, normalize, parse_weekday, weekday_name

__all__ = ["Recurrence", "RecurrenceKind", "parse_recurrence"]

RecurrenceKind = Literal["monthly", "month_end", "weekly", "within_days"]

_KINDS = get_args(RecurrenceKind)
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_MAX_WITHIN_DAYS = 366

_TIME = r"(?:\s*เวลา\s*(?P<clock>[0-9]{1,2}[:.][0-9]{2})(?:\s*น\.?)?)?"
_EVERY = r"ทุก\s*(?:ๆ\s*)?"
_MONTHLY_DAY_RE = re.compile(
    rf"{_EVERY}วันที่\s*(?P<day>[0-9]{{1,2}})(?:\s*ของ\s*(?:ทุก\s*)?เดือน)?{_TIME}"
)
_MONTH_END_RE = re.compile(rf"{_EVERY}(?:วัน\s*)?สิ้นเดือน{_TIME}")
# "อย่างน้อยเดือนละ 1 ครั้ง" and "ทุกเดือนสม่ำเสมอ" are how the plan itself says it.
_MONTHLY_RE = re.compile(
    r"(?:อย่างน้อย\s*)?(?:เดือนละ\s*(?P<times>[0-9]{1,2})\s*ครั้ง|"
    rf"{_EVERY}เดือน)(?:\s*(?:อย่าง\s*)?สม่ำเสมอ)?{_TIME}"
)
_WITHIN_RE = re.compile(r"ภายใน\s*(?P<days>[0-9]{1,4})\s*วัน")
_WEEKLY_RE = re.compile(rf"{_EVERY}(?P<weekday>.+?){_TIME}")
_CLOCK_RE = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")
_STORED_CLOCK_RE = re.compile(r"[0-9]{2}:[0-9]{2}")
_SPACES_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Recurrence:
    """When something repeats, stored as a rule string and expanded into calendar dates.

    kind "monthly" with day=N is "ทุกวันที่ N" (a day past a short month's end falls on its
    last day); without a day it is "เดือนละ 1 ครั้ง", due by each month's last day.
    "within_days" counts from an event ("ภายใน 5 วัน") and has no calendar dates of its own.
    """

    kind: RecurrenceKind
    day: int | None = None
    weekday: int | None = None  # Python weekday, Monday = 0
    days: int | None = None
    at: time | None = None

    def __post_init__(self) -> None:
        """Reject fields that do not belong to the kind."""
        expected = {
            "monthly": self.weekday is None and self.days is None,
            "month_end": self.day is None and self.weekday is None and self.days is None,
            "weekly": self.day is None and self.days is None and self.weekday in range(7),
            "within_days": self.day is None
            and self.weekday is None
            and self.at is None
            and self.days in range(1, _MAX_WITHIN_DAYS + 1),
        }
        day_ok = self.day is None or self.day in range(1, 32)
        if not (expected.get(self.kind, False) and day_ok):
            raise ValueError(f"inconsistent recurrence {self!r}")

    def occurrences(self, start: date, end: date) -> list[date]:
        """Calendar dates from start to end inclusive, before any holiday shift."""
        if self.kind == "within_days" or end < start:
            return []
        return [moment.date() for moment in self._rule(start, until=end)]

    def due_after(self, event_date: date) -> date:
        """The first date due on or after event_date ("ภายใน 5 วัน" → five days later)."""
        if self.kind == "within_days":
            assert self.days is not None
            return event_date + timedelta(days=self.days)
        return next(iter(self._rule(event_date, count=1))).date()

    def _rule(self, start: date, *, until: date | None = None, count: int | None = None) -> rrule:
        """The dateutil rule for a calendar kind, from start to until or for count dates."""
        dtstart = datetime.combine(start, time())
        bounds: dict[str, Any] = {
            "until": datetime.combine(until, time()) if until else None,
            "count": count,
        }
        if self.kind == "weekly":
            return rrule(WEEKLY, dtstart=dtstart, byweekday=self.weekday, **bounds)
        if self.kind == "month_end" or self.day is None:
            return rrule(MONTHLY, dtstart=dtstart, bymonthday=-1, **bounds)
        if self.day <= 28:
            return rrule(MONTHLY, dtstart=dtstart, bymonthday=self.day, **bounds)
        # The last of 28..day that the month has: day 31 in April lands on the 30th.
        candidates = tuple(range(28, self.day + 1))
        return rrule(MONTHLY, dtstart=dtstart, bymonthday=candidates, bysetpos=-1, **bounds)

    def describe(self) -> str:
        """The rule in Thai, e.g. "ทุกวันที่ 15 ของเดือน เวลา 09:30 น."."""
        clock = self.at.strftime("%H:%M") if self.at else None
        if self.kind == "monthly":
            if self.day is None:
                return texts.recurrence_once_a_month(clock)
            return texts.recurrence_monthly_day(self.day, clock)
        if self.kind == "month_end":
            return texts.recurrence_month_end(clock)
        if self.kind == "weekly":
            assert self.weekday is not None
            return texts.recurrence_weekly(weekday_name(self.weekday), clock)
        assert self.days is not None
        return texts.recurrence_within_days(self.days)

    def to_rule_string(self) -> str:
        """Stable text for the database: "monthly:day=15,time=09:30", "weekly:MO", …."""
        fields: list[str] = []
        if self.kind == "weekly":
            assert self.weekday is not None
            fields.append(_WEEKDAY_CODES[self.weekday])
        elif self.kind == "within_days":
            fields.append(str(self.days))
        elif self.day is not None:
            fields.append(f"day={self.day}")
        if self.at is not None:
            fields.append(f"time={self.at.strftime('%H:%M')}")
        return f"{self.kind}:{','.join(fields)}" if fields else self.kind

    @classmethod
    def from_rule_string(cls, rule: str) -> Recurrence:
        """The recurrence a to_rule_string() text stands for; ValueError if it is not one."""
        kind, _, rest = rule.partition(":")
        values: dict[str, Any] = {}
        for field in filter(None, rest.split(",")):
            key, sep, value = field.partition("=")
            if kind == "weekly" and not sep and key in _WEEKDAY_CODES:
                values["weekday"] = _WEEKDAY_CODES.index(key)
            elif kind == "within_days" and not sep and key.isdigit():
                values["days"] = int(key)
            elif key == "day" and value.isdigit():
                values["day"] = int(value)
            elif key == "time" and _STORED_CLOCK_RE.fullmatch(value):
                values["at"] = time.fromisoformat(value)
            else:
                raise ValueError(f"bad recurrence rule string {rule!r}")
        if kind not in _KINDS:
            raise ValueError(f"bad recurrence rule string {rule!r}")
        return cls(cast(RecurrenceKind, kind), **values)


def _clock(written: str | None) -> time | None:
    """A clock time from "09:30" or "9.30", or a Thai error if it does not exist."""
    if written is None:
        return None
    match = _CLOCK_RE.fullmatch(written)
    assert match is not None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ThaiDateError(texts.recurrence_bad_time(written))
    return time(hour, minute)


def parse_recurrence(text: str) -> Recurrence:
    """The rule in a Thai phrase: "ทุกวันที่ 15 ของเดือน เวลา 09:30", "ทุกสิ้นเดือน", ….

    Also "เดือนละ 1 ครั้ง", "ทุกเดือน", "ทุกวันจันทร์" (any weekday) and "ภายใน 5 วัน";
    anything else is a ThaiDateError with examples.
    """
    norm = _SPACES_RE.sub(" ", normalize(text)).strip()
    if match := _MONTHLY_DAY_RE.fullmatch(norm):
        day = int(match["day"])
        if not 1 <= day <= 31:
            raise ThaiDateError(texts.date_day_out_of_range(day))
        return Recurrence("monthly", day=day, at=_clock(match["clock"]))
    if match := _MONTH_END_RE.fullmatch(norm):
        return Recurrence("month_end", at=_clock(match["clock"]))
    if match := _MONTHLY_RE.fullmatch(norm):
        times = int(match["times"] or 1)
        if times != 1:
            raise ThaiDateError(texts.recurrence_once_a_month_only(times))
        return Recurrence("monthly", at=_clock(match["clock"]))
    if match := _WITHIN_RE.fullmatch(norm):
        days = int(match["days"])
        if not 1 <= days <= _MAX_WITHIN_DAYS:
            raise ThaiDateError(texts.recurrence_bad_days(days))
        return Recurrence("within_days", days=days)
    if match := _WEEKLY_RE.fullmatch(norm):
        try:
            weekday = parse_weekday(match["weekday"])
        except ThaiDateError:
            raise ThaiDateError(texts.recurrence_unknown(text.strip())) from None
        return Recurrence("weekly", weekday=weekday, at=_clock(match["clock"]))
    raise ThaiDateError(texts.recurrence_unknown(text.strip()))
