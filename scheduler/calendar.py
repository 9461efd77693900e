"""Working days of a Thai government office: weekends, government holidays, province extras."""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays
from holidays.constants import GOVERNMENT, PUBLIC

from scheduler import texts
from scheduler.festivals import SOUTHERN_BORDER_PROVINCES, festivals
from scheduler.thaidate import format_date, format_month

__all__ = [
    "PROVINCES",
    "NoWorkingDayError",
    "UnknownProvinceError",
    "WorkCalendar",
    "canonical_province",
]

_ONE_DAY = timedelta(days=1)

# The 77 provinces (Thai name, English RTGS name); typos must fail, not silently mean "national".
PROVINCES: tuple[tuple[str, str], ...] = (
    ("กรุงเทพมหานคร", "Bangkok"),
    ("กระบี่", "Krabi"),
    ("กาญจนบุรี", "Kanchanaburi"),
    ("กาฬสินธุ์", "Kalasin"),
    ("กำแพงเพชร", "Kamphaeng Phet"),
    ("ขอนแก่น", "Khon Kaen"),
    ("จันทบุรี", "Chanthaburi"),
    ("ฉะเชิงเทรา", "Chachoengsao"),
    ("ชลบุรี", "Chon Buri"),
    ("ชัยนาท", "Chai Nat"),
    ("ชัยภูมิ", "Chaiyaphum"),
    ("ชุมพร", "Chumphon"),
    ("เชียงราย", "Chiang Rai"),
    ("เชียงใหม่", "Chiang Mai"),
    ("ตรัง", "Trang"),
    ("ตราด", "Trat"),
    ("ตาก", "Tak"),
    ("นครนายก", "Nakhon Nayok"),
    ("นครปฐม", "Nakhon Pathom"),
    ("นครพนม", "Nakhon Phanom"),
    ("นครราชสีมา", "Nakhon Ratchasima"),
    ("นครศรีธรรมราช", "Nakhon Si Thammarat"),
    ("นครสวรรค์", "Nakhon Sawan"),
    ("นนทบุรี", "Nonthaburi"),
    ("นราธิวาส", "Narathiwat"),
    ("น่าน", "Nan"),
    ("บึงกาฬ", "Bueng Kan"),
    ("บุรีรัมย์", "Buri Ram"),
    ("ปทุมธานี", "Pathum Thani"),
    ("ประจวบคีรีขันธ์", "Prachuap Khiri Khan"),
    ("ปราจีนบุรี", "Prachin Buri"),
    ("ปัตตานี", "Pattani"),
    ("พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya"),
    ("พะเยา", "Phayao"),
    ("พังงา", "Phang Nga"),
    ("พัทลุง", "Phatthalung"),
    ("พิจิตร", "Phichit"),
    ("พิษณุโลก", "Phitsanulok"),
    ("เพชรบุรี", "Phetchaburi"),
    ("เพชรบูรณ์", "Phetchabun"),
    ("แพร่", "Phrae"),
    ("ภูเก็ต", "Phuket"),
    ("มหาสารคาม", "Maha Sarakham"),
    ("มุกดาหาร", "Mukdahan"),
    ("แม่ฮ่องสอน", "Mae Hong Son"),
    ("ยโสธร", "Yasothon"),
    ("ยะลา", "Yala"),
    ("ร้อยเอ็ด", "Roi Et"),
    ("ระนอง", "Ranong"),
    ("ระยอง", "Rayong"),
    ("ราชบุรี", "Ratchaburi"),
    ("ลพบุรี", "Lop Buri"),
    ("ลำปาง", "Lampang"),
    ("ลำพูน", "Lamphun"),
    ("เลย", "Loei"),
    ("ศรีสะเกษ", "Si Sa Ket"),
    ("สกลนคร", "Sakon Nakhon"),
    ("สงขลา", "Songkhla"),
    ("สตูล", "Satun"),
    ("สมุทรปราการ", "Samut Prakan"),
    ("สมุทรสงคราม", "Samut Songkhram"),
    ("สมุทรสาคร", "Samut Sakhon"),
    ("สระแก้ว", "Sa Kaeo"),
    ("สระบุรี", "Saraburi"),
    ("สิงห์บุรี", "Sing Buri"),
    ("สุโขทัย", "Sukhothai"),
    ("สุพรรณบุรี", "Suphan Buri"),
    ("สุราษฎร์ธานี", "Surat Thani"),
    ("สุรินทร์", "Surin"),
    ("หนองคาย", "Nong Khai"),
    ("หนองบัวลำภู", "Nong Bua Lam Phu"),
    ("อ่างทอง", "Ang Thong"),
    ("อำนาจเจริญ", "Amnat Charoen"),
    ("อุดรธานี", "Udon Thani"),
    ("อุตรดิตถ์", "Uttaradit"),
    ("อุทัยธานี", "Uthai Thani"),
    ("อุบลราชธานี", "Ubon Ratchathani"),
)

