"""The working-day calendar against the real 2023-2030 Thai government and Yala calendars."""

from __future__ import annotations

import re
from datetime import date

import holidays
import pytest
from holidays.constants import GOVERNMENT, PUBLIC

from scheduler.calendar import (
    PROVINCES,
    NoWorkingDayError,
    UnknownProvinceError,
    WorkCalendar,
    canonical_province,
)
from scheduler.festivals import ANNOUNCED, Announcement, computed_eid, festivals

NATIONAL = WorkCalendar()
YALA = WorkCalendar("ยะลา")

# Monthly meeting "ทุกวันที่ 15 … ตรงกับวันหยุดราชการให้ประชุมในวันถัดไปของเดือนนั้น",
# worked out by hand from the cabinet's 2567-2569 holiday calendar: (year, month, national, Yala).
MEETINGS = [
    (2024, 1, date(2024, 1, 15), date(2024, 1, 15)),
    (2024, 2, date(2024, 2, 15), date(2024, 2, 15)),
    (2024, 3, date(2024, 3, 15), date(2024, 3, 15)),
    # Mon 15 Songkran, Tue 16 Songkran in lieu.
    (2024, 4, date(2024, 4, 17), date(2024, 4, 17)),
    (2024, 5, date(2024, 5, 15), date(2024, 5, 15)),
    # Sat 15, Sun 16; Mon 17 is Eid al-Adha in Yala only.
    (2024, 6, date(2024, 6, 17), date(2024, 6, 18)),
    (2024, 7, date(2024, 7, 15), date(2024, 7, 15)),
    (2024, 8, date(2024, 8, 15), date(2024, 8, 15)),
    (2024, 9, date(2024, 9, 16), date(2024, 9, 16)),
    (2024, 10, date(2024, 10, 15), date(2024, 10, 15)),
    (2024, 11, date(2024, 11, 15), date(2024, 11, 15)),
    (2024, 12, date(2024, 12, 16), date(2024, 12, 16)),
    (2025, 1, date(2025, 1, 15), date(2025, 1, 15)),
    (2025, 2, date(2025, 2, 17), date(2025, 2, 17)),
    (2025, 3, date(2025, 3, 17), date(2025, 3, 17)),
    # Tue 15 Songkran, Wed 16 Songkran in lieu (13 April was a Sunday).
    (2025, 4, date(2025, 4, 17), date(2025, 4, 17)),
    (2025, 5, date(2025, 5, 15), date(2025, 5, 15)),
    (2025, 6, date(2025, 6, 16), date(2025, 6, 16)),
    (2025, 7, date(2025, 7, 15), date(2025, 7, 15)),
    (2025, 8, date(2025, 8, 15), date(2025, 8, 15)),
    (2025, 9, date(2025, 9, 15), date(2025, 9, 15)),
    (2025, 10, date(2025, 10, 15), date(2025, 10, 15)),
    (2025, 11, date(2025, 11, 17), date(2025, 11, 17)),
    (2025, 12, date(2025, 12, 15), date(2025, 12, 15)),
    (2026, 1, date(2026, 1, 15), date(2026, 1, 15)),
    # Sun 15 -> Mon 16; Yala's Chinese New Year is Tue 17, after the meeting.
    (2026, 2, date(2026, 2, 16), date(2026, 2, 16)),
    (2026, 3, date(2026, 3, 16), date(2026, 3, 16)),
    # Wed 15 is the last day of Songkran.
    (2026, 4, date(2026, 4, 16), date(2026, 4, 16)),
    (2026, 5, date(2026, 5, 15), date(2026, 5, 15)),
    (2026, 6, date(2026, 6, 15), date(2026, 6, 15)),
    (2026, 7, date(2026, 7, 15), date(2026, 7, 15)),
    (2026, 8, date(2026, 8, 17), date(2026, 8, 17)),
    (2026, 9, date(2026, 9, 15), date(2026, 9, 15)),
    (2026, 10, date(2026, 10, 15), date(2026, 10, 15)),
    (2026, 11, date(2026, 11, 16), date(2026, 11, 16)),
    (2026, 12, date(2026, 12, 15), date(2026, 12, 15)),
]


