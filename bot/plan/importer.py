"""Bring an action-plan data file into the database and keep it there: import, rebind, re-import."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot import duties, store
from bot.plan.document import ActionPlan, Measure, Step
from models.tables import ChatGroup, ItaScore, Person, Task, TaskKind, TaskUnit, Topic, Unit
from scheduler.duties import is_duty
from scheduler.recurrence import Recurrence

# The plan is a Thai agency's: "this month" at import is a Bangkok month.
PLAN_TIMEZONE = ZoneInfo("Asia/Bangkok")

MAX_TITLE = 1000  # Task.title's column size; measure 1.1's text is longer (both bullets)


def task_key(fiscal_year: int, item_id: str) -> str:
    """The import identity of a measure or step: "ita-2567:1.1.3" (never renumbered)."""
    return f"ita-{fiscal_year}:{item_id}"


def plan_id(task: Task) -> str | None:
    """The plan's own number of an imported task ("1.1.3"), None for a task typed in chat."""
    if not task.source_key or ":" not in task.source_key:
        return None
    return task.source_key.partition(":")[2]


def score_key(assessment_year: int, *parts: object) -> str:
    """The import identity of an ITA score: "ita-2566:overall", "ita-2566:topic:3:e10"."""
    return ":".join([f"ita-{assessment_year}", *(str(part) for part in parts)])