# Everyday spellings people type that the RTGS names above do not cover.
_ALIASES = {
    "กรุงเทพ": "กรุงเทพมหานคร",
    "กรุงเทพฯ": "กรุงเทพมหานคร",
    "กทม": "กรุงเทพมหานคร",
    "กทม.": "กรุงเทพมหานคร",
    "อยุธยา": "พระนครศรีอยุธยา",
    "โคราช": "นครราชสีมา",
    "ayutthaya": "พระนครศรีอยุธยา",
    "korat": "นครราชสีมา",
    "sisaket": "ศรีสะเกษ",
    "bungkan": "บึงกาฬ",
}

# Names the `holidays` package puts in the public category on which government offices work.
_OFFICES_WORK = frozenset(
    {
        # Labour Day is a private-sector and bank holiday; ราชการ works (no ครม. day off).
        "วันแรงงานแห่งชาติ",
        # ...and so is its in-lieu Monday (e.g. 3 May 2027).
        "ชดเชยวันแรงงานแห่งชาติ",
        # Children's Day is a celebration, never a day off for officials (always a Saturday anyway).
        "วันเด็กแห่งชาติ",
    }
)


class NoWorkingDayError(ValueError):
    """No working day is left in the month; the message is Thai."""


class UnknownProvinceError(ValueError):
    """The province name is not one of the 77 Thai provinces; the message is Thai."""


@dataclass(frozen=True)
class _Day:
    """One holiday date: its Thai names and whether the date is only an estimate."""

    names: tuple[str, ...]
    estimate: bool = False

    @property
    def name(self) -> str:
        """All names as one Thai phrase."""
        return texts.holiday_names(list(self.names))


def _province_key(name: str) -> str:
    """Lower-case, without spaces, hyphens or a leading จังหวัด/จ., for matching."""
    key = "".join(name.split()).replace("-", "").lower()
    for prefix in ("จังหวัด", "จ."):
        key = key.removeprefix(prefix)
    return key


_LOOKUP: dict[str, str] = {
    **{_province_key(thai): thai for thai, _ in PROVINCES},
    **{_province_key(english): thai for thai, english in PROVINCES},
    **{_province_key(alias): thai for alias, thai in _ALIASES.items()},
}


def canonical_province(name: str) -> str:
    """The Thai name of a province given in Thai or English ("Yala", "จังหวัดยะลา" → "ยะลา")."""
    thai = _LOOKUP.get(_province_key(name))
    if thai is None:
        raise UnknownProvinceError(texts.unknown_province(name, "ยะลา, ปัตตานี, กรุงเทพมหานคร"))
    return thai


@cache
def _national(year: int) -> dict[date, _Day]:
    """Thai government holidays of the year: public + government categories, less _OFFICES_WORK."""
    package = holidays.country_holidays(
        "TH", years=year, categories=(PUBLIC, GOVERNMENT), language="th"
    )
    days: dict[date, _Day] = {}
    for day in package:
        names = tuple(name for name in package.get_list(day) if name not in _OFFICES_WORK)
        if names:
            days[day] = _Day(names)
    return days


