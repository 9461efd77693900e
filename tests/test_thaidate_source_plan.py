"""Every date, period and repeat phrase in part 2 of the ITA action plan (fiscal year 2567)."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.recurrence import Recurrence, parse_recurrence
from scheduler.thaidate import ThaiDateError, parse_date, parse_period, parse_periods
from tests.support.source_plan import (
    PERIODS,
    RECURRENCES,
    SEVERAL_PERIODS,
    SINGLE_DATES,
    UNREADABLE,
)


@pytest.mark.parametrize(("lines", "text", "expected"), SINGLE_DATES)
def test_single_dates(lines: str, text: str, expected: date) -> None:
    """A date written alone reads as that date, and as a one-day period."""
    assert parse_date(text) == expected
    assert parse_period(text) == (expected, expected)


@pytest.mark.parametrize(("lines", "text", "expected"), PERIODS)
def test_periods(lines: str, text: str, expected: tuple[date, date]) -> None:
    """Each period of the plan reads as its intended start and end."""
    assert parse_period(text) == expected
    assert parse_periods(text) == [expected]


@pytest.mark.parametrize(("lines", "text", "expected"), SEVERAL_PERIODS)
def test_several_periods(lines: str, text: str, expected: list[tuple[date, date]]) -> None:
    """Periods joined by "และ" read in order."""
    assert parse_periods(text) == expected


@pytest.mark.parametrize(("lines", "text", "words"), UNREADABLE)
def test_unreadable_strings_are_refused_in_thai(lines: str, text: str, words: list[str]) -> None:
    """What cannot be read for sure is refused with a Thai message naming the problem."""
    with pytest.raises(ThaiDateError) as error:
        parse_period(text)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize(("lines", "text", "rule"), RECURRENCES)
def test_recurrences(lines: str, text: str, rule: str) -> None:
    """Each repeat phrase of the plan becomes its stored rule."""
    recurrence = parse_recurrence(text)
    assert recurrence.to_rule_string() == rule
    assert Recurrence.from_rule_string(rule) == recurrence


def test_monthly_meeting_dates_over_the_plan() -> None:
    """Line 193: the 15th of every month, 15 Dec 2566 to 15 Sep 2567, is ten meetings."""
    start, end = parse_period("เริ่มตั้งแต่วันที่ 15 ธ.ค. 2566 วันสิ้นสุดวันที่ 15 ก.ย. 2567")
    meetings = parse_recurrence("ทุกวันที่ 15 ของเดือน").occurrences(start, end)
    assert meetings[0] == date(2023, 12, 15)
    assert meetings[-1] == date(2024, 9, 15)
    assert len(meetings) == 10