@pytest.mark.parametrize(("year", "month", "national", "yala"), MEETINGS)
def test_monthly_meeting_on_the_15th(year: int, month: int, national: date, yala: date) -> None:
    assert NATIONAL.meeting_date(year, month) == national
    assert YALA.meeting_date(year, month) == yala


@pytest.mark.parametrize(
    ("calendar", "year", "month", "day", "expected"),
    [
        # Yala's Chinese New Year, Sat 10 Feb 2024, is taken on Mon 12 Feb.
        (NATIONAL, 2024, 2, 12, date(2024, 2, 12)),
        (YALA, 2024, 2, 12, date(2024, 2, 13)),
        # Eid al-Fitr, Sat 21 Mar 2026, is taken on Mon 23 Mar in Yala.
        (NATIONAL, 2026, 3, 23, date(2026, 3, 23)),
        (YALA, 2026, 3, 23, date(2026, 3, 24)),
        # Sat 15 May 2027; Yala's computed Eid al-Adha Sun 16 is taken on Mon 17.
        (NATIONAL, 2027, 5, 15, date(2027, 5, 17)),
        (YALA, 2027, 5, 15, date(2027, 5, 18)),
        # "Every 31st" in a 30-day month means its last day.
        (NATIONAL, 2024, 4, 31, date(2024, 4, 30)),
        # New Year's Day.
        (NATIONAL, 2024, 1, 1, date(2024, 1, 2)),
    ],
)
def test_meeting_on_other_days(
    calendar: WorkCalendar, year: int, month: int, day: int, expected: date
) -> None:
    assert calendar.meeting_date(year, month, day) == expected


@pytest.mark.parametrize(
    ("calendar", "year", "month", "reason"),
    [
        (NATIONAL, 2024, 6, "15 มิ.ย. 2567 ตรงกับวันเสาร์"),
        (
            YALA,
            2024,
            6,
            "15 มิ.ย. 2567 ตรงกับวันเสาร์ และ 17 มิ.ย. 2567 ตรงกับวันตรุษอีดิ้ลอัฎฮา (วันรายอฮัจยี)",
        ),
        (
            NATIONAL,
            2024,
            4,
            "15 เม.ย. 2567 ตรงกับวันสงกรานต์ และ 16 เม.ย. 2567 ตรงกับวันหยุดชดเชยวันสงกรานต์",
        ),
        (NATIONAL, 2024, 7, None),
        (
            YALA,
            2027,
            5,
            "15 พ.ค. 2570 ตรงกับวันเสาร์"
            " และ 16 พ.ค. 2570 ตรงกับวันตรุษอีดิ้ลอัฎฮา (วันรายอฮัจยี) (ประมาณการ)"
            " และ 17 พ.ค. 2570 ตรงกับวันหยุดชดเชยวันตรุษอีดิ้ลอัฎฮา (วันรายอฮัจยี) (ประมาณการ)",
        ),
    ],
)
def test_meeting_shift_reason(
    calendar: WorkCalendar, year: int, month: int, reason: str | None
) -> None:
    assert calendar.meeting_shift_reason(year, month) == reason


