"""Everything the bot says in chat, in Thai, in one place (help lines are handler docstrings)."""

from __future__ import annotations

from collections.abc import Sequence

# --- Conversations (bot) ----------------------------------------------------------------
# The help line of each command is its handler's docstring (bot/commands/): adding a
# command touches one function; everything else the bot says in chat is here.

GENERIC_ERROR = "ขออภัย ระบบขัดข้องชั่วคราว ลองพิมพ์ใหม่อีกครั้งในอีกสักครู่"
HELP_FOOTER = "เลขงานพิมพ์ได้ทั้ง #12 และ 12 · วันที่แบบไทย เช่น 30 ก.ย. 2567"


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
    return "ใส่ชื่องานด้วย เช่น เพิ่มงาน จัดทำคู่มือการปฏิบัติงาน @สมชาย กำหนด 30 ก.ย. 2567"


def add_task_needs_owner() -> str:
    """เพิ่มงาน without anyone tagged."""
    return "แท็กผู้รับผิดชอบอย่างน้อย 1 คน (พิมพ์ @ แล้วเลือกชื่อ) เช่น เพิ่มงาน จัดทำคู่มือ @สมชาย กำหนด 30 ก.ย. 2567"


def add_task_needs_due() -> str:
    """เพิ่มงาน without กำหนด."""
    return "ใส่วันกำหนดส่งหลังคำว่า กำหนด เช่น กำหนด 30 ก.ย. 2567 หรือ กำหนด 1 ก.ค. - 30 ก.ย. 2567"


def topic_not_found(written: str) -> str:
    """เพิ่มงาน … ประเด็น N where no plan topic has that number."""
    return f"ไม่พบประเด็น {written} ในแผน ใส่เลขประเด็น 1–7 เช่น ประเด็น 3 หรือไม่ต้องใส่ก็ได้"


def unnamed_person(user_id: str) -> str:
    """A stand-in name until LINE tells us the person's display name."""
    return f"ผู้ใช้ …{user_id[-4:]}"


def title_too_long(limit: int) -> str:
    """A task name longer than we store."""
    return f"ชื่องานยาวเกิน {limit} ตัวอักษร ช่วยย่อให้สั้นลง"


def past_due_warning(days_ago: int, later_date: str) -> str:
    """The due date typed is already past: likely a slip of the year; one tap moves it."""
    return (
        f"⚠️ วันกำหนดนี้ผ่านมาแล้ว {days_ago} วัน งานจึงเลยกำหนดทันที — "
        f"ถ้าหมายถึง {later_date} แตะปุ่มด้านล่าง หรือพิมพ์ เลื่อน #เลขงาน ตามด้วยวันที่ใหม่"
    )


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


def my_task_line(
    number: int, title: str, when: str, due: str | None, reported: bool, evidence: int = 0
) -> str:
    """One open task in the sender's list (📎 and the count when it has evidence files)."""
    due_part = f" ({due})" if due else ""
    report_part = " · รายงานเดือนนี้แล้ว ✓" if reported else ""
    return f"#{number} {title}\n   กำหนด {when}{due_part}{report_part}{evidence_count(evidence)}"


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


# --- Buttons on task answers (bot.commands.tasks) ----------------------------------------

BUTTON_DONE = "✅ เสร็จ"
BUTTON_REPORT = "📝 รายงาน"
BUTTON_MOVE = "📅 เลื่อน"
BUTTON_YES_DONE = "เสร็จแล้ว"
BUTTON_NOT_YET = "ยังก่อน"


def button_for(label: str, number: int) -> str:
    """A button's label for one of several tasks (LINE shows 20 characters)."""
    return f"{label} #{number}"


def confirm_done(number: int, title: str, month: str | None) -> str:
    """The question a เสร็จ button asks before closing the task (or a duty's month)."""
    what = f"รอบ {month} ของงาน" if month else "งาน"
    short = title if len(title) <= 80 else title[:79] + "…"
    return f"ปิด{what} #{number} “{short}” ว่าเสร็จแล้วใช่ไหม"


# --- Recurring duties (bot.duties, bot.commands.tasks) -------------------------------------

DUTY_KINDS_HINT = (
    "งานทำซ้ำตั้งได้เป็นรายเดือน เช่น กำหนด ทุกสิ้นเดือน, กำหนด ทุกวันที่ 5, "
    "กำหนด เดือนละ 1 ครั้ง (ใส่ ถึง 30 ก.ย. 2570 ต่อท้ายได้)"
)


def duty_period(rule: str, until: str, first_due: str) -> str:
    """A duty's rule and range, as the confirmation shows it."""
    return f"{rule} ถึง {until} · ครั้งแรก {first_due}"


def duty_no_occurrence(rule: str, until: str) -> str:
    """The range has no occurrence of the rule."""
    return f"“{rule}” ถึง {until} ไม่มีรอบเหลือเลย — ใส่วันสิ้นสุดที่ไกลกว่านี้ เช่น ถึง 30 ก.ย. 2570"


