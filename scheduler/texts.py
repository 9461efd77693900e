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


# --- Conversations (bot) ----------------------------------------------------------------
# The help line of each command is its handler's docstring (bot/handlers.py): adding a
# command touches one function; everything else the bot says in chat is here.

GENERIC_ERROR = "ขออภัย ระบบขัดข้องชั่วคราว ลองพิมพ์ใหม่อีกครั้งในอีกสักครู่"
HELP_FOOTER = "เลขงานพิมพ์ได้ทั้ง #12 และ 12 · วันที่แบบไทย เช่น 31 มี.ค. 2567"


def help_text(lines: list[str]) -> str:
    """The command list, one command per line with its example."""
    return "📋 คำสั่งของ “ติดตาม”\n" + "\n".join(lines) + "\n\n" + HELP_FOOTER


def help_line(usage: str, summary: str) -> str:
    """One command in the help list."""
    return f"• {usage}\n   {summary}"


def greet_group(help_body: str) -> str:
    """Said once when the bot is added to a group."""
    return (
        "สวัสดีครับ ผม “ติดตาม” ผู้ช่วยติดตามแผนปฏิบัติการ ITA ของกลุ่มนี้ "
        "จะเตือนกำหนดส่งงาน การประชุมประจำเดือน และรอบรายงานสิ้นเดือนให้ครับ\n\n" + help_body
    )


def greet_follow(help_body: str) -> str:
    """Said when someone adds the bot as a friend (1:1 chat)."""
    return "สวัสดีครับ ในแชทนี้ดูงานของคุณจากทุกกลุ่มได้ เช่น พิมพ์ งานของฉัน\n\n" + help_body


def welcome_members(keys: list[str]) -> str:
    """A short welcome for people who joined the group (keys are mention placeholders)."""
    names = " ".join("{" + key + "}" for key in keys)
    return f"ยินดีต้อนรับ {names} 👋 พิมพ์ ช่วยเหลือ เพื่อดูคำสั่ง หรือ งานของฉัน เพื่อดูงานที่รับผิดชอบ"


def unknown_command(closest_usage: str | None) -> str:
    """The bot was addressed with something that is not a command."""
    if closest_usage:
        return f"ไม่รู้จักคำสั่งนี้ หมายถึง “{closest_usage}” หรือเปล่า? พิมพ์ ช่วยเหลือ เพื่อดูคำสั่งทั้งหมด"
    return "ไม่รู้จักคำสั่งนี้ พิมพ์ ช่วยเหลือ เพื่อดูคำสั่งทั้งหมด"


def bad_arguments(usage: str, example: str) -> str:
    """The command word was right but the rest did not fit."""
    if example and example != usage:
        return f"พิมพ์แบบนี้: {usage}\nเช่น {example}"
    return f"พิมพ์แบบนี้: {usage}"


def needs_role(role_labels: list[str]) -> str:
    """The sender's role may not use this command."""
    return "คำสั่งนี้ใช้ได้เฉพาะ" + " หรือ ".join(role_labels)


ROLE_LABELS = {"officer": "เจ้าหน้าที่", "supervisor": "หัวหน้า", "admin": "ผู้ดูแลระบบ"}


def group_only(command: str) -> str:
    """A group command typed in a 1:1 chat."""
    return f"คำสั่ง {command} ใช้ในกลุ่ม LINE ของงาน พิมพ์ในกลุ่มนั้นได้เลย"


def text_too_long(limit: int) -> str:
    """The message is longer than a command may be."""
    return f"ข้อความยาวเกินไป (เกิน {limit:,} ตัวอักษร) ช่วยย่อให้สั้นลง แล้วพิมพ์ใหม่"


def too_many_mentions(limit: int) -> str:
    """More people tagged than one command accepts."""
    return f"แท็กคนได้ครั้งละไม่เกิน {limit} คน ช่วยแบ่งเป็นหลายคำสั่ง"


def task_not_found(number: int) -> str:
    """No task with this number is visible from this chat."""
    return f"ไม่พบงาน #{number} ในกลุ่มนี้ พิมพ์ สถานะ หรือ งานของฉัน เพื่อดูเลขงาน"


