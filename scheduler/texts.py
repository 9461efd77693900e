"""What the reminders, the date parser and the calendar say to people, in Thai."""

# The bot's chat wording lives in bot/texts.py; each package speaks its own sentences.

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


# --- Reminders (scheduler.planner / sender) ------------------------------------------


def digest_heading(day_label: str) -> str:
    """The first line of a group's daily reminder push."""
    return f"🔔 ติดตามงาน — {day_label}"


def meeting_eve(day_label: str, clock: str) -> str:
    """The monthly meeting is on the next working day."""
    return f"📅 แจ้งล่วงหน้า: ประชุมประจำเดือน{day_label} เวลา {clock} น."


def meeting_today(day_label: str, clock: str) -> str:
    """The monthly meeting is today."""
    return f"📅 วันนี้ประชุมประจำเดือน ({day_label}) เวลา {clock} น."


def meeting_moved(original_label: str, why: str, also: list[str]) -> str:
    """Why the meeting is not on its usual day: "(เลื่อนจาก 15 มิ.ย. 2567 (วันเสาร์))"."""
    extra = "".join(f" และ {reason}" for reason in also)
    return f"(เลื่อนจาก {original_label} ({why}){extra})"


def deadlines_heading() -> str:
    """Heading of the tasks whose deadline is near."""
    return "⏰ ใกล้ครบกำหนด"


def days_left(days: int) -> str:
    """How far a deadline is: วันนี้, พรุ่งนี้, อีก N วัน."""
    if days <= 0:
        return "วันนี้"
    if days == 1:
        return "พรุ่งนี้"
    return f"อีก {days} วัน"


def task_line(number: int, title: str) -> str:
    """A task as a digest names it: "#12 จัดทำคู่มือ"."""
    return f"• #{number} {title}"


def due_detail(due_label: str, days: int) -> str:
    """The deadline part of a task line."""
    return f" — ครบกำหนด {due_label} ({days_left(days)})"


def overdue_heading(count: int) -> str:
    """Heading of the weekly overdue escalation (supervisors are mentioned before it)."""
    return f"⚠️ งานเลยกำหนด {count} งาน — ขอผู้บังคับบัญชาช่วยติดตาม"


def overdue_detail(due_label: str, days_late: int) -> str:
    """The lateness part of a task line."""
    return f" — เลยกำหนด {days_late} วัน (ครบ {due_label})"


def report_also() -> str:
    """Appended to a deadline/overdue line on the last working day: report this one too."""
    return " · ส่งรายงานประจำเดือนด้วย"


def month_end_heading(month_label: str) -> str:
    """The month-end round: owners are asked to report."""
    return (
        f"📝 วันทำการสุดท้ายของเดือน{month_label}: ขอรายงานความคืบหน้า "
        "พิมพ์ รายงาน #เลขงาน ข้อความ (ใส่ % ได้ เช่น รายงาน #12 ทำแล้ว 50%)"
    )


def owners_detail() -> str:
    """Separator before the owners mentioned on a month-end line."""
    return " —"


def no_owner() -> str:
    """A task nobody owns yet."""
    return "ยังไม่มีผู้รับผิดชอบ"


def summary_heading(month_label: str, reported: int, missing: int) -> str:
    """The first-working-day summary for supervisors (mentioned before it)."""
    return f"📊 สรุปรายงานเดือน{month_label}: ส่งแล้ว {reported} งาน ยังไม่ส่ง {missing} งาน"


def summary_reported() -> str:
    """Heading of the reported tasks in the summary."""
    return "✅ ส่งรายงานแล้ว"


def summary_missing() -> str:
    """Heading of the tasks without a report in the summary."""
    return "❌ ยังไม่ส่งรายงาน"


def summary_owners(names: list[str]) -> str:
    """The owners of a task in the summary, by name (not mentioned)."""
    return " — " + (", ".join(names) if names else no_owner())


