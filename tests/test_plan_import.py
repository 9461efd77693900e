"""Importing the plan file: every topic, measure, step and score; a re-run changes nothing."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, func, select

from bot.plan.document import ActionPlan, load_plan
from bot.plan.importer import bind_unit, import_plan, plan_id
from models.db import session_scope
from models.tables import (
    AuditEntry,
    ChatGroup,
    ItaScore,
    Task,
    TaskKind,
    TaskStatus,
    TaskUnit,
    Topic,
    Unit,
)
from tests.support.events import NOW
from tests.support.web import repository_root

PLAN_FILE = repository_root() / "data" / "ita-2566-plan.yaml"

# Part 2 as it must land in the task table: plan id, start, due, repeat rule. Measures span
# their steps; the steps' dates are the data file's (pinned against the source in
# test_plan_data.py).
EXPECTED_TASKS = [
    ("1.1", "2023-10-01", "2024-03-31", None),
    ("1.1.1", "2023-10-01", "2024-03-31", None),
    ("1.1.2", "2023-10-01", "2024-03-31", None),
    ("1.1.3", "2023-10-01", "2024-03-31", None),
    ("1.2", "2023-12-15", "2024-09-15", None),
    ("1.2.1", "2023-12-15", "2024-09-15", "monthly:day=15"),
    ("1.2.2", "2023-12-15", "2024-09-15", "monthly"),
    ("1.3", "2024-04-01", "2024-09-30", None),
    ("1.3.1", "2024-04-01", "2024-09-30", None),
    ("1.3.2", "2024-04-01", "2024-09-30", None),
    ("1.4", "2023-10-01", "2024-09-30", None),
    ("1.4.1", "2023-10-01", "2024-09-30", None),
    ("1.4.2", "2023-10-01", "2024-09-30", "month_end"),
    ("2.1", "2023-10-01", "2024-03-31", None),
    ("2.1.1", "2023-10-01", "2024-03-31", None),
    ("2.1.2", "2023-10-01", "2024-03-31", None),
    ("2.1.3", "2023-10-01", "2024-03-31", None),
    ("3.1", "2023-10-01", "2024-09-30", None),
    ("3.1.1", "2024-03-13", "2024-03-13", None),
    ("3.1.2", "2024-03-13", "2024-03-13", None),
    ("3.1.3", "2023-10-01", "2024-09-30", "month_end"),
    ("3.1.4", "2023-10-01", "2023-10-31", None),
    ("3.1.5", "2023-12-01", "2024-09-30", "month_end"),
    ("4.1", "2023-12-01", "2023-12-31", None),
    ("4.1.1", "2023-12-01", "2023-12-31", None),
    ("4.1.2", "2023-12-01", "2023-12-31", None),
    ("4.1.3", "2023-12-01", "2023-12-31", None),
    ("4.2", "2023-12-01", "2024-06-30", None),
    ("4.2.1", "2023-12-01", "2024-06-30", None),
    ("4.2.2", "2023-12-01", "2024-06-30", None),
    ("4.3", "2024-03-01", "2024-03-22", None),
    ("4.3.1", "2024-03-01", "2024-03-22", None),
    ("4.3.2", "2024-03-01", "2024-03-22", None),
    ("5.1", "2023-10-01", "2024-09-30", None),
    ("5.1.1", "2023-10-01", "2023-10-31", None),
    ("5.1.2", "2023-10-01", "2024-09-30", "month_end"),
    ("5.1.3", "2023-10-01", "2024-09-30", "within_days:5"),
    ("6.1", "2023-09-01", "2024-09-30", None),
    ("6.1.1", "2023-09-01", "2023-09-30", None),
    ("6.1.2", "2023-10-01", "2024-04-15", None),
    ("6.1.3", "2023-10-01", "2023-10-15", None),
    ("6.1.4", "2023-09-01", "2023-09-30", None),
    ("6.1.5", "2023-10-01", "2023-10-15", None),
    ("6.1.6", "2023-09-01", "2023-09-30", None),
    ("6.1.7", "2023-10-01", "2024-09-30", "monthly"),
    ("6.1.8", "2023-09-01", "2023-09-15", None),
    ("6.1.9", "2024-02-01", "2024-02-22", None),
    ("7.1", "2023-10-01", "2024-03-31", None),
    ("7.1.1", "2023-10-01", "2023-10-31", None),
    ("7.1.2", "2023-10-01", "2024-03-31", None),
    ("7.1.3", "2023-10-01", "2023-10-31", None),
    ("7.1.4", "2023-12-15", "2023-12-31", None),
    ("7.1.5", "2024-02-01", "2024-02-22", None),
    ("7.1.6", "2023-10-01", "2023-10-31", None),
    ("7.1.7", "2023-10-01", "2023-10-31", None),
    ("7.1.8", "2023-10-01", "2023-10-31", None),
]

EXPECTED_TOPICS = {
    1: "กระบวนการปฏิบัติงานที่โปร่งใสและมีประสิทธิภาพ",
    2: "การให้บริการและระบบ E-Service",
    3: "ช่องทางและรูปแบบการประชาสัมพันธ์เผยแพร่ข้อมูลข่าวสารภาครัฐ",
    4: "กระบวนการกำกับดูแลการใช้ทรัพย์สินของราชการ",
    5: "กระบวนการสร้างความโปร่งใสในการใช้งบประมาณและการจัดซื้อจัดจ้าง",
    6: "กระบวนการควบคุม ตรวจสอบการใช้อำนาจและการบริหารงานบุคคล",
    7: "กลไกและมาตรการในการแก้ไขและป้องกันการทุจริตภายในหน่วยงาน",
}

# The lead unit of each measure (3.1 names two units; its first, งานการเจ้าหน้าที่, leads).
EXPECTED_UNITS = {
    "1.1": "สำนักปลัดเทศบาล งานธุรการ",
    "1.2": "สำนักปลัดเทศบาล งานธุรการ",
    "1.3": "สำนักปลัดเทศบาล งานประชาสัมพันธ์",
    "1.4": "สำนักปลัดเทศบาล งานนิติการ",
    "2.1": "สำนักปลัดเทศบาล งานประชาสัมพันธ์",
    "3.1": "สำนักปลัดเทศบาล งานการเจ้าหน้าที่",
    "4.1": "งานพัสดุ/กองคลัง",
    "4.2": "งานตรวจสอบภายใน",
    "4.3": "สำนักปลัดเทศบาล งานการเจ้าหน้าที่",
    "5.1": "งานพัสดุ/กองคลัง",
    "6.1": "สำนักปลัดเทศบาล งานการเจ้าหน้าที่",
    "7.1": "สำนักปลัดเทศบาล งานนิติการ",
}


@pytest.fixture(scope="module")
def plan() -> ActionPlan:
    """The real plan file."""
    return load_plan(PLAN_FILE)


def run_import(engine: Engine, plan: ActionPlan, now: datetime = NOW) -> Any:
    """One import in its own transaction, as the command runs it."""
    with session_scope(engine) as session:
        return import_plan(session, plan, now=now)


def with_step(plan: ActionPlan, step_id: str, **changes: Any) -> ActionPlan:
    """The plan with one step changed."""
    return replace(
        plan,
        topics=tuple(
            replace(
                topic,
                measures=tuple(
                    replace(
                        measure,
                        steps=tuple(
                            replace(step, **changes) if step.id == step_id else step
                            for step in measure.steps
                        ),
                    )
                    for measure in topic.measures
                ),
            )
            for topic in plan.topics
        ),
    )


def counts(session: Session) -> dict[str, int]:
    """Rows per table."""
    return {
        table.name: session.exec(select(func.count()).select_from(table)).one()
        for table in SQLModel.metadata.sorted_tables
    }


def test_import_creates_seven_topics_and_every_measure_and_step_with_its_dates(
    engine: Engine, session: Session, plan: ActionPlan
) -> None:
    report = run_import(engine, plan)

    topics = session.exec(select(Topic).order_by(col(Topic.number))).all()
    assert {t.number: t.title for t in topics} == EXPECTED_TOPICS
    assert {t.fiscal_year for t in topics} == {2567}
    assert topics[2].finding.startswith("EIT: เทศบาลเมืองสะเตงนอกลงยังมี ข้อบกพร่อง")
    assert "\nOIT: ผ่านเกณฑ์" in topics[2].finding

    tasks = session.exec(select(Task)).all()
    by_id = {task.id: task for task in tasks}
    rows = sorted(
        (
            (
                plan_id(task),
                task.start_date.isoformat() if task.start_date else None,
                # A duty's due date is its current month's; its range ends at repeat_until.
                (task.repeat_until or task.due_date).isoformat()
                if (task.repeat_until or task.due_date)
                else None,
                task.recurrence,
            )
            for task in tasks
        ),
        key=lambda row: [int(part) for part in str(row[0]).split(".")],
    )
    assert rows == EXPECTED_TASKS
    units = {unit.id: unit.name for unit in session.exec(select(Unit))}
    assert sorted(units.values()) == sorted(plan.units())
    for task in tasks:
        number = plan_id(task)
        assert number is not None and task.source_key == f"ita-2567:{number}"
        assert task.status == TaskStatus.OPEN.value and task.group_id is None
        topic = by_id[task.parent_id].topic_id if task.parent_id else task.topic_id
        assert task.topic_id == topic
        assert session.get(Topic, task.topic_id).number == int(number.split(".")[0])  # type: ignore[union-attr]
        if number.count(".") == 1:
            assert task.kind == TaskKind.MEASURE.value and task.parent_id is None
            assert units[task.unit_id] == EXPECTED_UNITS[number]
        else:
            assert task.kind == TaskKind.STEP.value
            parent = by_id[task.parent_id]
            assert plan_id(parent) == number.rsplit(".", 1)[0]
            assert task.unit_id == parent.unit_id
    step = session.exec(select(Task).where(Task.source_key == "ita-2567:1.2.1")).one()
    assert step.period_text.startswith("เดือนละ 1 ครั้ง ทุกวันที่ 15 ของเดือน")
    measure = session.exec(select(Task).where(Task.source_key == "ita-2567:1.1")).one()
    assert measure.title.startswith("จัดทำคู่มือ/แนวทาง")  # the "■ " bullet is dropped
    longest = max(tasks, key=lambda task: len(task.title))  # fits the column, marked as cut
    assert len(longest.title) == 1000 and longest.title.endswith("…")

    kinds = dict(
        session.exec(select(ItaScore.kind, func.count()).group_by(col(ItaScore.kind))).all()
    )
    assert kinds == {"overall": 1, "indicator": 10, "question": 102}
    overall = session.exec(select(ItaScore).where(ItaScore.kind == "overall")).one()
    assert (overall.score, overall.name, overall.assessment_year) == (83.72, "ต้องปรับปรุง", 2566)
    e10 = session.exec(select(ItaScore).where(ItaScore.code == "e10")).all()
    assert sorted(
        (session.get(Topic, s.topic_id).number, s.score)  # type: ignore[union-attr]
        for s in e10
    ) == [(3, 10.0), (7, 97.37)]
    assert len(report.created) == 7 + 6 + 56 + 113 and not report.updated


def test_a_second_import_changes_nothing(
    engine: Engine, session: Session, plan: ActionPlan
) -> None:
    run_import(engine, plan)
    before = counts(session)
    stamps = dict(session.exec(select(Task.source_key, Task.updated_at)).all())

    again = run_import(engine, plan, now=NOW + timedelta(days=3))

    assert (again.created, again.updated, again.not_in_file) == ([], [], [])
    assert again.unchanged == 7 + 6 + 56 + 113
    session.expire_all()
    assert counts(session) == before
    assert dict(session.exec(select(Task.source_key, Task.updated_at)).all()) == stamps
    assert before["task"] == 56 and before["topic"] == 7 and before["audit_entry"] == 182


def test_a_changed_file_updates_in_place_and_keeps_the_chat_state(
    engine: Engine, session: Session, plan: ActionPlan
) -> None:
    run_import(engine, plan)
    step = session.exec(select(Task).where(Task.source_key == "ita-2567:4.3.1")).one()
    step.status, step.progress = TaskStatus.DONE.value, 100
    old_title = step.title
    session.commit()
    later = NOW + timedelta(days=1)

    changed = with_step(plan, "4.3.1", end=date(2024, 3, 29), text="จัดทำโครงการอบรม (แก้ไข)")
    report = run_import(engine, changed, now=later)

    assert report.created == []
    assert report.updated == [
        "task ita-2567:4.3 (due_date)",  # a measure spans its steps
        "task ita-2567:4.3.1 (due_date, title)",
    ]
    session.expire_all()
    again = session.exec(select(Task).where(Task.source_key == "ita-2567:4.3.1")).one()
    assert again.id == step.id
    assert (again.due_date, again.title) == (date(2024, 3, 29), "จัดทำโครงการอบรม (แก้ไข)")
    assert (again.status, again.progress, again.updated_at) == (TaskStatus.DONE.value, 100, later)
    measure = session.exec(select(Task).where(Task.source_key == "ita-2567:4.3")).one()
    assert measure.due_date == date(2024, 3, 29)
    audit = session.exec(
        select(AuditEntry).where(
            AuditEntry.action == "plan.update", AuditEntry.entity_id == str(step.id)
        )
    ).one()
    assert audit.before == {"due_date": "2024-03-22", "title": old_title}
    assert audit.after == {"due_date": "2024-03-29", "title": "จัดทำโครงการอบรม (แก้ไข)"}


def test_tasks_of_a_bound_unit_follow_it_into_its_group_on_later_imports(
    engine: Engine, session: Session, plan: ActionPlan
) -> None:
    run_import(engine, plan)
    group = ChatGroup(line_group_id="C" + "5" * 32, name="งานพัสดุ")
    session.add(group)
    session.flush()
    unit = session.exec(select(Unit).where(Unit.name == "งานพัสดุ/กองคลัง")).one()
    binding = bind_unit(session, unit, group, NOW)
    session.commit()
    assert (binding.measures, binding.steps, binding.meeting_day) == (2, 6, None)

    new_step = replace(plan.step("5.1.1"), id="5.1.4", text="ขั้นตอนที่เพิ่มภายหลัง")
    grown = replace(
        plan,
        topics=tuple(
            replace(
                topic,
                measures=tuple(
                    replace(m, steps=(*m.steps, new_step)) if m.id == "5.1" else m
                    for m in topic.measures
                ),
            )
            for topic in plan.topics
        ),
    )
    report = run_import(engine, grown)

    assert report.created == ["task ita-2567:5.1.4"]
    session.expire_all()
    in_group = session.exec(select(Task.source_key).where(Task.group_id == group.id)).all()
    assert sorted(in_group) == sorted(
        f"ita-2567:{key}" for key in ("4.1", "4.1.1", "4.1.2", "4.1.3", "5.1")
    ) + [f"ita-2567:5.1.{n}" for n in range(1, 5)]


def responsible_units(session: Session) -> dict[str, list[tuple[str, bool]]]:
    """Each plan item's recorded units: (name, leads?), the lead first."""
    rows = session.exec(
        select(Task.source_key, Unit.name, TaskUnit.is_lead)
        .join(TaskUnit, col(TaskUnit.task_id) == col(Task.id))
        .join(Unit, col(Unit.id) == col(TaskUnit.unit_id))
        .order_by(col(TaskUnit.is_lead).desc(), col(Unit.name))
    ).all()
    found: dict[str, list[tuple[str, bool]]] = {}
    for key, name, lead in rows:
        found.setdefault(str(key).removeprefix("ita-2567:"), []).append((name, lead))
    return found


