"""Read and write Thai Buddhist-era dates and periods as officers type them."""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from scheduler import texts

__all__ = [
    "FIRST_BE_YEAR",
    "LAST_BE_YEAR",
    "NameStyle",
    "Style",
    "ThaiDateError",
    "format_date",
    "format_month",
    "format_period",
    "month_name",
    "normalize",
    "parse_date",
    "parse_month",
    "parse_period",
    "parse_periods",
    "parse_weekday",
    "to_be_year",
    "weekday_name",
]

BE_OFFSET = 543
# Years outside this window are typing mistakes, not plans; it also keeps date() in range.
FIRST_BE_YEAR = 2400
LAST_BE_YEAR = 2800
# Longer than any real cell of a plan; bounds the work an arbitrary message can cause.
MAX_TEXT_LENGTH = 500

Style = Literal["short", "long", "numeric"]
NameStyle = Literal["short", "long"]


class ThaiDateError(ValueError):
    """A date the bot cannot read; the message is Thai and says what to type instead."""


# (long name, official abbreviation, other spellings people and OCR produce)
_MONTHS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("มกราคม", "ม.ค.", ("มกรา", "january", "jan")),
    ("กุมภาพันธ์", "ก.พ.", ("กุมภาพันธ", "กุมภา", "february", "feb")),
    ("มีนาคม", "มี.ค.", ("มีนา", "march", "mar")),
    ("เมษายน", "เม.ย.", ("เมษา", "april", "apr")),
    ("พฤษภาคม", "พ.ค.", ("พฤษภา", "may")),
    ("มิถุนายน", "มิ.ย.", ("มิถุนา", "มี.ย.", "june", "jun")),
    ("กรกฎาคม", "ก.ค.", ("กรกฏาคม", "กรกฎา", "กรกฏา", "july", "jul")),
    ("สิงหาคม", "ส.ค.", ("สิงหา", "august", "aug")),
    ("กันยายน", "ก.ย.", ("กันยา", "september", "sept", "sep")),
    ("ตุลาคม", "ต.ค.", ("ตุลา", "october", "oct")),
    ("พฤศจิกายน", "พ.ย.", ("พฤษจิกายน", "พฤศจิกา", "november", "nov")),
    ("ธันวาคม", "ธ.ค.", ("ธันวา", "december", "dec")),
)

# Tokens that name a month only partly; guessing would silently pick the wrong one.
_AMBIGUOUS_MONTHS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("ม", (1, 3, 6)),  # also "ม." — a stray dot is skipped
    ("มี", (3, 6)),  # มี.ค. or the common มี.ย. typo for มิ.ย.
    ("ม.ย.", (4, 6)),  # เม.ย. or มิ.ย. with a vowel lost
    ("ก", (2, 7, 9)),
)

# Python weekday order (Monday = 0): (long, short, other spellings)
_WEEKDAYS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("วันจันทร์", "จ.", ("จันทร์", "monday", "mon")),
    ("วันอังคาร", "อ.", ("อังคาร", "tuesday", "tues", "tue")),
    ("วันพุธ", "พ.", ("พุธ", "wednesday", "wed")),
    ("วันพฤหัสบดี", "พฤ.", ("พฤหัสบดี", "วันพฤหัส", "พฤหัส", "thursday", "thurs", "thu")),
    ("วันศุกร์", "ศ.", ("ศุกร์", "friday", "fri")),
    ("วันเสาร์", "ส.", ("เสาร์", "saturday", "sat")),
    ("วันอาทิตย์", "อา.", ("อาทิตย์", "sunday", "sun")),
)
# "พ." is Wednesday before a day number and พ.ค./พ.ย. where a month belongs.
_WEEKDAY_AS_MONTH = {"พ.": (5, 11)}

# Labels the plan writes around dates; they carry no date of their own.
_NOISE_WORDS = (
    "วันเดือนปีที่ดำเนินการ",
    "วันที่ดำเนินการ",
    "วันที่เริ่มต้น",
    "วันเริ่มต้น",
    "เริ่มตั้งแต่",
    "ตั้งแต่",
    "เริ่มต้น",
    "เริ่ม",
    "ดำเนินการ",
    "วันที่",
    "ที่",
    "วัน",
    "เดือน",
    "ปี",
    "ณ",
)
# Words between the start and the end of a period.
_RANGE_WORDS = (
    "วันที่สิ้นสุด",
    "วันสิ้นสุด",
    "สิ้นสุด",
    "จนถึง",
    "ถึง",
    "until",
    "to",
)
_AND_WORDS = ("และ", "and")
_FISCAL_WORDS = ("ปีงบประมาณ", "ปีงบ")