@pytest.mark.parametrize(
    ("calendar", "year", "month", "expected"),
    [
        # Sat 28, Sun 29, the cabinet's extra day Mon 30, New Year's Eve Tue 31.
        (NATIONAL, 2024, 12, date(2024, 12, 27)),
        (NATIONAL, 2025, 12, date(2025, 12, 30)),
        (NATIONAL, 2026, 12, date(2026, 12, 30)),
        (NATIONAL, 2024, 6, date(2024, 6, 28)),
        (NATIONAL, 2024, 4, date(2024, 4, 30)),
        (NATIONAL, 2025, 8, date(2025, 8, 29)),
        (YALA, 2026, 3, date(2026, 3, 31)),
    ],
)
def test_last_working_day(calendar: WorkCalendar, year: int, month: int, expected: date) -> None:
    assert calendar.last_working_day(year, month) == expected


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        # 2 Jan 2024 worked: the in-lieu day for New Year's Eve 2023 moved to Fri 29 Dec 2023.
        (2024, 1, date(2024, 1, 2)),
        (2025, 1, date(2025, 1, 2)),
        # Thu 1 New Year, Fri 2 the cabinet's extra day.
        (2026, 1, date(2026, 1, 5)),
        # Labour Day is a working day for government offices.
        (2024, 5, date(2024, 5, 1)),
        # Mon 1 June 2026: Visakha Bucha (Sun 31 May) in lieu.
        (2026, 6, date(2026, 6, 2)),
    ],
)
def test_first_working_day(year: int, month: int, expected: date) -> None:
    assert NATIONAL.first_working_day(year, month) == expected


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 5, 1),  # Labour Day
        date(2025, 5, 1),
        date(2026, 5, 1),
        date(2027, 5, 3),  # Labour Day in lieu (1 May 2027 is a Saturday)
        date(2024, 1, 18),  # Armed Forces Day: armed forces only
        date(2024, 1, 16),  # Teacher's Day: Ministry of Education only
    ],
)
def test_days_the_package_lists_but_offices_work(day: date) -> None:
    assert NATIONAL.is_working_day(day)
    assert not NATIONAL.is_holiday(day)
    assert NATIONAL.holiday_name(day) is None


def test_labour_day_is_still_named_as_we_expect_by_the_package() -> None:
    package = holidays.country_holidays(
        "TH", years=2027, categories=(PUBLIC, GOVERNMENT), language="th"
    )
    assert package.get_list(date(2024, 5, 1)) == ["วันแรงงานแห่งชาติ"]
    assert package.get_list(date(2027, 5, 3)) == ["ชดเชยวันแรงงานแห่งชาติ"]
    assert package.get_list(date(2024, 1, 13)) == ["วันเด็กแห่งชาติ"]


def test_childrens_day_is_just_a_saturday() -> None:
    childrens_day = date(2024, 1, 13)
    assert not NATIONAL.is_holiday(childrens_day)
    assert NATIONAL.holiday_name(childrens_day) == "วันเสาร์"
    assert NATIONAL.holidays_between(childrens_day, childrens_day) == []


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2024, 12, 30), "วันหยุดพิเศษ (เพิ่มเติม)"),
        (date(2024, 12, 31), "วันสิ้นปี"),
        (date(2024, 5, 10), "วันพืชมงคล"),  # government category
        (date(2024, 6, 16), "วันอาทิตย์"),
        (date(2024, 4, 13), "วันสงกรานต์"),  # a Saturday that is also a holiday
        (date(2024, 6, 18), None),
    ],
)
def test_holiday_name(day: date, name: str | None) -> None:
    assert NATIONAL.holiday_name(day) == name


def test_several_holidays_on_one_day_read_as_one_phrase() -> None:
    name = NATIONAL.holiday_name(date(2024, 12, 5))
    assert name is not None
    assert name.endswith(", วันชาติ และวันพ่อแห่งชาติ")


@pytest.mark.parametrize(
    "day",
    [
        date(2023, 1, 23),  # Satun announced it: CNY Sun 22 Jan 2023 in lieu
        date(2025, 6, 9),  # Songkhla announced it: Eid al-Adha Sat 7 Jun 2025 in lieu
        date(2026, 3, 23),
    ],
)
@pytest.mark.parametrize("province", ["ปัตตานี", "Narathiwat", "สตูล", "สงขลา", "yala"])
def test_southern_in_lieu_days(province: str, day: date) -> None:
    assert not WorkCalendar(province).is_working_day(day)
    assert NATIONAL.is_working_day(day)


FITR = "วันตรุษอีดิ้ลฟิตรี (วันรายอปอซอ)"
ADHA = "วันตรุษอีดิ้ลอัฎฮา (วันรายอฮัจยี)"
CNY = "วันตรุษจีน"

