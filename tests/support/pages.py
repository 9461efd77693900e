"""Reading the web pages back in tests, and counting the same numbers straight from the tables."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.tables import ChatGroup, Task, TaskKind, TaskStatus, Topic


def bars(html: str) -> dict[str, tuple[int, int, int]]:
    """Per topic number on a page: (done, open, late) as its bar says."""
    return {
        number: (int(done), int(open_), int(late))
        for number, done, open_, late in re.findall(
            r'data-topic="(\d+)" data-done="(\d+)" data-open="(\d+)" data-late="(\d+)"', html
        )
    }


def totals(html: str) -> tuple[int, int, int]:
    """The page's (done, open, late) totals."""
    found = re.search(r'id="totals" data-done="(\d+)" data-open="(\d+)" data-late="(\d+)"', html)
    assert found is not None, "no totals on the page"
    done, open_, late = found.groups()
    return int(done), int(open_), int(late)


def section(html: str, name: str) -> str:
    """One section of a page, by its id."""
    return html.split(f'id="{name}"', 1)[1].split("</section>", 1)[0]


def database_counts(
    engine: Engine, today: date, *, line_group_id: str | None = None, plan_steps: bool = False
) -> dict[str, Any]:
    """What a page must say, counted from the tables (not through bot.overview).

    A group's tasks (its own; measures are counted through their steps), or with `plan_steps`
    every imported step of the plan, as the public page counts them.
    """
    with Session(engine) as session:
        statement = select(Task)
        if plan_steps:
            statement = statement.where(
                Task.kind == TaskKind.STEP.value, col(Task.source_key).is_not(None)
            )
        else:
            group = session.exec(
                select(ChatGroup).where(ChatGroup.line_group_id == line_group_id)
            ).one()
            statement = statement.where(
                Task.group_id == group.id, Task.kind != TaskKind.MEASURE.value
            )
        tasks = list(session.exec(statement))
        numbers = {t.id: t.number for t in session.exec(select(Topic))}
    per_topic: dict[str, list[int]] = {}
    late = set()
    for task in tasks:
        counts = per_topic.setdefault(str(numbers.get(task.topic_id, 0)), [0, 0, 0])
        if task.status == TaskStatus.DONE.value:
            counts[0] += 1
        elif task.status == TaskStatus.OPEN.value:
            counts[1] += 1
            if task.due_date is not None and task.due_date < today:
                counts[2] += 1
                late.add(task.id)
    topics = {k: (v[0], v[1], v[2]) for k, v in per_topic.items() if v[0] + v[1]}
    return {
        "topics": topics,
        "late": late,
        "totals": tuple(sum(c[i] for c in topics.values()) for i in range(3)),
    }
