"""Thai B.E. dates and periods: every accepted form, every refusal, every output style."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.thaidate import (
    Style,
    ThaiDateError,
    format_date,
    format_month,
    format_period,
    month_name,
    normalize,
    parse_date,
    parse_month,
    parse_period,
    parse_periods,
    parse_weekday,
    to_be_year,
    weekday_name,
)

DEC_15 = date(2023, 12, 15)  # a Friday
MAR_13 = date(2024, 3, 13)  # a Wednesday

DATES = [
    # abbreviations, with and without dots and spaces
    ("15 ธ.ค. 2566", DEC_15),
    ("15 ธ.ค 2566", DEC_15),
    ("15 ธค 2566", DEC_15),
    ("15 ธ. ค. 2566", DEC_15),
    ("15ธ.ค.2566", DEC_15),
    ("  15   ธ.ค.   2566  ", DEC_15),
    ("1ก.ย.2566", date(2023, 9, 1)),
    ("13 มี.ค. 2567", MAR_13),
    ("1 ม.ค. 2567", date(2024, 1, 1)),
    ("1 มค 2567", date(2024, 1, 1)),
    ("1 ม. ค. 2567", date(2024, 1, 1)),
    ("1 ก.พ. 2567", date(2024, 2, 1)),
    ("1 เม.ย. 2567", date(2024, 4, 1)),
    ("1 พ.ค. 2567", date(2024, 5, 1)),
    ("1 มิ.ย. 2567", date(2024, 6, 1)),
    ("1 ก.ค. 2567", date(2024, 7, 1)),
    ("1 ส.ค. 2567", date(2024, 8, 1)),
    ("1 ต.ค. 2566", date(2023, 10, 1)),
    ("1 พ.ย. 2566", date(2023, 11, 1)),
    # full and short names
    ("15 ธันวาคม 2566", DEC_15),
    ("15 ธันวา 2566", DEC_15),
    ("1 มกราคม 2567", date(2024, 1, 1)),
    ("1 มกรา 2567", date(2024, 1, 1)),
    ("29 กุมภาพันธ์ 2567", date(2024, 2, 29)),
    ("1 กุมภา 2567", date(2024, 2, 1)),
    ("1 มีนา 2567", date(2024, 3, 1)),
    ("1 เมษายน 2567", date(2024, 4, 1)),
    ("1 พฤษภาคม 2567", date(2024, 5, 1)),
    ("1 มิถุนายน 2567", date(2024, 6, 1)),
    ("1 กรกฎาคม 2567", date(2024, 7, 1)),
    ("1 สิงหาคม 2567", date(2024, 8, 1)),
    ("1 กันยายน 2567", date(2024, 9, 1)),
    ("1 ตุลาคม 2566", date(2023, 10, 1)),
    ("1 พฤศจิกายน 2566", date(2023, 11, 1)),
    # known typos
    ("30 มี.ย. 2567", date(2024, 6, 30)),
    ("1 กรกฏาคม 2567", date(2024, 7, 1)),
    ("1 พฤษจิกายน 2566", date(2023, 11, 1)),
    ("1 กุมภาพันธ 2567", date(2024, 2, 1)),
    # English
    ("15 December 2023", DEC_15),
    ("15 dec 2023", DEC_15),
    ("13 Mar 2024", MAR_13),
    ("1 sept 2024", date(2024, 9, 1)),
    # eras and years
    ("15 ธันวาคม พ.ศ. 2566", DEC_15),
    ("15 ธ.ค. พ.ศ.2566", DEC_15),
    ("15 ธ.ค. พศ 2566", DEC_15),
    ("15 ธ.ค. 66", DEC_15),
    ("15 ธ.ค. พ.ศ. 66", DEC_15),
    ("15 ธ.ค. 2023", DEC_15),
    ("15 ธ.ค. ค.ศ. 2023", DEC_15),
    ("15 ธ.ค. ค.ศ. 23", DEC_15),
    ("1 ม.ค. 2400", date(1857, 1, 1)),
    ("31 ธ.ค. 2800", date(2257, 12, 31)),
    # Thai digits
    ("๑๕ ธ.ค. ๒๕๖๖", DEC_15),
    ("๑๓/๐๓/๒๕๖๗", MAR_13),
    # labels and weekdays
    ("วันที่ 15 ธ.ค. 2566", DEC_15),
    ("วันที่15ธ.ค.2566", DEC_15),
    ("วันศุกร์ที่ 15 ธันวาคม พ.ศ. 2566", DEC_15),
    ("วันศุกร์ ที่ 15 ธ.ค. 2566", DEC_15),
    ("ศุกร์ 15 ธ.ค. 2566", DEC_15),
    ("ศ. 15 ธ.ค. 2566", DEC_15),
    ("Friday 15 Dec 2023", DEC_15),
    ("พ. 13 มี.ค. 2567", MAR_13),  # พ. before a day number is Wednesday
    ("วันพุธที่ 13 มี.ค. 2567", MAR_13),
    ("สิ้นสุด 15 ต.ค. 2566", date(2023, 10, 15)),
    # numeric forms
    ("13/03/2567", MAR_13),
    ("13/3/2567", MAR_13),
    ("13.03.2567", MAR_13),
    ("15/12/66", DEC_15),
    ("13/03/2024", MAR_13),
    ("2024-03-13", MAR_13),
    ("2567-03-13", MAR_13),
    ("ศ. 15/12/2566", DEC_15),
    # dashes and spaces people paste in
    ("15\u00a0ธ.ค.\u200b 2566", DEC_15),
    # OCR's decomposed sara am in a label
    ("วันที่ดําเนินการ 15 ธ.ค. 2566", DEC_15),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_parse_date(text: str, expected: date) -> None:
    """Each written form reads as its date."""
    assert parse_date(text) == expected


PERIODS = [
    ("1-31 ต.ค. 2566", (date(2023, 10, 1), date(2023, 10, 31))),
    ("1–31 ต.ค. 2566", (date(2023, 10, 1), date(2023, 10, 31))),
    ("1 ก.ย- 15 ก.ย. 66", (date(2023, 9, 1), date(2023, 9, 15))),
    ("1 ก.ย.2566-30 ก.ย. 2566", (date(2023, 9, 1), date(2023, 9, 30))),
    ("1 ต.ค. 2566 - 31 มี.ค. 2567", (date(2023, 10, 1), date(2024, 3, 31))),
    ("1 ต.ค. 2566 – 31 มี.ค. 2567", (date(2023, 10, 1), date(2024, 3, 31))),
    ("1 ต.ค. 2566 — 31 มี.ค. 2567", (date(2023, 10, 1), date(2024, 3, 31))),
    ("1 ต.ค. 2566 ถึง 31 มี.ค. 2567", (date(2023, 10, 1), date(2024, 3, 31))),
    ("1 ต.ค. 2566 จนถึง 31 มี.ค. 2567", (date(2023, 10, 1), date(2024, 3, 31))),
    ("1 ต.ค. 2566 - ถึง 31 มี.ค. 2567", (date(2023, 10, 1), date(2024, 3, 31))),
    ("วันเริ่มต้น 1 ต.ค. 2566 วันสิ้นสุด 31 มี.ค. 2567", (date(2023, 10, 1), date(2024, 3, 31))),
    (
        "วันที่ดำเนินการ 1 ธ.ค. 2566 วันที่สิ้นสุด 31 ธ.ค. 2566",
        (date(2023, 12, 1), date(2023, 12, 31)),
    ),
    ("25 ธ.ค. - 5 ม.ค. 2567", (date(2023, 12, 25), date(2024, 1, 5))),
    ("1 ต.ค. 66 - 30 ก.ย. 67", (date(2023, 10, 1), date(2024, 9, 30))),
    ("1 ต.ค. - 31 ธ.ค. 2566", (date(2023, 10, 1), date(2023, 12, 31))),
    ("25 ธ.ค. 2566 - 5 ม.ค.", (date(2023, 12, 25), date(2024, 1, 5))),
    ("1 - 15 ต.ค. 2566", (date(2023, 10, 1), date(2023, 10, 15))),
    ("1/10/2566 - 31/03/2567", (date(2023, 10, 1), date(2024, 3, 31))),
    ("2023-10-01 - 2024-03-31", (date(2023, 10, 1), date(2024, 3, 31))),
    ("ปีงบประมาณ 2567", (date(2023, 10, 1), date(2024, 9, 30))),
    ("ปีงบประมาณ พ.ศ. 2567", (date(2023, 10, 1), date(2024, 9, 30))),
    ("ปีงบ 67", (date(2023, 10, 1), date(2024, 9, 30))),
    ("มี.ค. 2567", (date(2024, 3, 1), date(2024, 3, 31))),
    ("กุมภาพันธ์ 2567", (date(2024, 2, 1), date(2024, 2, 29))),
    ("ต.ค. - ธ.ค. 2566", (date(2023, 10, 1), date(2023, 12, 31))),
    ("15 ธ.ค. 2566", (DEC_15, DEC_15)),
    ("1-31 ต.ค. 2566 สิ้นสุด 31 ต.ค. 2566", (date(2023, 10, 1), date(2023, 10, 31))),
]


@pytest.mark.parametrize(("text", "expected"), PERIODS)
def test_parse_period(text: str, expected: tuple[date, date]) -> None:
    """Each written period reads as its first and last day."""
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1-15 ต.ค. 2566 และ 1-15 เม.ย. 2567",
            [(date(2023, 10, 1), date(2023, 10, 15)), (date(2024, 4, 1), date(2024, 4, 15))],
        ),
        (
            "1 ต.ค. 2566, 15 ธ.ค. 2566, ม.ค. 2567",
            [
                (date(2023, 10, 1), date(2023, 10, 1)),
                (DEC_15, DEC_15),
                (date(2024, 1, 1), date(2024, 1, 31)),
            ],
        ),
        ("1-31 ต.ค. 2566", [(date(2023, 10, 1), date(2023, 10, 31))]),
    ],
)
def test_parse_periods(text: str, expected: list[tuple[date, date]]) -> None:
    """Periods joined by "และ" or commas read in the order written."""
    assert parse_periods(text) == expected


@pytest.mark.parametrize(
    ("text", "default_year", "today", "expected"),
    [
        ("15 ธ.ค.", 2566, None, DEC_15),
        ("15 ธ.ค.", 2023, None, DEC_15),  # a C.E. default is accepted too
        ("15 ธ.ค.", None, date(2023, 12, 1), DEC_15),
        ("15 ธ.ค.", None, date(2023, 12, 15), DEC_15),  # today itself counts
        ("15 ธ.ค.", None, date(2023, 12, 16), date(2024, 12, 15)),
        ("29 ก.พ.", None, date(2024, 3, 1), date(2028, 2, 29)),  # the next leap year
        ("15 ธ.ค.", 2566, date(2030, 1, 1), DEC_15),  # default_year wins over today
        ("15 ธ.ค. 2567", 2566, None, date(2024, 12, 15)),  # a written year wins
    ],
)
def test_missing_year(
    text: str, default_year: int | None, today: date | None, expected: date
) -> None:
    """A date without a year takes default_year, or else its next occurrence from today."""
    assert parse_date(text, default_year=default_year, today=today) == expected


@pytest.mark.parametrize(
    ("text", "default_year", "today", "expected"),
    [
        ("1-15 ต.ค.", 2566, None, (date(2023, 10, 1), date(2023, 10, 15))),
        ("25 ธ.ค. - 5 ม.ค.", 2567, None, (date(2023, 12, 25), date(2024, 1, 5))),
        # The first period not over yet: on 2 Jan the one that ends on 5 Jan.
        ("25 ธ.ค. - 5 ม.ค.", None, date(2024, 1, 2), (date(2023, 12, 25), date(2024, 1, 5))),
        ("1-15 ต.ค.", None, date(2023, 10, 20), (date(2024, 10, 1), date(2024, 10, 15))),
        ("มี.ค.", None, date(2024, 3, 31), (date(2024, 3, 1), date(2024, 3, 31))),
        ("มี.ค.", None, date(2024, 4, 1), (date(2025, 3, 1), date(2025, 3, 31))),
    ],
)
def test_period_missing_year(
    text: str, default_year: int | None, today: date | None, expected: tuple[date, date]
) -> None:
    """A missing year reads as if written at the end of the period."""
    assert parse_period(text, default_year=default_year, today=today) == expected


ERRORS = [
    # (text, words the Thai message must contain)
    ("", ["ยังไม่ได้พิมพ์วันที่"]),
    ("   ", ["ยังไม่ได้พิมพ์วันที่"]),
    ("15 มกร 2567", ["ไม่รู้จักเดือน", "มกร", "31 มี.ค. 2567"]),
    ("1 6.ค. 2566", ["ไม่รู้จักเดือน", "6.ค."]),
    ("15 xyz 2567", ["ไม่รู้จักเดือน", "xyz"]),
    ("15 ส. 2567", ["ไม่รู้จักเดือน", "ส."]),  # ส. is Saturday, not a month
    # tokens that could be several months
    ("15 มี 2567", ["มี.ค.", "มิ.ย."]),
    ("15 ม. 2567", ["ม.ค.", "มี.ค.", "มิ.ย."]),
    ("15 ม 2567", ["ม.ค.", "มี.ค.", "มิ.ย."]),
    ("15 ม.ย. 2567", ["เม.ย.", "มิ.ย."]),
    ("15 ก. 2567", ["ก.พ.", "ก.ค.", "ก.ย."]),
    ("15 พ. 2567", ["พ.ค.", "พ.ย."]),
    ("พ. 2567", ["พ.ค.", "พ.ย."]),
    # impossible days and months
    ("31 ก.พ. 2567", ["กุมภาพันธ์ 2567 มีแค่ 29 วัน"]),
    ("29 ก.พ. 2566", ["กุมภาพันธ์ 2566 มีแค่ 28 วัน"]),
    ("31 ก.พ.", ["กุมภาพันธ์", "28 หรือ 29"]),
    ("31 เม.ย. 2567", ["เมษายน 2567 มีแค่ 30 วัน"]),
    ("31 เม.ย.", ["เมษายน มีแค่ 30 วัน"]),
    ("31 มิ.ย. 2567", ["มิถุนายน 2567 มีแค่ 30 วัน"]),
    ("0 ม.ค. 2567", ["ไม่มีวันที่ 0"]),
    ("32 ม.ค. 2567", ["ไม่มีวันที่ 32"]),
    ("15/13/2567", ["ไม่มีเดือนที่ 13"]),
    ("2024-13-01", ["ไม่มีเดือนที่ 13"]),
    ("00/01/2567", ["ไม่มีวันที่ 0"]),
    # years
    ("15 ธ.ค.", ["ไม่มีปี"]),
    ("15 ธ.ค. พ.ศ.", ["ไม่มีปี"]),
    ("15 ธ.ค. 3000", ["3000", "2400–2800"]),
    ("15 ธ.ค. 1500", ["1500", "2400–2800"]),
    ("15 ธ.ค. 2300", ["2300", "2400–2800"]),
    ("15 ธ.ค. พ.ศ. 2023", ["2023", "2400–2800"]),
    ("15 ธ.ค. ค.ศ. 2566", ["2566", "2400–2800"]),
    ("15 ธ.ค. 256", ["256", "4 หลัก"]),
    ("15 ธ.ค. 2", ["อ่านไม่ได้"]),
    # weekday that does not match
    ("วันจันทร์ที่ 15 ธ.ค. 2566", ["ตรงกับวันศุกร์", "ไม่ใช่วันจันทร์"]),
    ("จ. 15/12/2566", ["ตรงกับวันศุกร์", "ไม่ใช่วันจันทร์"]),
    # missing pieces and stray words
    ("15", ["ไม่มีเดือน"]),
    ("15 2566", ["ไม่มีเดือน"]),
    ("มี.ค. 2567", ["ยังไม่มีวันที่"]),
    ("วันศุกร์", ["ยังไม่มีวันที่"]),
    ("15 ธ.ค. 2566 ครับ", ["ไม่เข้าใจ", "ครับ"]),
    ("พรุ่งนี้", ["ไม่เข้าใจ", "พรุ่งนี้"]),
    ("99999999999 ธ.ค.", ["ยาวเกินไป"]),
    ("1" * 5000, ["ยาวเกิน"]),
    # a period where one date belongs
    ("1-31 ต.ค. 2566", ["ไม่ใช่วันที่เดียว"]),
    ("1 ต.ค. 2566 และ 2 ต.ค. 2566", ["ไม่ใช่วันที่เดียว"]),
    ("ปีงบ 67", ["ไม่ใช่วันที่เดียว"]),
]


@pytest.mark.parametrize(("text", "words"), ERRORS)
def test_parse_date_errors(text: str, words: list[str]) -> None:
    """A date that cannot be read is a ThaiDateError whose Thai message names the problem."""
    with pytest.raises(ThaiDateError) as error:
        parse_date(text)
    assert isinstance(error.value, ValueError)
    for word in words:
        assert word in str(error.value)


PERIOD_ERRORS = [
    ("31 ต.ค. 2566 - 1 ต.ค. 2566", ["วันสิ้นสุด 1 ต.ค. 2566 มาก่อนวันเริ่มต้น 31 ต.ค. 2566"]),
    ("31-1 ต.ค. 2566", ["มาก่อน"]),
    ("1 ต.ค. 2567 - 30 ก.ย. 2567", ["มาก่อน"]),
    ("1 ต.ค. 2566 -", ["ไม่ครบ"]),
    ("- 1 ต.ค. 2566", ["ไม่ครบ"]),
    ("1 - 2 - 3 - 4 ต.ค. 2566", ["ไม่ครบ"]),
    ("1 ต.ค. 2566 และ", ["ไม่ครบ"]),
    ("1-31 ต.ค. 2566 สิ้นสุด 30 ต.ค. 2566", ["30 ต.ค. 2566", "31 ต.ค. 2566", "ไม่ตรง"]),
    ("1-15", ["ไม่มีเดือน"]),
    ("1-15 ต.ค.", ["ไม่มีปี"]),
    ("ปีงบประมาณ", ["ไม่เข้าใจ"]),
    ("ปีงบ 67 ต.ค.", ["ไม่เข้าใจ"]),
    ("ปีงบ 3000", ["2400–2800"]),
    ("1-31 ต.ค. 2566 และ 1-30 พ.ย. 2566", ["หลายช่วง"]),
    ("1-31 ก.พ. 2566", ["กุมภาพันธ์ 2566 มีแค่ 28 วัน"]),
]


@pytest.mark.parametrize(("text", "words"), PERIOD_ERRORS)
def test_parse_period_errors(text: str, words: list[str]) -> None:
    """A period that cannot be read is a ThaiDateError naming the problem."""
    with pytest.raises(ThaiDateError) as error:
        parse_period(text)
    for word in words:
        assert word in str(error.value)


def test_bad_default_year_is_refused() -> None:
    """A default_year outside the supported range is a Thai error, not a wrong date."""
    with pytest.raises(ThaiDateError, match="2400–2800"):
        parse_date("15 ธ.ค.", default_year=99)


@pytest.mark.parametrize(
    ("d", "style", "thai_digits", "weekday", "expected"),
    [
        (DEC_15, "short", False, False, "15 ธ.ค. 2566"),
        (DEC_15, "long", False, False, "15 ธันวาคม พ.ศ. 2566"),
        (DEC_15, "numeric", False, False, "15/12/2566"),
        (DEC_15, "short", False, True, "ศ. 15 ธ.ค. 2566"),
        (DEC_15, "long", False, True, "วันศุกร์ที่ 15 ธันวาคม พ.ศ. 2566"),
        (DEC_15, "numeric", False, True, "ศ. 15/12/2566"),
        (DEC_15, "short", True, False, "๑๕ ธ.ค. ๒๕๖๖"),
        (DEC_15, "long", True, True, "วันศุกร์ที่ ๑๕ ธันวาคม พ.ศ. ๒๕๖๖"),
        (DEC_15, "numeric", True, False, "๑๕/๑๒/๒๕๖๖"),
        (date(2024, 3, 1), "numeric", False, False, "01/03/2567"),
        (date(2024, 6, 17), "short", False, False, "17 มิ.ย. 2567"),
        (date(2024, 2, 22), "long", False, True, "วันพฤหัสบดีที่ 22 กุมภาพันธ์ พ.ศ. 2567"),
        (date(2024, 3, 10), "short", False, True, "อา. 10 มี.ค. 2567"),
    ],
)
def test_format_date(
    d: date, style: Style, thai_digits: bool, weekday: bool, expected: str
) -> None:
    """Each style writes the date the way Thai offices do."""
    assert format_date(d, style, thai_digits=thai_digits, weekday=weekday) == expected


def test_format_date_rejects_unknown_style() -> None:
    """A style name typo is a programming error, said in English."""
    with pytest.raises(ValueError, match="style"):
        format_date(DEC_15, "iso")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "end", "style", "expected"),
    [
        (date(2023, 10, 1), date(2024, 3, 31), "short", "1 ต.ค. 2566 – 31 มี.ค. 2567"),
        (date(2023, 10, 1), date(2023, 10, 31), "short", "1–31 ต.ค. 2566"),
        (date(2023, 10, 1), date(2023, 12, 31), "short", "1 ต.ค. – 31 ธ.ค. 2566"),
        (DEC_15, DEC_15, "short", "15 ธ.ค. 2566"),
        (date(2023, 10, 1), date(2023, 10, 31), "long", "1–31 ตุลาคม พ.ศ. 2566"),
        (
            date(2023, 10, 1),
            date(2024, 3, 31),
            "long",
            "1 ตุลาคม พ.ศ. 2566 – 31 มีนาคม พ.ศ. 2567",
        ),
        (date(2023, 10, 1), date(2023, 10, 31), "numeric", "01/10/2566 – 31/10/2566"),
    ],
)
def test_format_period(start: date, end: date, style: Style, expected: str) -> None:
    """A period shares what both ends share, and reads back as itself."""
    text = format_period(start, end, style)
    assert text == expected
    assert parse_period(text) == (start, end)


def test_format_period_thai_digits() -> None:
    """Thai digits apply to the whole period."""
    assert format_period(date(2023, 10, 1), date(2023, 10, 31), thai_digits=True) == (
        "๑–๓๑ ต.ค. ๒๕๖๖"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2567-03", (2024, 3)),
        ("2024-03", (2024, 3)),
        ("03/2567", (2024, 3)),
        ("3/67", (2024, 3)),
        ("มี.ค. 2567", (2024, 3)),
        ("มีนาคม 67", (2024, 3)),
        ("เดือนมีนาคม พ.ศ. 2567", (2024, 3)),
        ("๒๕๖๗-๐๓", (2024, 3)),
    ],
)
def test_parse_month(text: str, expected: tuple[int, int]) -> None:
    """A month and year, numeric or in words, gives (C.E. year, month)."""
    assert parse_month(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2567-13", ["ไม่มีเดือนที่ 13"]),
        ("มีนาคม", ["ไม่ใช่เดือนและปี"]),
        ("15 มี.ค. 2567", ["ไม่ใช่เดือนและปี"]),
        ("", ["ไม่ใช่เดือนและปี"]),
        ("มี.ค. 2567 - เม.ย. 2567", ["ไม่เข้าใจ"]),
    ],
)
def test_parse_month_errors(text: str, words: list[str]) -> None:
    """Anything but a month and year is refused in Thai."""
    with pytest.raises(ThaiDateError) as error:
        parse_month(text)
    for word in words:
        assert word in str(error.value)


def test_format_month_and_names() -> None:
    """Month and weekday names in both lengths; years convert to B.E."""
    assert format_month(2024, 3) == "มีนาคม 2567"
    assert format_month(2024, 3, "short") == "มี.ค. 2567"
    assert month_name(6) == "มิถุนายน"
    assert month_name(6, "short") == "มิ.ย."
    assert weekday_name(4) == "วันศุกร์"
    assert weekday_name(3, "short") == "พฤ."
    assert to_be_year(2024) == 2567


@pytest.mark.parametrize(
    ("text", "expected"),
    [("จันทร์", 0), ("วันอังคาร", 1), ("พ.", 2), ("พฤหัส", 3), ("ศ.", 4), ("Saturday", 5)],
)
def test_parse_weekday(text: str, expected: int) -> None:
    """Weekday names and abbreviations give Python weekdays."""
    assert parse_weekday(text) == expected


def test_parse_weekday_refuses_other_text() -> None:
    """A month is not a weekday."""
    with pytest.raises(ThaiDateError, match="ไม่ใช่ชื่อวัน"):
        parse_weekday("มีนาคม")


def test_normalize() -> None:
    """Thai digits, dashes, odd spaces and OCR's sara am are made uniform."""
    assert normalize("๑๒\u2013๓๑ ธ.ค.\u00a0ดําเนินการ\u200b") == "12-31 ธ.ค. ดำเนินการ"
