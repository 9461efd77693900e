"""Every sentence Tidtam says to a person, in Thai, in one place."""

# Why here: the scheduler (reminders, date errors) and the bot (chat answers) both speak
# to people, and imports only flow bot → scheduler → models, so the lowest speaking
# layer holds the whole catalogue. Change wording here and nowhere else.

from __future__ import annotations

# --- Thai dates (scheduler.thaidate) -------------------------------------------------
# (owned by thaidate; add date wording below this line)

# Examples shown in every hint, so a person always sees a form that works.
_DATE_EXAMPLE = "31 มี.ค. 2567"
_PERIOD_EXAMPLE = "1 ต.ค. 2566 - 31 มี.ค. 2567"
_RECURRENCE_EXAMPLES = "ทุกวันที่ 15 เวลา 09:30, ทุกสิ้นเดือน, ทุกวันจันทร์, เดือนละ 1 ครั้ง หรือ ภายใน 5 วัน"


def _thai_list(items: list[str]) -> str:
    """Join words the Thai way: "ก, ข หรือ ค"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " หรือ " + items[-1]


def date_empty() -> str:
    """No date was typed at all."""
    return f"ยังไม่ได้พิมพ์วันที่ — พิมพ์ เช่น {_DATE_EXAMPLE}"


def date_too_long(limit: int) -> str:
    """The date text is longer than any real date or period."""
    return f"ข้อความวันที่ยาวเกิน {limit} ตัวอักษร — พิมพ์แค่วันที่ เช่น {_DATE_EXAMPLE}"


def date_not_understood(fragment: str) -> str:
    """Part of the text is neither a date nor a known word."""
    return f"ไม่เข้าใจ “{fragment}” — พิมพ์วันที่ เช่น {_DATE_EXAMPLE} หรือช่วง {_PERIOD_EXAMPLE}"


def date_unknown_month(written: str) -> str:
    """The month word is not a Thai or English month name or abbreviation."""
    return f"ไม่รู้จักเดือน “{written}” — พิมพ์ เช่น {_DATE_EXAMPLE}"


def date_ambiguous_month(written: str, choices: list[str]) -> str:
    """The month word could mean more than one month."""
    return f"“{written}” อาจหมายถึง {_thai_list(choices)} — พิมพ์ชื่อเดือนให้ชัด เช่น {_DATE_EXAMPLE}"


def date_number_too_long(digits: str) -> str:
    """A number far longer than a day or a year."""
    return f"ตัวเลข “{digits}” ยาวเกินไป — พิมพ์ เช่น {_DATE_EXAMPLE}"


def date_day_out_of_range(day: int) -> str:
    """A day number no month has (0, 32, …)."""
    return f"ไม่มีวันที่ {day} — วันที่ต้องอยู่ระหว่าง 1 ถึง 31 เช่น {_DATE_EXAMPLE}"


def date_month_out_of_range(month: int) -> str:
    """A month number outside 1–12 in a numeric date."""
    return f"ไม่มีเดือนที่ {month} — เดือนต้องอยู่ระหว่าง 1 ถึง 12 เช่น 31/03/2567"


def date_day_not_in_month(month_label: str, days: str, day: int) -> str:
    """The month is shorter than the day: "กุมภาพันธ์ 2566 มีแค่ 28 วัน"."""
    return f"{month_label} มีแค่ {days} วัน ไม่มีวันที่ {day} — ตรวจวันที่อีกครั้ง"


def date_february_days() -> str:
    """How many days February has when the year is not known yet."""
    return "28 หรือ 29"


def date_no_month(fragment: str) -> str:
    """A day without a month."""
    return f"“{fragment}” ไม่มีเดือน — พิมพ์ เช่น {_DATE_EXAMPLE}"


def date_no_day(fragment: str) -> str:
    """A month (or weekday) where one day was expected."""
    return f"“{fragment}” ยังไม่มีวันที่ — พิมพ์ เช่น {_DATE_EXAMPLE}"


def date_year_missing(fragment: str) -> str:
    """No year was written and none can be assumed."""
    return f"“{fragment}” ไม่มีปี — พิมพ์ปี พ.ศ. ด้วย เช่น {_DATE_EXAMPLE}"


def date_year_unreadable(written: str) -> str:
    """A year with a number of digits no year has (1 or 3)."""
    return f"ปี “{written}” อ่านไม่ได้ — พิมพ์ปี พ.ศ. 4 หลัก เช่น 2567 หรือ 2 หลัก เช่น 67"


def date_year_out_of_range(written: str, first_be: int, last_be: int) -> str:
    """A year outside the supported Buddhist-era range."""
    return f"ปี {written} อยู่นอกช่วงที่รองรับ (พ.ศ. {first_be}–{last_be}) — พิมพ์ปี พ.ศ. เช่น 2567 หรือ 67"


def date_weekday_mismatch(date_label: str, actual: str, written: str) -> str:
    """The weekday written beside a date is not the date's weekday."""
    return f"{date_label} ตรงกับ{actual} ไม่ใช่{written} — ตรวจวันที่อีกครั้ง"


def date_expected_single(fragment: str) -> str:
    """A period or several dates where one date was expected."""
    return f"“{fragment}” ไม่ใช่วันที่เดียว — พิมพ์วันเดียว เช่น {_DATE_EXAMPLE}"


def period_expected_single(fragment: str) -> str:
    """Several periods where one was expected."""
    return f"“{fragment}” มีหลายช่วง — พิมพ์ทีละช่วง เช่น {_PERIOD_EXAMPLE}"