# Yala's own days off as Thailand announced them (sources: docs/thai-dates.md), in-lieu days by
# the นร 0215/ว274 rule; "(ประมาณการ)" marks an Eid not announced (Eid al-Adha 1447 was not found
# announced; 1448 in 2027 has not been announced yet).
YALA_DAYS = {
    2024: [
        (date(2024, 2, 10), CNY),
        (date(2024, 2, 12), f"ชดเชย{CNY}"),
        (date(2024, 4, 10), FITR),  # the computation agreed
        (date(2024, 6, 17), ADHA),  # computed Sun 16 Jun
    ],
    2025: [
        (date(2025, 1, 29), CNY),
        (date(2025, 3, 31), FITR),  # computed Sun 30 Mar
        (date(2025, 6, 7), ADHA),  # computed Fri 6 Jun
        (date(2025, 6, 9), f"ชดเชย{ADHA}"),  # as Songkhla announced
    ],
    2026: [
        (date(2026, 2, 17), CNY),
        (date(2026, 3, 21), FITR),  # computed Fri 20 Mar
        (date(2026, 3, 23), f"ชดเชย{FITR}"),
        (date(2026, 5, 27), f"{ADHA} (ประมาณการ)"),
    ],
    2027: [
        (date(2027, 2, 6), CNY),
        (date(2027, 2, 8), f"ชดเชย{CNY}"),
        (date(2027, 3, 9), f"{FITR} (ประมาณการ)"),
        (date(2027, 5, 16), f"{ADHA} (ประมาณการ)"),
        (date(2027, 5, 17), f"ชดเชย{ADHA} (ประมาณการ)"),
    ],
}

# Umm al-Qura dates with no hand entry: (year, Hijri year, Eid al-Fitr, Eid al-Adha).
COMPUTED_EIDS = [
    (2028, 1449, date(2028, 2, 26), date(2028, 5, 5)),
    (2029, 1450, date(2029, 2, 14), date(2029, 4, 24)),
    (2030, 1451, date(2030, 2, 4), date(2030, 4, 13)),
]


def _yala_only(year: int) -> list[tuple[date, str]]:
    """Yala's holidays of the year that the national calendar does not have."""
    return [
        (day, name)
        for day, name in YALA.holidays_between(date(year, 1, 1), date(year, 12, 31))
        if (day, name) not in NATIONAL.holidays_between(day, day)
    ]


@pytest.mark.parametrize("year", sorted(YALA_DAYS))
def test_yala_days_off_are_the_announced_ones(year: int) -> None:
    assert _yala_only(year) == YALA_DAYS[year]


@pytest.mark.parametrize(("year", "hijri_year", "fitr", "adha"), COMPUTED_EIDS)
def test_later_eids_come_from_the_computation(
    year: int, hijri_year: int, fitr: date, adha: date
) -> None:
    assert computed_eid("eid_al_fitr", hijri_year) == fitr
    assert computed_eid("eid_al_adha", hijri_year) == adha
    eids = [(f.day, f.estimate) for f in festivals(year) if f.kind != "chinese_new_year"]
    assert eids == [(fitr, True), (adha, True)]
    assert YALA.holiday_name(fitr) == f"{FITR} (ประมาณการ)"
    assert f"{ADHA} (ประมาณการ)" in (YALA.holiday_name(adha) or "")
    assert not YALA.is_working_day(fitr)
    assert YALA.is_estimate(adha)


def test_no_hand_entry_beyond_the_announcements() -> None:
    # 1448 AH (2027) is not announced yet: every later Eid is computed.
    assert max(a.hijri_year for a in ANNOUNCED) == 1447
    assert not any(a.day.year >= 2027 for a in ANNOUNCED)


@pytest.mark.parametrize("announcement", ANNOUNCED, ids=lambda a: f"{a.kind}-{a.hijri_year}")
def test_announcements_are_within_a_day_of_the_computation(announcement: Announcement) -> None:
    # Moon sighting moves an Eid by a day at most; more means a typo in the table.
    computed = computed_eid(announcement.kind, announcement.hijri_year)
    assert abs((announcement.day - computed).days) <= 1
    assert announcement.source