def cannot_change(number: int) -> str:
    """Someone who is not an owner, supervisor or admin tried to change a task."""
    return f"งาน #{number} แก้ไขได้เฉพาะผู้รับผิดชอบ หัวหน้า หรือผู้ดูแลระบบ"


def only_owner_reports(number: int) -> str:
    """Someone who does not own the task tried to report on it."""
    return f"รายงานงาน #{number} ได้เฉพาะผู้รับผิดชอบงาน ถ้าต้องการเพิ่มผู้รับผิดชอบ พิมพ์ เพิ่มคน #{number} @ชื่อ"


def add_task_needs_title() -> str:
    """เพิ่มงาน without a task name."""
    return "ใส่ชื่องานด้วย เช่น เพิ่มงาน จัดทำคู่มือการปฏิบัติงาน @สมชาย กำหนด 31 มี.ค. 2567"


def add_task_needs_owner() -> str:
    """เพิ่มงาน without anyone tagged."""
    return "แท็กผู้รับผิดชอบอย่างน้อย 1 คน (พิมพ์ @ แล้วเลือกชื่อ) เช่น เพิ่มงาน จัดทำคู่มือ @สมชาย กำหนด 31 มี.ค. 2567"


def add_task_needs_due() -> str:
    """เพิ่มงาน without กำหนด."""
    return "ใส่วันกำหนดส่งหลังคำว่า กำหนด เช่น กำหนด 31 มี.ค. 2567 หรือ กำหนด 1 ต.ค. 2566 - 31 มี.ค. 2567"


def topic_not_found(written: str) -> str:
    """เพิ่มงาน … ประเด็น N where no plan topic has that number."""
    return f"ไม่พบประเด็น {written} ในแผน ใส่เลขประเด็น 1–7 เช่น ประเด็น 3 หรือไม่ต้องใส่ก็ได้"


def unnamed_person(user_id: str) -> str:
    """A stand-in name until LINE tells us the person's display name."""
    return f"ผู้ใช้ …{user_id[-4:]}"


def title_too_long(limit: int) -> str:
    """A task name longer than we store."""
    return f"ชื่องานยาวเกิน {limit} ตัวอักษร ช่วยย่อให้สั้นลง"


def task_added(number: int, title: str, when: str, owner_keys: list[str]) -> str:
    """Confirmation of a new task (a textV2 template: owners are @mentioned)."""
    owners = " ".join("{" + key + "}" for key in owner_keys)
    return f"✅ เพิ่มงาน #{number} แล้ว\n“{title}”\nกำหนด {when}\nผู้รับผิดชอบ: {owners}"


def due_phrase(days_left: int) -> str:
    """How far away a due date is, in words."""
    if days_left > 1:
        return f"อีก {days_left} วัน"
    if days_left == 1:
        return "พรุ่งนี้"
    if days_left == 0:
        return "วันนี้"
    return f"เลยกำหนด {-days_left} วัน"


def my_task_line(number: int, title: str, when: str, due: str | None, reported: bool) -> str:
    """One open task in the sender's list."""
    due_part = f" ({due})" if due else ""
    report_part = " · รายงานเดือนนี้แล้ว ✓" if reported else ""
    return f"#{number} {title}\n   กำหนด {when}{due_part}{report_part}"


def my_tasks(lines: list[str], group_name: str | None) -> str:
    """The sender's open tasks."""
    where = f" ในกลุ่ม {group_name}" if group_name else ""
    return f"📌 งานของคุณ{where} ({len(lines)} งาน)\n" + "\n".join(lines)


def my_tasks_none() -> str:
    """The sender has no open tasks."""
    return "ตอนนี้ไม่มีงานค้างของคุณ 🎉"


def group_heading(name: str) -> str:
    """A group's name as a heading inside a 1:1 list."""
    return f"【{name}】"


NO_DATE = "ไม่ระบุ"