class _Kind(enum.Enum):
    NUMBER = enum.auto()
    NUMERIC_DATE = enum.auto()
    MONTH = enum.auto()
    AMBIGUOUS = enum.auto()
    WEEKDAY = enum.auto()
    ERA_BE = enum.auto()
    ERA_CE = enum.auto()
    FISCAL = enum.auto()
    RANGE = enum.auto()
    AND = enum.auto()
    NOISE = enum.auto()
    UNKNOWN = enum.auto()


class _Token(NamedTuple):
    kind: _Kind
    text: str
    start: int
    end: int
    value: int = 0  # the number, month (1–12) or weekday (0–6)
    months: tuple[int, ...] = ()  # months an AMBIGUOUS (or month-like WEEKDAY) token may mean


class _Word(NamedTuple):
    kind: _Kind
    value: int = 0
    months: tuple[int, ...] = ()


_THAI_LETTER = "\u0e01-\u0e4e"
_STRIP_DOTS_AND_SPACES = re.compile(r"[.\s]+")


def _canonical(word: str) -> str:
    """The lookup key of a word: no dots, no spaces ("ม. ค." → "มค")."""
    return _STRIP_DOTS_AND_SPACES.sub("", word)


def _word_pattern(alias: str) -> str:
    """Regex for one alias: abbreviations tolerate missing dots and stray spaces."""
    parts = [p for p in alias.split(".") if p]
    if len(parts) > 1:
        # ม.ค. / มค / ม.ค / ม. ค. — and no Thai letter may follow an undotted end.
        body = r"\.?\s*".join(re.escape(p) for p in parts)
        return rf"{body}(?:\.|(?![{_THAI_LETTER}]))"
    if alias.isascii():
        return rf"{re.escape(alias)}(?![a-z])"
    if len(alias) <= 2 and not alias.endswith("."):
        # Bare one- or two-letter tokens ("มี", "ก") must not be the start of a longer word.
        return rf"{re.escape(alias)}(?![{_THAI_LETTER}])"
    return re.escape(alias)


def _vocabulary() -> dict[str, tuple[_Word, str]]:
    """Every known word, keyed by canonical form, with the regex that finds it."""
    words: dict[str, tuple[_Word, str]] = {}

    def add(alias: str, word: _Word) -> None:
        words[_canonical(alias)] = (word, _word_pattern(alias))

    for number, (long_name, short_name, others) in enumerate(_MONTHS, start=1):
        for alias in (long_name, short_name, *others):
            add(alias, _Word(_Kind.MONTH, number))
    for alias, months in _AMBIGUOUS_MONTHS:
        add(alias, _Word(_Kind.AMBIGUOUS, 0, months))
    for number, (long_name, short_name, others) in enumerate(_WEEKDAYS):
        for alias in (long_name, short_name, *others):
            add(alias, _Word(_Kind.WEEKDAY, number, _WEEKDAY_AS_MONTH.get(alias, ())))
    for alias in ("พ.ศ.", "b.e."):
        add(alias, _Word(_Kind.ERA_BE))
    for alias in ("ค.ศ.", "a.d.", "c.e."):
        add(alias, _Word(_Kind.ERA_CE))
    for kind, aliases in (
        (_Kind.NOISE, _NOISE_WORDS),
        (_Kind.RANGE, _RANGE_WORDS),
        (_Kind.AND, _AND_WORDS),
        (_Kind.FISCAL, _FISCAL_WORDS),
    ):
        for alias in aliases:
            add(alias, _Word(kind))
    return words


_VOCABULARY = _vocabulary()


