"""Database reads and writes the conversation needs: people, groups, tasks, reports, audit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, func, inspect, literal
from sqlalchemy.engine import Connection
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel, col, select

from models.tables import (
    AuditEntry,
    ChatGroup,
    Evidence,
    GroupMember,
    Person,
    ProgressReport,
    Task,
    TaskOwner,
    TaskUnit,
    Unit,
)
from scheduler.shared_tasks import SHARED_GROUP, join_shared
from scheduler.state import built_once, dialect_insert

Row = TypeVar("Row", bound=SQLModel)
MEMBER: Table = SQLModel.metadata.tables["group_member"]


def person_by_line_id(session: Session, line_user_id: str) -> Person | None:
    """The person with this LINE user ID, if seen before."""
    return session.exec(select(Person).where(Person.line_user_id == line_user_id)).first()


def get_or_create_person(session: Session, line_user_id: str, name_hint: str = "") -> Person:
    """The person with this LINE user ID, created on first sight."""
    person = person_by_line_id(session, line_user_id)
    if person is None:
        person = _register_person(session, line_user_id, name_hint)
    elif name_hint and not person.display_name:
        person.display_name = name_hint[:200]
    return person


def group_by_line_id(session: Session, line_group_id: str) -> ChatGroup | None:
    """The group with this LINE group ID, if registered."""
    return session.exec(select(ChatGroup).where(ChatGroup.line_group_id == line_group_id)).first()


def get_or_create_group(session: Session, line_group_id: str, now: datetime) -> ChatGroup:
    """The group with this LINE group ID, registered on first sight (active)."""
    group = group_by_line_id(session, line_group_id)
    if group is None:
        group = _register_group(session, line_group_id, now)
    return group


def _register_person(session: Session, line_user_id: str, name_hint: str = "") -> Person:
    """A person seen for the first time (or, after a lost race, the one just stored)."""
    return insert_once(
        session, Person(line_user_id=line_user_id, display_name=name_hint[:200]), "line_user_id"
    )


def _register_group(session: Session, line_group_id: str, now: datetime) -> ChatGroup:
    """A group seen for the first time (active; or, after a lost race, the one just stored)."""
    return insert_once(
        session, ChatGroup(line_group_id=line_group_id, joined_at=now), "line_group_id"
    )


# Built once (the conversation asks it for every event in a group). Both outer-joined to one
# row: either may be missing, and the query says which (an entity of NULLs comes back None).
_ONE_ROW = select(literal(1).label("one")).subquery("one_row")
_GROUP_AND_PERSON = (
    select(ChatGroup, Person)
    .select_from(_ONE_ROW)
    .outerjoin(ChatGroup, col(ChatGroup.line_group_id) == bindparam("group_line_id"))
    .outerjoin(Person, col(Person.line_user_id) == bindparam("user_line_id"))
)


def group_and_person(
    session: Session, line_group_id: str, line_user_id: str, now: datetime
) -> tuple[ChatGroup, Person]:
    """A group and a person in it, each created on first sight (one query once both exist;
    then one INSERT for each that is missing, no second look)."""
    group, person = session.exec(
        _GROUP_AND_PERSON, params={"group_line_id": line_group_id, "user_line_id": line_user_id}
    ).one()
    if group is None:
        group = _register_group(session, line_group_id, now)
    if person is None:
        person = _register_person(session, line_user_id)
    return group, person


def insert_once(session: Session, row: Row, key: str) -> Row:
    """Insert `row` unless a row with the same `key` exists; the stored row either way.

    One INSERT … ON CONFLICT DO NOTHING RETURNING (no savepoint, no ORM flush; a lost race
    leaves the transaction usable on PostgreSQL too). `row` itself then becomes the session's
    object, filled from what was stored, without reading it back; only a lost race reads the
    row the other process stored.
    """
    table = inspect(type(row)).local_table
    values = {
        column.name: value
        for column in table.columns
        if (value := getattr(row, column.key, None)) is not None
    }
    connection = session.connection()
    inserted = connection.execute(_insert_once(connection, table, key), values).first()
    if inserted is None:  # another process inserted it a moment earlier
        return session.exec(select(type(row)).where(table.c[key] == values[key])).one()
    for index, column in enumerate(table.columns):
        setattr(row, column.key, inserted[index])
    make_transient_to_detached(row)  # as if loaded: no INSERT at the next flush
    session.add(row)
    return row


def _insert_once(connection: Connection, table: Table, key: str) -> Any:
    """INSERT … ON CONFLICT (key) DO NOTHING RETURNING every column, for this database."""
    return built_once(
        connection,
        f"{table.name}.insert_once.{key}",
        lambda connection: (
            dialect_insert(connection, table)
            .on_conflict_do_nothing(index_elements=[key])
            .returning(*table.columns)
        ),
    )


def _note_member(connection: Connection) -> Any:
    """INSERT a membership; one that left is active again from now; an active one stays."""

    def build(connection: Connection) -> Any:
        insert = dialect_insert(connection, MEMBER).values(
            group_id=bindparam("group_id"),
            person_id=bindparam("person_id"),
            active=True,
            seen_at=bindparam("seen_at"),
        )
        return insert.on_conflict_do_update(
            index_elements=[MEMBER.c.group_id, MEMBER.c.person_id],
            set_={"active": True, "seen_at": insert.excluded.seen_at},
            where=~MEMBER.c.active,
        )

    return built_once(connection, "group_member.note_member", build)


def note_member(session: Session, group: ChatGroup, person: Person, now: datetime) -> None:
    """Remember that `person` is in `group` (a 1:1 chat then shows this group's tasks)."""
    assert group.id is not None and person.id is not None
    connection = session.connection()
    connection.execute(
        _note_member(connection), {"group_id": group.id, "person_id": person.id, "seen_at": now}
    )
    loaded = session.identity_map.get(session.identity_key(GroupMember, (group.id, person.id)))
    if loaded is not None:  # this session read it before: show what the row says now
        session.refresh(loaded)


def note_member_left(session: Session, group: ChatGroup, person: Person) -> None:
    """Mark a membership inactive (the person's tasks and reports stay)."""
    assert group.id is not None and person.id is not None
    member = session.get(GroupMember, (group.id, person.id))
    if member is not None:
        member.active = False


def groups_of(session: Session, person: Person) -> list[ChatGroup]:
    """Active groups the person is an active member of."""
    statement = (
        select(ChatGroup)
        .join(GroupMember, col(GroupMember.group_id) == col(ChatGroup.id))
        .where(GroupMember.person_id == person.id, GroupMember.active, ChatGroup.active)
        .order_by(col(ChatGroup.id))
    )
    return list(session.exec(statement))


def active_groups(session: Session) -> list[ChatGroup]:
    """Every active group."""
    return list(session.exec(select(ChatGroup).where(ChatGroup.active).order_by(col(ChatGroup.id))))


def tasks_in_groups(session: Session, group_ids: Sequence[int]) -> list[Task]:
    """Every task these groups see (theirs, and plan items shared in), once, in number order."""
    found = {task.id: task for _, task in tasks_by_group(session, group_ids)}
    return [found[task_id] for task_id in sorted(found, key=lambda task_id: task_id or 0)]


def tasks_by_group(session: Session, group_ids: Sequence[int]) -> list[tuple[int, Task]]:
    """(group id, task) for every task each group sees: its own first, then those shared in.

    A plan item of a measure with two units is seen in its lead unit's group and in the group
    a co-responsible unit is bound to: once in each.
    """
    if not group_ids:
        return []
    own = session.exec(select(Task).where(col(Task.group_id).in_(group_ids)))
    pairs = [(task.group_id, task) for task in own if task.group_id is not None]
    shared = session.exec(join_shared(select(SHARED_GROUP, Task), group_ids))
    seen = {(group_id, task.id) for group_id, task in pairs}
    for group_id, task in shared:
        if group_id is not None and (group_id, task.id) not in seen:
            seen.add((group_id, task.id))
            pairs.append((group_id, task))
    return sorted(pairs, key=lambda pair: (pair[1].id or 0, pair[0]))


def groups_seeing(session: Session, task: Task) -> set[int]:
    """The groups a task is seen in: its own, and those its co-responsible units are bound to."""
    shared = session.exec(
        select(col(Unit.group_id))
        .join(TaskUnit, col(TaskUnit.unit_id) == col(Unit.id))
        .where(
            TaskUnit.task_id == task.id,
            col(Unit.group_id).is_not(None),
            ~col(TaskUnit.is_lead),  # the lead's binding is already the task's own group
        )
    )
    return {group_id for group_id in [task.group_id, *shared] if group_id is not None}


def owner_ids(session: Session, task_ids: Iterable[int]) -> dict[int, list[int]]:
    """Owner person ids per task id."""
    ids = list(task_ids)
    owners: dict[int, list[int]] = defaultdict(list)
    if ids:
        rows = session.exec(
            select(TaskOwner.task_id, TaskOwner.person_id)
            .where(col(TaskOwner.task_id).in_(ids))
            .order_by(col(TaskOwner.person_id))
        )
        for task_id, person_id in rows:
            owners[task_id].append(person_id)
    return owners


def people(session: Session, person_ids: Iterable[int]) -> dict[int, Person]:
    """People by id."""
    ids = set(person_ids)
    if not ids:
        return {}
    return {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(ids))) if p.id}