def report_saved(number: int, title: str, month_label: str, percent: int | None) -> str:
    """A progress report was recorded."""
    percent_part = f" ความคืบหน้า {percent}%" if percent is not None else ""
    hint = f"\nถ้างานเสร็จแล้ว พิมพ์ เสร็จ #{number}" if percent == 100 else ""
    return f"📝 บันทึกรายงานเดือน{month_label} ของงาน #{number} “{title}” แล้ว{percent_part}{hint}"


def report_needs_text(number: int) -> str:
    """รายงาน with a number but nothing to report."""
    return f"ใส่ความคืบหน้าหลังเลขงานด้วย เช่น รายงาน #{number} ส่งร่างให้หัวหน้าแล้ว 50%"


def percent_out_of_range(percent: int) -> str:
    """A percentage outside 0–100."""
    return f"ความคืบหน้า {percent}% ไม่ถูกต้อง ใส่ตัวเลข 0–100 เช่น 50%"


def task_done(number: int, title: str) -> str:
    """A task was marked done."""
    return f"🎉 งาน #{number} “{title}” เสร็จแล้ว ขอบคุณครับ"


def already_done(number: int) -> str:
    """เสร็จ on a task that is already done."""
    return f"งาน #{number} ปิดไปแล้ว ถ้าต้องทำต่อ พิมพ์ เปิดใหม่ #{number}"


def task_cancelled(number: int, title: str) -> str:
    """A task was cancelled."""
    return f"ยกเลิกงาน #{number} “{title}” แล้ว (เปิดใหม่ได้ด้วย เปิดใหม่ #{number})"


def task_reopened(number: int, title: str) -> str:
    """A closed task was reopened."""
    return f"เปิดงาน #{number} “{title}” อีกครั้งแล้ว"


def task_already_open(number: int) -> str:
    """เปิดใหม่ on an open task."""
    return f"งาน #{number} ยังเปิดอยู่แล้ว"


def due_changed(number: int, title: str, old: str, new: str) -> str:
    """A task's due date changed."""
    return f"📅 เลื่อนกำหนดงาน #{number} “{title}”\nจาก {old} เป็น {new}"


def owners_added(number: int, keys: list[str]) -> str:
    """People were added as owners (textV2 template)."""
    names = " ".join("{" + key + "}" for key in keys)
    return f"👥 เพิ่ม {names} เป็นผู้รับผิดชอบงาน #{number} แล้ว"


def owners_removed(number: int, names: list[str]) -> str:
    """People were removed from a task's owners."""
    return f"นำ {', '.join(names)} ออกจากผู้รับผิดชอบงาน #{number} แล้ว"


def not_an_owner(number: int, names: list[str]) -> str:
    """Asked to remove someone who is not an owner."""
    return f"{', '.join(names)} ไม่ได้เป็นผู้รับผิดชอบงาน #{number}"


def last_owner(number: int) -> str:
    """Removing the last owner would leave the task unowned."""
    return f"งาน #{number} ต้องมีผู้รับผิดชอบอย่างน้อย 1 คน เพิ่มคนใหม่ก่อน แล้วค่อยนำคนเดิมออก"


def mention_someone(example: str) -> str:
    """A command that needs an @mention got none."""
    return f"แท็กชื่อคนด้วย (พิมพ์ @ แล้วเลือกชื่อ) เช่น {example}"


def supervisors_set(keys: list[str]) -> str:
    """People became supervisors (textV2 template)."""
    names = " ".join("{" + key + "}" for key in keys)
    return f"👔 ตั้ง {names} เป็นหัวหน้าแล้ว สั่งงาน ตั้งประชุม และดูสถานะทุกกลุ่มได้"


def supervisors_unset(names: list[str]) -> str:
    """People stopped being supervisors."""
    return f"{', '.join(names)} กลับเป็นเจ้าหน้าที่แล้ว"


def admin_role_fixed(names: list[str]) -> str:
    """Admins come from BOT_ADMIN_IDS and cannot be demoted in chat."""
    return f"{', '.join(names)} เป็นผู้ดูแลระบบ (กำหนดในการตั้งค่าระบบ) เปลี่ยนบทบาททางแชทไม่ได้"


def at_clock(day_label: str, clock: str) -> str:
    """A day and a clock time: "วันศุกร์ที่ 15 มีนาคม พ.ศ. 2567 เวลา 09:30 น."."""
    return f"{day_label} เวลา {clock} น."