def with_units(plan: ActionPlan, measure_id: str, units: tuple[str, ...]) -> ActionPlan:
    """The plan with one measure's responsible units changed."""
    return replace(
        plan,
        topics=tuple(
            replace(
                topic,
                measures=tuple(
                    replace(m, units=units) if m.id == measure_id else m for m in topic.measures
                ),
            )
            for topic in plan.topics
        ),
    )


PERSONNEL = "สำนักปลัดเทศบาล งานการเจ้าหน้าที่"
PUBLIC_RELATIONS = "สำนักปลัดเทศบาล งานประชาสัมพันธ์"


def test_measure_3_1_and_its_steps_have_both_units_the_first_leading(
    engine: Engine, session: Session, plan: ActionPlan
) -> None:
    run_import(engine, plan)

    units = responsible_units(session)
    both = [(PERSONNEL, True), (PUBLIC_RELATIONS, False)]
    assert {item: units[item] for item in units if item.startswith("3.1")} == {
        item: both for item in ("3.1", "3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.1.5")
    }
    # Every other item has its one unit, leading; the lead is the task's unit too.
    assert all(
        units[item] == [(EXPECTED_UNITS[".".join(item.split(".")[:2])], True)]
        for item in units
        if not item.startswith("3.1")
    )
    assert len(units) == 56
    lead = {
        key: name
        for key, name in session.exec(
            select(Task.source_key, Unit.name).join(Unit, col(Unit.id) == col(Task.unit_id))
        )
    }
    assert lead["ita-2567:3.1.4"] == PERSONNEL


