"""Properties of the working-day calendar that must hold on any date, nationally and in Yala."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.calendar import NoWorkingDayError, WorkCalendar

CALENDARS = st.sampled_from([WorkCalendar(), WorkCalendar("ยะลา")])
DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(CALENDARS, DAYS, st.integers(min_value=1, max_value=31))
def test_meeting_date_is_a_working_day_of_the_same_month(
    calendar: WorkCalendar, month_of: date, day: int
) -> None:
    try:
        meeting = calendar.meeting_date(month_of.year, month_of.month, day)
    except NoWorkingDayError:
        last = calendar.last_working_day(month_of.year, month_of.month)
        assert last.day < day
        return
    assert calendar.is_working_day(meeting)
    assert (meeting.year, meeting.month) == (month_of.year, month_of.month)
    wanted = min(day, _month_length(month_of))
    assert meeting.day >= wanted
    requested = meeting.replace(day=wanted)
    if calendar.is_working_day(requested):
        assert meeting == requested
        assert calendar.meeting_shift_reason(month_of.year, month_of.month, day) is None
    else:
        assert calendar.meeting_shift_reason(month_of.year, month_of.month, day)
    assert not any(
        calendar.is_working_day(requested + timedelta(days=i))
        for i in range((meeting - requested).days)
    )


@FAST
@given(CALENDARS, DAYS)
def test_next_working_day_is_the_first_working_day_after(calendar: WorkCalendar, d: date) -> None:
    following = calendar.next_working_day(d)
    assert following > d
    assert calendar.is_working_day(following)
    assert not any(
        calendar.is_working_day(d + timedelta(days=i)) for i in range(1, (following - d).days)
    )
    before = calendar.previous_working_day(following)
    assert before == d if calendar.is_working_day(d) else before < d


@FAST
@given(CALENDARS, DAYS, st.integers(min_value=-30, max_value=30))
def test_add_and_count_working_days_agree(calendar: WorkCalendar, d: date, n: int) -> None:
    assert calendar.working_days_between(d, calendar.add_working_days(d, n)) == n


@FAST
@given(CALENDARS, DAYS)
def test_a_day_is_working_or_has_a_reason(calendar: WorkCalendar, d: date) -> None:
    assert calendar.is_working_day(d) == (calendar.holiday_name(d) is None)


def _month_length(d: date) -> int:
    """Days in d's month."""
    following = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (following - timedelta(days=1)).day