def _alternation(patterns: Sequence[str]) -> str:
    """One regex for all words, grouped by first letter so only those words are tried."""
    by_first: dict[str, list[str]] = {}
    for pattern in patterns:  # every pattern starts with its alias's literal first letter
        by_first.setdefault(pattern[0], []).append(pattern[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in by_first.items())


# Longest first, so "มีนาคม" wins over "มีนา" and "มี.ค." over "มี".
_WORD_ALTERNATION = _alternation(
    [pattern for key, (_, pattern) in sorted(_VOCABULARY.items(), key=lambda kv: -len(kv[0]))]
)
_TOKEN_RE = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<iso>[0-9]{4}-[0-9]{2}-[0-9]{2})(?![0-9])"
    r"|(?P<dmy>[0-9]{1,2}/[0-9]{1,2}/[0-9]{1,4}|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,4})(?![0-9])"
    # A digit glued to an abbreviation, e.g. OCR's "6.ค.": a month nobody can read.
    rf"|(?P<garbled>[0-9]{{1,2}}\.[{_THAI_LETTER}]\.?+)(?![{_THAI_LETTER}])"
    r"|(?P<number>[0-9]+)"
    r"|(?P<dash>-)"
    r"|(?P<comma>,)"
    rf"|(?P<word>{_WORD_ALTERNATION})"
    r"|(?P<dot>\.)"
    r"|(?P<unknown>[^\s0-9]+)"
)
_NUMERIC_MONTH_RES = (
    re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})"),
    re.compile(r"(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4}|[0-9]{2})"),
)

_NORMALIZE_TABLE = str.maketrans(
    {
        **{chr(0x0E50 + i): str(i) for i in range(10)},  # ๐–๙
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00a0\u2009\u202f\u3000", " "),
        **dict.fromkeys("\u200b\u200c\u200d\ufeff", None),
    }
)
_ARABIC_TO_THAI_DIGITS = str.maketrans({str(i): chr(0x0E50 + i) for i in range(10)})


def normalize(text: str) -> str:
    """Arabic digits, one kind of dash and space, lower case; OCR's "ํา" becomes "ำ"."""
    text = text.translate(_NORMALIZE_TABLE).lower()
    return text.replace("\u0e4d\u0e32", "\u0e33") if "\u0e4d" in text else text


def _lex(text: str) -> tuple[str, list[_Token]]:
    """Split text into date tokens, dropping spaces, stray dots and label words."""
    norm = normalize(text)
    if len(norm) > MAX_TEXT_LENGTH:
        raise ThaiDateError(texts.date_too_long(MAX_TEXT_LENGTH))
    tokens: list[_Token] = []
    for match in _TOKEN_RE.finditer(norm):
        group = match.lastgroup
        piece = match.group()
        start, end = match.span()
        if group in ("space", "dot"):
            continue
        if group == "number":
            if len(piece) > 4:
                raise ThaiDateError(texts.date_number_too_long(piece))
            tokens.append(_Token(_Kind.NUMBER, piece, start, end, int(piece)))
        elif group in ("iso", "dmy"):
            tokens.append(_Token(_Kind.NUMERIC_DATE, piece, start, end))
        elif group == "dash":
            tokens.append(_Token(_Kind.RANGE, piece, start, end))
        elif group == "comma":
            tokens.append(_Token(_Kind.AND, piece, start, end))
        elif group == "word":
            word = _VOCABULARY[_canonical(piece)][0]
            if word.kind is not _Kind.NOISE:
                tokens.append(_Token(word.kind, piece, start, end, word.value, word.months))
        else:  # garbled or unknown
            tokens.append(_Token(_Kind.UNKNOWN, piece, start, end))
    return norm, tokens


def _span(norm: str, tokens: Sequence[_Token]) -> str:
    """The text the tokens were read from, for messages."""
    return norm[tokens[0].start : tokens[-1].end]


@dataclass(slots=True)
class _Partial:
    """A date as written, any part possibly missing ("1", "1 ต.ค.", "มี.ค. 2567")."""

    text: str
    day: int | None
    month: int | None
    year: int | None  # C.E.
    weekday: int | None


def to_be_year(ce_year: int) -> int:
    """The Buddhist-era year of a Common-era year (2024 → 2567)."""
    return ce_year + BE_OFFSET


def _supported(be_year: int, written: str) -> int:
    """The C.E. year of a supported B.E. year, or a Thai error naming the range."""
    if not FIRST_BE_YEAR <= be_year <= LAST_BE_YEAR:
        raise ThaiDateError(texts.date_year_out_of_range(written, FIRST_BE_YEAR, LAST_BE_YEAR))
    return be_year - BE_OFFSET


