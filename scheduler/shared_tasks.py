"""Which groups see a plan item: its lead unit's group holds it, co-units' groups share it."""

# A measure may name two units (3.1). The lead unit's binding moves the task (Task.group_id);
# a co-responsible unit's binding only shares it, read here by a join from the unit's group,
# so binding order never matters and nothing is copied: one task, one status, one set of reports.

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, and_, not_, or_, select
from sqlmodel import col

from models.tables import Task, TaskUnit, Unit

S = TypeVar("S", bound=Select[*tuple[Any, ...]])

# The group a shared task is seen in, for the statements `join_shared` builds.
SHARED_GROUP = col(Unit.group_id)


def join_shared(statement: S, group_ids: Sequence[int] | None = None) -> S:
    """`statement` (over Task) narrowed to tasks shared into `group_ids` by a co-responsible unit.

    Select SHARED_GROUP to know which group; a task comes once per co-unit bound there (two
    co-units in one group: twice, so callers keep one row per group). A co-unit bound to the
    task's own group shares nothing: the task is already there. No `group_ids`: any group.
    """
    in_groups = (
        col(Unit.group_id).is_not(None)
        if group_ids is None
        else col(Unit.group_id).in_(list(group_ids))
    )
    # The few tasks co-units share, found from the units' side first: without it a database may
    # start from the task table's date index and read every group's due work (measured: the
    # 08:30 tick at 100,000 tasks went from 61 ms to 161 ms on SQLite).
    shared_ids = (
        select(col(TaskUnit.task_id))
        .join(Unit, col(Unit.id) == col(TaskUnit.unit_id))
        .where(not_(col(TaskUnit.is_lead)), in_groups)
    )
    statement = statement.where(col(Task.id).in_(shared_ids))
    return statement.join(
        TaskUnit, and_(col(TaskUnit.task_id) == col(Task.id), not_(col(TaskUnit.is_lead)))
    ).join(
        Unit,
        and_(
            col(Unit.id) == col(TaskUnit.unit_id),
            in_groups,
            or_(col(Task.group_id).is_(None), col(Task.group_id) != col(Unit.group_id)),
        ),
    )