def missed_heading(count: int) -> str:
    """Reminders skipped because they were too old to send when the system came back."""
    return f"⚠️ แจ้งเตือน {count} รายการส่งไม่ทันเวลา ระบบจึงไม่ได้ส่ง (ไม่ส่งย้อนหลังเพื่อไม่ให้รบกวน)"


def missed_line(when_label: str, what: str) -> str:
    """One skipped reminder: when it was due and what it was about."""
    return f"• {when_label} — {what}"


def time_label(date_label: str, clock: str) -> str:
    """A date and clock time: "17 มิ.ย. 2567 08:30 น."."""
    return f"{date_label} {clock} น."


def digest_truncated(count: int) -> str:
    """The end of a digest too long for one push."""
    return f"… และอีก {count} บรรทัด — พิมพ์ สถานะ เพื่อดูทั้งหมด"


def digest_summary(parts: list[str]) -> str:
    """A digest in a few words, for the missed list and the admin view."""
    return ", ".join(parts)


def summary_part_meeting() -> str:
    """A digest about the monthly meeting."""
    return "แจ้งประชุม"


def summary_part_deadlines(count: int) -> str:
    """A digest with near deadlines."""
    return f"ใกล้ครบกำหนด {count} งาน"


def summary_part_overdue(count: int) -> str:
    """A digest with overdue tasks."""
    return f"เลยกำหนด {count} งาน"


def summary_part_month_end() -> str:
    """A digest asking for the monthly reports."""
    return "ขอรายงานประจำเดือน"


def summary_part_summary() -> str:
    """A digest summarising last month's reports."""
    return "สรุปรายงานประจำเดือน"


def summary_part_missed(count: int) -> str:
    """A digest listing missed reminders."""
    return f"แจ้งรายการที่ส่งไม่ทัน {count} รายการ"


def delivery_report_heading(since_label: str, until_label: str) -> str:
    """The admin view (สถานะการส่ง): heading."""
    return f"📮 สถานะการส่งแจ้งเตือน {since_label} – {until_label} (30 วัน)"


def delivery_report_counts(sent: int, late: int, retried: int, waiting: int) -> str:
    """Sent (late among them), sent or waiting after a retry, and still waiting."""
    return f"ส่งแล้ว {sent} (ส่งช้า {late}) · ต้องลองส่งซ้ำ {retried} · รอส่ง {waiting}"


def delivery_report_answers(by_reply: int, by_push: int) -> str:
    """Chat answers: free replies, and pushes that used the quota (a reply token was too old)."""
    return f"คำตอบในแชท: ตอบกลับ {by_reply:,} (ไม่ใช้โควตา) · ส่งแบบ push {by_push:,} (ใช้โควตา)"


def delivery_report_failed(count: int, last_error: str | None) -> str:
    """Deliveries LINE refused for good."""
    tail = f" — ล่าสุด: {last_error}" if last_error else ""
    return f"ส่งไม่สำเร็จ {count}{tail}"


def delivery_report_missed(count: int, grace_hours: float) -> str:
    """Deliveries too old to send."""
    return f"ข้ามไป (เกิน {grace_hours:g} ชม. หลังเวลาส่ง) {count}"


def delivery_report_quota(used: int | None) -> str:
    """This month's LINE message use."""
    if used is None:
        return "โควตาเดือนนี้: ถาม LINE ไม่ได้ในขณะนี้"
    return f"โควตาเดือนนี้: ใช้ไปแล้ว {used:,} ข้อความ"


def delivery_report_quota_exhausted(since_label: str) -> str:
    """The monthly quota ran out: pushes stopped."""
    return (
        f"⛔ โควตาข้อความรายเดือนของ LINE หมดแล้ว (ตั้งแต่ {since_label}) — "
        "หยุดส่งแจ้งเตือนจนกว่าจะเพิ่มโควตาหรือขึ้นเดือนใหม่"
    )