def period_incomplete(fragment: str) -> str:
    """A separator with nothing on one side, or too many dates in a row."""
    return f"ช่วงวันที่ “{fragment}” ไม่ครบหรือเกิน — พิมพ์ เช่น {_PERIOD_EXAMPLE}"


def period_end_before_start(start_label: str, end_label: str) -> str:
    """A period whose end comes before its start."""
    return f"วันสิ้นสุด {end_label} มาก่อนวันเริ่มต้น {start_label} — ตรวจช่วงวันที่อีกครั้ง เช่น {_PERIOD_EXAMPLE}"


def period_end_mismatch(written_label: str, end_label: str) -> str:
    """A repeated "สิ้นสุด …" that disagrees with the end of the period before it."""
    return f"วันสิ้นสุดที่เขียนซ้ำ ({written_label}) ไม่ตรงกับท้ายช่วง ({end_label}) — แก้ให้ตรงกัน"


def month_expected(fragment: str) -> str:
    """Text that is not a month and year."""
    return f"“{fragment}” ไม่ใช่เดือนและปี — พิมพ์ เช่น มี.ค. 2567 หรือ 2567-03"


def weekday_unknown(fragment: str) -> str:
    """Text that is not a day of the week."""
    return f"“{fragment}” ไม่ใช่ชื่อวัน — พิมพ์ เช่น จันทร์ หรือ วันศุกร์"


def recurrence_unknown(fragment: str) -> str:
    """A repeat phrase the bot does not know."""
    return f"ไม่เข้าใจรอบ “{fragment}” — พิมพ์ เช่น {_RECURRENCE_EXAMPLES}"


def recurrence_once_a_month_only(times: int) -> str:
    """More than one session a month without fixed days."""
    return f"ยังตั้งเดือนละ {times} ครั้งแบบไม่ระบุวันไม่ได้ — พิมพ์เดือนละ 1 ครั้ง หรือระบุวัน เช่น ทุกวันที่ 15"


def recurrence_bad_time(written: str) -> str:
    """A clock time that does not exist (25:00, 09:75)."""
    return f"ไม่มีเวลา “{written}” — พิมพ์ เช่น เวลา 09:30"


def recurrence_bad_days(days: int) -> str:
    """A "within N days" count that is zero or too large."""
    return f"ภายใน {days} วัน ใช้ไม่ได้ — พิมพ์ 1 ถึง 366 วัน เช่น ภายใน 5 วัน"


def _at(clock: str | None) -> str:
    """The " เวลา 09:30 น." tail of a description, or nothing."""
    return f" เวลา {clock} น." if clock else ""


def recurrence_monthly_day(day: int, clock: str | None) -> str:
    """Describe "every month on day N"."""
    return f"ทุกวันที่ {day} ของเดือน{_at(clock)}"


def recurrence_once_a_month(clock: str | None) -> str:
    """Describe "once a month, any day"."""
    return f"เดือนละ 1 ครั้ง{_at(clock)}"


def recurrence_month_end(clock: str | None) -> str:
    """Describe "every month end"."""
    return f"ทุกสิ้นเดือน{_at(clock)}"


def recurrence_weekly(weekday_label: str, clock: str | None) -> str:
    """Describe "every <weekday>" (label like "วันจันทร์")."""
    return f"ทุก{weekday_label}{_at(clock)}"


def recurrence_within_days(days: int) -> str:
    """Describe "within N days of the event"."""
    return f"ภายใน {days} วัน"


# --- Working-day calendar (scheduler.calendar) ---------------------------------------


def no_working_day_left(month_label: str, after_label: str) -> str:
    """No working day remains in the month on or after the requested day."""
    return f"ไม่มีวันทำการเหลือในเดือน{month_label} ตั้งแต่ {after_label} เป็นต้นไป"


def unknown_province(name: str, known: str) -> str:
    """The province name is not one the calendar knows."""
    return f"ไม่รู้จักจังหวัด “{name}” — พิมพ์ชื่อจังหวัดเป็นภาษาไทย เช่น {known}"


def weekend_day(weekday: int) -> str:
    """Name of a weekend day (Python weekday 5 or 6)."""
    return "วันเสาร์" if weekday == 5 else "วันอาทิตย์"


# Official wording of the cabinet resolutions (มติ ครม. 2517, 2555, 2556).
_SOUTHERN_HOLIDAYS = {
    "eid_al_fitr": "วันตรุษอีดิ้ลฟิตรี (วันรายอปอซอ)",
    "eid_al_adha": "วันตรุษอีดิ้ลอัฎฮา (วันรายอฮัจยี)",
    "chinese_new_year": "วันตรุษจีน",
}


def southern_holiday(kind: str) -> str:
    """Thai name of a southern border province holiday ("eid_al_fitr", ...)."""
    return _SOUTHERN_HOLIDAYS[kind]


def in_lieu(name: str) -> str:
    """A substitute day for a holiday that fell on a weekend (the package's own wording)."""
    return f"ชดเชย{name}"


def estimated(name: str) -> str:
    """A holiday whose date is computed, not yet announced."""
    return f"{name} (ประมาณการ)"


def holiday_names(names: list[str]) -> str:
    """Several holidays on one day, as one phrase."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " และ" + names[-1]


def falls_on(day_label: str, what: str) -> str:
    """Why a day is not a working day: "15 มิ.ย. 2567 ตรงกับวันเสาร์"."""
    # The package names in-lieu days "ชดเชย…"; in a sentence they read as "วันหยุดชดเชย…".
    if what.startswith("ชดเชย"):
        what = f"วันหยุด{what}"
    return f"{day_label} ตรงกับ{what}"


def meeting_shift_reasons(reasons: list[str]) -> str:
    """All the reasons a meeting moved, as one sentence."""
    return " และ ".join(reasons)