def owners_of(session: Session, task: Task) -> list[Person]:
    """The task's owners."""
    assert task.id is not None
    ids = owner_ids(session, [task.id]).get(task.id, [])
    found = people(session, ids)
    return [found[i] for i in ids if i in found]


def set_owners(session: Session, task: Task, persons: Iterable[Person]) -> None:
    """Add owners to a task (existing owners are kept)."""
    assert task.id is not None
    current = set(owner_ids(session, [task.id]).get(task.id, []))
    for person in persons:
        assert person.id is not None
        if person.id not in current:
            session.add(TaskOwner(task_id=task.id, person_id=person.id))
            current.add(person.id)
    session.flush()


def remove_owners(session: Session, task: Task, persons: Iterable[Person]) -> None:
    """Remove owners from a task."""
    for person in persons:
        owner = session.get(TaskOwner, (task.id, person.id))
        if owner is not None:
            session.delete(owner)
    session.flush()


def reporters_by_task(session: Session, task_ids: Iterable[int], month: str) -> dict[int, set[int]]:
    """Who reported on each task in `month` ("YYYY-MM")."""
    ids = list(task_ids)
    reported: dict[int, set[int]] = defaultdict(set)
    if ids:
        rows = session.exec(
            select(ProgressReport.task_id, ProgressReport.reporter_id).where(
                col(ProgressReport.task_id).in_(ids), ProgressReport.month == month
            )
        )
        for task_id, reporter_id in rows:
            reported[task_id].add(reporter_id)
    return reported