def test_where_the_computation_and_the_announcements_differ() -> None:
    differ = {
        (a.kind, a.hijri_year): (a.day - computed_eid(a.kind, a.hijri_year)).days
        for a in ANNOUNCED
        if a.day != computed_eid(a.kind, a.hijri_year)
    }
    # Umm al-Qura (Saudi) ran a day ahead of Thailand's sighting every time but Eid al-Fitr 1445.
    assert differ == {
        ("eid_al_fitr", 1444): 1,
        ("eid_al_adha", 1444): 1,
        ("eid_al_adha", 1445): 1,
        ("eid_al_fitr", 1446): 1,
        ("eid_al_adha", 1446): 1,
        ("eid_al_fitr", 1447): 1,
    }


def test_estimates_are_only_unannounced_eids() -> None:
    assert not YALA.is_estimate(date(2024, 6, 17))
    assert YALA.is_estimate(date(2026, 5, 27))  # Eid al-Adha 1447, not found announced
    assert YALA.is_estimate(date(2027, 5, 17))  # in lieu of the computed Sun 16 May 2027
    # Chinese New Year is a computed calendar with nothing to sight: never an estimate.
    assert not YALA.is_estimate(date(2027, 2, 8))
    assert not NATIONAL.is_estimate(date(2027, 3, 9))
    assert NATIONAL.is_working_day(date(2027, 3, 9))
    # An admin's override settles an estimate.
    settled = WorkCalendar.with_overrides(
        "ยะลา", [(date(2027, 3, 9), "ทำงาน", False), (date(2027, 3, 10), FITR, True)]
    )
    assert settled.is_working_day(date(2027, 3, 9))
    assert not settled.is_estimate(date(2027, 3, 9))
    assert settled.holiday_name(date(2027, 3, 10)) == FITR


def test_an_in_lieu_day_skips_a_festival_the_day_after() -> None:
    # Chinese New Year Sun 3 Feb 2030, Eid al-Fitr (computed) Mon 4 Feb 2030.
    assert YALA.holiday_name(date(2030, 2, 4)) == f"{FITR} (ประมาณการ)"
    assert YALA.holiday_name(date(2030, 2, 5)) == f"ชดเชย{CNY}"
    assert YALA.next_working_day(date(2030, 2, 1)) == date(2030, 2, 6)


@pytest.mark.parametrize("name", ["ยะลา", "Yala", "yala", "จังหวัดยะลา", "จ.ยะลา", " YALA "])
def test_yala_spellings(name: str) -> None:
    calendar = WorkCalendar(name)
    assert calendar.province == "ยะลา"
    assert calendar.meeting_date(2024, 6) == date(2024, 6, 18)


@pytest.mark.parametrize("name", ["กรุงเทพมหานคร", "เชียงใหม่", "Chiang Mai", "Bangkok", "กทม."])
def test_provinces_without_extras_follow_the_national_calendar(name: str) -> None:
    calendar = WorkCalendar(name)
    assert calendar.meeting_date(2024, 6) == date(2024, 6, 17)
    assert calendar.is_working_day(date(2024, 2, 12))


@pytest.mark.parametrize("name", ["ยลา", "Yalla", "Springfield", ""])
def test_unknown_province(name: str) -> None:
    with pytest.raises(UnknownProvinceError, match="ไม่รู้จักจังหวัด") as caught:
        WorkCalendar(name)
    assert isinstance(caught.value, ValueError)


def test_seventy_seven_provinces() -> None:
    assert len(PROVINCES) == 77
    assert len({thai for thai, _ in PROVINCES}) == 77
    assert all(canonical_province(english) == thai for thai, english in PROVINCES)