def _year(digits: str, era: _Kind | None, written: str) -> int:
    """C.E. year of a written year: "66" → B.E. 2566; 2400 and up is B.E.; below, C.E."""
    number = int(digits)
    if len(digits) == 2:
        # Two digits are the B.E. century people live in ("66" → 2566), or 20xx after ค.ศ.
        return 2000 + number if era is _Kind.ERA_CE else _supported(2500 + number, written)
    if len(digits) != 4:
        raise ThaiDateError(texts.date_year_unreadable(written))
    if era is _Kind.ERA_BE or (era is None and number >= FIRST_BE_YEAR):
        return _supported(number, written)
    return _supported(to_be_year(number), written)


def _default_year(year: int) -> int:
    """C.E. year of a default_year given in either era (2567 or 2024)."""
    be_year = year if year >= FIRST_BE_YEAR else to_be_year(year)
    return _supported(be_year, str(year))


def _day(number: int) -> int:
    """A day number that some month has."""
    if not 1 <= number <= 31:
        raise ThaiDateError(texts.date_day_out_of_range(number))
    return number


def _numeric_date(token: _Token) -> tuple[int, int, int]:
    """(day, month, C.E. year) of "13/03/2567", "15.12.66" or ISO "2024-03-13"."""
    text = token.text
    if "-" in text:
        year_digits, month_digits, day_digits = text.split("-")
    else:
        day_digits, month_digits, year_digits = re.split(r"[/.]", text)
    month = int(month_digits)
    if not 1 <= month <= 12:
        raise ThaiDateError(texts.date_month_out_of_range(month))
    return _day(int(day_digits)), month, _year(year_digits, None, year_digits)


def _read_year(tokens: Sequence[_Token], i: int, norm: str) -> tuple[int | None, int]:
    """An optional "[พ.ศ.|ค.ศ.] year" at tokens[i]; returns (C.E. year or None, next index)."""
    era: _Kind | None = None
    if i < len(tokens) and tokens[i].kind in (_Kind.ERA_BE, _Kind.ERA_CE):
        era = tokens[i].kind
        i += 1
        if i == len(tokens) or tokens[i].kind is not _Kind.NUMBER:
            raise ThaiDateError(texts.date_year_missing(_span(norm, tokens)))
    if i < len(tokens) and tokens[i].kind is _Kind.NUMBER:
        written = _span(norm, tokens[i - 1 if era else i : i + 1])
        return _year(tokens[i].text, era, written), i + 1
    return None, i


def _month_choices(token: _Token) -> str:
    """Ambiguity error for a token that names several months."""
    return texts.date_ambiguous_month(token.text, [_MONTHS[m - 1][1] for m in token.months])


def _partial(tokens: Sequence[_Token], norm: str) -> _Partial:
    """Read one written date: [weekday] (numeric date | day [month [era] [year]] | month …)."""
    text = _span(norm, tokens)
    i, count = 0, len(tokens)
    weekday: int | None = None
    if tokens[0].kind is _Kind.WEEKDAY:
        day_follows = count > 1 and (
            tokens[1].kind is _Kind.NUMERIC_DATE
            or (tokens[1].kind is _Kind.NUMBER and len(tokens[1].text) <= 2)
        )
        if not day_follows:
            # "พ. 2567" is a month and a year; "ศุกร์" alone is a weekday without a date.
            if tokens[0].months:
                raise ThaiDateError(_month_choices(tokens[0]))
            raise ThaiDateError(texts.date_no_day(text))
        weekday, i = tokens[0].value, 1
    token = tokens[i]
    i += 1
    day = month = year = None
    if token.kind is _Kind.NUMERIC_DATE:
        day, month, year = _numeric_date(token)
    elif token.kind is _Kind.NUMBER:
        day = _day(token.value)
        if i < count:
            following = tokens[i]
            if following.kind is _Kind.MONTH:
                month = following.value
                year, i = _read_year(tokens, i + 1, norm)
            elif following.months:
                raise ThaiDateError(_month_choices(following))
            elif following.kind in (_Kind.UNKNOWN, _Kind.WEEKDAY):
                raise ThaiDateError(texts.date_unknown_month(following.text))
            else:
                raise ThaiDateError(texts.date_no_month(text))
    elif token.kind is _Kind.MONTH:
        month = token.value
        year, i = _read_year(tokens, i, norm)
    elif token.months:
        raise ThaiDateError(_month_choices(token))
    else:
        raise ThaiDateError(texts.date_not_understood(text))
    if i < count:
        raise ThaiDateError(texts.date_not_understood(_span(norm, tokens[i:])))
    if day is not None and month is not None and year is None:
        _check_day_in_any_year(day, month)
    return _Partial(text, day, month, year, weekday)


