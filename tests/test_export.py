"""The monthly progress report: a scripted March through the real app, its workbook, its links."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot import cli, texts
from bot.export import (
    XLSX_MIMETYPE,
    ExportLinkError,
    ExportLinkExpired,
    ReportScope,
    build_report,
    make_token,
    read_token,
)
from bot.plan.document import load_plan
from bot.plan.importer import import_plan
from models.db import session_scope
from models.tables import ChatGroup, Task
from tests.support.chat import Chat, name_supervisor, said
from tests.support.events import (
    ADMIN,
    BANGKOK,
    GROUP,
    NOW,
    OFFICER_A,
    OFFICER_B,
    OTHER_GROUP,
    SUPERVISOR,
)
from tests.support.web import CHANNEL_SECRET, PUBLIC_BASE_URL, MutableClock, repository_root

BASE_URL = PUBLIC_BASE_URL
PERSONNEL = "สำนักปลัดเทศบาล งานการเจ้าหน้าที่"


def task_number(engine: Engine, plan_item: str) -> int:
    """The task number of a plan item ("4.3.1")."""
    with Session(engine) as session:
        task = session.exec(select(Task).where(Task.source_key == f"ita-2567:{plan_item}")).one()
        assert task.id is not None
        return task.id


def rows(sheet: Any) -> list[list[Any]]:
    """A sheet's rows below its header (row 4), as lists of values."""
    return [list(row) for row in sheet.iter_rows(min_row=5, values_only=True)]


def script_march(chat: Chat, engine: Engine, clock: MutableClock) -> dict[str, int]:
    """Import the plan, bind the personnel unit, and work and report through March 2024."""
    with session_scope(engine) as session:
        import_plan(session, load_plan(repository_root() / "data" / "ita-2566-plan.yaml"), now=NOW)
    chat.say("ตั้งหัวหน้า @สมศักดิ์", ADMIN, (SUPERVISOR, "@สมศักดิ์"))
    assert "ผูก" in said(chat.say(f"ผูกหน่วยงาน {PERSONNEL}", SUPERVISOR))
    numbers = {item: task_number(engine, item) for item in ("4.3.1", "4.3.2", "3.1.1", "6.1.9")}
    for item in ("4.3.1", "4.3.2"):
        chat.say(f"เพิ่มคน #{numbers[item]} @สมชาย", SUPERVISOR, (OFFICER_A, "@สมชาย"))
    chat.say(f"เพิ่มคน #{numbers['4.3.1']} @สมศรี", SUPERVISOR, (OFFICER_B, "@สมศรี"))

    clock.now = NOW + timedelta(days=4, hours=5)  # 5 March 2024, 14:00
    chat.say(f"รายงาน #{numbers['4.3.1']} ส่งร่างโครงการให้หัวหน้าแล้ว 40%", OFFICER_A)
    clock.now = NOW + timedelta(days=19)  # 20 March 2024, 09:00
    chat.say(f"รายงาน #{numbers['4.3.1']} จัดอบรมแล้ว รอสรุปผล 80%", OFFICER_B)
    chat.say(f"เสร็จ #{numbers['4.3.2']}", OFFICER_A)
    return numbers