def duty_done(
    number: int, title: str, month: str, done: int, total: int, next_due: str | None
) -> str:
    """One month's occurrence of a duty was done."""
    head = f"✅ งาน #{number} “{title}” รอบ {month} เสร็จแล้ว ({done}/{total} เดือน)"
    if next_due is None:
        return f"{head}\nครบทุกรอบแล้ว 🎉"
    return f"{head}\nครั้งถัดไป {next_due}"


def duty_other_month_hint(number: int, example_month: str) -> str:
    """How to close another month than the oldest one outstanding."""
    return f"(ถ้าหมายถึงเดือนอื่น พิมพ์ เสร็จ #{number} {example_month})"


def duty_month_already_done(number: int, month: str) -> str:
    """That month's occurrence was done before."""
    return f"งาน #{number} รอบ {month} ปิดไปแล้ว"


def duty_no_such_month(number: int, month: str) -> str:
    """The duty has no occurrence that month."""
    return f"งาน #{number} ไม่มีรอบเดือน {month} (ดูรอบที่มีได้ใน งานของฉัน)"


def duty_progress(done: int, total: int, late: list[str]) -> str:
    """A duty's months done, and those late, for a task line."""
    late_part = f" · ค้าง: {', '.join(late)}" if late else ""
    return f"{done}/{total} เดือน{late_part}"


def duty_when(rule: str, month: str, due: str) -> str:
    """A duty's current occurrence, for a task line."""
    return f"{rule} · รอบ {month} ({due})"


def duty_stopped(number: int, last_month: str, outstanding: int) -> str:
    """A duty will not recur after this month."""
    left = f" ยังค้าง {outstanding} รอบ" if outstanding else ""
    return f"หยุดทำซ้ำงาน #{number} แล้ว รอบสุดท้ายคือ {last_month}{left}"


def duty_changed(number: int, rule: str, until: str, next_due: str) -> str:
    """A duty's rule or range was changed (or a task became a duty)."""
    return f"✅ งาน #{number} ทำซ้ำ {rule} ถึง {until} แล้ว\nครั้งถัดไป {next_due}"


def duty_use_repeat(number: int) -> str:
    """เลื่อน on a recurring duty: its dates come from its rule."""
    return (
        f"งาน #{number} เป็นงานทำซ้ำ วันกำหนดมาจากรอบของแต่ละเดือน "
        f"เปลี่ยนรอบหรือวันสิ้นสุดด้วย ทำซ้ำ #{number} ทุกสิ้นเดือน ถึง 30 ก.ย. 2570"
    )


def duty_not_recurring(number: int) -> str:
    """หยุด on a task that does not recur."""
    return f"งาน #{number} ไม่ได้ทำซ้ำ (ตั้งได้ด้วย ทำซ้ำ #{number} ทุกสิ้นเดือน)"


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


def meeting_rule_ended(until: str, group_name: str | None) -> str:
    """The group's meetings (from the plan's range) ended."""
    where = f"กลุ่ม {group_name}" if group_name else "กลุ่มนี้"
    return (
        f"การประชุมประจำเดือนตามแผนของ{where}สิ้นสุดแล้ว ({until}) "
        "หัวหน้าตั้งต่อได้ เช่น ตั้งประชุม ทุกวันที่ 15 เวลา 09:30"
    )


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


# --- Calendar upkeep (bot.commands.calendar_days) ---------------------------------------

CALENDAR_SCOPE_ALL = "ทั้งประเทศ"
CALENDAR_SCOPE_GROUP = "เฉพาะกลุ่มนี้"
CALENDAR_DAY_NEEDED = "พิมพ์วันที่ต่อท้าย เช่น เพิ่มวันหยุด 2 ม.ค. 2569 วันหยุดพิเศษ (มติ ครม.)"
CALENDAR_REASON_NEEDED = (
    "บอกเหตุผลหรือชื่อวันด้วย เช่น เพิ่มวันหยุด 2 ม.ค. 2569 วันหยุดพิเศษ (มติ ครม.) "
    "หรือ วันทำงานพิเศษ 27 ธ.ค. 2568 ชดเชยวันหยุดพิเศษ"
)
CALENDAR_GROUP_SCOPE_IN_GROUP = (
    "“เฉพาะกลุ่มนี้” ใช้ในกลุ่ม LINE ของงาน (ในแชท 1:1 ใช้ ทั้งประเทศ หรือ จังหวัด<ชื่อ>)"
)


def calendar_scope_label(province: str | None, group: bool) -> str:
    """Where a recorded day applies, in words."""
    if group:
        return "เฉพาะกลุ่มนี้"
    return f"จังหวัด{province}" if province else "ทั้งประเทศ"


def calendar_needs_admin(scope_label: str) -> str:
    """Only an administrator records a day for the whole country or a province."""
    return (
        f"การบันทึกวันหยุด/วันทำงาน{scope_label} ใช้ได้เฉพาะผู้ดูแลระบบ "
        "หัวหน้าบันทึกเฉพาะกลุ่มตัวเองได้ เช่น เพิ่มวันหยุด 2 ม.ค. 2569 งานประจำปีของเทศบาล เฉพาะกลุ่มนี้"
    )