def _check_day_in_any_year(day: int, month: int) -> None:
    """Reject "31 เม.ย." and "30 ก.พ." before the year is known."""
    longest = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    if day > longest:
        days = texts.date_february_days() if month == 2 else str(longest)
        raise ThaiDateError(texts.date_day_not_in_month(month_name(month, "long"), days, day))


def _make_date(partial: _Partial, year: int, month: int, day: int) -> date:
    """The real date, checked against the month's length and the written weekday."""
    last = calendar.monthrange(year, month)[1]
    if day > last:
        raise ThaiDateError(texts.date_day_not_in_month(format_month(year, month), str(last), day))
    result = date(year, month, day)
    if partial.weekday is not None and partial.weekday != result.weekday():
        raise ThaiDateError(
            texts.date_weekday_mismatch(
                format_date(result),
                weekday_name(result.weekday()),
                weekday_name(partial.weekday),
            )
        )
    return result


def _missing_year(
    month: int, day: int | None, default_year: int | None, today: date | None, text: str
) -> int:
    """Year for a date written without one: default_year, else on/after today, else an error."""
    if default_year is not None:
        return _default_year(default_year)
    if today is None:
        raise ThaiDateError(texts.date_year_missing(text))
    year = today.year
    if (month, day or 31) < (today.month, today.day):
        year += 1
    if month == 2 and day == 29:
        while not calendar.isleap(year):
            year += 1
    # A today near date.max must not push the year past what date() can hold.
    return _supported(to_be_year(year), str(to_be_year(year)))


def _single(
    partial: _Partial, default_year: int | None, today: date | None, whole_month: bool
) -> tuple[date, date]:
    """A period from one written date; a month alone is the whole month if allowed."""
    if partial.month is None:
        raise ThaiDateError(texts.date_no_month(partial.text))
    if partial.day is None and not whole_month:
        raise ThaiDateError(texts.date_no_day(partial.text))
    year = partial.year
    if year is None:
        year = _missing_year(partial.month, partial.day, default_year, today, partial.text)
    if partial.day is None:
        last = calendar.monthrange(year, partial.month)[1]
        return date(year, partial.month, 1), date(year, partial.month, last)
    day = _make_date(partial, year, partial.month, partial.day)
    return day, day


def _range(
    first: _Partial, last: _Partial, default_year: int | None, today: date | None, text: str
) -> tuple[date, date]:
    """A period from two written dates that share whatever the first one left out."""
    start_month = first.month or last.month
    end_month = last.month or first.month
    if start_month is None or end_month is None:
        raise ThaiDateError(texts.date_no_month(text))
    start_year, end_year = first.year, last.year
    if start_year is None and end_year is None:
        # A missing year reads as if written at the end: "25 ธ.ค. - 5 ม.ค." ends in it.
        end_year = _missing_year(end_month, last.day, default_year, today, text)
    if start_year is None:
        assert end_year is not None
        # "25 ธ.ค. - 5 ม.ค. 2567": a later month before the end's year is the year before.
        crosses = first.month is not None and start_month > end_month
        start_year = end_year - 1 if crosses else end_year
    elif end_year is None:
        crosses = last.month is not None and end_month < start_month
        end_year = start_year + 1 if crosses else start_year
    end_day = last.day or calendar.monthrange(end_year, end_month)[1]
    start = _make_date(first, start_year, start_month, first.day or 1)
    end = _make_date(last, end_year, end_month, end_day)
    if end < start:
        raise ThaiDateError(texts.period_end_before_start(format_date(start), format_date(end)))
    return start, end