def test_a_re_import_keeps_the_units_and_their_bindings(
    engine: Engine, session: Session, plan: ActionPlan
) -> None:
    run_import(engine, plan)
    lead_group = ChatGroup(line_group_id="C" + "6" * 32, name="งานการเจ้าหน้าที่")
    co_group = ChatGroup(line_group_id="C" + "7" * 32, name="งานประชาสัมพันธ์")
    session.add_all([lead_group, co_group])
    session.flush()
    for name, group in ((PUBLIC_RELATIONS, co_group), (PERSONNEL, lead_group)):
        bind_unit(session, session.exec(select(Unit).where(Unit.name == name)).one(), group, NOW)
    session.commit()
    before = counts(session)

    again = run_import(engine, plan, now=NOW + timedelta(days=1))

    assert (again.created, again.updated) == ([], [])
    session.expire_all()
    assert counts(session) == before and before["task_unit"] == 56 + 6
    bound = dict(session.exec(select(Unit.name, Unit.group_id)).all())
    assert (bound[PERSONNEL], bound[PUBLIC_RELATIONS]) == (lead_group.id, co_group.id)
    step = session.exec(select(Task).where(Task.source_key == "ita-2567:3.1.1")).one()
    assert step.group_id == lead_group.id


def test_units_changed_in_the_file_are_updated_and_audited(
    engine: Engine, session: Session, plan: ActionPlan
) -> None:
    run_import(engine, plan)
    # A database from before task_unit.is_lead knew co-units: migration 0007 left lead rows only.
    for link in session.exec(select(TaskUnit).where(col(TaskUnit.is_lead).is_(False))).all():
        session.delete(link)
    session.commit()

    upgraded = run_import(engine, plan, now=NOW + timedelta(days=1))

    assert upgraded.updated == [
        f"task ita-2567:{item} (units)"
        for item in ("3.1", "3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.1.5")
    ]
    session.expire_all()
    assert responsible_units(session)["3.1.2"] == [(PERSONNEL, True), (PUBLIC_RELATIONS, False)]
    audit = session.exec(
        select(AuditEntry).where(AuditEntry.action == "plan.update").order_by(col(AuditEntry.id))
    ).first()
    assert audit is not None
    assert (audit.before, audit.after) == (
        {"units": [PERSONNEL]},
        {"units": [PERSONNEL, PUBLIC_RELATIONS]},
    )

    # The file names the units the other way round: the lead changes, the rows stay two.
    swapped = run_import(engine, with_units(plan, "3.1", (PUBLIC_RELATIONS, PERSONNEL)))
    assert "task ita-2567:3.1.5 (unit_id, units)" in swapped.updated
    session.expire_all()
    assert responsible_units(session)["3.1.5"] == [(PUBLIC_RELATIONS, True), (PERSONNEL, False)]
    # One unit only: the other's rows go.
    run_import(engine, with_units(plan, "3.1", (PERSONNEL,)))
    session.expire_all()
    assert responsible_units(session)["3.1.5"] == [(PERSONNEL, True)]
    assert counts(session)["task_unit"] == 56