def calendar_already_holiday(when: str, name: str) -> str:
    """The day is already a day off."""
    return f"{when} เป็นวันหยุดอยู่แล้ว ({name}) ไม่ต้องเพิ่ม"


def calendar_already_working(when: str) -> str:
    """The day is already a working day."""
    return f"{when} เป็นวันทำการอยู่แล้ว ไม่ต้องประกาศเป็นวันทำงานพิเศษ"


def calendar_not_a_holiday(when: str, scope_label: str) -> str:
    """Nothing to remove: the day is not a day off there."""
    return f"{when} ไม่ใช่วันหยุด ({scope_label}) — ดูวันหยุดที่จะถึงได้ด้วยคำสั่ง วันหยุด"


def calendar_recorded(
    when: str, holiday: bool, reason: str, scope_label: str, told: int, undone: bool = False
) -> str:
    """The admin's confirmation: what was recorded, where, and how many groups were told."""
    if undone:
        head = f"✅ ลบวันหยุด {when} ({scope_label}) แล้ว — กลับเป็นวันทำการ"
    elif holiday:
        head = f"✅ บันทึก {when} เป็นวันหยุด ({scope_label}) แล้ว — {reason}"
    else:
        head = f"✅ บันทึก {when} เป็นวันทำงานพิเศษ ({scope_label}) แล้ว — {reason}"
    return _calendar_changed(head, told)


def _calendar_changed(head: str, told: int) -> str:
    """A calendar change's confirmation: what changed, then how many groups were told."""
    if told:
        tail = f"แจ้ง {told} กลุ่มที่วันประชุม วันส่งรายงาน หรือกำหนดส่งงานได้รับผลกระทบแล้ว"
    else:
        tail = "ไม่มีกลุ่มใดที่วันประชุม วันส่งรายงาน หรือกำหนดส่งงานเปลี่ยน"
    return f"{head}\nวันประชุมและการแจ้งเตือนที่ยังไม่ถึงใช้ปฏิทินใหม่ทันที\n{tail}"


def calendar_notice(
    when: str,
    holiday: bool,
    reason: str,
    meeting: tuple[str, str] | None,
    meeting_time: str,
    month_end: tuple[str, str] | None,
    deadlines: int,
) -> str:
    """One group's notice of a changed calendar day: what moved for it, and why."""
    kind = "เป็นวันหยุด" if holiday else "เป็นวันทำการ"
    lines = [f"📅 ประกาศปฏิทิน: {when} {kind} — {reason}"]
    if meeting is not None:
        old, new = meeting
        lines.append(f"• ประชุมประจำเดือนย้ายจาก {old} เป็น {new} เวลา {meeting_time} น.")
    if month_end is not None:
        old, new = month_end
        lines.append(f"• วันส่งรายงานประจำเดือน: {new} (เดิม {old})")
    if deadlines:
        lines.append(
            f"• มีงานครบกำหนดวันนั้น {deadlines} งาน — กำหนดส่งไม่เปลี่ยนเอง "
            "หัวหน้าเลื่อนได้ด้วย เลื่อน #เลขงาน <วันที่>"
        )
    return "\n".join(lines)


def calendar_no_working_day(when: str, scope_label: str) -> str:
    """Nothing to remove: no working day was declared for that day there."""
    return f"ไม่มีวันทำงานพิเศษที่บันทึกไว้ {when} ({scope_label}) — บันทึกได้ด้วย วันทำงานพิเศษ <วันที่> <เหตุผล>"


def calendar_working_day_removed(when: str, scope_label: str, told: int) -> str:
    """A declared working day was removed: the day is off again."""
    return _calendar_changed(f"✅ ลบวันทำงานพิเศษ {when} ({scope_label}) แล้ว — กลับเป็นวันหยุด", told)


def calendar_working_day_withdrawn_name(name: str) -> str:
    """The reason given when a declared working day is withdrawn."""
    return f"ยกเลิกวันทำงานพิเศษ: {name}"


def calendar_withdrawn_name(name: str) -> str:
    """The name of a working-day entry that withdraws a government holiday."""
    return f"ยกเลิกวันหยุด: {name}"


def status_title(scope: str) -> str:
    """The heading of the status answer."""
    return f"📊 สถานะงาน {scope}"


def status_counts(done: int, open_: int, late: int) -> str:
    """Counts line in a status card."""
    return f"เสร็จ {done} · ค้าง {open_} · เลยกำหนด {late}"


def status_late_line(
    number: int,
    title: str,
    owners: str,
    days_late: int,
    months: Sequence[str] = (),
    evidence: int = 0,
) -> str:
    """One late task in the status card (a monthly duty names its months not done)."""
    months_part = f" · ค้าง: {', '.join(months)}" if months else ""
    late = f"(เลย {days_late} วัน{months_part})"
    return f"#{number} {title} — {owners} {late}{evidence_count(evidence)}"


def status_unreported(names: list[str], month_label: str) -> str:
    """Who has not reported this month."""
    if not names:
        return f"รายงานเดือน{month_label} ครบแล้ว ✓"
    return f"ยังไม่รายงานเดือน{month_label}: " + ", ".join(names)


