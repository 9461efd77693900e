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