def test_the_export_of_a_scripted_month(
    chat: Chat,
    engine: Engine,
    clock: MutableClock,
    client: FlaskClient,
) -> None:
    numbers = script_march(chat, engine, clock)
    clock.now = NOW + timedelta(days=32)  # 2 April 2024: March is over

    answer = said(chat.say("ส่งออกรายงาน มี.ค. 2567", SUPERVISOR))
    assert "ประจำเดือน มีนาคม 2567 (งานของกลุ่มนี้)" in answer
    assert "ลิงก์ใช้ได้ 24 ชั่วโมง" in answer
    url = next(word for word in answer.split() if word.startswith(BASE_URL))
    assert url.startswith(f"{BASE_URL}/exports/")

    response = client.get(url.removeprefix(BASE_URL))
    assert response.status_code == 200
    assert response.mimetype == XLSX_MIMETYPE
    assert 'filename="tidtam-report-2567-03.xlsx"' in response.headers["Content-Disposition"]

    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == [texts.REPORT_SHEET, texts.REPORT_LATE_SHEET]
    sheet = book[texts.REPORT_SHEET]
    assert sheet["A1"].value == texts.report_title("มีนาคม 2567")
    assert sheet["A2"].value.startswith("สถานะ ณ วันที่ 31 มี.ค. 2567 · ขอบเขต: ")
    assert [cell.value for cell in sheet[4]] == list(texts.REPORT_COLUMNS)
    table = rows(sheet)
    # Only the bound unit's items: topics 3, 4 and 6, in plan order.
    assert [row[1] for row in table if row[0] is None and row[1]] == [
        "ประเด็นที่ 3 ช่องทางและรูปแบบการประชาสัมพันธ์เผยแพร่ข้อมูลข่าวสารภาครัฐ",
        "ประเด็นที่ 4 กระบวนการกำกับดูแลการใช้ทรัพย์สินของราชการ",
        "ประเด็นที่ 6 กระบวนการควบคุม ตรวจสอบการใช้อำนาจและการบริหารงานบุคคล",
    ]
    numbered = [row[0] for row in table if row[0]]
    assert numbered == [
        "3.1",
        *(f"3.1.{n}" for n in range(1, 6)),
        "4.3",
        "4.3.1",
        "4.3.2",
        "6.1",
        *(f"6.1.{n}" for n in range(1, 10)),
    ]

    at = {row[0]: index for index, row in enumerate(table) if row[0]}
    measure = table[at["4.3"]]
    assert measure[2:6] == ["1–22 มี.ค. 2567", PERSONNEL, None, "เสร็จ 1/2 ขั้นตอน"]
    first, second = table[at["4.3.1"]], table[at["4.3.1"] + 1]
    assert first[2:7] == [
        "1–22 มี.ค. 2567",
        PERSONNEL,
        "สมชาย, สมศรี",
        "ล่าช้า 9 วัน",
        80,
    ]
    report_cells = ["สมชาย", "5 มี.ค. 2567 14:00", 40, "ส่งร่างโครงการให้หัวหน้าแล้ว"]
    assert first[7:] == [*report_cells, None]  # None: no evidence files
    assert second[:7] == [None] * 7
    assert second[7:] == ["สมศรี", "20 มี.ค. 2567 09:00", 80, "จัดอบรมแล้ว รอสรุปผล", None]
    done = table[at["4.3.2"]]
    assert done[5:7] == ["เสร็จแล้ว (20 มี.ค. 2567)", 100] and done[7] is None
    # A monthly duty: its range, then its months (tracked from the import, March) done and late.
    assert table[at["3.1.3"]][2] == (
        "1 ต.ค. 2566 – 30 ก.ย. 2567 (ทุกสิ้นเดือน)\n0/7 เดือน · ค้าง: มี.ค. 2567"
    )
    assert table[at["3.1.3"]][5] == "ล่าช้า 2 วัน"  # March's summary was due on Fri 29 March
    assert table[at["3.1.1"]][5] == "ล่าช้า 18 วัน"

    late = rows(book[texts.REPORT_LATE_SHEET])
    assert [row[0] for row in late] == [
        "6.1.8",
        "6.1.1",
        "6.1.4",
        "6.1.6",
        "6.1.3",
        "6.1.5",
        "3.1.4",
        "6.1.9",
        "3.1.1",
        "3.1.2",
        "4.3.1",
        "3.1.3",  # the monthly duties: March's occurrence, due 29 March, not done
        "3.1.5",
        "6.1.7",
    ]
    assert late[10][2:] == [PERSONNEL, "สมชาย, สมศรี", "22 มี.ค. 2567", 9]
    assert late[11][4:] == ["29 มี.ค. 2567", 2]
    assert numbers["4.3.2"] not in [row[0] for row in late]


def test_a_supervisor_in_a_11_chat_exports_every_group(
    chat: Chat,
    engine: Engine,
    clock: MutableClock,
    client: FlaskClient,
) -> None:
    script_march(chat, engine, clock)
    answer = said(
        chat.say("ส่งออกรายงาน 2567-03", SUPERVISOR, group=None)
    )
    assert "(ทุกกลุ่ม)" in answer
    url = next(word for word in answer.split() if word.startswith(BASE_URL))
    book = load_workbook(BytesIO(client.get(url.removeprefix(BASE_URL)).data))
    table = rows(book[texts.REPORT_SHEET])
    assert len([row for row in table if row[0] is None and row[1]]) == 7  # all seven topics
    assert len([row for row in table if row[0]]) == 56