def status_alt(scope: str, done: int, open_: int, late: int) -> str:
    """The status card's text for notifications and clients without Flex."""
    return f"สถานะงาน {scope}: {status_counts(done, open_, late)}"


def status_more(count: int) -> str:
    """More late tasks than the card lists."""
    return f"และอีก {count} งาน"


STATUS_NO_TOPIC = "งานทั่วไป"
STATUS_LATE_HEADING = "เลยกำหนด"
STATUS_EMPTY = "ยังไม่มีงานในกลุ่มนี้ หัวหน้าเพิ่มงานได้ เช่น เพิ่มงาน จัดทำคู่มือ @สมชาย กำหนด 30 ก.ย. 2567"
STATUS_BARS_CAPTION = "เสร็จแล้ว ตามประเด็น"


def status_late_detail(days_late: int, owners: list[str]) -> str:
    """Why a late task is on the busy status card: how late, whose."""
    return f"เลย {days_late} วัน — " + (", ".join(owners) if owners else "ยังไม่มีผู้รับผิดชอบ")


STATUS_SCOPE_GROUP = "กลุ่มนี้"
STATUS_SCOPE_ALL = "ทุกกลุ่ม"
STATUS_SCOPE_MINE = "กลุ่มของคุณ"
SIMULATOR_OUTSIDER = "ไม่ได้อยู่ในกลุ่ม"
SIMULATOR_EMPTY = "พิมพ์ข้อความก่อนกดส่ง"
SIMULATOR_BAD_INPUT = "ข้อความหรือการแท็กไม่ถูกต้อง ลองพิมพ์ใหม่"
SIMULATOR_BAD_DATE = "เลือกวันที่และเวลา เช่น 2024-06-17 08:30"


def simulator_tapped(name: str, label: str) -> str:
    """The transcript's note of a button tap that posts nothing in the chat."""
    return f"👆 {name} กดปุ่ม “{label}”"


def simulator_welcome(first_start: bool) -> str:
    """The simulator's first line."""
    start = "สร้างกลุ่มและคนสาธิตแล้ว" if first_start else "ใช้ข้อมูลสาธิตเดิม"
    return f"โหมดสาธิต: {start} — เลือกว่าคุณเป็นใคร แล้วพิมพ์ ช่วยเหลือ"


def simulator_resumed(day_label: str, clock: str) -> str:
    """A restarted demo goes on where its clock stood."""
    return (
        f"⏱️ เวลาสาธิตต่อจากครั้งก่อน: {day_label} {clock} น. "
        "(เริ่มใหม่ทั้งหมด: หยุดเซิร์ฟเวอร์ ลบไฟล์ tidtam.db แล้วเริ่มอีกครั้ง)"
    )


def simulator_already_sent(day_label: str) -> str:
    """Going back to a day whose reminders went out already: they are not sent twice."""
    return (
        f"ไม่มีแจ้งเตือนใหม่: แจ้งเตือนของ{day_label} ส่งไปแล้วก่อนหน้านี้ ระบบไม่ส่งซ้ำ "
        "(เริ่มสาธิตใหม่ทั้งหมด: หยุดเซิร์ฟเวอร์ ลบไฟล์ tidtam.db แล้วเริ่มอีกครั้ง)"
    )


def simulator_nothing_due(day_label: str) -> str:
    """Nothing is due at the demo time."""
    return (
        f"ไม่มีแจ้งเตือนที่ถึงกำหนดใน{day_label} ณ เวลานี้ — แจ้งเตือนส่งเวลา 08:30 น. "
        "ของวันทำการ เมื่อมีประชุม งานใกล้กำหนด งานเลยกำหนด หรือรอบรายงานสิ้นเดือน"
    )


def simulator_clock_moved(day_label: str, clock: str) -> str:
    """The simulator's demo clock jumped."""
    return f"⏩ เวลาสาธิตเลื่อนไปเป็น {day_label} {clock} น."


# --- The rich menu (python -m bot richmenu install; LINE shows it in the 1:1 chat) ----------
# Each button: the command its tap sends (a chat command that works in 1:1) and the line
# printed under it on the image. The chat bar text is at most 14 characters (LINE's limit).
RICH_MENU_CHAT_BAR = "เมนูติดตาม"
RICH_MENU_MY_TASKS = ("งานของฉัน", "งานที่ยังไม่เสร็จ")
RICH_MENU_STATUS = ("สถานะ", "สรุปงานทุกประเด็น")
RICH_MENU_MEETING = ("ประชุม", "วันประชุมครั้งถัดไป")
RICH_MENU_HOLIDAYS = ("วันหยุด", "วันหยุดราชการ")
RICH_MENU_ITA = ("คะแนน ITA", "ข้อที่ต้องเร่งพัฒนา")
RICH_MENU_HELP = ("ช่วยเหลือ", "คำสั่งทั้งหมด")


