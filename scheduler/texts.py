"""Every sentence Tidtam says to a person, in Thai, in one place."""

# Why here: the scheduler (reminders, date errors) and the bot (chat answers) both speak
# to people, and imports only flow bot → scheduler → models, so the lowest speaking
# layer holds the whole catalogue. Change wording here and nowhere else.

from __future__ import annotations

# --- Thai dates (scheduler.thaidate) -------------------------------------------------
# (owned by thaidate; add date wording below this line)

# --- Working-day calendar (scheduler.calendar) ---------------------------------------


def no_working_day_left(month_label: str, after_label: str) -> str:
    """No working day remains in the month on or after the requested day."""
    return f"ไม่มีวันทำการเหลือใน{month_label} ตั้งแต่ {after_label} เป็นต้นไป"


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
