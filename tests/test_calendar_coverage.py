"""The calendar check in CI: the years ahead are covered before anyone plans a meeting in them."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.calendar import WorkCalendar
from scheduler.festivals import KINDS, festivals

# The real date, on purpose: the point is to fail in CI when the years ahead are not covered.
THIS_YEAR = date.today().year
# Years the national calendar must cover: this one and the next.
NATIONAL_YEARS = range(THIS_YEAR, THIS_YEAR + 2)
# The southern festivals one year further, as meetings and deadlines are planned a year ahead.
SOUTHERN_YEARS = range(THIS_YEAR, THIS_YEAR + 3)

# Holidays the `holidays` package computes every year (fixed dates and the Thai lunar calendar);
# a year without one of them means the package's Thai data has run out.
YEARLY_HOLIDAYS = [
    "วันขึ้นปีใหม่",
    "วันมาฆบูชา",
    "วันที่ระลึกมหาจักรีบรมราชวงศ์",
    "วันสงกรานต์",
    "วันฉัตรมงคล",
    "วันวิสาขบูชา",
    "วันอาสาฬหบูชา",
    "วันเข้าพรรษา",
    "วันแม่แห่งชาติ",
    "วันนวมินทรมหาราช",
    "วันปิยมหาราช",
    "วันพ่อแห่งชาติ",
    "วันรัฐธรรมนูญ",
    "วันสิ้นปี",
]

# Announced each year by the Royal Household, so the package knows it only once announced.
ROYAL_PLOUGHING = "วันพืชมงคล"


def _names(calendar: WorkCalendar, year: int) -> str:
    """Every holiday name of the year, one per line (a day's several names share a line)."""
    days = calendar.holidays_between(date(year, 1, 1), date(year, 12, 31))
    return "\n".join(name for _, name in days)


@pytest.mark.parametrize("year", NATIONAL_YEARS)
def test_the_national_calendar_covers_the_year(year: int) -> None:
    names = _names(WorkCalendar(), year)
    missing = [name for name in YEARLY_HOLIDAYS if name not in names]
    assert not missing, f"the holidays package has no {missing} in {year}: upgrade it"


@pytest.mark.parametrize("year", SOUTHERN_YEARS)
def test_the_southern_festivals_are_computed_for_the_year(year: int) -> None:
    found = {festival.kind for festival in festivals(year)}
    missing = [kind for kind in KINDS if kind not in found]
    assert not missing, f"no date for {missing} in {year}: hijridate / holidays cannot compute it"


def test_this_years_royal_ploughing_day_is_known() -> None:
    # Next year's is announced late; by January the installed package must know this year's.
    assert ROYAL_PLOUGHING in _names(WorkCalendar(), THIS_YEAR), (
        f"{ROYAL_PLOUGHING} {THIS_YEAR} is missing: upgrade holidays, or add it as an override"
    )


def test_next_years_royal_ploughing_day() -> None:
    if ROYAL_PLOUGHING not in _names(WorkCalendar(), THIS_YEAR + 1):
        pytest.skip(f"{ROYAL_PLOUGHING} {THIS_YEAR + 1} not in the holidays package yet")