def meeting_next(when: str, clock: str, reason: str | None, group_name: str | None) -> str:
    """The next monthly meeting, and why it moved if it did."""
    where = f" ของกลุ่ม {group_name}" if group_name else ""
    moved = f"\n(เลื่อนเพราะ {reason})" if reason else ""
    return f"🗓️ ประชุมประจำเดือนครั้งถัดไป{where}\n{when} เวลา {clock} น.{moved}"


def meeting_not_set(group_name: str | None) -> str:
    """The group has no monthly meeting rule."""
    where = f"กลุ่ม {group_name}" if group_name else "กลุ่มนี้"
    return f"{where}ยังไม่ได้ตั้งวันประชุมประจำเดือน หัวหน้าพิมพ์ได้ เช่น ตั้งประชุม ทุกวันที่ 15 เวลา 09:30"


def meeting_rule_set(rule: str, next_meeting: str) -> str:
    """The group's meeting rule was saved."""
    return (
        f"✅ ตั้งประชุม{rule}แล้ว (ถ้าตรงวันหยุดราชการ เลื่อนไปวันทำการถัดไปของเดือนนั้น)\n"
        f"ครั้งถัดไป: {next_meeting}\nจะเตือนวันทำการก่อนหน้า และเช้าวันประชุม"
    )


def meeting_rule_off() -> str:
    """The group's meeting reminders were turned off."""
    return "ปิดการเตือนประชุมประจำเดือนของกลุ่มนี้แล้ว (เปิดใหม่ด้วย ตั้งประชุม ทุกวันที่ 15 เวลา 09:30)"


def meeting_rule_needs_day() -> str:
    """ตั้งประชุม with a rule that is not "every day N of the month"."""
    return "ตั้งประชุมได้แบบ ทุกวันที่ N ของเดือน เช่น ตั้งประชุม ทุกวันที่ 15 เวลา 09:30 หรือ ตั้งประชุม ปิด"


def holidays_upcoming(calendar_label: str, lines: list[str]) -> str:
    """Upcoming holidays on this group's calendar."""
    return f"🏖️ วันหยุดราชการที่จะถึง ({calendar_label})\n" + "\n".join(lines)


def holiday_line(when: str, name: str) -> str:
    """One holiday."""
    return f"• {when} {name}"


def holidays_none(calendar_label: str) -> str:
    """No holidays in the window."""
    return f"ไม่มีวันหยุดราชการใน 90 วันข้างหน้า ({calendar_label})"


def calendar_label(province: str | None) -> str:
    """Which calendar a group follows."""
    return f"ปฏิทินราชการ + จังหวัด{province}" if province else "ปฏิทินราชการทั่วประเทศ"


def province_set(province: str, local_holidays: int) -> str:
    """The group's province was saved."""
    extra = f" มีวันหยุดเฉพาะจังหวัด {local_holidays} วันในปีนี้" if local_holidays else ""
    return f"✅ กลุ่มนี้ใช้ปฏิทินวันหยุดของจังหวัด{province}แล้ว{extra}"


def status_title(scope: str) -> str:
    """The heading of the status answer."""
    return f"📊 สถานะงาน {scope}"


def status_counts(done: int, open_: int, late: int) -> str:
    """Counts line in a status card."""
    return f"เสร็จ {done} · ค้าง {open_} · เลยกำหนด {late}"


def status_late_line(number: int, title: str, owners: str, days_late: int) -> str:
    """A late task in a status card."""
    return f"#{number} {title} — {owners} (เลย {days_late} วัน)"


def status_unreported(names: list[str], month_label: str) -> str:
    """Who has not reported this month."""
    if not names:
        return f"รายงานเดือน{month_label}ครบแล้ว ✓"
    return f"ยังไม่รายงานเดือน{month_label}: " + ", ".join(names)


def status_alt(scope: str, done: int, open_: int, late: int) -> str:
    """The status card's text for notifications and clients without Flex."""
    return f"สถานะงาน {scope}: {status_counts(done, open_, late)}"


