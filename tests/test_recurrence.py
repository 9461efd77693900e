"""Repeat rules: Thai phrases in, calendar dates, Thai descriptions and rule strings out."""

from __future__ import annotations

from datetime import date, time

import pytest

from scheduler.recurrence import Recurrence, parse_recurrence
from scheduler.thaidate import ThaiDateError

PHRASES = [
    # (phrase, rule string, description)
    ("ทุกวันที่ 15 ของเดือน", "monthly:day=15", "ทุกวันที่ 15 ของเดือน"),
    ("ทุกวันที่ 15", "monthly:day=15", "ทุกวันที่ 15 ของเดือน"),
    ("ทุกวันที่ 15 ของทุกเดือน", "monthly:day=15", "ทุกวันที่ 15 ของเดือน"),
    (
        "ทุกวันที่ 15 เวลา 09:30",
        "monthly:day=15,time=09:30",
        "ทุกวันที่ 15 ของเดือน เวลา 09:30 น.",
    ),
    (
        "ทุกวันที่ ๑๕ ของเดือน เวลา ๙.๓๐ น.",
        "monthly:day=15,time=09:30",
        "ทุกวันที่ 15 ของเดือน เวลา 09:30 น.",
    ),
    ("ทุกๆ วันที่ 1", "monthly:day=1", "ทุกวันที่ 1 ของเดือน"),
    ("ทุกสิ้นเดือน", "month_end", "ทุกสิ้นเดือน"),
    ("ทุกวันสิ้นเดือน", "month_end", "ทุกสิ้นเดือน"),
    ("ทุกสิ้นเดือน เวลา 16:00", "month_end:time=16:00", "ทุกสิ้นเดือน เวลา 16:00 น."),
    ("เดือนละ 1 ครั้ง", "monthly", "เดือนละ 1 ครั้ง"),
    ("อย่างน้อยเดือนละ 1 ครั้ง", "monthly", "เดือนละ 1 ครั้ง"),
    ("ทุกเดือน", "monthly", "เดือนละ 1 ครั้ง"),
    ("ทุกวันจันทร์", "weekly:MO", "ทุกวันจันทร์"),
    ("ทุกวันอังคาร", "weekly:TU", "ทุกวันอังคาร"),
    ("ทุกวันพุธ", "weekly:WE", "ทุกวันพุธ"),
    ("ทุกวันพฤหัสบดี", "weekly:TH", "ทุกวันพฤหัสบดี"),
    ("ทุกศุกร์", "weekly:FR", "ทุกวันศุกร์"),
    ("ทุกวันเสาร์", "weekly:SA", "ทุกวันเสาร์"),
    ("ทุก วันอาทิตย์ เวลา 8.00", "weekly:SU,time=08:00", "ทุกวันอาทิตย์ เวลา 08:00 น."),
    ("ภายใน 5 วัน", "within_days:5", "ภายใน 5 วัน"),
    ("ภายใน ๗ วัน", "within_days:7", "ภายใน 7 วัน"),
]


@pytest.mark.parametrize(("phrase", "rule", "description"), PHRASES)
def test_phrase_rule_string_and_description(phrase: str, rule: str, description: str) -> None:
    """A phrase gives its stable rule string and a Thai description, and the string reads back."""
    recurrence = parse_recurrence(phrase)
    assert recurrence.to_rule_string() == rule
    assert recurrence.describe() == description
    assert Recurrence.from_rule_string(rule) == recurrence


