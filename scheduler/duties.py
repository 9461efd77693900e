"""Recurring duties: one occurrence per month, each with its own working-day due date (pure).

"สรุปผลการจัดซื้อจัดจ้าง ทุกสิ้นเดือน" is twelve pieces of work, not one: each month's is due on
that month's last working day and is done, or late, on its own. Occurrences are computed from
the rule and the calendar whenever they are needed; only the ones done are stored.
"""

from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass
from datetime import date

from scheduler.calendar import NoWorkingDayError, WorkCalendar
from scheduler.recurrence import Recurrence

# The kinds that recur by the month; "weekly" and "within_days" are not tracked as duties.
DUTY_KINDS = frozenset({"monthly", "month_end"})


@dataclass(frozen=True)
class Occurrence:
    """One month's share of a duty and the working day it is due."""

    year: int
    month: int
    due: date

    @property
    def period(self) -> str:
        """The month as stored: "2024-03" (like progress reports)."""
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class DutyProgress:
    """A duty's occurrences and which are done."""

    occurrences: tuple[Occurrence, ...]
    done: frozenset[str]  # periods

    @property
    def total(self) -> int:
        """How many occurrences the duty has in its range."""
        return len(self.occurrences)

    @property
    def done_count(self) -> int:
        """How many of them are done."""
        return sum(o.period in self.done for o in self.occurrences)

    @property
    def current(self) -> Occurrence | None:
        """The oldest occurrence not done (late or coming); None when all are done."""
        return next((o for o in self.occurrences if o.period not in self.done), None)

    def late(self, today: date) -> list[Occurrence]:
        """Occurrences past their due date and not done, oldest first."""
        return [o for o in self.occurrences if o.period not in self.done and o.due < today]

    def after(self, occurrence: Occurrence) -> Occurrence | None:
        """The next occurrence not done after `occurrence`."""
        return next(
            (o for o in self.occurrences if o.due > occurrence.due and o.period not in self.done),
            None,
        )

    def find(self, year: int, month: int) -> Occurrence | None:
        """The occurrence of that month, if the duty has one."""
        return next((o for o in self.occurrences if (o.year, o.month) == (year, month)), None)


def is_duty(rule: Recurrence | None) -> bool:
    """True for a rule tracked month by month."""
    return rule is not None and rule.kind in DUTY_KINDS


def occurrences(
    rule: Recurrence, first: date, last: date, calendar: WorkCalendar
) -> tuple[Occurrence, ...]:
    """Every month's occurrence due from `first` to `last` inclusive, on working days.

    "ทุกสิ้นเดือน" and "เดือนละ 1 ครั้ง" are due on the month's last working day; "ทุกวันที่ N"
    on day N, or the next working day of the same month when N is a day off (as the monthly
    meeting moves), else the month's last working day. "เดือนละ 1 ครั้ง" names no day, so a
    range that ends mid-month still has that month's occurrence, due by the range's end.
    """
    if not is_duty(rule) or last < first:
        return ()
    found = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        due = _due(rule, calendar, year, month)
        if _once_a_month(rule) and (year, month) == (last.year, last.month) and due > last:
            due = last if calendar.is_working_day(last) else calendar.previous_working_day(last)
            if due.month != month:
                break  # no working day of that month within the range
        # In range by the day the rule names (a 15th moved to the 16th is still the 15th's);
        # not before `first`, so a duty never starts with a month already past.
        if due >= first and _named_day(rule, year, month) <= last:
            found.append(Occurrence(year, month, due))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(found)


def progress(
    rule: Recurrence, first: date, last: date, calendar: WorkCalendar, done: frozenset[str]
) -> DutyProgress:
    """The duty's occurrences in its range, with those done."""
    return DutyProgress(occurrences(rule, first, last, calendar), done)


def fiscal_year_end(today: date) -> date:
    """30 September of the Thai fiscal year `today` is in (it starts on 1 October)."""
    return date(today.year + 1 if today.month >= 10 else today.year, 9, 30)


def _once_a_month(rule: Recurrence) -> bool:
    """ "เดือนละ 1 ครั้ง": due some time in the month, by its end, on no named day."""
    return rule.kind == "monthly" and rule.day is None


def _named_day(rule: Recurrence, year: int, month: int) -> date:
    """The day the rule names in a month, before any shift (day N, else the month's last).

    Once a month names no day: its first day stands for it (in range if the month starts so).
    """
    if _once_a_month(rule):
        return date(year, month, 1)
    last = calendar_module.monthrange(year, month)[1]
    day = min(rule.day, last) if rule.day is not None else last
    return date(year, month, day)


def _due(rule: Recurrence, calendar: WorkCalendar, year: int, month: int) -> date:
    """The working day one month's occurrence is due."""
    if rule.kind == "monthly" and rule.day is not None:
        try:
            return calendar.meeting_date(year, month, rule.day)
        except NoWorkingDayError:
            pass  # no working day from day N to the month's end: the last one before it
    return calendar.last_working_day(year, month)
