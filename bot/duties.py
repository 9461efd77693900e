"""Recurring duties in the database: the periods done, and the task's current occurrence.

A duty is a Task with a monthly rule (`recurrence`) and a range (`repeat_from`..
`repeat_until`). Its `due_date` is kept at its oldest occurrence not done, so the reminders,
the overdue round and the status speak of that occurrence without knowing about duties;
every change of the done periods or the rule goes through `reschedule`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlmodel import Session, col, select

from models.tables import ChatGroup, Person, Task, TaskOccurrence, TaskStatus
from scheduler.duties import DutyProgress, Occurrence, is_duty, progress
from scheduler.group_calendar import calendar_for
from scheduler.recurrence import Recurrence


def rule_of(task: Task) -> Recurrence | None:
    """The task's monthly rule when it is a duty, else None."""
    if task.repeat_until is None or not task.recurrence:
        return None
    try:
        rule = Recurrence.from_rule_string(task.recurrence)
    except ValueError:
        return None
    return rule if is_duty(rule) else None


def done_periods(session: Session, task_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """The periods done of each task ("2024-03", …), in one query."""
    ids = list(task_ids)
    found: dict[int, set[str]] = {task_id: set() for task_id in ids}
    if ids:
        rows = session.exec(
            select(TaskOccurrence.task_id, TaskOccurrence.period).where(
                col(TaskOccurrence.task_id).in_(ids)
            )
        )
        for task_id, period in rows:
            found[task_id].add(period)
    return {task_id: frozenset(periods) for task_id, periods in found.items()}


def progress_of(
    session: Session, task: Task, done: frozenset[str] | None = None
) -> DutyProgress | None:
    """The duty's occurrences on its group's calendar and which are done; None if no duty."""
    rule = rule_of(task)
    if rule is None or task.repeat_until is None:
        return None
    if done is None:
        assert task.id is not None
        done = done_periods(session, [task.id]).get(task.id, frozenset())
    group = session.get(ChatGroup, task.group_id) if task.group_id is not None else None
    first = task.repeat_from or task.start_date or task.repeat_until
    return progress(rule, first, task.repeat_until, calendar_for(session, group), done)


def reschedule(task: Task, duty: DutyProgress, now: datetime) -> None:
    """Point the task's due date at its oldest occurrence not done; done when none is left."""
    current = duty.current
    if current is not None:
        task.due_date = current.due
        if task.status == TaskStatus.DONE.value:
            task.status, task.done_at = TaskStatus.OPEN.value, None
    else:
        if duty.occurrences:
            task.due_date = duty.occurrences[-1].due
        if task.status == TaskStatus.OPEN.value:
            task.status, task.done_at = TaskStatus.DONE.value, now
    task.updated_at = now


def close(session: Session, task: Task, occurrence: Occurrence, by: Person, now: datetime) -> None:
    """Record one occurrence as done."""
    assert task.id is not None
    session.add(
        TaskOccurrence(task_id=task.id, period=occurrence.period, done_at=now, done_by_id=by.id)
    )
    session.flush()


def start(task: Task, rule: Recurrence, first: date, until: date) -> None:
    """Make `task` a duty with `rule` from `first` to `until` (the caller reschedules it)."""
    task.recurrence = rule.to_rule_string()
    task.repeat_from, task.repeat_until = first, until