def _fiscal_year(group: Sequence[_Token], norm: str) -> tuple[date, date]:
    """ "ปีงบประมาณ 2567" / "ปีงบ 67": 1 Oct of the year before to 30 Sep."""
    year, i = _read_year(group, 1, norm)
    if year is None or i != len(group):
        raise ThaiDateError(texts.date_not_understood(_span(norm, group)))
    return date(year - 1, 10, 1), date(year, 9, 30)


def _split(tokens: Sequence[_Token], kind: _Kind) -> list[list[_Token]]:
    """Tokens cut at every token of kind (the separators themselves are dropped)."""
    pieces: list[list[_Token]] = [[]]
    for token in tokens:
        if token.kind is kind:
            pieces.append([])
        else:
            pieces[-1].append(token)
    return pieces


def _group_period(
    group: list[_Token],
    norm: str,
    default_year: int | None,
    today: date | None,
    *,
    single_date: bool,
) -> tuple[date, date]:
    """One period (or, with single_date, one day) from the tokens between "และ"s."""
    text = _span(norm, group)
    if group[0].kind is _Kind.FISCAL:
        if single_date:
            raise ThaiDateError(texts.date_expected_single(text))
        return _fiscal_year(group, norm)
    # "สิ้นสุด 15 ต.ค. 2566" on its own is the end date itself.
    while group and group[0].kind is _Kind.RANGE and group[0].text != "-":
        group = group[1:]
    # "- ถึง" or "ถึง วันที่สิ้นสุด" is one separator.
    merged = [
        token
        for previous, token in zip([None, *group], group, strict=False)
        if not (token.kind is _Kind.RANGE and previous and previous.kind is _Kind.RANGE)
    ]
    parts = _split(merged, _Kind.RANGE)
    if any(not part for part in parts) or len(parts) > 3:
        raise ThaiDateError(texts.period_incomplete(text))
    if single_date and len(parts) > 1:
        raise ThaiDateError(texts.date_expected_single(text))
    partials = [_partial(part, norm) for part in parts]
    if len(partials) == 1:
        return _single(partials[0], default_year, today, whole_month=not single_date)
    start, end = _range(partials[0], partials[1], default_year, today, text)
    if len(partials) == 3:
        # The plan repeats the end: "1-31 ต.ค. 2566 สิ้นสุด 31 ต.ค. 2566"; it must agree.
        restated, _ = _single(partials[2], end.year, None, whole_month=False)
        if restated != end:
            raise ThaiDateError(texts.period_end_mismatch(format_date(restated), format_date(end)))
    return start, end


def _groups(text: str) -> tuple[str, list[list[_Token]]]:
    """The normalized text and its token groups between "และ" or commas."""
    norm, tokens = _lex(text)
    if not tokens:
        raise ThaiDateError(texts.date_empty())
    groups = _split(tokens, _Kind.AND)
    if any(not group for group in groups):
        raise ThaiDateError(texts.period_incomplete(norm.strip()))
    return norm, groups


def parse_periods(
    text: str, *, default_year: int | None = None, today: date | None = None
) -> list[tuple[date, date]]:
    """Every period in text joined by "และ" or commas, in the order written."""
    norm, groups = _groups(text)
    return [_group_period(group, norm, default_year, today, single_date=False) for group in groups]


def parse_period(
    text: str, *, default_year: int | None = None, today: date | None = None
) -> tuple[date, date]:
    """One period ("1-31 ต.ค. 2566", "ปีงบ 67", "มี.ค. 2567"); a single date gives (d, d).

    A missing year is read as if written at the end of the text: default_year (B.E. if it is
    2400 or more, else C.E.), or else the first period that has not ended before today.
    """
    norm, groups = _groups(text)
    if len(groups) > 1:
        raise ThaiDateError(texts.period_expected_single(norm.strip()))
    return _group_period(groups[0], norm, default_year, today, single_date=False)


def parse_date(text: str, *, default_year: int | None = None, today: date | None = None) -> date:
    """One day as people write it ("15 ธ.ค. 66", "วันศุกร์ที่ 15 ธันวาคม พ.ศ. 2566", "13/03/2567").

    A missing year is default_year (B.E. if it is 2400 or more, else C.E.), or else the
    next such day on or after today; with neither, a ThaiDateError asks for the year.
    """
    norm, groups = _groups(text)
    if len(groups) > 1:
        raise ThaiDateError(texts.date_expected_single(norm.strip()))
    return _group_period(groups[0], norm, default_year, today, single_date=True)[0]