def status_more(count: int) -> str:
    """More late tasks than the card lists."""
    return f"และอีก {count} งาน"


STATUS_NO_TOPIC = "งานทั่วไป"
STATUS_LATE_HEADING = "เลยกำหนด"
STATUS_EMPTY = "ยังไม่มีงานในกลุ่มนี้ หัวหน้าเพิ่มงานได้ เช่น เพิ่มงาน จัดทำคู่มือ @สมชาย กำหนด 31 มี.ค. 2567"
STATUS_SCOPE_GROUP = "กลุ่มนี้"
STATUS_SCOPE_ALL = "ทุกกลุ่ม"
STATUS_SCOPE_MINE = "กลุ่มของคุณ"
SIMULATOR_OUTSIDER = "ไม่ได้อยู่ในกลุ่ม"
SIMULATOR_EMPTY = "พิมพ์ข้อความก่อนกดส่ง"
SIMULATOR_BAD_INPUT = "ข้อความหรือการแท็กไม่ถูกต้อง ลองพิมพ์ใหม่"
SIMULATOR_BAD_DATE = "เลือกวันที่และเวลา เช่น 2024-06-17 08:30"


def simulator_welcome(first_start: bool) -> str:
    """The simulator's first line."""
    start = "สร้างกลุ่มและคนสาธิตแล้ว" if first_start else "ใช้ข้อมูลสาธิตเดิม"
    return f"โหมดสาธิต: {start} — เลือกว่าคุณเป็นใคร แล้วพิมพ์ ช่วยเหลือ"


def simulator_clock_moved(day_label: str, clock: str) -> str:
    """The simulator's demo clock jumped."""
    return f"⏩ เวลาสาธิตเลื่อนไปเป็น {day_label} {clock} น."


NOT_IN_ANY_GROUP = "คุณยังไม่ได้อยู่ในกลุ่มที่มี “ติดตาม” พิมพ์คำสั่งในกลุ่ม LINE ของงานได้เลย"
ROOM_NOT_SUPPORTED = "“ติดตาม” ทำงานในกลุ่ม LINE และแชท 1:1 เชิญเข้ากลุ่มแทนห้องแชทได้เลย"


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


# --- Action plan, ITA and export (bot.plan_*) ---------------------------------------------

_IMPORT_HINT = "python -m bot import-plan data/ita-2566-plan.yaml"

UNITS_NONE = f"ยังไม่มีหน่วยงานในระบบ — ผู้ดูแลระบบนำเข้าแผนก่อน: {_IMPORT_HINT}"
UNIT_NAME_NEEDED = "พิมพ์ชื่อหน่วยงานต่อท้าย เช่น ผูกหน่วยงาน สำนักปลัดเทศบาล งานธุรการ\nเลือกจากปุ่มด้านล่างได้"


def units_heading(count: int, unbound: int) -> str:
    """The admin's unit list (หน่วยงาน): heading."""
    return f"🏢 หน่วยงานตามแผน {count} หน่วย · ยังไม่ผูกกลุ่ม {unbound} หน่วย"


def unit_line(name: str, group_label: str | None, tasks: int) -> str:
    """One unit in the list: where it reports, and how many plan items it has."""
    where = f"กลุ่ม {group_label}" if group_label else "⚠️ ยังไม่ผูกกลุ่ม"
    return f"• {name}\n   {where} · {tasks} รายการ"


UNITS_FOOTER = "ผูกในกลุ่มของหน่วยงานนั้น: ผูกหน่วยงาน <ชื่อหน่วยงาน>"


def unit_not_found(typed: str) -> str:
    """No unit looks like the typed name."""
    return f"ไม่พบหน่วยงาน “{typed}” — พิมพ์ หน่วยงาน (ผู้ดูแลระบบ) เพื่อดูรายชื่อ หรือเลือกจากปุ่มด้านล่าง"


def unit_choose(typed: str, names: list[str]) -> str:
    """Several units look like the typed name: offer them."""
    lines = "\n".join(f"• {name}" for name in names)
    return f"“{typed}” ใกล้กับหน่วยงานเหล่านี้ — กดปุ่มเพื่อผูกกับกลุ่มนี้\n{lines}"