@pytest.mark.parametrize(
    ("phrase", "words"),
    [
        ("ทุกวัน", ["ไม่เข้าใจรอบ", "ทุกวันที่ 15"]),
        ("ทุกปี", ["ไม่เข้าใจรอบ"]),
        ("", ["ไม่เข้าใจรอบ"]),
        ("15 ธ.ค. 2566", ["ไม่เข้าใจรอบ"]),
        ("ทุกวันที่ 32", ["ไม่มีวันที่ 32"]),
        ("ทุกวันที่ 0", ["ไม่มีวันที่ 0"]),
        ("ทุกวันที่ 15 เวลา 25:00", ["25:00"]),
        ("ทุกวันที่ 15 เวลา 09:60", ["09:60"]),
        ("เดือนละ 2 ครั้ง", ["เดือนละ 1 ครั้ง"]),
        ("ภายใน 0 วัน", ["ภายใน 0 วัน"]),
        ("ภายใน 9999 วัน", ["1 ถึง 366"]),
        ("ทุกวันมีนาคม", ["ไม่เข้าใจรอบ"]),
    ],
)
def test_unknown_phrases_are_thai_errors(phrase: str, words: list[str]) -> None:
    """A phrase that is not a known rule is a ThaiDateError with examples."""
    with pytest.raises(ThaiDateError) as error:
        parse_recurrence(phrase)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize(
    ("rule", "start", "end", "expected"),
    [
        (
            "monthly:day=15",
            date(2024, 1, 1),
            date(2024, 4, 14),
            [date(2024, 1, 15), date(2024, 2, 15), date(2024, 3, 15)],
        ),
        # Raw dates: 15 Jun 2024 is a Saturday, shifting it is the calendar's job.
        ("monthly:day=15", date(2024, 6, 15), date(2024, 6, 15), [date(2024, 6, 15)]),
        # A day a short month lacks falls on its last day.
        (
            "monthly:day=31",
            date(2024, 1, 1),
            date(2024, 4, 30),
            [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)],
        ),
        (
            "monthly:day=30",
            date(2023, 2, 1),
            date(2023, 3, 31),
            [date(2023, 2, 28), date(2023, 3, 30)],
        ),
        (
            "month_end",
            date(2023, 12, 1),
            date(2024, 2, 29),
            [date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 29)],
        ),
        # Once a month with no fixed day is due by each month's last day.
        ("monthly", date(2023, 12, 15), date(2024, 1, 31), [date(2023, 12, 31), date(2024, 1, 31)]),
        (
            "weekly:MO",
            date(2024, 6, 1),
            date(2024, 6, 17),
            [date(2024, 6, 3), date(2024, 6, 10), date(2024, 6, 17)],
        ),
        ("within_days:5", date(2024, 1, 1), date(2024, 12, 31), []),
        ("monthly:day=15", date(2024, 3, 1), date(2024, 2, 1), []),
    ],
)
def test_occurrences(rule: str, start: date, end: date, expected: list[date]) -> None:
    """Occurrences are the raw calendar dates from start to end inclusive."""
    assert Recurrence.from_rule_string(rule).occurrences(start, end) == expected


@pytest.mark.parametrize(
    ("rule", "event", "expected"),
    [
        ("within_days:5", date(2024, 2, 27), date(2024, 3, 3)),
        ("monthly:day=15", date(2024, 2, 15), date(2024, 2, 15)),
        ("monthly:day=15", date(2024, 2, 16), date(2024, 3, 15)),
        ("month_end", date(2024, 2, 1), date(2024, 2, 29)),
        ("weekly:FR", date(2024, 6, 17), date(2024, 6, 21)),
    ],
)
def test_due_after(rule: str, event: date, expected: date) -> None:
    """Counting from an event: N days later, or the rule's next date on or after it."""
    assert Recurrence.from_rule_string(rule).due_after(event) == expected


def test_recurrence_is_frozen() -> None:
    """A rule is a value: it cannot be changed in place."""
    recurrence = parse_recurrence("ทุกวันที่ 15")
    with pytest.raises(AttributeError):
        recurrence.day = 16  # type: ignore[misc]
    assert recurrence == Recurrence("monthly", day=15)
    assert Recurrence("weekly", weekday=0, at=time(9)).to_rule_string() == "weekly:MO,time=09:00"


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "daily",
        "monthly:day=x",
        "monthly:day=40",
        "monthly:MO",
        "weekly",
        "weekly:XX",
        "within_days",
        "within_days:0",
        "within_days:5,time=09:00",
        "month_end:day=3",
        "monthly:time=9:30",
        "monthly:time=25:00",
    ],
)
def test_bad_rule_strings_are_value_errors(rule: str) -> None:
    """A corrupted stored rule is a ValueError for the developer, not a wrong schedule."""
    with pytest.raises(ValueError):
        Recurrence.from_rule_string(rule)