@cache
def _southern(year: int) -> dict[date, _Day]:
    """Southern border festivals of the year, with in-lieu days for those on a weekend."""
    days: dict[date, _Day] = {}
    # A festival on the last weekend of December puts its in-lieu day in January.
    found = (*festivals(year - 1), *festivals(year))
    # Every festival first, so an in-lieu day skips a festival the day after (CNY Sun 3 Feb 2030,
    # Eid al-Fitr Mon 4 Feb 2030: in lieu Tue 5 Feb).
    for festival in found:
        _add(days, festival.day, texts.southern_holiday(festival.kind), festival.estimate)
    for festival in found:
        if festival.day.weekday() >= 5:
            # นร 0215/ว274 (2538): a yearly holiday on a weekend is taken on the next working day.
            substitute = festival.day + _ONE_DAY
            while (
                substitute.weekday() >= 5
                or substitute in _national(substitute.year)
                or substitute in days
            ):
                substitute += _ONE_DAY
            name = texts.in_lieu(texts.southern_holiday(festival.kind))
            _add(days, substitute, name, festival.estimate)
    return {day: entry for day, entry in days.items() if day.year == year}


def _add(days: dict[date, _Day], day: date, name: str, estimate: bool) -> None:
    """Add one holiday name to a day, estimates labelled as such."""
    label = texts.estimated(name) if estimate else name
    old = days.get(day, _Day(()))
    days[day] = _Day((*old.names, label), old.estimate or estimate)


@cache
def _holidays(province: str | None, year: int) -> dict[date, _Day]:
    """Every holiday of the year for a province (None: the national calendar)."""
    if province not in SOUTHERN_BORDER_PROVINCES:
        return _national(year)
    merged = dict(_national(year))
    for day, extra in _southern(year).items():
        old = merged.get(day, _Day(()))
        merged[day] = _Day((*old.names, *extra.names), old.estimate or extra.estimate)
    return merged