def evidence_counts(session: Session, task_ids: Iterable[int]) -> dict[int, int]:
    """How many evidence files each task has (tasks with none are left out)."""
    ids = list(task_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(Evidence.task_id, func.count())
        .where(col(Evidence.task_id).in_(ids))
        .group_by(col(Evidence.task_id))
    )
    return {task_id: int(count) for task_id, count in rows}


def evidence_of(session: Session, task_ids: Iterable[int]) -> dict[int, list[Evidence]]:
    """Each task's evidence, oldest first (the order the list numbers them)."""
    ids = list(task_ids)
    found: dict[int, list[Evidence]] = defaultdict(list)
    if ids:
        rows = session.exec(
            select(Evidence)
            .where(col(Evidence.task_id).in_(ids))
            .order_by(col(Evidence.created_at), col(Evidence.id))
        )
        for row in rows:
            found[row.task_id].append(row)
    return found


def audit(
    session: Session,
    *,
    actor: Person | None,
    action: str,
    entity: str,
    entity_id: object,
    at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the audit trail (same transaction as the change itself)."""
    session.add(
        AuditEntry(
            actor_id=actor.id if actor else None,
            actor_line_id=actor.line_user_id if actor else "",
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=before,
            after=after,
            at=at,
        )
    )


def task_snapshot(task: Task) -> dict[str, Any]:
    """The audited fields of a task, JSON-ready."""
    return {
        "title": task.title,
        "status": task.status,
        "start_date": task.start_date.isoformat() if task.start_date else None,
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "progress": task.progress,
        "group_id": task.group_id,
    }
