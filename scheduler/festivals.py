"""Southern border festivals: Eid by Umm al-Qura (announced days win) and Chinese New Year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

from hijridate import Gregorian, Hijri
from holidays.calendars.chinese import _ChineseLunisolar

__all__ = [
    "ANNOUNCED",
    "KINDS",
    "SOUTHERN_BORDER_PROVINCES",
    "Announcement",
    "Festival",
    "Kind",
    "computed_eid",
    "festivals",
]

Kind = Literal["chinese_new_year", "eid_al_fitr", "eid_al_adha"]
KINDS: tuple[Kind, ...] = ("chinese_new_year", "eid_al_fitr", "eid_al_adha")

# มติ ครม. 8 ต.ค. 2517 (Eid, Pattani/Yala/Narathiwat/Satun), 10 ม.ค. 2555 (Chinese New Year),
# 13 ส.ค. 2556 (all three in Songkhla too): yearly government holidays in these provinces only.
SOUTHERN_BORDER_PROVINCES = frozenset({"ปัตตานี", "ยะลา", "นราธิวาส", "สตูล", "สงขลา"})

# Eid al-Fitr is 1 Shawwal (month 10), Eid al-Adha 10 Dhu al-Hijjah (month 12).
_EID_HIJRI_DAY: dict[Kind, tuple[int, int]] = {"eid_al_fitr": (10, 1), "eid_al_adha": (12, 10)}


@dataclass(frozen=True)
class Announcement:
    """An Eid day as the Chularatchamontri's office announced it after the moon sighting."""

    kind: Kind
    hijri_year: int
    day: date
    source: str


# Announced Eid days, which win over the computation (Thailand sights the moon; Umm al-Qura is a
# computed Saudi calendar and ran a day early for 6 of 7 announcements 2023-2026). One row per
# announcement, with where it was read; docs/thai-dates.md has the comparison table.
ANNOUNCED: tuple[Announcement, ...] = (
    Announcement(
        "eid_al_fitr",
        1444,
        date(2023, 4, 22),
        "ประกาศจุฬาราชมนตรี 20 เม.ย. 2566 (no sighting): js100.com/en/site/news/view/128798",
    ),
    Announcement(
        "eid_al_adha",
        1444,
        date(2023, 6, 29),
        "สำนักจุฬาราชมนตรี, sighting of 19 Jun 2566: mtoday.co.th/109619",
    ),
    Announcement(
        "eid_al_fitr",
        1445,
        date(2024, 4, 10),
        "จุฬาราชมนตรี, sighting of 9 Apr 2567 (moon seen): narathiwat.nfe.go.th (2024/04/09); "
        "Bernama via toppikr.com",
    ),
    Announcement(
        "eid_al_adha",
        1445,
        date(2024, 6, 17),
        "ประกาศสำนักจุฬาราชมนตรี 7 มิ.ย. 2567, quoted by ประกาศจังหวัดสงขลา: banprucity.go.th/?p=16712",
    ),
    Announcement(
        "eid_al_fitr",
        1446,
        date(2025, 3, 31),
        "สำนักงานจุฬาราชมนตรี, sighting of 30 Mar 2568 (moon seen): tnnthailand.com/social/194281; "
        "thethaiger.com/th/news/1117408",
    ),
    Announcement(
        "eid_al_adha",
        1446,
        date(2025, 6, 7),
        "ประกาศจุฬาราชมนตรี 28 พ.ค. 2568: hatyaifocus.com (news 28601); "
        "isranews.org/article/south-news/south-slide/138465-ptnhijj.html (Saudi Arabia: 6 Jun)",
    ),
    Announcement(
        "eid_al_fitr",
        1447,
        date(2026, 3, 21),
        "สำนักจุฬาราชมนตรี, Shawwal 1447: realnewsthailand.net/article/56812",
    ),
    # Eid al-Adha 1447 (computed Wed 27 May 2026): no announcement found in the sources searched.
)


@dataclass(frozen=True)
class Festival:
    """One southern festival day; estimate: a computed Eid not yet announced (may move a day)."""

    day: date
    kind: Kind
    estimate: bool


_BY_HIJRI_YEAR = {(a.kind, a.hijri_year): a.day for a in ANNOUNCED}


def computed_eid(kind: Kind, hijri_year: int) -> date:
    """The Umm al-Qura date of an Eid; OverflowError outside the library's table (1343-1500 AH)."""
    month, day = _EID_HIJRI_DAY[kind]
    # A plain date, not the library's date subclass, so that reprs and equality stay ordinary.
    return date(*Hijri(hijri_year, month, day).to_gregorian().datetuple())


def _eids(kind: Kind, year: int) -> list[Festival]:
    """The Eid days of a Gregorian year (one, or two when a Hijri year fits inside it)."""
    try:
        first = Gregorian(year, 1, 1).to_hijri().year
    except OverflowError:
        return []
    found = []
    # A Hijri year is 354 or 355 days, so only the Hijri years of 1 January and the next can
    # put an Eid into this Gregorian year.
    for hijri_year in (first, first + 1):
        announced = _BY_HIJRI_YEAR.get((kind, hijri_year))
        try:
            day = announced or computed_eid(kind, hijri_year)
        except OverflowError:
            continue
        if day.year == year:
            found.append(Festival(day, kind, estimate=announced is None))
    return found


def _chinese_new_year(year: int) -> list[Festival]:
    """Chinese New Year: a computed calendar with nothing to sight, so never an estimate."""
    day, _ = _ChineseLunisolar().lunar_new_year_date(year)
    return [] if day is None else [Festival(day, "chinese_new_year", estimate=False)]


@cache
def festivals(year: int) -> tuple[Festival, ...]:
    """Every southern festival day of the year, sorted; short when a source cannot compute it."""
    found = [
        *_chinese_new_year(year),
        *_eids("eid_al_fitr", year),
        *_eids("eid_al_adha", year),
    ]
    return tuple(sorted(found, key=lambda festival: festival.day))