def delivery_report_paused(until_label: str) -> str:
    """LINE asked us to slow down: pushes resume after a time."""
    return f"⏸️ LINE ขอให้ชะลอการส่ง — ส่งต่อหลัง {until_label}"




def planner_failed(line_group_id: str, error: str) -> str:
    """To admins: a group's reminders could not be planned (retried every minute)."""
    return (
        f"⚠️ วางแผนแจ้งเตือนของกลุ่ม {line_group_id} ไม่สำเร็จ ({error})\n"
        "ระบบจะลองใหม่ทุกนาที กลุ่มอื่นยังได้รับแจ้งเตือนตามปกติ — ดูบันทึก (log) ของ clock"
    )


DEMO_MODE_NOTHING_SENT = (
    "tidtam scheduler: ไม่มีข้อมูลบัญชี LINE (โหมดสาธิต) จึงไม่ส่งข้อความใด ๆ — "
    "no LINE credentials (demo mode): nothing is sent. Set LINE_CHANNEL_SECRET and "
    "LINE_CHANNEL_ACCESS_TOKEN; in the demo, the simulator's ไปวันที่ runs the clock."
)


# --- A busy group's digest: a short text and one card (scheduler.summary_card) -------------

CARD_SEE_ALL = "ดูทั้งหมดในเว็บ"
CARD_STATUS = "ดูสถานะ"


def compact_headline(parts: list[str]) -> str:
    """The text beside the card: what the card holds."""
    return f"📌 {', '.join(parts)} — รายละเอียดในการ์ดด้านล่าง"


def compact_supervisors() -> str:
    """Supervisors are tagged for the summary and the overdue work."""
    return "ขอหัวหน้าช่วยติดตาม"


def compact_owners() -> str:
    """Before the owners the card concerns (tagged so LINE notifies them)."""
    return "ผู้รับผิดชอบ:"


def card_heading(day_label: str) -> str:
    """The card's title."""
    return f"🔔 ติดตามงาน — {day_label}"


def card_count_deadlines(count: int) -> str:
    """Near deadlines, counted."""
    return f"⏰ ใกล้ครบกำหนด {count} งาน"


def card_count_overdue(count: int) -> str:
    """Overdue work, counted."""
    return f"⚠️ เลยกำหนด {count} งาน"


def card_count_month_end(count: int) -> str:
    """Month-end reports asked for, counted."""
    return f"📝 ขอรายงานเดือนนี้ {count} งาน"


def card_count_summary(month: str, reported: int, missing: int) -> str:
    """Last month's reports, counted."""
    return f"📊 รายงานเดือน {month}: ส่งแล้ว {reported} · ยังไม่ส่ง {missing}"


def card_bars_reported(month: str) -> str:
    """The caption over the topic bars (done work counts as not behind)."""
    return f"ส่งรายงานเดือน {month} แล้ว (หรือเสร็จแล้ว) ตามประเด็น"


def card_no_topic() -> str:
    """The bar of tasks of no plan topic."""
    return "งานอื่น ๆ"


def card_urgent_heading(count: int) -> str:
    """The caption over the most urgent items."""
    return f"เร่งด่วน {count} รายการ"


def card_overdue_detail(days_late: int, due_label: str) -> str:
    """Why an overdue item is urgent."""
    return f"เลยกำหนด {days_late} วัน (ครบ {due_label})"


def card_due_detail(due_label: str, days: int) -> str:
    """Why a near deadline is urgent."""
    return f"ครบกำหนด {due_label} ({days_left(days)})"


def card_unreported_detail(names: list[str]) -> str:
    """A task whose report is missing, with its owners."""
    return "ยังไม่ส่งรายงาน — " + (", ".join(names) if names else no_owner())


def card_more(count: int) -> str:
    """Items the card leaves out."""
    return f"และอีก {count} รายการ — กดปุ่มด้านล่างเพื่อดูทั้งหมด"


def card_alt(counts: list[str]) -> str:
    """The card's text in notifications and old clients."""
    return "สรุปงาน: " + " · ".join(counts)