def unit_bound(
    name: str, measures: int, steps: int, moved_from: str | None, meeting: str | None
) -> str:
    """A unit now reports and is reminded in this group."""
    lines = [
        f"🔗 ผูก “{name}” กับกลุ่มนี้แล้ว",
        f"{measures} มาตรการ {steps} ขั้นตอน จะรายงานและแจ้งเตือนในกลุ่มนี้",
    ]
    if moved_from:
        lines.append(f"(ย้ายมาจากกลุ่ม {moved_from})")
    if meeting:
        lines.append(f"📅 ตั้งประชุมประจำเดือนของกลุ่มตามแผน: {meeting}")
    lines.append("กำหนดผู้รับผิดชอบ: เพิ่มคน #เลขงาน @คน · ดูงาน: สถานะ")
    return "\n".join(lines)


def group_label(name: str, line_group_id: str) -> str:
    """A group as people know it (its LINE name, or the end of its id)."""
    return name or f"…{line_group_id[-6:]}"


ITA_NONE = f"ยังไม่มีคะแนน ITA ในระบบ — ผู้ดูแลระบบนำเข้าแผนก่อน: {_IMPORT_HINT}"
ITA_PASS_MARK = "เกณฑ์ผ่าน"
ITA_INDICATORS = "ตัวชี้วัด (ต่ำสุดก่อน)"


def ita_title(year: int) -> str:
    """The heading of the ITA view."""
    return f"คะแนน ITA {year}"


def ita_overall(score: str, level: str) -> str:
    """The overall score and its level."""
    return f"{score} คะแนน · {level}" if level else f"{score} คะแนน"


def ita_indicator_line(number: str, name: str, tool: str) -> str:
    """One indicator in the overview."""
    return f"{number}. {name} ({tool})"


def ita_weak_heading(page: int, pages: int, pass_mark: str) -> str:
    """The heading of one page of weak items."""
    return f"ข้อที่ต่ำกว่า {pass_mark} ({page}/{pages})"


def ita_item_where(tool: str, topic_numbers: list[int]) -> str:
    """A question's tool and the plan topics it was scored under."""
    return f"{tool} · ประเด็นที่ {', '.join(str(n) for n in topic_numbers)}"


def ita_item_measures(measures: list[str]) -> str:
    """The plan's measures that address a question."""
    if not measures:
        return "→ ยังไม่มีมาตรการในแผน"
    return "→ มาตรการ " + " · ".join(measures)


def ita_measure(plan_id: str, unit: str) -> str:
    """One measure in an item's list."""
    return f"{plan_id} {unit}".strip()


def ita_rest(count: int, pass_mark: str) -> str:
    """How many items reached the pass mark (not listed)."""
    return f"อีก {count} ข้อได้ {pass_mark} ขึ้นไป (ไม่แสดง)"


def ita_alt(year: int, overall: str, level: str, weakest: list[str]) -> str:
    """The ITA view in one line, for notifications and old clients."""
    return f"คะแนน ITA {year}: {overall} ({level}) — ต่ำสุด: {', '.join(weakest)}"


PROCUREMENT_NEEDS_ITEM = "พิมพ์รายการที่จัดซื้อจัดจ้างต่อท้าย เช่น จัดซื้อ ครุภัณฑ์คอมพิวเตอร์ 3 เครื่อง"


def procurement_title(item: str) -> str:
    """The task a procurement creates: publish its result."""
    return f"เผยแพร่ผลการจัดซื้อจัดจ้าง: {item}"


def procurement_added(
    number: int, title: str, when: str, rule: str, step_id: str | None, owner_keys: list[str]
) -> str:
    """Confirmation of a procurement task (textV2 template: owners are @mentioned)."""
    owners = " ".join("{" + key + "}" for key in owner_keys)
    basis = f" ตามมาตรการขั้นตอนที่ {step_id}" if step_id else ""
    return (
        f"🛒 เพิ่มงาน #{number} แล้ว\n“{title}”\n"
        f"กำหนด {when} ({rule} นับจากวันนี้{basis})\nผู้รับผิดชอบ: {owners}\n"
        f"ถ้าไม่ได้ตั้งใจสร้างงานนี้ พิมพ์ ยกเลิก #{number}"
    )