NOT_IN_ANY_GROUP = "คุณยังไม่ได้อยู่ในกลุ่มที่มี “ติดตาม” พิมพ์คำสั่งในกลุ่ม LINE ของงานได้เลย"
ROOM_NOT_SUPPORTED = (
    "ห้องแชทหลายคนยังใช้ติดตามงานไม่ได้ — งานต้องอยู่ในกลุ่ม LINE ของหน่วยงาน "
    "เชิญ “ติดตาม” เข้ากลุ่มนั้น หรือคุยกับ “ติดตาม” แบบ 1:1 เพื่อดูงานของคุณ"
)
ROOM_GREETING = (
    "สวัสดีครับ “ติดตาม” ช่วยติดตามงานตามแผน ITA ในกลุ่ม LINE ของหน่วยงาน และในแชท 1:1 "
    "ห้องนี้จะเงียบไว้ ไม่ตอบข้อความทั่วไป — ถ้าต้องการติดตามงาน เชิญ “ติดตาม” เข้ากลุ่มของงาน"
)
REPORT_UNSENT = "(ข้อความนี้ถูกยกเลิกการส่งโดยผู้ส่ง)"


# --- Action plan, ITA and export (bot.plan_*) ---------------------------------------------

_IMPORT_HINT = "python -m bot import-plan data/ita-2566-plan.yaml"

UNITS_NONE = f"ยังไม่มีหน่วยงานในระบบ — ผู้ดูแลระบบนำเข้าแผนก่อน: {_IMPORT_HINT}"
UNIT_NAME_NEEDED = "พิมพ์ชื่อหน่วยงานต่อท้าย เช่น ผูกหน่วยงาน สำนักปลัดเทศบาล งานธุรการ\nเลือกจากปุ่มด้านล่างได้"


def units_heading(count: int, unbound: int) -> str:
    """The admin's unit list (หน่วยงาน): heading."""
    return f"🏢 หน่วยงานตามแผน {count} หน่วย · ยังไม่ผูกกลุ่ม {unbound} หน่วย"


def unit_line(name: str, group_label: str | None, tasks: int, shared: int = 0) -> str:
    """One unit in the list: where it reports, how many plan items it leads and shares."""
    where = f"กลุ่ม {group_label}" if group_label else "⚠️ ยังไม่ผูกกลุ่ม"
    also = f" · ร่วมรับผิดชอบ {shared} รายการ" if shared else ""
    return f"• {name}\n   {where} · {tasks} รายการ{also}"


UNITS_FOOTER = "ผูกในกลุ่มของหน่วยงานนั้น: ผูกหน่วยงาน <ชื่อหน่วยงาน>"


def unit_not_found(typed: str) -> str:
    """No unit looks like the typed name."""
    return f"ไม่พบหน่วยงาน “{typed}” — พิมพ์ หน่วยงาน (ผู้ดูแลระบบ) เพื่อดูรายชื่อ หรือเลือกจากปุ่มด้านล่าง"


def unit_choose(typed: str, names: list[str]) -> str:
    """Several units look like the typed name: offer them."""
    lines = "\n".join(f"• {name}" for name in names)
    return f"“{typed}” ใกล้กับหน่วยงานเหล่านี้ — กดปุ่มเพื่อผูกกับกลุ่มนี้\n{lines}"


def unit_bound(
    name: str,
    measures: int,
    steps: int,
    moved_from: str | None,
    meeting: str | None,
    shared: tuple[int, int] = (0, 0),
    leads: Sequence[str] = (),
) -> str:
    """A unit now reports and is reminded in this group (and sees the items it shares)."""
    lines = [f"🔗 ผูก “{name}” กับกลุ่มนี้แล้ว"]
    if measures or steps or not any(shared):
        lines.append(f"{measures} มาตรการ {steps} ขั้นตอน จะรายงานและแจ้งเตือนในกลุ่มนี้")
    if any(shared):
        lines.append(
            f"🤝 ร่วมรับผิดชอบกับ {' และ '.join(leads)}: {shared[0]} มาตรการ {shared[1]} ขั้นตอน"
            " เห็น รายงาน และแจ้งเตือนในกลุ่มนี้ด้วย"
            " (เป็นงานเดียวกัน รายงานหรือปิดงานที่กลุ่มใดก็นับร่วมกัน)"
        )
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


def ita_item_indicator(number: int, name: str) -> str:
    """An item whose own text is not known: the indicator it counts toward."""
    return f"ข้อในตัวชี้วัดที่ {number} {name}"


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