def test_extra_holidays_and_declared_working_days() -> None:
    calendar = WorkCalendar(
        "ยะลา",
        extra_holidays={date(2024, 7, 15): "วันหยุดเทศบาล"},
        working_days=[date(2024, 6, 15), date(2024, 12, 30)],
    )
    assert calendar.meeting_date(2024, 7) == date(2024, 7, 16)
    assert calendar.meeting_shift_reason(2024, 7) == "15 ก.ค. 2567 ตรงกับวันหยุดเทศบาล"
    assert calendar.holiday_name(date(2024, 7, 15)) == "วันหยุดเทศบาล"
    # A Saturday declared a working day.
    assert calendar.meeting_date(2024, 6) == date(2024, 6, 15)
    assert calendar.last_working_day(2024, 12) == date(2024, 12, 30)
    assert (date(2024, 7, 15), "วันหยุดเทศบาล") in calendar.holidays_between(
        date(2024, 7, 1), date(2024, 7, 31)
    )
    assert date(2024, 12, 30) not in dict(
        calendar.holidays_between(date(2024, 12, 1), date(2024, 12, 31))
    )


def test_with_overrides_rows() -> None:
    calendar = WorkCalendar.with_overrides(
        "Yala",
        [(date(2024, 7, 15), "วันหยุดเทศบาล", True), (date(2024, 6, 18), "ประชุมด่วน", False)],
    )
    assert not calendar.is_working_day(date(2024, 7, 15))
    assert calendar.is_working_day(date(2024, 6, 18))
    assert calendar.province == "ยะลา"


def test_no_working_day_left_in_the_month() -> None:
    # Sat 28, Sun 29, extra Mon 30, New Year's Eve Tue 31 December 2024.
    with pytest.raises(NoWorkingDayError, match="ไม่มีวันทำการเหลือในเดือนธันวาคม 2567"):
        NATIONAL.meeting_date(2024, 12, 28)


def test_override_kills_the_rest_of_the_month() -> None:
    closed = {date(2024, 11, day): "ปิดสำนักงาน" for day in range(15, 31)}
    calendar = WorkCalendar(extra_holidays=closed)
    with pytest.raises(NoWorkingDayError, match=re.escape("ตั้งแต่ 15 พ.ย. 2567")) as caught:
        calendar.meeting_date(2024, 11)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(NoWorkingDayError):
        calendar.meeting_shift_reason(2024, 11)
    assert calendar.last_working_day(2024, 11) == date(2024, 11, 14)


@pytest.mark.parametrize("day", [0, 32])
def test_meeting_day_out_of_range(day: int) -> None:
    with pytest.raises(ValueError, match="1-31"):
        NATIONAL.meeting_date(2024, 1, day)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2024, 6, 14), date(2024, 6, 18), 2),  # Mon 17, Tue 18
        (date(2024, 6, 18), date(2024, 6, 14), -2),  # Fri 14, Mon 17
        (date(2024, 6, 15), date(2024, 6, 15), 0),
        (date(2024, 12, 27), date(2025, 1, 2), 1),  # only Thu 2 Jan 2025
    ],
)
def test_working_days_between(start: date, end: date, count: int) -> None:
    assert NATIONAL.working_days_between(start, end) == count


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 12, 27), 1, date(2025, 1, 2)),
        (date(2024, 12, 27), 2, date(2025, 1, 3)),
        (date(2025, 1, 2), -1, date(2024, 12, 27)),
        (date(2024, 6, 15), 0, date(2024, 6, 15)),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert NATIONAL.add_working_days(start, n) == expected


def test_next_and_previous_working_day() -> None:
    assert NATIONAL.next_working_day(date(2024, 6, 14)) == date(2024, 6, 17)
    assert YALA.next_working_day(date(2024, 6, 14)) == date(2024, 6, 18)
    assert NATIONAL.previous_working_day(date(2025, 1, 2)) == date(2024, 12, 27)
    assert NATIONAL.next_working_day(date(2024, 6, 17)) == date(2024, 6, 18)


def test_holidays_between_is_sorted_and_inclusive() -> None:
    found = NATIONAL.holidays_between(date(2024, 12, 5), date(2024, 12, 31))
    assert [day for day, _ in found] == [
        date(2024, 12, 5),
        date(2024, 12, 10),
        date(2024, 12, 30),
        date(2024, 12, 31),
    ]