def export_link(month_label: str, scope: str, url: str, hours: int) -> str:
    """The signed download link of a monthly report."""
    return (
        f"📊 รายงานผลการดำเนินงาน ประจำเดือน {month_label} ({scope})\n"
        f"ดาวน์โหลดไฟล์ Excel: {url}\nลิงก์ใช้ได้ {hours} ชั่วโมง"
    )


EXPORT_SCOPE_GROUP = "งานของกลุ่มนี้"
EXPORT_SCOPE_ALL = "ทุกกลุ่ม"
EXPORT_NO_PUBLIC_URL = (
    "ยังสร้างลิงก์ดาวน์โหลดไม่ได้: ผู้ดูแลระบบต้องตั้งค่า PUBLIC_BASE_URL (ที่อยู่เว็บของบอท) ก่อน "
    "ระหว่างนี้ใช้คำสั่ง python -m bot export --month 2567-03 -o report.xlsx"
)
EXPORT_LINK_EXPIRED = "ลิงก์ดาวน์โหลดนี้หมดอายุแล้ว — พิมพ์ ส่งออกรายงาน ในแชทอีกครั้งเพื่อรับลิงก์ใหม่"
EXPORT_LINK_INVALID = "ลิงก์ดาวน์โหลดไม่ถูกต้อง — พิมพ์ ส่งออกรายงาน ในแชทเพื่อรับลิงก์ใหม่"

# The monthly report workbook (bot.export).
REPORT_SHEET = "รายงานประจำเดือน"
REPORT_LATE_SHEET = "รายการล่าช้า"
REPORT_COLUMNS = (
    "ลำดับ",
    "ประเด็น / มาตรการ / ขั้นตอน",
    "ระยะเวลา",
    "หน่วยงาน",
    "ผู้รับผิดชอบ",
    "สถานะ",
    "ความคืบหน้า (%)",
    "ผู้รายงาน",
    "วันเวลาที่รายงาน",
    "ร้อยละที่รายงาน",
    "ผลการดำเนินงานที่รายงาน",
)
REPORT_LATE_COLUMNS = ("ลำดับ", "รายการ", "หน่วยงาน", "ผู้รับผิดชอบ", "กำหนดเสร็จ", "ล่าช้า (วัน)")
REPORT_OTHER_TASKS = "งานอื่น ๆ ที่สั่งในกลุ่ม"
REPORT_NO_LATE = "ไม่มีรายการล่าช้า"


def report_title(month_label: str) -> str:
    """The first line of the workbook."""
    return f"รายงานผลการดำเนินงานตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส (ITA) ประจำเดือน {month_label}"


def report_subtitle(as_of: str, scope: str, made_at: str) -> str:
    """The second line: the date the statuses are as of, the scope, when it was made."""
    return f"สถานะ ณ วันที่ {as_of} · ขอบเขต: {scope} · จัดทำเมื่อ {made_at} โดยระบบติดตาม"


def report_topic(number: int, title: str) -> str:
    """A topic's row in the report."""
    return f"ประเด็นที่ {number} {title}"


def report_status_done(on: str) -> str:
    """A task done (by the report's date)."""
    return f"เสร็จแล้ว ({on})"


REPORT_STATUS_CANCELLED = "ยกเลิก"
REPORT_STATUS_NOT_STARTED = "ยังไม่ถึงกำหนดเริ่ม"
REPORT_STATUS_IN_PROGRESS = "กำลังดำเนินการ"


def report_status_late(days: int) -> str:
    """A task past its due date and not done."""
    return f"ล่าช้า {days} วัน"


def report_measure_status(done: int, total: int) -> str:
    """A measure's status: how many of its steps are done."""
    return f"เสร็จ {done}/{total} ขั้นตอน"


def report_period(period: str, rule: str | None) -> str:
    """A period in Thai B.E., with its repeat rule when it repeats."""
    return f"{period} ({rule})" if rule else period