def export_no_public_url(month_key: str) -> str:
    """No public address to link to yet; the command line gives the same workbook meanwhile."""
    return (
        "ยังสร้างลิงก์ดาวน์โหลดไม่ได้: ผู้ดูแลระบบต้องตั้งค่า PUBLIC_BASE_URL (ที่อยู่เว็บของบอท) ก่อน "
        f"ระหว่างนี้ใช้คำสั่ง python -m bot export --month {month_key} -o report.xlsx"
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
    "หลักฐาน (ลิงก์ดาวน์โหลด)",
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


REPORT_STATUS_NO_OCCURRENCE = "ไม่มีรอบในเดือนนี้"


def report_status_month_done(month: str) -> str:
    """A recurring duty's occurrence of the report's month is done."""
    return f"รอบ {month} เสร็จแล้ว"


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


# --- Calendar feeds (bot.feeds, bot.commands.calendar_feed) --------------------------------

FEED_SCOPE_GROUP = "ประชุมและกำหนดส่งงานของกลุ่มนี้"
FEED_SCOPE_PERSON = "กำหนดส่งงานของคุณทุกกลุ่ม"
FEED_LINK_FORGED = "ลิงก์ปฏิทินไม่ถูกต้อง — พิมพ์ ปฏิทิน ในแชทเพื่อรับลิงก์"
FEED_LINK_REVOKED = "ลิงก์ปฏิทินนี้ถูกยกเลิกแล้ว — พิมพ์ ปฏิทิน ในแชทเพื่อรับลิงก์ใหม่"
FEED_NONE_TO_REVOKE = "ยังไม่มีลิงก์ปฏิทินที่ใช้อยู่ พิมพ์ ปฏิทิน เพื่อสร้างลิงก์"
FEED_NO_PUBLIC_URL = (
    "ยังสร้างลิงก์ปฏิทินไม่ได้: ผู้ดูแลระบบต้องตั้งค่า PUBLIC_BASE_URL (ที่อยู่เว็บของบอท) ก่อน"
)


def feed_link(scope: str, url: str) -> str:
    """The subscription link, and how to add it to a phone's calendar."""
    return (
        f"📆 ปฏิทิน{scope}\n{url}\n\n"
        "เพิ่มในปฏิทินของคุณ (อัปเดตเองทุก 6 ชั่วโมง):\n"
        "• Google Calendar (คอมพิวเตอร์): ปฏิทินอื่นๆ ＋ › จาก URL › วางลิงก์\n"
        "• iPhone: การตั้งค่า › ปฏิทิน › บัญชี › เพิ่มบัญชี › อื่นๆ › "
        "เพิ่มปฏิทินที่สมัครรับ › วางลิงก์\n"
        "ลิงก์นี้ใช้ได้จนกว่าจะยกเลิก (พิมพ์ ปฏิทิน ยกเลิก) อย่าส่งต่อให้คนนอก"
    )


def feed_revoked(scope: str) -> str:
    """A feed link was revoked."""
    return f"🔒 ยกเลิกลิงก์ปฏิทิน{scope}แล้ว ปฏิทินที่สมัครไว้จะไม่อัปเดตอีก พิมพ์ ปฏิทิน เพื่อรับลิงก์ใหม่"


def feed_name_group(group_name: str) -> str:
    """The calendar's name in a calendar app (a group's feed)."""
    return f"ติดตาม · {group_name}" if group_name else "ติดตาม · กลุ่ม"


def feed_name_person(name: str) -> str:
    """The calendar's name in a calendar app (a person's feed)."""
    return f"ติดตาม · งานของ {name}"


def feed_meeting_summary(group_name: str) -> str:
    """A monthly meeting's title in the calendar."""
    return f"ประชุมประจำเดือน · {group_name}" if group_name else "ประชุมประจำเดือน"


def feed_meeting_description(reason: str | None) -> str:
    """Why the meeting is not on its usual day (nothing when it is)."""
    return f"เลื่อนจากวันประชุมปกติ: {reason}" if reason else ""


def feed_deadline_summary(number: int, title: str, done: bool) -> str:
    """A deadline's title in the calendar (✅ once done)."""
    short = title if len(title) <= 80 else title[:79] + "…"
    return f"{'✅ ' if done else ''}กำหนดส่ง #{number} {short}"


def feed_task_description(number: int, title: str, group_name: str) -> str:
    """A deadline's details in the calendar."""
    where = f"\nกลุ่ม: {group_name}" if group_name else ""
    return f"งาน #{number} “{title}”{where}\nรายงานความคืบหน้าในกลุ่ม LINE: รายงาน #{number} …"
# --- Evidence: photos and files attached to tasks (bot.commands.evidence) -----------------

BUTTON_ATTACH = "📎 แนบหลักฐาน"
EVIDENCE_LINK_INVALID = "ลิงก์หลักฐานไม่ถูกต้อง — ส่งออกรายงานใหม่ หรือพิมพ์ หลักฐาน #เลขงาน ในแชท"
EVIDENCE_LINK_EXPIRED = (
    "ลิงก์หลักฐานนี้หมดอายุแล้ว — พิมพ์ ส่งออกรายงาน หรือ หลักฐาน #เลขงาน ในแชทเพื่อรับลิงก์ใหม่"
)
EVIDENCE_GONE = "ไฟล์หลักฐานนี้ถูกลบไปแล้ว"
# Said when a file could not be fetched from LINE (also the answer left waiting while it is
# fetched, so a process that dies mid-fetch still tells the officer).
EVIDENCE_SEND_AGAIN = "⚠️ รับไฟล์จาก LINE ไม่สำเร็จ ยังไม่ได้แนบเป็นหลักฐาน — กรุณาส่งไฟล์นั้นอีกครั้ง"

# How each allowed type pattern is named to people (EVIDENCE_TYPES); others by their MIME type.
_EVIDENCE_KIND_NAMES = {
    "image/*": "รูปภาพ",
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.*": "Word, Excel, PowerPoint",
}


def evidence_kinds(patterns: Sequence[str]) -> str:
    """The file types taken as evidence, in words ("รูปภาพ, PDF, Word …"), each once."""
    names = [_EVIDENCE_KIND_NAMES.get(pattern, pattern) for pattern in patterns]
    return ", ".join(dict.fromkeys(word for name in names for word in name.split(", ")))


def file_size(size: int) -> str:
    """A file's size for people: "850 KB", "2.4 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def attach_prompt(number: int, title: str, kinds: str, max_mb: int, minutes: int) -> str:
    """After 📎 แนบหลักฐาน: what to send, where, and for how long it goes to this task."""
    short = title if len(title) <= 80 else title[:79] + "…"
    return (
        f"📎 ส่งรูปหรือไฟล์หลักฐานของงาน #{number} “{short}” เข้ามาในแชทนี้ได้เลย "
        f"ภายใน {minutes} นาที ({kinds} ไม่เกิน {max_mb} MB ต่อไฟล์ ส่งหลายไฟล์ได้)"
    )


def evidence_attached(name: str, number: int, total: int) -> str:
    """A file stored and attached to a task."""
    return f"📎 แนบ {name} กับงาน #{number} แล้ว (รวม {total} ไฟล์)"


def evidence_no_task(minutes: int) -> str:
    """A file came with no task to attach it to."""
    return (
        "ได้รับไฟล์แล้ว แต่ยังไม่รู้ว่าเป็นหลักฐานของงานไหน — แตะปุ่ม 📎 แนบหลักฐาน ใต้งาน "
        "(พิมพ์ งานของฉัน) หรือพิมพ์ แนบหลักฐาน #เลขงาน แล้วส่งไฟล์อีกครั้ง "
        f"(หรือส่งภายใน {minutes} นาทีหลังพิมพ์ รายงาน #เลขงาน)"
    )


def evidence_window_passed(number: int, minutes: int) -> str:
    """A file came after the minutes that a 📎 tap holds had passed."""
    return (
        f"เลย {minutes} นาทีหลังแตะ 📎 แนบหลักฐาน ของงาน #{number} แล้ว ไฟล์นี้ยังไม่ได้แนบ — "
        f"พิมพ์ แนบหลักฐาน #{number} แล้วส่งไฟล์อีกครั้ง"
    )


def evidence_too_big(name: str, size: int, max_mb: int) -> str:
    """A file over EVIDENCE_MAX_MB: nothing is stored."""
    return (
        f"ไฟล์ {name} ใหญ่ {file_size(size)} เกินขนาดที่รับได้ ({max_mb} MB) ยังไม่ได้แนบ — "
        "ย่อรูปหรือแยกไฟล์ แล้วส่งใหม่"
    )


def evidence_wrong_type(name: str, kinds: str) -> str:
    """A file of a type not in EVIDENCE_TYPES: nothing is stored."""
    return f"ไฟล์ {name} เป็นชนิดที่รับเป็นหลักฐานไม่ได้ ยังไม่ได้แนบ — รับเฉพาะ {kinds}"


def evidence_none(number: int) -> str:
    """หลักฐาน #12 on a task with no evidence."""
    return (
        f"งาน #{number} ยังไม่มีหลักฐาน — พิมพ์ แนบหลักฐาน #{number} (หรือแตะ 📎) "
        "แล้วส่งรูปหรือไฟล์"
    )


def evidence_line(index: int, name: str, size: int, who: str, when: str, link: str | None) -> str:
    """One file in the list of a task's evidence."""
    link_part = f"\n   {link}" if link else ""
    return f"{index}. {name} ({file_size(size)}) — {who}, {when}{link_part}"


def evidence_list(number: int, title: str, lines: list[str], hours: int | None) -> str:
    """A task's evidence, numbered (the numbers ลบหลักฐาน takes)."""
    short = title if len(title) <= 80 else title[:79] + "…"
    links = f"\n(ลิงก์ดาวน์โหลดใช้ได้ {hours} ชั่วโมง)" if hours else ""
    return (
        f"📎 หลักฐานของงาน #{number} “{short}” ({len(lines)} ไฟล์)\n"
        + "\n".join(lines)
        + links
        + f"\nลบไฟล์: ลบหลักฐาน #{number} <ลำดับ>"
    )


def evidence_no_such(number: int, index: int, count: int) -> str:
    """ลบหลักฐาน with a position the task's list does not have."""
    if count == 0:
        return evidence_none(number)
    return f"งาน #{number} ไม่มีหลักฐานลำดับที่ {index} (มี {count} ไฟล์) — พิมพ์ หลักฐาน #{number} เพื่อดูลำดับ"


def evidence_deleted(name: str, number: int, left: int) -> str:
    """One file removed from a task's evidence (and from storage)."""
    return f"🗑️ ลบ {name} ออกจากหลักฐานของงาน #{number} แล้ว (เหลือ {left} ไฟล์)"


EVIDENCE_STORAGE_DOWN = "ขออภัย ที่เก็บไฟล์หลักฐานขัดข้องชั่วคราว ยังไม่ได้ลบ — ลองใหม่อีกครั้งในอีกสักครู่"


def evidence_count(count: int) -> str:
    """The 📎 mark on a task line (nothing when there is no evidence)."""
    return f" · 📎 {count}" if count else ""



# --- The web view and the public page (bot.pages, bot.commands.dashboard) -----------------
# The pages' own headings live in bot/templates/; these are the sentences the chat says, and
# the refusal pages' words, which name the chat command that makes a new link.

DASHBOARD_SCOPE_GROUP = "งานของกลุ่มนี้"
DASHBOARD_NO_PUBLIC_URL = "ยังสร้างลิงก์แดชบอร์ดไม่ได้: ผู้ดูแลระบบต้องตั้งค่า PUBLIC_BASE_URL (ที่อยู่เว็บของบอท) ก่อน"
DASHBOARD_NO_GROUPS = "คุณยังไม่ได้อยู่ในกลุ่มที่มี “ติดตาม” พิมพ์ แดชบอร์ด ในกลุ่ม LINE ของงานได้เลย"


def dashboard_scope_groups(count: int) -> str:
    """The web view of several groups (1:1 chat)."""
    return f"{count} กลุ่มที่คุณดูแล" if count != 1 else "กลุ่มที่คุณดูแล"


def dashboard_link(scope: str, url: str, hours: int) -> str:
    """The signed link to the officials' web view."""
    return (
        f"📈 แดชบอร์ดแผน ITA ({scope})\n{url}\n"
        "ความคืบหน้ารายประเด็นและหน่วยงาน งานล่าช้า ผู้ยังไม่รายงาน รายงานของแต่ละงาน และคะแนน ITA\n"
        f"ลิงก์ใช้ได้ {hours} ชั่วโมง อย่าส่งต่อให้คนนอก"
    )


PUBLISH_NO_PUBLIC_URL = "ยังเผยแพร่ไม่ได้: ผู้ดูแลระบบต้องตั้งค่า PUBLIC_BASE_URL (ที่อยู่เว็บของบอท) ก่อน"


def publish_on(url: str, already: bool) -> str:
    """The public progress page is (or was already) on."""
    head = "🌐 หน้าความคืบหน้าสาธารณะเปิดอยู่แล้ว" if already else "🌐 เปิดหน้าความคืบหน้าสาธารณะแล้ว"
    return (
        f"{head}\n{url}\n"
        "แสดงประเด็น มาตรการ ขั้นตอน สถานะ และวันที่เสร็จ โดยไม่มีชื่อบุคคลหรือข้อความแชท "
        "นำลิงก์นี้ไปใส่ในเว็บไซต์หน่วยงานได้ (ลิงก์ไม่เปลี่ยน) ปิดได้ด้วย เผยแพร่ความคืบหน้า ปิด"
    )


def publish_off(already: bool) -> str:
    """The public progress page is (or was already) off."""
    if already:
        return "หน้าความคืบหน้าสาธารณะปิดอยู่แล้ว เปิดได้ด้วย เผยแพร่ความคืบหน้า เปิด"
    return "🔒 ปิดหน้าความคืบหน้าสาธารณะแล้ว ลิงก์เดิมจะแสดงว่าไม่พบหน้า เปิดอีกครั้งได้ด้วย เผยแพร่ความคืบหน้า เปิด"


def publish_state(url: str | None) -> str:
    """Whether the public progress page is on (asked without เปิด/ปิด)."""
    if url is None:
        return "หน้าความคืบหน้าสาธารณะปิดอยู่ เปิดได้ด้วย เผยแพร่ความคืบหน้า เปิด"
    return f"หน้าความคืบหน้าสาธารณะเปิดอยู่: {url}\nปิดได้ด้วย เผยแพร่ความคืบหน้า ปิด"


PAGE_LINK_FORGED_TITLE = "ลิงก์ไม่ถูกต้อง"
PAGE_LINK_FORGED = "ลิงก์แดชบอร์ดนี้ไม่ถูกต้องหรือถูกแก้ไข — พิมพ์ แดชบอร์ด ในแชท LINE เพื่อรับลิงก์ใหม่"
PAGE_LINK_EXPIRED_TITLE = "ลิงก์หมดอายุ"
PAGE_LINK_EXPIRED = "ลิงก์แดชบอร์ดนี้หมดอายุแล้ว (ใช้ได้ 24 ชั่วโมง) — พิมพ์ แดชบอร์ด ในแชท LINE เพื่อรับลิงก์ใหม่"
PAGE_NOT_PUBLISHED_TITLE = "ไม่พบหน้านี้"
PAGE_NOT_PUBLISHED = "ไม่พบหน้าความคืบหน้าที่ขอ หรือหน่วยงานยังไม่ได้เผยแพร่"
PAGE_MONTH_PLANNED = "ครบกำหนด"  # the month chart's legend
PAGE_MONTH_DONE = "เสร็จแล้ว"
