"""Recurring duties on the calendar alone: one occurrence a month, on working days (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.calendar import WorkCalendar
from scheduler.duties import DutyProgress, fiscal_year_end, occurrences
from scheduler.recurrence import Recurrence

NATIONAL, YALA = WorkCalendar(None), WorkCalendar("ยะลา")
FY2567 = (date(2023, 10, 1), date(2024, 9, 30))


def test_a_month_end_duty_has_twelve_occurrences_on_last_working_days() -> None:
    found = occurrences(Recurrence("month_end"), *FY2567, NATIONAL)
    assert [o.period for o in found] == [
        "2023-10", "2023-11", "2023-12", "2024-01", "2024-02", "2024-03",
        "2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09",
    ]  # fmt: skip
    for occurrence in found:
        assert NATIONAL.is_working_day(occurrence.due)
        later = [day for day in range(occurrence.due.day + 1, 32) if _exists(occurrence, day)]
        assert all(not NATIONAL.is_working_day(occurrence.due.replace(day=d)) for d in later)
    by_period = {o.period: o.due for o in found}
    assert by_period["2023-12"] == date(2023, 12, 28)  # 29 Dec 2023 was a special day off
    assert by_period["2024-03"] == date(2024, 3, 29)  # the 30th and 31st: a weekend
    assert by_period["2024-06"] == date(2024, 6, 28)


@pytest.mark.parametrize("calendar", [NATIONAL, YALA], ids=["national", "Yala"])
def test_a_day_15_duty_moves_off_days_off_exactly_as_the_meeting_does(
    calendar: WorkCalendar,
) -> None:
    found = occurrences(Recurrence("monthly", day=15), *FY2567, calendar)
    assert len(found) == 12
    for occurrence in found:
        assert occurrence.due == calendar.meeting_date(occurrence.year, occurrence.month, 15)
    june = next(o for o in found if o.period == "2024-06")
    assert june.due == (date(2024, 6, 17) if calendar is NATIONAL else date(2024, 6, 18))


def test_a_range_keeps_a_15th_moved_past_its_end_and_never_starts_with_a_past_month() -> None:
    meetings = occurrences(
        Recurrence("monthly", day=15), date(2023, 12, 15), date(2024, 9, 15), NATIONAL
    )
    assert meetings[0].due == date(2023, 12, 15)
    assert meetings[-1].due == date(2024, 9, 16)  # Sunday the 15th, still September's meeting
    assert len(meetings) == 10  # December to September
    # Typed on Saturday 30 March: March's month end (Friday the 29th) is already past.
    typed_late = occurrences(Recurrence("month_end"), date(2024, 3, 30), FY2567[1], NATIONAL)
    assert typed_late[0].period == "2024-04"
    assert occurrences(Recurrence("weekly", weekday=0), *FY2567, NATIONAL) == ()


def test_progress_knows_the_current_the_late_and_the_next_occurrence() -> None:
    found = occurrences(Recurrence("month_end"), *FY2567, NATIONAL)
    duty = DutyProgress(found, frozenset({"2023-10", "2023-12"}))
    assert (duty.done_count, duty.total) == (2, 12)
    assert duty.current is not None and duty.current.period == "2023-11"
    assert [o.period for o in duty.late(date(2024, 2, 1))] == ["2023-11", "2024-01"]
    assert duty.after(duty.current) == duty.find(2024, 1)
    assert duty.find(2025, 1) is None
    assert DutyProgress(found, frozenset(o.period for o in found)).current is None


@pytest.mark.parametrize(
    ("today", "end"),
    [(date(2024, 3, 1), date(2024, 9, 30)), (date(2024, 10, 1), date(2025, 9, 30))],
)
def test_the_fiscal_year_ends_on_30_september(today: date, end: date) -> None:
    assert fiscal_year_end(today) == end


def _exists(occurrence: object, day: int) -> bool:
    """Whether the occurrence's month has that day."""
    due = occurrence.due  # type: ignore[attr-defined]
    try:
        due.replace(day=day)
    except ValueError:
        return False
    return True


def test_once_a_month_over_a_range_ending_mid_month_is_due_by_the_range_s_end() -> None:
    found = occurrences(Recurrence("monthly"), date(2023, 12, 15), date(2024, 9, 15), NATIONAL)
    assert len(found) == 10  # December to September
    assert found[0].due == date(2023, 12, 28)  # the month's last working day (29th: a day off)
    assert found[-1].due == date(2024, 9, 13)  # Sunday the 15th ends the range: Friday
    month_end = occurrences(
        Recurrence("month_end"), date(2023, 12, 15), date(2024, 9, 15), NATIONAL
    )
    assert month_end[-1].period == "2024-08"  # September's month end is past the range
