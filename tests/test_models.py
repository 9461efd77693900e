"""The data model on the real database: UTC-aware times, unique keys, and migrations == models."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, SQLModel, select

from models.migrate import current_revision, head_revision
from models.tables import ChatGroup, Delivery, Person, Task, TaskOwner

BANGKOK = timezone(timedelta(hours=7))


def test_migrations_and_models_agree(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
    assert current_revision(migrated_engine) == head_revision()


def test_times_are_stored_in_utc_and_come_back_aware(session: Session) -> None:
    due = datetime(2024, 6, 17, 8, 30, tzinfo=BANGKOK)
    session.add(
        Delivery(kind="meeting", target="Cx", occurrence_key="k1", due_at=due, retry_key="r")
    )
    session.commit()
    session.expunge_all()
    stored = session.exec(select(Delivery)).one()
    assert stored.due_at.tzinfo is not None
    assert stored.due_at.utcoffset() == timedelta(0)
    assert stored.due_at == due
    assert stored.due_at.hour == 1  # 08:30 in Bangkok is 01:30 UTC


def test_naive_datetimes_are_refused(session: Session) -> None:
    session.add(
        Delivery(
            kind="k", target="t", occurrence_key="k2", due_at=datetime(2024, 1, 1), retry_key="r"
        )
    )
    with pytest.raises(StatementError):
        session.commit()


def test_occurrence_key_is_unique(session: Session) -> None:
    now = datetime.now(UTC)
    session.add(Delivery(kind="k", target="t", occurrence_key="same", due_at=now, retry_key="r"))
    session.commit()
    session.add(Delivery(kind="k", target="t", occurrence_key="same", due_at=now, retry_key="r"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_a_task_with_two_owners_and_dates(session: Session) -> None:
    group = ChatGroup(line_group_id="C" + "a" * 32, name="งานธุรการ")
    alice, bob = Person(line_user_id="U" + "1" * 32), Person(line_user_id="U" + "2" * 32)
    session.add_all([group, alice, bob])
    session.flush()
    task = Task(
        title="จัดทำคู่มือ", group_id=group.id, start_date=date(2023, 10, 1), due_date=date(2024, 3, 31)
    )
    session.add(task)
    session.flush()
    assert task.id is not None and alice.id is not None and bob.id is not None
    session.add_all(
        [
            TaskOwner(task_id=task.id, person_id=alice.id),
            TaskOwner(task_id=task.id, person_id=bob.id),
        ]
    )
    session.commit()
    owners = session.exec(select(TaskOwner.person_id).where(TaskOwner.task_id == task.id)).all()
    assert sorted(owners) == sorted([alice.id, bob.id])
    assert session.get(Task, task.id) is not None
    assert session.get(Task, task.id).due_date == date(2024, 3, 31)  # type: ignore[union-attr]


def test_migrations_run_on_a_url_with_a_percent_sign(tmp_path: Path) -> None:
    from models.db import make_engine
    from models.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'budget-100%.db'}")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_migration_0007_records_plan_items_lead_units_and_downgrades_cleanly(
    tmp_path: Path,
) -> None:
    from alembic import command
    from sqlalchemy import inspect, text

    from models.db import make_engine
    from models.migrate import alembic_config, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'upgrade.db'}")
    upgrade(engine, "0006")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO unit (id, name) VALUES (1, 'งานการเจ้าหน้าที่')"))
        for number, kind, unit in (
            (1, "measure", 1),
            (2, "step", 1),
            (3, "task", 1),
            (4, "step", None),
        ):
            connection.execute(
                text(
                    "INSERT INTO task (id, kind, title, period_text, status, progress,"
                    " created_at, updated_at, unit_id)"
                    " VALUES (:id, :kind, 'งาน', '', 'open', 0, :at, :at, :unit)"
                ),
                {"id": number, "kind": kind, "unit": unit, "at": "2024-03-01 02:00:00.000000"},
            )

    upgrade(engine, "0007")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT task_id, unit_id, is_lead FROM task_unit ORDER BY task_id")
        ).all()
    # Plan items (measures and steps) with a unit lead it; a chat task is not a plan item.
    assert [tuple(row) for row in rows] == [(1, 1, 1), (2, 1, 1)]

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    assert "task_unit" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM task")).scalar_one() == 4
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()