@pytest.mark.no_public_base_url
def test_officers_cannot_export_and_a_missing_base_url_is_explained(
    chat: Chat, engine: Engine, clock: MutableClock
) -> None:
    script_march(chat, engine, clock)
    assert "ใช้ได้เฉพาะ" in said(chat.say("ส่งออกรายงาน", OFFICER_A))
    missing = said(chat.say("ส่งออกรายงาน มิ.ย. 2567", SUPERVISOR))
    assert "PUBLIC_BASE_URL" in missing and "--month 2567-06 " in missing  # the month asked
    assert "ไม่ใช่เดือนและปี" in said(chat.say("ส่งออกรายงาน มีนา", SUPERVISOR))


def test_an_expired_or_tampered_link_is_refused_in_thai(
    client: FlaskClient, clock: MutableClock
) -> None:
    token = make_token(CHANNEL_SECRET, ReportScope(2024, 3, None), now=clock.now)
    assert client.get(f"/exports/{token}").status_code == 200

    clock.now = NOW + timedelta(hours=24, seconds=1)
    expired = client.get(f"/exports/{token}")
    assert expired.status_code == 410
    assert expired.get_data(as_text=True) == texts.EXPORT_LINK_EXPIRED

    clock.now = NOW
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    forged = make_token("another-channel-secret", ReportScope(2024, 3, None), now=NOW)
    payload_changed = make_token(CHANNEL_SECRET, ReportScope(2024, 4, 7), now=NOW)
    swapped = payload_changed.split(".")[0] + "." + ".".join(token.split(".")[1:])
    for bad in (tampered, forged, swapped, "not-a-token", "a" * 500):
        response = client.get(f"/exports/{bad}")
        assert response.status_code == 403, bad
        assert response.get_data(as_text=True) == texts.EXPORT_LINK_INVALID
        assert response.mimetype == "text/plain"


def test_tokens_name_the_month_and_group_and_expire_after_a_day() -> None:
    scope = ReportScope(2024, 3, 12)
    token = make_token("s", scope, now=NOW)
    assert read_token("s", token, now=NOW + timedelta(hours=23, minutes=59)) == scope
    with pytest.raises(ExportLinkExpired):
        read_token("s", token, now=NOW + timedelta(hours=24, seconds=1))
    with pytest.raises(ExportLinkError):
        read_token("t", token, now=NOW)
    assert scope.filename == "tidtam-report-2567-03.xlsx"
    assert (scope.first_day.day, scope.last_day.day) == (1, 31)


def test_the_export_command_writes_the_workbook(
    chat: Chat,
    engine: Engine,
    clock: MutableClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    script_march(chat, engine, clock)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "BOT_ENV", "BOT_ADMIN_IDS"):
        monkeypatch.delenv(name, raising=False)
    output = tmp_path / "report.xlsx"

    assert cli.main(["export", "--month", "2567-03", "-o", str(output), "--group", GROUP]) == 0
    assert "the progress report of 2024-03" in capsys.readouterr().out
    table = rows(load_workbook(output)[texts.REPORT_SHEET])
    assert len([row for row in table if row[0]]) == 19  # 3.1, 4.3 and 6.1 with their steps

    assert cli.main(["export", "--month", "13/2567", "-o", str(output)]) == 2
    assert cli.main(["export", "--month", "2567-03", "-o", str(output), "--group", "Cnope"]) == 2


def test_a_measure_of_two_units_is_in_both_groups_reports_once_with_both_units(
    chat: Chat, imported: Engine
) -> None:
    public_relations = "สำนักปลัดเทศบาล งานประชาสัมพันธ์"
    name_supervisor(chat)
    name_supervisor(chat, OTHER_GROUP)
    chat.say(f"ผูกหน่วยงาน {PERSONNEL}", SUPERVISOR)
    chat.say(f"ผูกหน่วยงาน {public_relations}", SUPERVISOR, group=OTHER_GROUP)
    with Session(imported) as session:
        co_group = session.exec(
            select(ChatGroup).where(ChatGroup.line_group_id == OTHER_GROUP)
        ).one()
        reports = {
            scope: build_report(session, ReportScope(2024, 3, scope), now=NOW, tz=BANGKOK)
            for scope in (co_group.id, None)
        }
    for report in reports.values():
        [line] = [line for line in report.lines if line.number == "3.1.1"]
        assert line.unit == f"{PERSONNEL}, {public_relations}"
    numbers = [line.number for line in reports[co_group.id].lines if line.number]
    assert {"1.3", "2.1", "3.1", "3.1.5"} <= set(numbers) and "4.3" not in numbers