def parse_month(text: str) -> tuple[int, int]:
    """(C.E. year, month) of "2567-03", "03/2567", "มี.ค. 2567" or "มีนาคม 67"."""
    norm = normalize(text).strip()
    for pattern in _NUMERIC_MONTH_RES:
        numeric = pattern.fullmatch(norm)
        if numeric:
            month = int(numeric["month"])
            if not 1 <= month <= 12:
                raise ThaiDateError(texts.date_month_out_of_range(month))
            return _year(numeric["year"], None, numeric["year"]), month
    norm, tokens = _lex(text)
    if not tokens or tokens[0].kind is not _Kind.MONTH:
        raise ThaiDateError(texts.month_expected(text.strip()))
    partial = _partial(tokens, norm)
    if partial.year is None or partial.month is None:
        raise ThaiDateError(texts.month_expected(text.strip()))
    return partial.year, partial.month


def parse_weekday(text: str) -> int:
    """Python weekday (Monday = 0) of "จันทร์", "วันศุกร์", "ศ." or "friday"."""
    _, tokens = _lex(text)
    if len(tokens) != 1 or tokens[0].kind is not _Kind.WEEKDAY:
        raise ThaiDateError(texts.weekday_unknown(text.strip()))
    return tokens[0].value


def month_name(month: int, style: NameStyle = "long") -> str:
    """ "มีนาคม" (long) or "มี.ค." (short) for month 1–12."""
    long_name, short_name, _ = _MONTHS[month - 1]
    return long_name if style == "long" else short_name


def weekday_name(weekday: int, style: NameStyle = "long") -> str:
    """ "วันศุกร์" (long) or "ศ." (short) for a Python weekday (Monday = 0)."""
    long_name, short_name, _ = _WEEKDAYS[weekday]
    return long_name if style == "long" else short_name


def format_month(year: int, month: int, style: NameStyle = "long") -> str:
    """ "มีนาคม 2567" (long) or "มี.ค. 2567" (short) for a C.E. year and a month."""
    return f"{month_name(month, style)} {to_be_year(year)}"


def _digits(text: str, thai_digits: bool) -> str:
    """Text with ๐–๙ instead of 0–9 when asked."""
    return text.translate(_ARABIC_TO_THAI_DIGITS) if thai_digits else text


def format_date(
    d: date, style: Style = "short", *, thai_digits: bool = False, weekday: bool = False
) -> str:
    """A date in Thai B.E., each style readable back by parse_date.

    short "15 ธ.ค. 2566", long "15 ธันวาคม พ.ศ. 2566", numeric "15/12/2566". With weekday,
    long reads "วันศุกร์ที่ 15 ธันวาคม พ.ศ. 2566" as in official letters; short and numeric
    lead with the abbreviation, as Thai calendars print it: "ศ. 15 ธ.ค. 2566", "ศ. 15/12/2566".
    """
    year = to_be_year(d.year)
    if style == "short":
        text = f"{d.day} {month_name(d.month, 'short')} {year}"
    elif style == "long":
        text = f"{d.day} {month_name(d.month)} พ.ศ. {year}"
    elif style == "numeric":
        text = f"{d.day:02d}/{d.month:02d}/{year}"
    else:
        raise ValueError(f"unknown date style {style!r}")
    if weekday:
        if style == "long":
            text = f"{weekday_name(d.weekday())}ที่ {text}"
        else:
            text = f"{weekday_name(d.weekday(), 'short')} {text}"
    return _digits(text, thai_digits)


def format_period(
    start: date, end: date, style: Style = "short", *, thai_digits: bool = False
) -> str:
    """A period, sharing what both ends share: "1–31 ต.ค. 2566", "1 ต.ค. 2566 – 31 มี.ค. 2567".

    Numeric periods are never shortened; a one-day period is just the date.
    """
    last = format_date(end, style)
    if start == end:
        text = last
    elif style == "numeric" or start.year != end.year:
        text = f"{format_date(start, style)} – {last}"
    elif start.month == end.month:
        text = f"{start.day}–{last}"
    else:
        text = f"{start.day} {month_name(start.month, style)} – {last}"
    return _digits(text, thai_digits)
