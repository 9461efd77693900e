"""Every date, period and repeat phrase of the source plan, with what each one means."""

from __future__ import annotations

from datetime import date

# Strings are copied literally from seed/ita-2566-analysis-and-action-plan.txt, part 2
# (lines 189–223), one <p> or one phrase at a time; "lines" says where each one appears.
# The plan covers fiscal year 2567: 1 Oct 2023 – 30 Sep 2024.

SINGLE_DATES = [
    # (lines, text, date)
    ("192, 197", "วันเดือนปีที่ดำเนินการ 1 ต.ค. 2566", date(2023, 10, 1)),
    ("196", "วันเดือนปีที่ดำเนินการ 1 เม.ย. 2567", date(2024, 4, 1)),
    # Written 2567, so read as 1 Oct 2024 — after the plan ends; 2566 was surely meant (the
    # start of the fiscal year). The parser reads what is written; the import must flag it.
    ("196", "วันเดือนปีที่ดำเนินการ 1 ต.ค. 2567", date(2024, 10, 1)),
    # The end of the last step on line 212 ("1 ต.ค. 2566-15 ต.ค. 2566"), carried over the
    # page break into the next table row on its own.
    ("215", "สิ้นสุด 15 ต.ค. 2566", date(2023, 10, 15)),
]

PERIODS = [
    # (lines, text, (start, end))
    ("189", "ปีงบประมาณ พ.ศ. 2567", (date(2023, 10, 1), date(2024, 9, 30))),
    (
        "192, 197",
        "วันเริ่มต้น 1 ต.ค. 2566 วันสิ้นสุด 31 มี.ค. 2567",
        (date(2023, 10, 1), date(2024, 3, 31)),
    ),
    # The cell starts with "ทุกวันที่ 15 ของเดือน" — a repeat rule, see RECURRENCES.
    (
        "193",
        "เริ่มตั้งแต่วันที่ 15 ธ.ค. 2566 วันสิ้นสุดวันที่ 15 ก.ย. 2567",
        (date(2023, 12, 15), date(2024, 9, 15)),
    ),
    (
        "196",
        "วันเริ่มต้น 1 เม.ย. 2567 วันสิ้นสุด 30 ก.ย. 2567",
        (date(2024, 4, 1), date(2024, 9, 30)),
    ),
    (
        "201",
        "วันที่ดำเนินการ วันที่ 13 มี.ค. พ.ศ. 2567 วันที่สิ้นสุด วันที่ 13 มี.ค. พ.ศ. 2567",
        (date(2024, 3, 13), date(2024, 3, 13)),
    ),
    # "1ธ.ค." — the missing space is accepted.
    (
        "204",
        "วันที่ดำเนินการ 1ธ.ค. พ.ศ. 2566 วันที่สิ้นสุด วันที่ 30 ก.ย. พ.ศ. 2567",
        (date(2023, 12, 1), date(2024, 9, 30)),
    ),
    (
        "205",
        "วันที่ดำเนินการ 1ธ.ค. พ.ศ. 2566 วันที่สิ้นสุด วันที่ 31 ธ.ค. พ.ศ. 2566",
        (date(2023, 12, 1), date(2023, 12, 31)),
    ),
    # "มี.ย." is the common typo of มิ.ย. (June): the ย is the month's letter; มี.ค. would
    # need ค. Accepted as June — 30 Jun 2024.
    (
        "208",
        "วันที่ดำเนินการ 1 ธ.ค. พ.ศ. 2566 วันที่สิ้นสุด วันที่ 30 มี.ย. พ.ศ. 2567",
        (date(2023, 12, 1), date(2024, 6, 30)),
    ),
    (
        "208",
        "วันที่ดำเนินการ 1 มี.ค. พ.ศ. 2567 วันที่สิ้นสุด วันที่ 22 มี.ค. พ.ศ. 2567",
        (date(2024, 3, 1), date(2024, 3, 22)),
    ),
    # The plan repeats the end after "สิ้นสุด"; the parser checks that it agrees. The
    # trailing "ทุกสิ้นเดือน" on line 209 is a repeat rule, see RECURRENCES.
    (
        "209, 218",
        "1-31 ต.ค. 2566 สิ้นสุด 31 ต.ค. 2566",
        (date(2023, 10, 1), date(2023, 10, 31)),
    ),
    # September 2566 (2023) is the month before the fiscal year: preparation, read as written.
    (
        "212",
        "1 ก.ย.2566-30 ก.ย. 2566 สิ้นสุด 30 ก.ย. 2566",
        (date(2023, 9, 1), date(2023, 9, 30)),
    ),
    (
        "212",
        "1 ต.ค. 2566-15 ต.ค. 2566 สิ้นสุด 15 ต.ค. 2566",
        (date(2023, 10, 1), date(2023, 10, 15)),
    ),
    (
        "212, 215",
        "1 ก.ย. 2566-30 ก.ย. 2566 สิ้นสุด 30 ก.ย. 2566",
        (date(2023, 9, 1), date(2023, 9, 30)),
    ),
    ("212", "1 ต.ค. 2566-15 ต.ค. 2566", (date(2023, 10, 1), date(2023, 10, 15))),
    (
        "215",
        "1 ต.ค. 2566-30 ก.ย. 2567 สิ้นสุด 30 ก.ย. 2567",
        (date(2023, 10, 1), date(2024, 9, 30)),
    ),
    # "66" is B.E. 2566: 1–15 Sep 2023, before the fiscal year like line 212; read as written.
    ("215", "1 ก.ย- 15 ก.ย. 66 สิ้นสุด 15 ก.ย. 66", (date(2023, 9, 1), date(2023, 9, 15))),
    (
        "215, 218",
        "1 ก.พ.- 22 ก.พ. 67 สิ้นสุด 22 ก.พ. 67",
        (date(2024, 2, 1), date(2024, 2, 22)),
    ),
    (
        "218",
        "1 ต.ค. 2566-31 มี.ค. 2567 สิ้นสุด 31 มี.ค. 67",
        (date(2023, 10, 1), date(2024, 3, 31)),
    ),
    (
        "218",
        "1 ต.ค. - 31 ต.ค. 2566 สิ้นสุด 31 ต.ค. 2566",
        (date(2023, 10, 1), date(2023, 10, 31)),
    ),
    (
        "218",
        "15-31 ธ.ค. 2566 สิ้นสุด 31 ธ.ค. 2566",
        (date(2023, 12, 15), date(2023, 12, 31)),
    ),
    (
        "218, 221 (twice)",
        "1 ต.ค.-31 ต.ค. 2566 สิ้นสุด 31 ต.ค. 2566",
        (date(2023, 10, 1), date(2023, 10, 31)),
    ),
]

