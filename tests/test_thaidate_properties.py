"""Properties of Thai dates: what is written reads back, and no text crashes the parser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.thaidate import (
    Style,
    ThaiDateError,
    format_date,
    format_period,
    parse_date,
    parse_period,
    parse_periods,
)

# B.E. 2400–2700 as C.E. dates.
dates = st.dates(min_value=date(1857, 1, 1), max_value=date(2157, 12, 31))
styles = st.sampled_from(["short", "long", "numeric"])

# Pieces people (and OCR) put in date text, to reach deep into the parser.
FRAGMENTS = [
    "ม.ค.", "มค", "ม. ค.", "มี.ค.", "มี.ย.", "ม.ย.", "ม.", "มี", "ก.", "พ.", "ส.", "ศ.",
    "ธันวาคม", "กรกฏาคม", "กุมภา", "dec", "march",
    "วันที่", "วันศุกร์ที่", "พฤ.", "อา.", "พ.ศ.", "ค.ศ.", "ปีงบประมาณ", "ปีงบ",
    "วันเริ่มต้น", "วันสิ้นสุด", "สิ้นสุด", "ถึง", "จนถึง", "และ", ",",
    "-", "–", "—", "/", ".", " ", "  ", "\u200b", "๑๕", "๒๕๖๗",
    "0", "1", "15", "29", "31", "32", "66", "99", "256", "2566", "2400", "2800", "2024",
    "9999", "99999999999999999999", "13/03/2567", "2024-03-13", "6.ค.",
]  # fmt: skip
thai_date_text = st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join)
any_text = st.one_of(st.text(max_size=60), thai_date_text)
parsers: list[Callable[..., Any]] = [parse_date, parse_period, parse_periods]


@settings(max_examples=400, deadline=None)
@given(d=dates, style=styles, thai_digits=st.booleans(), weekday=st.booleans())
def test_format_then_parse_gives_the_date(
    d: date, style: Style, thai_digits: bool, weekday: bool
) -> None:
    """Every style of format_date reads back as the same date."""
    assert parse_date(format_date(d, style, thai_digits=thai_digits, weekday=weekday)) == d


@settings(max_examples=200, deadline=None)
@given(first=dates, second=dates, style=styles, thai_digits=st.booleans())
def test_format_period_then_parse_gives_the_period(
    first: date, second: date, style: Style, thai_digits: bool
) -> None:
    """A formatted period, shortened or not, reads back as the same period."""
    start, end = min(first, second), max(first, second)
    assert parse_period(format_period(start, end, style, thai_digits=thai_digits)) == (start, end)


@settings(max_examples=600, deadline=None)
@given(
    text=any_text,
    parser=st.sampled_from(parsers),
    default_year=st.one_of(st.none(), st.integers(-(10**6), 10**6), st.sampled_from([2566, 66])),
    today=st.one_of(st.none(), dates, st.dates()),
)
def test_any_text_raises_only_thai_date_errors(
    text: str, parser: Callable[..., Any], default_year: int | None, today: date | None
) -> None:
    """Whatever is typed, the parsers answer with dates or a ThaiDateError, nothing else."""
    try:
        parser(text, default_year=default_year, today=today)
    except ThaiDateError as error:
        assert str(error)