class WorkCalendar:
    """Thai government working days, optionally with a province's extras and local overrides."""

    def __init__(
        self,
        province: str | None = None,
        *,
        extra_holidays: Mapping[date, str] | None = None,
        working_days: Iterable[date] = (),
    ) -> None:
        """Build the calendar; an unknown province raises UnknownProvinceError (Thai message)."""
        self.province = None if province is None else canonical_province(province)
        self._extra = dict(extra_holidays or {})
        # A declared working day wins over everything, extra holidays included.
        self._working = frozenset(working_days)

    @classmethod
    def with_overrides(
        cls, province: str | None, overrides: Iterable[tuple[date, str, bool]]
    ) -> WorkCalendar:
        """Build from override rows (date, name, True = extra holiday / False = working day)."""
        rows = list(overrides)
        return cls(
            province,
            extra_holidays={day: name for day, name, is_holiday in rows if is_holiday},
            working_days=[day for day, _, is_holiday in rows if not is_holiday],
        )

    def __repr__(self) -> str:
        """Debug form."""
        return f"WorkCalendar(province={self.province!r})"

    def is_working_day(self, d: date) -> bool:
        """True when government offices work on d."""
        if d in self._working:
            return True
        if d.weekday() >= 5 or d in self._extra:
            return False
        return d not in _holidays(self.province, d.year)

    def is_holiday(self, d: date) -> bool:
        """True when d is a named holiday (not merely a weekend) and not declared a working day."""
        return self._holiday_name(d) is not None

    def is_estimate(self, d: date) -> bool:
        """True when d is a holiday only by a computed Eid date not yet announced in Thailand."""
        if d in self._working or d in self._extra:
            return False
        entry = _holidays(self.province, d.year).get(d)
        return entry is not None and entry.estimate

    def holiday_name(self, d: date) -> str | None:
        """Thai name of why d is not a working day ("วันเสาร์" for a plain weekend), else None."""
        name = self._holiday_name(d)
        if name is None and not self.is_working_day(d):
            return texts.weekend_day(d.weekday())
        return name

    def _holiday_name(self, d: date) -> str | None:
        """Thai name of the holiday on d, ignoring plain weekends."""
        if d in self._working:
            return None
        if d in self._extra:
            return self._extra[d]
        entry = _holidays(self.province, d.year).get(d)
        return None if entry is None else entry.name

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after d."""
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before d."""
        d -= _ONE_DAY
        while not self.is_working_day(d):
            d -= _ONE_DAY
        return d

    def meeting_date(self, year: int, month: int, day: int = 15) -> date:
        """The day itself if working, else the next working day of the same month.

        A day past the month's end (a rule "every 31st" in a 30-day month) means its last day.
        """
        start = _day_in_month(year, month, day)
        for candidate in _days(start, _month_end(year, month)):
            if self.is_working_day(candidate):
                return candidate
        raise NoWorkingDayError(
            texts.no_working_day_left(format_month(year, month), format_date(start))
        )

    def meeting_shift_reason(self, year: int, month: int, day: int = 15) -> str | None:
        """Thai: why the meeting moved off the day ("15 มิ.ย. 2567 ตรงกับวันเสาร์"), or None."""
        start = _day_in_month(year, month, day)
        meeting = self.meeting_date(year, month, day)
        if meeting == start:
            return None
        # The day itself always says why; plain weekends after it go without saying.
        reasons = [texts.falls_on(format_date(start), self.holiday_name(start) or "")]
        reasons += [
            texts.falls_on(format_date(skipped), name)
            for skipped in _days(start + _ONE_DAY, meeting - _ONE_DAY)
            if (name := self._holiday_name(skipped))
        ]
        return texts.meeting_shift_reasons(reasons)

    def first_working_day(self, year: int, month: int) -> date:
        """The first working day of the month."""
        return self.meeting_date(year, month, 1)

    def last_working_day(self, year: int, month: int) -> date:
        """The last working day of the month."""
        end = _month_end(year, month)
        for candidate in _days(end, date(year, month, 1), step=-1):
            if self.is_working_day(candidate):
                return candidate
        raise NoWorkingDayError(
            texts.no_working_day_left(format_month(year, month), format_date(date(year, month, 1)))
        )

    def working_days_between(self, start: date, end: date) -> int:
        """Working days stepped over going from start to end, counting end but not start.

        Negative when end is before start, so that working_days_between(d, add_working_days(d, n))
        is n for every n.
        """
        if end >= start:
            return sum(self.is_working_day(d) for d in _days(start + _ONE_DAY, end))
        return -sum(self.is_working_day(d) for d in _days(end, start - _ONE_DAY))

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after d (before d when n < 0); d itself when n is 0."""
        for _ in range(abs(n)):
            d = self.next_working_day(d) if n > 0 else self.previous_working_day(d)
        return d

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Named holidays from start to end inclusive, sorted, in Thai; plain weekends left out."""
        return [(d, name) for d in _days(start, end) if (name := self._holiday_name(d))]


def _days(start: date, end: date, step: int = 1) -> Iterator[date]:
    """Dates from start to end inclusive, forwards (step 1) or backwards (step -1)."""
    d, delta = start, timedelta(days=step)
    while (d <= end) if step > 0 else (d >= end):
        yield d
        d += delta


def month_span(day: date) -> tuple[date, date]:
    """The first and the last day of `day`'s month."""
    return day.replace(day=1), _month_end(day.year, day.month)


def _month_end(year: int, month: int) -> date:
    """The last day of the month."""
    return date(year, month, _gregorian.monthrange(year, month)[1])


def _day_in_month(year: int, month: int, day: int) -> date:
    """Day of the month, clamped to the month's last day (a rule "every 31st" in April)."""
    if not 1 <= day <= 31:
        raise ValueError(f"day of month must be 1-31, got {day}")
    return date(year, month, min(day, _month_end(year, month).day))