@dataclass
class ImportReport:
    """What one import did: items created and updated (with the fields that changed)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    not_in_file: list[str] = field(default_factory=list)  # imported before, gone from the file

    @property
    def changed(self) -> bool:
        """True when the database was changed."""
        return bool(self.created or self.updated)


@dataclass
class _Importer:
    """One import run: the session, the time, who ran it, and the running report."""

    session: Session
    now: datetime
    actor: Person | None
    report: ImportReport = field(default_factory=ImportReport)

    def upsert(
        self,
        entity: str,
        key: str,
        row: Any,
        wanted: Mapping[str, Any],
        *,
        new: bool,
        related: Mapping[str, tuple[Any, Any]] | None = None,
    ) -> None:
        """Add a new row, or copy the changed fields onto an existing one; audit either way.

        `related` names changes the caller makes in other tables (before, after): they are
        reported and audited as the row's own.
        """
        related = related or {}
        if new:
            self.session.add(row)
            self.session.flush()
            self.report.created.append(f"{entity} {key}")
            after = {name: value for name, (_, value) in related.items()}
            self._audit(
                "plan.create", entity, row.id, None, _jsonable(wanted) | after | {"key": key}
            )
            return
        changes = {name: value for name, value in wanted.items() if getattr(row, name) != value}
        if not changes and not related:
            self.report.unchanged += 1
            return
        before = {name: getattr(row, name) for name in changes}
        for name, value in changes.items():
            setattr(row, name, value)
        if isinstance(row, Task):
            row.updated_at = self.now
        names = sorted([*changes, *related])
        self.report.updated.append(f"{entity} {key} ({', '.join(names)})")
        self._audit(
            "plan.update",
            entity,
            row.id,
            _jsonable(before) | {name: old for name, (old, _) in related.items()},
            _jsonable(changes) | {name: new for name, (_, new) in related.items()},
        )

    def _audit(
        self,
        action: str,
        entity: str,
        entity_id: object,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """One audit entry for one imported change."""
        store.audit(
            self.session,
            actor=self.actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            at=self.now,
            before=before,
            after=after,
        )


def import_plan(
    session: Session, plan: ActionPlan, *, now: datetime, actor: Person | None = None
) -> ImportReport:
    """Create or update the plan's topics, units, measures, steps and ITA scores.

    Imported tasks are found again by `source_key`, so a second run changes only what the
    file changed. Chat state is never touched: status, progress, owners and reports stay.
    A task goes to the group its lead unit (the first one named) is bound to; every
    responsible unit is recorded (task_unit), so a co-responsible unit's group sees it too.
    """
    run = _Importer(session, now, actor)
    topics = _import_topics(run, plan)
    units = _import_units(run, plan.units())
    prefix = task_key(plan.fiscal_year, "")
    existing = {
        task.source_key: task
        for task in session.exec(select(Task).where(col(Task.source_key).startswith(prefix)))
        if task.source_key
    }
    links = _Links.load(session, prefix)
    seen: set[str] = set()
    for topic in plan.topics:
        topic_id = topics[topic.id].id
        for measure in topic.measures:
            responsible = [units[name] for name in dict.fromkeys(measure.units)]
            lead = responsible[0]  # the lead unit: the first one the cell names
            measure_task = _import_task(
                run,
                existing,
                links,
                task_key(plan.fiscal_year, measure.id),
                _measure_fields(measure)
                | {"topic_id": topic_id, "unit_id": lead.id, "parent_id": None},
                responsible,
            )
            seen.add(task_key(plan.fiscal_year, measure.id))
            for step in measure.steps:
                key = task_key(plan.fiscal_year, step.id)
                _import_task(
                    run,
                    existing,
                    links,
                    key,
                    _step_fields(step)
                    | {"topic_id": topic_id, "unit_id": lead.id, "parent_id": measure_task.id},
                    responsible,
                )
                seen.add(key)
    run.report.not_in_file = sorted(key for key in existing if key not in seen)
    _import_scores(run, plan, topics)
    session.flush()
    return run.report


def _import_topics(run: _Importer, plan: ActionPlan) -> dict[int, Topic]:
    """The plan's topics by number, with part 1's findings."""
    findings = {
        analysis.topic: "\n".join(f"{group.tool}: {group.finding}" for group in analysis.groups)
        for analysis in plan.analysis
    }
    found = {
        topic.number: topic
        for topic in run.session.exec(select(Topic).where(Topic.fiscal_year == plan.fiscal_year))
    }
    topics: dict[int, Topic] = {}
    for topic in plan.topics:
        wanted: dict[str, Any] = {
            "title": topic.title[:500],
            "finding": findings.get(topic.id, ""),
        }
        row = found.get(topic.id)
        new = row is None
        if row is None:
            row = Topic(fiscal_year=plan.fiscal_year, number=topic.id, **wanted)
        run.upsert("topic", f"{plan.fiscal_year}/{topic.id}", row, wanted, new=new)
        topics[topic.id] = row
    return topics


def _import_units(run: _Importer, names: Iterable[str]) -> dict[str, Unit]:
    """The responsible units by name, created when new (a unit's binding is kept)."""
    wanted = list(names)
    found = {
        unit.name: unit for unit in run.session.exec(select(Unit).where(col(Unit.name).in_(wanted)))
    }
    units: dict[str, Unit] = {}
    for name in wanted:
        row = found.get(name)
        if row is None:
            row = Unit(name=name)
            run.upsert("unit", name, row, {"name": name}, new=True)
        else:
            run.report.unchanged += 1
        units[name] = row
    return units


def _measure_fields(measure: Measure) -> dict[str, Any]:
    """A measure as a task: its text, its whole period cell, and the span of its steps."""
    return {
        "kind": TaskKind.MEASURE.value,
        "title": _title(measure.text.removeprefix("■").strip()),
        "period_text": measure.period_cell[:500],
        "start_date": min(step.start for step in measure.steps),
        "due_date": max(step.end for step in measure.steps),
        "recurrence": None,
    }


def _step_fields(step: Step) -> dict[str, Any]:
    """A step as a task: its text, its period as written, its dates and its repeat rule."""
    return {
        "kind": TaskKind.STEP.value,
        "title": _title(step.text),
        "period_text": step.period_text[:500],
        "start_date": step.start,
        "due_date": step.end,
        "recurrence": step.recurrence,
    }


@dataclass
class _Links:
    """The responsible units recorded for the plan's tasks: task id → unit id → its row."""

    session: Session
    rows: dict[int, dict[int, TaskUnit]]
    names: dict[int, str]  # every unit's name, for the report and the audit trail

    @classmethod
    def load(cls, session: Session, prefix: str) -> _Links:
        """The links of every task imported under `prefix`, in one query."""
        rows: dict[int, dict[int, TaskUnit]] = defaultdict(dict)
        for link in session.exec(
            select(TaskUnit)
            .join(Task, col(Task.id) == col(TaskUnit.task_id))
            .where(col(Task.source_key).startswith(prefix))
        ):
            rows[link.task_id][link.unit_id] = link
        names = {unit.id: unit.name for unit in session.exec(select(Unit)) if unit.id is not None}
        return cls(session, rows, names)

    def change(self, task: Task | None, units: Sequence[Unit]) -> tuple[Any, Any] | None:
        """(before, after) unit names, lead first, when `task`'s units are not `units`."""
        have = self.rows.get(task.id, {}) if task is not None and task.id is not None else {}
        want = {unit.id: index == 0 for index, unit in enumerate(units)}
        if {unit_id: link.is_lead for unit_id, link in have.items()} == want:
            return None
        before = sorted(have.values(), key=lambda link: (not link.is_lead, link.unit_id))
        return (
            [self.names.get(link.unit_id, str(link.unit_id)) for link in before] or None,
            [unit.name for unit in units],
        )

    def write(self, task: Task, units: Sequence[Unit]) -> None:
        """Make `task`'s rows say `units`, the first one leading."""
        assert task.id is not None
        have = self.rows[task.id]
        for index, unit in enumerate(units):
            assert unit.id is not None
            link = have.get(unit.id)
            if link is None:
                link = have[unit.id] = TaskUnit(task_id=task.id, unit_id=unit.id)
                self.session.add(link)
            link.is_lead = index == 0
        for unit_id in set(have) - {unit.id for unit in units}:
            self.session.delete(have.pop(unit_id))


def _import_task(
    run: _Importer,
    existing: dict[str, Task],
    links: _Links,
    key: str,
    wanted: dict[str, Any],
    units: Sequence[Unit],
) -> Task:
    """Create or update one imported task and its responsible units; the lead's group holds it."""
    if units[0].group_id is not None:
        wanted = wanted | {"group_id": units[0].group_id}
    row = existing.get(key)
    wanted = wanted | _duty_fields(run, row, wanted)
    units_changed = links.change(row, units)
    related = {"units": units_changed} if units_changed else None
    if row is None:
        row = Task(source_key=key, created_at=run.now, updated_at=run.now, **wanted)
        run.upsert("task", key, row, wanted, new=True, related=related)
    else:
        run.upsert("task", key, row, wanted, new=False, related=related)
    if units_changed:
        links.write(row, units)
    return row


def _duty_fields(run: _Importer, row: Task | None, wanted: dict[str, Any]) -> dict[str, Any]:
    """A monthly step's range and current occurrence; nothing for other tasks.

    Tracking starts with the month of the first import (or the step's start, if later):
    months before the bot knew of the duty are not counted late. A re-import keeps the start
    and the months done, so it changes nothing unless the file did.
    """
    rule_string = wanted.get("recurrence")
    if not rule_string or not is_duty(Recurrence.from_rule_string(rule_string)):
        return {}
    start, until = wanted["start_date"], wanted["due_date"]
    if row is not None and row.repeat_from is not None:
        first = row.repeat_from
    else:
        first = max(start, run.now.astimezone(PLAN_TIMEZONE).date().replace(day=1))
    fields: dict[str, Any] = {"repeat_from": first, "repeat_until": until}
    probe = Task(**(wanted | fields))  # not added to the session: only read
    done: frozenset[str] = frozenset()
    if row is not None and row.id is not None:
        done = duties.done_periods(run.session, [row.id])[row.id]
    duty = duties.progress_of(run.session, probe, done)
    if duty is not None and duty.occurrences:
        fields["due_date"] = (duty.current or duty.occurrences[-1]).due
    return fields


def _import_scores(run: _Importer, plan: ActionPlan, topics: Mapping[int, Topic]) -> None:
    """Part 1: the overall score and level, the ten indicators, every question per topic."""
    year = plan.assessment_year
    rows: list[tuple[str, dict[str, Any]]] = [
        (
            score_key(year, "overall"),
            {
                "kind": "overall",
                "code": "",
                "tool": "",
                "name": plan.level,
                "score": plan.overall_score,
            },
        )
    ]
    rows += [
        (
            score_key(year, "indicator", indicator.number),
            {
                "kind": "indicator",
                "code": str(indicator.number),
                "tool": indicator.group,
                "name": indicator.name,
                "score": indicator.score,
            },
        )
        for indicator in plan.indicators
    ]
    rows += [
        (
            score_key(year, "topic", topic_number, question.id),
            {
                "kind": "question",
                "code": question.id,
                "tool": question.tool,
                "name": "",
                "score": question.score,
                "topic_id": topics[topic_number].id if topic_number in topics else None,
            },
        )
        for topic_number, question in plan.questions()
    ]
    found = {
        score.source_key: score
        for score in run.session.exec(select(ItaScore).where(ItaScore.assessment_year == year))
    }
    for key, wanted in rows:
        row = found.get(key)
        if row is None:
            run.upsert(
                "ita_score",
                key,
                ItaScore(source_key=key, assessment_year=year, **wanted),
                wanted,
                new=True,
            )
        else:
            run.upsert("ita_score", key, row, wanted, new=False)


def _title(text: str) -> str:
    """Text that fits Task.title, cut with an ellipsis (the data file keeps the whole text)."""
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1] + "…"


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    """Audit-ready values: dates as ISO text."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in values.items()
    }


# --- Binding a unit to a LINE group ---------------------------------------------------


@dataclass(frozen=True)
class Binding:
    """What binding a unit to a group did."""

    unit: Unit
    previous_group_id: int | None
    measures: int  # led by the unit: moved to the group
    steps: int
    meeting_day: int | None  # set on the group from the unit's monthly meeting step
    shared_measures: int = 0  # the unit is co-responsible: seen and worked in the group too
    shared_steps: int = 0
    leads: tuple[str, ...] = ()  # the lead units of the shared items


def bind_unit(session: Session, unit: Unit, group: ChatGroup, now: datetime) -> Binding:
    """Make the unit's plan items report and remind in `group`; later imports follow it.

    Items the unit leads move to the group. Items it shares with a lead unit (measure 3.1
    names two) stay with the lead's group and are seen and worked in this group too: one
    task, whichever group reports or closes it. When the unit has a meeting step ("ทุกวันที่
    15 ของเดือน") and the group has no meeting rule yet, the group gets that day.
    """
    assert group.id is not None
    previous = unit.group_id
    unit.group_id = group.id
    plan_kinds = col(Task.kind).in_([TaskKind.MEASURE.value, TaskKind.STEP.value])
    tasks = list(session.exec(select(Task).where(Task.unit_id == unit.id, plan_kinds)))
    for task in tasks:
        task.group_id = group.id
    shared = list(
        session.exec(
            select(Task)
            .join(TaskUnit, col(TaskUnit.task_id) == col(Task.id))
            .where(TaskUnit.unit_id == unit.id, ~col(TaskUnit.is_lead), plan_kinds)
        )
    )
    session.flush()
    for task in tasks:
        # The group's calendar (its province, its own days) now decides the duty's dates.
        duty = duties.progress_of(session, task)
        if duty is not None:
            duties.reschedule(task, duty, now)
    meeting_day = None
    if group.meeting_day is None:
        step = next((task for task in [*tasks, *shared] if meeting_day_of(task) is not None), None)
        if step is not None:
            meeting_day = meeting_day_of(step)
            group.meeting_day = meeting_day
            # The plan's meetings run over its range (Dec–Sep) and end with it unless renewed.
            group.meeting_until = step.repeat_until or step.due_date
    lead_ids = {task.unit_id for task in shared if task.unit_id is not None}
    leads = session.exec(select(Unit).where(col(Unit.id).in_(lead_ids)).order_by(col(Unit.id)))
    session.flush()
    return Binding(
        unit=unit,
        previous_group_id=previous,
        measures=sum(task.kind == TaskKind.MEASURE.value for task in tasks),
        steps=sum(task.kind == TaskKind.STEP.value for task in tasks),
        meeting_day=meeting_day,
        shared_measures=sum(task.kind == TaskKind.MEASURE.value for task in shared),
        shared_steps=sum(task.kind == TaskKind.STEP.value for task in shared),
        leads=tuple(lead.name for lead in leads),
    )


def meeting_day_of(task: Task) -> int | None:
    """The day of month of a meeting step ("monthly:day=15"), else None."""
    if not task.recurrence:
        return None
    try:
        rule = Recurrence.from_rule_string(task.recurrence)
    except ValueError:
        return None
    return rule.day if rule.kind == "monthly" else None