def test_items_gone_from_the_file_are_listed_and_kept(
    engine: Engine, session: Session, plan: ActionPlan
) -> None:
    run_import(engine, plan)
    shorter = replace(
        plan,
        topics=tuple(
            replace(
                topic,
                measures=tuple(
                    replace(m, steps=m.steps[:-1]) if m.id == "7.1" else m for m in topic.measures
                ),
            )
            for topic in plan.topics
        ),
    )
    report = run_import(engine, shorter)
    assert report.not_in_file == ["ita-2567:7.1.8"] and report.updated == []
    assert session.exec(select(Task).where(Task.source_key == "ita-2567:7.1.8")).one()


def test_the_import_plan_command_twice(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'plan.db'}",
        "BOT_ENV": "development",
    }

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "import-plan", str(PLAN_FILE)],
            env=env,
            cwd=repository_root(),
            capture_output=True,
            text=True,
            timeout=60,
        )

    first, second = run(), run()
    assert first.returncode == 0, first.stderr
    assert "created  task ita-2567:1.1.3" in first.stdout
    assert first.stdout.rstrip().endswith("182 created, 0 updated, 0 left as they were")
    assert second.returncode == 0, second.stderr
    assert second.stdout.rstrip().endswith("0 created, 0 updated, 182 left as they were")

    missing = subprocess.run(
        [sys.executable, "-m", "bot", "import-plan", str(tmp_path / "nope.yaml")],
        env=env,
        cwd=repository_root(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2 and "cannot read the plan" in missing.stderr
