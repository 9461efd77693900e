"""The web view and the public page over HTTP: the numbers are the database's, scoping, refusals."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import export, pages
from bot.overview import Bar, MonthPoint, PlanRows, build_public, count, month_points
from bot.plan.importer import bind_unit
from models.tables import (
    ChatGroup,
    Evidence,
    Person,
    ProgressReport,
    Task,
    Topic,
    Unit,
)
from scheduler.calendar import WorkCalendar
from scheduler.duties import progress
from scheduler.recurrence import Recurrence
from tests.support.chat import Chat, add_task, name_supervisor, said
from tests.support.events import ADMIN, GROUP, OFFICER_A, OFFICER_B, OTHER_GROUP, SUPERVISOR
from tests.support.pages import bars, database_counts, section, totals
from tests.support.web import CHANNEL_SECRET, PUBLIC_BASE_URL, MutableClock

OTHER_OFFICER = "U" + "f0" * 16


def dashboard_path(chat: Chat, by: str = SUPERVISOR, group: str | None = GROUP) -> str:
    """The path of the web-view link a real `แดชบอร์ด` answer carries."""
    answer = said(chat.say("แดชบอร์ด", by, group=group))
    found = re.search(re.escape(PUBLIC_BASE_URL) + r"(/dashboard/\S+)", answer)
    assert found, answer
    return found.group(1)


def bind_plan(engine: Engine, line_group_id: str, now: datetime) -> None:
    """Every unit of the imported plan reports in one group (as the demo does)."""
    with Session(engine) as session:
        group = session.exec(
            select(ChatGroup).where(ChatGroup.line_group_id == line_group_id)
        ).one()
        for unit in session.exec(select(Unit).order_by(col(Unit.id))):
            bind_unit(session, unit, group, now)
        session.commit()


def test_the_numbers_on_the_page_are_the_databases(
    chat: Chat, client: FlaskClient, imported: Engine, clock: MutableClock
) -> None:
    name_supervisor(chat)
    bind_plan(imported, GROUP, clock())
    late = add_task(chat, "ทำป้ายประกาศ", "5 มี.ค. 2567")
    done = add_task(chat, "ส่งแบบฟอร์ม", "20 มี.ค. 2567")
    chat.say(f"เสร็จ #{done}", OFFICER_A)
    chat.say(f"รายงาน #{late} ติดต่อร้านป้ายแล้ว 30%", OFFICER_B)
    clock.now = clock.now + timedelta(days=40)
    today = clock.now.date()

    html = client.get(dashboard_path(chat)).get_data(as_text=True)

    expected = database_counts(imported, today, line_group_id=GROUP)
    assert bars(section(html, "topics")) == expected["topics"]
    on_page = {int(n) for n in re.findall(r'data-task="(\d+)" data-days', section(html, "late"))}
    assert on_page == expected["late"] and late in on_page and done not in on_page
    assert totals(html) == expected["totals"]
    assert "ติดต่อร้านป้ายแล้ว" in html  # the report, under its task
    assert "83.72" in section(html, "ita")  # the ITA 2566 overall score, beside the plan


def test_each_task_shows_its_reports_and_who_has_not_reported(
    chat: Chat, client: FlaskClient, clock: MutableClock
) -> None:
    name_supervisor(chat)
    number = add_task(chat, "จัดทำคู่มือ", "30 เม.ย. 2567")
    chat.say(f"รายงาน #{number} ส่งร่างให้หัวหน้าแล้ว 60%", OFFICER_A)

    html = client.get(dashboard_path(chat)).get_data(as_text=True)

    task = html.split(f'data-task="{number}" data-state="open"', 1)[1].split("</li>", 1)[0]
    assert "ส่งร่างให้หัวหน้าแล้ว" in task and "60%" in task and "สมชาย" in task
    assert "1 มี.ค. 2567" in task  # reported on, in B.E.
    unreported = section(html, "unreported")
    assert "สมศรี" in unreported and "สมชาย" not in unreported


def test_a_link_for_one_group_never_shows_another_groups_tasks(
    chat: Chat, client: FlaskClient
) -> None:
    name_supervisor(chat)
    name_supervisor(chat, OTHER_GROUP)
    add_task(chat, "งานลับของกลุ่มเอ", "31 มี.ค. 2567")
    chat.say(
        "เพิ่มงาน งานลับของกลุ่มบี @สมหมาย กำหนด 31 มี.ค. 2567",
        SUPERVISOR,
        (OTHER_OFFICER, "@สมหมาย"),
        group=OTHER_GROUP,
    )

    page_a = client.get(dashboard_path(chat)).get_data(as_text=True)
    page_b = client.get(dashboard_path(chat, group=OTHER_GROUP)).get_data(as_text=True)

    assert "งานลับของกลุ่มเอ" in page_a and "งานลับของกลุ่มบี" not in page_a
    assert "สมหมาย" not in page_a
    assert "งานลับของกลุ่มบี" in page_b and "งานลับของกลุ่มเอ" not in page_b
    assert "สมศรี" not in page_b


def test_a_tampered_link_is_403_and_an_old_one_410_each_with_a_thai_page(
    chat: Chat, client: FlaskClient, clock: MutableClock
) -> None:
    name_supervisor(chat)
    path = dashboard_path(chat)
    ok = client.get(path)
    assert ok.status_code == 200 and ok.mimetype == "text/html"
    assert "no-store" in ok.headers["Cache-Control"]
    assert "default-src 'none'" in ok.headers["Content-Security-Policy"]

    tampered = client.get(path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb"))
    assert tampered.status_code == 403 and "ลิงก์แดชบอร์ดนี้ไม่ถูกต้อง" in tampered.get_data(True)
    assert client.get("/dashboard/not-a-token").status_code == 403

    clock.now = clock.now + timedelta(hours=24, minutes=1)
    expired = client.get(path)
    assert expired.status_code == 410 and "หมดอายุ" in expired.get_data(as_text=True)
    assert "แดชบอร์ด" in expired.get_data(as_text=True)  # says what to type for a new one


def test_the_page_loads_nothing_from_anywhere(
    chat: Chat, client: FlaskClient, imported: Engine
) -> None:
    name_supervisor(chat)
    bind_plan(imported, GROUP, chat.clock())
    html = client.get(dashboard_path(chat)).get_data(as_text=True)
    assert "<svg" in html  # the month chart, drawn on the server
    for loads in ("<script", "<link", "<img", "<iframe", "@import", "url(", " src="):
        assert loads not in html, loads


def test_queries_do_not_grow_with_the_number_of_tasks(
    chat: Chat, client: FlaskClient, engine: Engine
) -> None:
    name_supervisor(chat)
    path = dashboard_path(chat)

    def statements() -> int:
        seen: list[str] = []

        def record(*args: Any) -> None:
            seen.append(args[2])

        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(seen)

    for _ in range(2):
        number = add_task(chat)
        chat.say(f"รายงาน #{number} เริ่มแล้ว", OFFICER_A)
    few = statements()
    for _ in range(6):
        number = add_task(chat)
        chat.say(f"รายงาน #{number} เริ่มแล้ว", OFFICER_A)
    assert statements() == few


# --- The public page --------------------------------------------------------------------------


def test_the_public_page_is_404_until_an_admin_publishes_it(
    chat: Chat, client: FlaskClient, imported: Engine
) -> None:
    slug = chat.settings.agency_slug
    assert client.get(f"/public/{slug}").status_code == 404
    chat.say("เผยแพร่ความคืบหน้า เปิด", ADMIN)
    assert client.get(f"/public/{slug}").status_code == 200
    missing = client.get("/public/another-agency")
    assert missing.status_code == 404 and "ไม่พบ" in missing.get_data(as_text=True)
    chat.say("เผยแพร่ความคืบหน้า ปิด", ADMIN)
    assert client.get(f"/public/{slug}").status_code == 404


def test_the_public_page_names_nobody_and_quotes_no_chat(
    chat: Chat, client: FlaskClient, imported: Engine, clock: MutableClock
) -> None:
    name_supervisor(chat)
    bind_plan(imported, GROUP, clock())
    with Session(imported) as session:
        step = session.exec(select(Task).where(Task.source_key == "ita-2567:1.1.1")).one()
        measure = session.exec(select(Task).where(Task.source_key == "ita-2567:1.1")).one()
    chat.say(f"เพิ่มคน #{step.id} @สมชาย", SUPERVISOR, (OFFICER_A, "@สมชาย"))
    chat.say(f"รายงาน #{step.id} ข้อความรายงานลับเฉพาะ 40%", OFFICER_A)
    chat.say(f"เสร็จ #{step.id}", OFFICER_A)
    add_task(chat, "งานที่สั่งในแชท ไม่ใช่แผน", "30 มี.ค. 2567")
    chat.say("เผยแพร่ความคืบหน้า เปิด", ADMIN)

    html = client.get(f"/public/{chat.settings.agency_slug}").get_data(as_text=True)

    with Session(imported) as session:
        people = list(session.exec(select(Person)))
        reports = list(session.exec(select(ProgressReport)))
    assert people and reports
    for person in people:
        assert person.line_user_id not in html
        assert not person.display_name or person.display_name not in html, person.display_name
    for report in reports:
        assert report.text not in html
    assert "งานที่สั่งในแชท" not in html
    row = html.split('data-step="1.1.1"', 1)[1].split("</tr>", 1)[0]
    assert 'data-state="done"' in html.split('data-step="1.1.1"', 1)[1][:30]
    assert "เสร็จแล้ว" in row and "1 มี.ค. 2567" in row  # status and completion date in B.E.
    assert measure.title[:40] in html and "ปีงบประมาณ พ.ศ. 2567" in html


def test_the_public_page_carries_the_agency_and_a_print_layout(
    chat: Chat, imported: Engine, clock: MutableClock
) -> None:
    settings = replace(chat.settings, agency_name="เทศบาลเมืองสะเตงนอก")
    with Session(imported) as session:
        pages.set_published(session, True, clock())
        session.commit()
    found = pages.public(imported, settings, settings.agency_slug, clock())
    assert found.status == 200
    assert 'id="agency">เทศบาลเมืองสะเตงนอก<' in found.body
    assert "ข้อมูล ณ วันที่ 1 มีนาคม พ.ศ. 2567" in found.body
    assert "@media print" in found.body and "size: A4" in found.body


# --- The numbers, without HTTP ----------------------------------------------------------------


def test_a_bar_counts_late_work_among_the_open() -> None:
    today = date(2024, 3, 11)
    tasks = [
        Task(title="a", status="done", due_date=date(2024, 3, 1)),
        Task(title="b", status="open", due_date=date(2024, 3, 1)),
        Task(title="c", status="open", due_date=date(2024, 3, 30)),
        Task(title="d", status="open", start_date=date(2024, 4, 1), due_date=date(2024, 5, 1)),
        Task(title="e", status="cancelled", due_date=date(2024, 3, 1)),
    ]
    assert count("x", tasks, today) == Bar("x", done=1, open=3, late=1)
    assert Bar("x", 1, 3, 1).on_time == 2 and Bar("x", 1, 3, 1).share(1) == 25.0


def test_the_months_count_a_duty_once_a_month_and_a_task_in_its_due_month() -> None:
    duty = Task(id=1, title="สรุปผลจัดซื้อ", status="open", due_date=date(2024, 2, 29))
    task = Task(id=2, title="คู่มือ", status="done", due_date=date(2024, 3, 20))
    rule = Recurrence.from_rule_string("month_end")
    months = progress(
        rule, date(2024, 1, 1), date(2024, 3, 31), WorkCalendar(), frozenset({"2024-01"})
    )
    rows = PlanRows(tasks=[duty, task], topics={}, duties={1: months})
    points = {(p.year, p.month): p for p in month_points(rows, rows.tasks, date(2024, 3, 11))}
    assert len(points) == 12 and min(points) == (2023, 10) and max(points) == (2024, 9)
    assert points[(2024, 1)] == MonthPoint(2024, 1, planned=1, done=1)
    assert points[(2024, 2)] == MonthPoint(2024, 2, planned=1, done=0)
    assert points[(2024, 3)] == MonthPoint(2024, 3, planned=2, done=1)


def test_the_public_view_leaves_out_chat_tasks() -> None:
    topic = Topic(id=1, fiscal_year=2567, number=1, title="ประเด็น")
    measure = Task(id=1, kind="measure", source_key="ita-2567:1.1", topic_id=1, title="ม")
    step = Task(id=2, kind="step", source_key="ita-2567:1.1.1", parent_id=1, topic_id=1, title="ข")
    chat_task = Task(id=3, kind="task", topic_id=1, title="ในแชท", status="open")
    view = build_public(
        PlanRows(tasks=[measure, step, chat_task], topics={1: topic}), date(2024, 3, 1)
    )
    [public_topic] = view.topics
    assert [s.title for m in public_topic.measures for s in m.steps] == ["ข"]
    assert view.totals.total == 1 and view.fiscal_year == 2567


def test_each_task_lists_its_evidence_with_a_link_that_reads_back(
    chat: Chat, client: FlaskClient, engine: Engine, clock: MutableClock
) -> None:
    name_supervisor(chat)
    number = add_task(chat, "ติดป้ายประกาศ", "30 เม.ย. 2567")
    with Session(engine) as session:
        item = Evidence(
            task_id=number,
            line_message_id="m-board-photo",
            file_name="ป้ายหน้าสำนักงาน.jpg",
            content_type="image/jpeg",
            size=250_000,
            sha256="0" * 64,
            storage_key="tasks/board.jpg",
            created_at=clock(),
        )
        session.add(item)
        session.commit()
        evidence_id = item.id

    html = client.get(dashboard_path(chat)).get_data(as_text=True)

    task = html.split(f'data-task="{number}" data-state="open"', 1)[1].split("</li>", 1)[0]
    assert "ป้ายหน้าสำนักงาน.jpg" in task and "244 KB" in task
    [link] = re.findall(r'href="(/evidence/[^"]+)"', task)
    token = link.removeprefix("/evidence/")
    assert export.read_evidence_token(CHANNEL_SECRET, token, now=clock()) == evidence_id