SEVERAL_PERIODS = [
    (
        "212",
        "1 ต.ค. 2566-15 ต.ค. 2566 และ 1 เม.ย.-15 เม.ย. 2567",
        [(date(2023, 10, 1), date(2023, 10, 15)), (date(2024, 4, 1), date(2024, 4, 15))],
    ),
]

UNREADABLE = [
    # (lines, text, words the Thai error must contain)
    # Start 1 Oct 2567 after end 30 Sep 2567: the start's year is a slip for 2566 (the
    # fiscal year 2567 runs 1 ต.ค. 2566 – 30 ก.ย. 2567). Not guessed: an end-before-start error.
    ("196", "วันเริ่มต้น 1 ต.ค. 2567 วันสิ้นสุด 30 ก.ย. 2567", ["มาก่อน"]),
    # "6.ค." is OCR damage: a letter read as the digit 6. Probably ต.ค. (1–31 Oct 2023, the
    # month the neighbouring steps start in), but ธ.ค. fits too — an unknown month error.
    (
        "201",
        "วันที่ดำเนินการ 1 6.ค. พ.ศ. 2566 วันที่สิ้นสุด วันที่ 31 6.ค. พ.ศ. 2566",
        ["ไม่รู้จักเดือน", "6.ค."],
    ),
]

RECURRENCES = [
    # (lines, text, rule string)
    ("193", "เดือนละ 1 ครั้ง", "monthly"),
    # The meeting; its note "(หมายเหตุ ตรงกับวันหยุดราชการให้ประชุมในวันถัดไปของเดือนนั้น)"
    # is the holiday shift, applied by scheduler.calendar, not part of the rule.
    ("193", "ทุกวันที่ 15 ของเดือน", "monthly:day=15"),
    ("196 (twice), 209", "ทุกสิ้นเดือน", "month_end"),
    # Labelled "วันที่ดำเนินการและสิ้นสุด"; the same as ทุกสิ้นเดือน.
    ("201", "ทุกวันสิ้นเดือน", "month_end"),
    # "และรายงานผลทุกวัน สิ้นเดือน": a line break split ทุกวันสิ้นเดือน; not "every day".
    ("204", "ทุกวัน สิ้นเดือน", "month_end"),
    # "ทุกครั้งที่มีการจัดซื้อจัดจ้าง สิ้นสุด ภายใน 5 วัน": due 5 days after each procurement.
    ("209", "ภายใน 5 วัน", "within_days:5"),
    # From the steps column: "รายงานผล…ให้ผู้บริหารทราบทุกเดือนสม่ำเสมอ" and step 7.
    ("209", "ทุกเดือนสม่ำเสมอ", "monthly"),
    ("215", "อย่างน้อยเดือนละ 1 ครั้ง", "monthly"),
]
