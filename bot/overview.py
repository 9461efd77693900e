"""The plan at a glance: the web view's and the public page's numbers, computed from rows (pure).

Nothing here reads the database or the clock: `bot.pages` loads the rows of the groups a link
names (or the plan's items, for the public page) and passes `today`; the functions below only
count and sort, so the tests check them without HTTP and the page cannot count differently
from what it was given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo
from functools import cached_property

from models.tables import (
    Evidence,
    ItaScore,
    ProgressReport,
    Task,
    TaskKind,
    TaskStatus,
    Topic,
)
from scheduler.duties import DutyProgress

PASS_MARK = 85.0  # the ITA pass mark, as in `คะแนน ITA`
NO_TOPIC = 0  # the key of tasks typed in chat without a topic
NO_UNIT = 0  # the key of tasks with no responsible unit


@dataclass(frozen=True)
class PlanRows:
    """What the pages are computed from: the tasks one link may show, and what they point to."""

    tasks: Sequence[Task]  # measures, steps and chat tasks, each once
    topics: Mapping[int, Topic]
    units: Mapping[int, str] = field(default_factory=dict)  # unit id → name
    groups: Mapping[int, str] = field(default_factory=dict)  # group id → name
    seen_in: Mapping[int, int] = field(default_factory=dict)  # task id → the group it shows under
    owners: Mapping[int, Sequence[int]] = field(default_factory=dict)  # task id → person ids
    names: Mapping[int, str] = field(default_factory=dict)  # person id → display name
    reports: Sequence[ProgressReport] = ()
    evidence: Sequence[Evidence] = ()
    evidence_links: Mapping[int, str] = field(default_factory=dict)  # evidence id → signed link
    duties: Mapping[int, DutyProgress] = field(default_factory=dict)  # task id → its months
    scores: Sequence[ItaScore] = ()
    tz: tzinfo = UTC  # the zone a completion instant becomes a date in

    @cached_property
    def evidence_by_task(self) -> dict[int, list[Evidence]]:
        """The evidence files grouped by task, oldest first."""
        found: dict[int, list[Evidence]] = defaultdict(list)
        for item in sorted(self.evidence, key=lambda e: (e.created_at, e.id or 0)):
            found[item.task_id].append(item)
        return found

    @cached_property
    def reports_by_task(self) -> dict[int, list[ProgressReport]]:
        """The reports grouped by task, oldest first (grouped once, not per task)."""
        found: dict[int, list[ProgressReport]] = defaultdict(list)
        for report in sorted(self.reports, key=lambda r: (r.reported_at, r.id or 0)):
            found[report.task_id].append(report)
        return found


@dataclass(frozen=True)
class Bar:
    """Done, open and late work of one topic or unit; `open` includes the late ones."""

    label: str
    done: int = 0
    open: int = 0
    late: int = 0

    @property
    def on_time(self) -> int:
        """Open work not past its date."""
        return self.open - self.late

    @property
    def total(self) -> int:
        """Everything counted (cancelled work is not)."""
        return self.done + self.open

    def share(self, part: int) -> float:
        """`part` as a percentage of the total, for a bar's width."""
        return round(100 * part / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class MonthPoint:
    """One month of the fiscal year: the work due in it, and how much of that is done."""

    year: int
    month: int
    planned: int
    done: int


@dataclass(frozen=True)
class LateItem:
    """Open work past its date."""

    number: int
    title: str
    group: str
    owners: tuple[str, ...]
    due: date
    days_late: int
    months_late: tuple[tuple[int, int], ...] = ()  # a duty's (year, month)s not done


@dataclass(frozen=True)
class Unreported:
    """Someone who owns open, started work and has not reported on it this month."""

    name: str
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class EvidenceLine:
    """One evidence file, as the page lists it under its task."""

    name: str
    size: int
    added_at: datetime
    link: str  # a signed link that expires like the page's


@dataclass(frozen=True)
class ReportLine:
    """One progress report, as the page lists it under its task."""

    month: str  # "2024-03"
    reporter: str
    reported_at: datetime
    percent: int | None
    text: str


@dataclass(frozen=True)
class TaskLine:
    """One task (a plan step or a chat task) with its state, owners and reports."""

    number: int
    plan_id: str  # "1.2.1" for a plan step, "" for a chat task
    title: str
    state: str  # done, late, open, not_started or cancelled
    start: date | None
    due: date | None  # a monthly duty: its oldest month not done
    done_on: date | None
    until: date | None = None  # a monthly duty's last day (its period ends there, not at `due`)
    owners: tuple[str, ...] = ()
    progress: int = 0
    duty_done: int | None = None  # a monthly duty: months done of `duty_total`
    duty_total: int | None = None
    reports: tuple[ReportLine, ...] = ()
    evidence: tuple[EvidenceLine, ...] = ()


@dataclass(frozen=True)
class MeasureLine:
    """A plan measure and its steps."""

    plan_id: str
    title: str
    unit: str
    steps: tuple[TaskLine, ...]

    @property
    def done(self) -> int:
        """Steps done."""
        return sum(step.state == "done" for step in self.steps)

    @property
    def counted(self) -> int:
        """Steps that count (cancelled ones do not)."""
        return sum(step.state != "cancelled" for step in self.steps)


@dataclass(frozen=True)
class ScoreLine:
    """One ITA question as scored under a topic."""

    code: str
    tool: str
    score: float

    @property
    def passed(self) -> bool:
        """At or above the pass mark."""
        return self.score >= PASS_MARK


@dataclass(frozen=True)
class TopicSection:
    """One topic: its bar, its measures (with steps), its other tasks, its ITA questions."""

    number: int
    title: str
    bar: Bar
    measures: tuple[MeasureLine, ...]
    tasks: tuple[TaskLine, ...]  # chat tasks, and steps whose measure the link does not show
    scores: tuple[ScoreLine, ...]


@dataclass(frozen=True)
class ItaSummary:
    """The assessment's overall score and its indicators, weakest first."""

    year: int
    overall: float | None
    level: str
    indicators: tuple[tuple[str, str, float], ...]  # (number, name, score)


@dataclass(frozen=True)
class Dashboard:
    """Everything the officials' web view shows for the groups a link names."""

    today: date
    groups: tuple[str, ...]
    totals: Bar
    topics: tuple[TopicSection, ...]
    units: tuple[Bar, ...]
    months: tuple[MonthPoint, ...]
    late: tuple[LateItem, ...]
    unreported: tuple[Unreported, ...]
    ita: ItaSummary | None


@dataclass(frozen=True)
class PublicTopic:
    """A topic on the public page: measures and steps with status, no names and no chat text."""

    number: int
    title: str
    bar: Bar
    measures: tuple[MeasureLine, ...]


@dataclass(frozen=True)
class PublicPlan:
    """The public progress page."""

    today: date
    fiscal_year: int  # B.E.
    totals: Bar
    topics: tuple[PublicTopic, ...]


# --- Shared pieces ----------------------------------------------------------------------------


def plan_id_of(task: Task) -> str:
    """ "1.2.1" from an imported item's key ("ita-2567:1.2.1"); "" for a chat task."""
    return task.source_key.split(":", 1)[1] if task.source_key and ":" in task.source_key else ""


def state_of(task: Task, today: date) -> str:
    """done, cancelled, late (open past its date), not_started or open."""
    if task.status == TaskStatus.DONE.value:
        return "done"
    if task.status == TaskStatus.CANCELLED.value:
        return "cancelled"
    if task.due_date is not None and task.due_date < today:
        return "late"
    if task.start_date is not None and task.start_date > today:
        return "not_started"
    return "open"


def count(label: str, tasks: Sequence[Task], today: date) -> Bar:
    """One bar: done, open and late among `tasks` (the same rule as `สถานะ`)."""
    states = [state_of(task, today) for task in tasks]
    done = states.count("done")
    late = states.count("late")
    return Bar(label, done, late + states.count("open") + states.count("not_started"), late)


def fiscal_months(today: date) -> list[tuple[int, int]]:
    """The twelve (year, month)s of the Thai fiscal year `today` is in: October to September."""
    first_year = today.year if today.month >= 10 else today.year - 1
    return [(first_year, month) for month in range(10, 13)] + [
        (first_year + 1, month) for month in range(1, 10)
    ]


def _work(rows: PlanRows) -> list[Task]:
    """The tasks that are work (a measure is counted through its steps)."""
    return [task for task in rows.tasks if task.kind != TaskKind.MEASURE.value]


def _topic_key(task: Task) -> int:
    return task.topic_id or NO_TOPIC


def _task_line(task: Task, rows: PlanRows, today: date, *, private: bool) -> TaskLine:
    """A task as a page line; `private` adds owners, progress and reports."""
    assert task.id is not None
    duty = rows.duties.get(task.id)
    done_on = task.done_at.astimezone(rows.tz).date() if task.done_at is not None else None
    line = TaskLine(
        number=task.id,
        plan_id=plan_id_of(task),
        title=task.title,
        state=state_of(task, today),
        start=task.start_date,
        due=task.due_date,
        done_on=done_on,
        until=task.repeat_until if duty is not None else None,
        duty_done=duty.done_count if duty is not None else None,
        duty_total=duty.total if duty is not None else None,
    )
    if not private:
        return line
    reports = tuple(
        ReportLine(
            report.month,
            rows.names.get(report.reporter_id, "?"),
            report.reported_at.astimezone(rows.tz),
            report.percent,
            report.text,
        )
        for report in rows.reports_by_task.get(task.id, [])
    )
    evidence = tuple(
        EvidenceLine(
            item.file_name,
            item.size,
            item.created_at.astimezone(rows.tz),
            rows.evidence_links[item.id],
        )
        for item in rows.evidence_by_task.get(task.id, [])
        if item.id is not None and item.id in rows.evidence_links
    )
    owners = tuple(rows.names.get(person, "?") for person in rows.owners.get(task.id, ()))
    return replace(line, owners=owners, progress=task.progress, reports=reports, evidence=evidence)


def _measures(
    rows: PlanRows, topic_key: int, today: date, *, private: bool
) -> tuple[tuple[MeasureLine, ...], tuple[TaskLine, ...]]:
    """A topic's measures with their steps, and its tasks under no measure shown."""
    in_topic = [task for task in rows.tasks if _topic_key(task) == topic_key]
    measures = sorted(
        (task for task in in_topic if task.kind == TaskKind.MEASURE.value),
        key=lambda task: _plan_order(plan_id_of(task)),
    )
    measure_ids = {task.id for task in measures}
    steps: dict[int, list[Task]] = defaultdict(list)
    loose: list[Task] = []
    for task in in_topic:
        if task.kind == TaskKind.MEASURE.value:
            continue
        if task.kind == TaskKind.STEP.value and task.parent_id in measure_ids:
            steps[task.parent_id or 0].append(task)
        else:
            loose.append(task)
    lines = tuple(
        MeasureLine(
            plan_id_of(measure),
            measure.title,
            rows.units.get(measure.unit_id or NO_UNIT, ""),
            tuple(
                _task_line(step, rows, today, private=private)
                for step in sorted(steps[measure.id or 0], key=lambda t: _plan_order(plan_id_of(t)))
            ),
        )
        for measure in measures
    )
    return lines, tuple(_task_line(task, rows, today, private=private) for task in loose)


def _plan_order(plan_id: str) -> tuple[int, ...]:
    """ "1.10" after "1.9": plan ids compared as numbers."""
    return tuple(int(part) if part.isdigit() else 0 for part in plan_id.split("."))


# --- The officials' web view ------------------------------------------------------------------


def build_dashboard(rows: PlanRows, today: date, no_topic_title: str) -> Dashboard:
    """Every number of the web view for the tasks in `rows`."""
    work = _work(rows)
    by_topic: dict[int, list[Task]] = defaultdict(list)
    for task in work:
        by_topic[_topic_key(task)].append(task)
    topic_keys = sorted(
        {*by_topic, *(_topic_key(t) for t in rows.tasks)},
        key=lambda key: (key == NO_TOPIC, rows.topics[key].number if key in rows.topics else 0),
    )
    sections = []
    for key in topic_keys:
        topic = rows.topics.get(key)
        title = topic.title if topic else no_topic_title
        measures, loose = _measures(rows, key, today, private=True)
        sections.append(
            TopicSection(
                number=topic.number if topic else 0,
                title=title,
                bar=count(title, by_topic.get(key, []), today),
                measures=measures,
                tasks=loose,
                scores=_scores_of(rows.scores, key),
            )
        )
    return Dashboard(
        today=today,
        groups=tuple(rows.groups[g] for g in sorted(rows.groups)),
        totals=count("", work, today),
        topics=tuple(sections),
        units=_unit_bars(rows, work, today),
        months=month_points(rows, work, today),
        late=_late_items(rows, work, today),
        unreported=_unreported(rows, work, today),
        ita=_ita_summary(rows.scores),
    )


def _unit_bars(rows: PlanRows, work: Sequence[Task], today: date) -> tuple[Bar, ...]:
    """One bar per lead unit (a shared item counts once, under the unit that leads it)."""
    by_unit: dict[int, list[Task]] = defaultdict(list)
    for task in work:
        by_unit[task.unit_id or NO_UNIT].append(task)
    return tuple(
        count(rows.units.get(unit_id, ""), tasks, today)
        for unit_id, tasks in sorted(
            by_unit.items(), key=lambda item: (item[0] == NO_UNIT, item[0])
        )
    )


def month_points(rows: PlanRows, work: Sequence[Task], today: date) -> tuple[MonthPoint, ...]:
    """Per month of the fiscal year: work due that month (a duty: that month's turn), and done."""
    planned: dict[tuple[int, int], int] = defaultdict(int)
    done: dict[tuple[int, int], int] = defaultdict(int)
    for task in work:
        if task.status == TaskStatus.CANCELLED.value:
            continue
        duty = rows.duties.get(task.id or 0)
        if duty is not None:
            for occurrence in duty.occurrences:
                key = (occurrence.year, occurrence.month)
                planned[key] += 1
                done[key] += occurrence.period in duty.done
        elif task.due_date is not None:
            key = (task.due_date.year, task.due_date.month)
            planned[key] += 1
            done[key] += task.status == TaskStatus.DONE.value
    return tuple(MonthPoint(y, m, planned[(y, m)], done[(y, m)]) for y, m in fiscal_months(today))


def _late_items(rows: PlanRows, work: Sequence[Task], today: date) -> tuple[LateItem, ...]:
    """Open work past its date, the latest first."""
    found = []
    for task in work:
        if state_of(task, today) != "late" or task.id is None or task.due_date is None:
            continue
        duty = rows.duties.get(task.id)
        found.append(
            LateItem(
                number=task.id,
                title=task.title,
                group=rows.groups.get(rows.seen_in.get(task.id, 0), ""),
                owners=tuple(rows.names.get(p, "?") for p in rows.owners.get(task.id, ())),
                due=task.due_date,
                days_late=(today - task.due_date).days,
                months_late=tuple((o.year, o.month) for o in duty.late(today)) if duty else (),
            )
        )
    return tuple(sorted(found, key=lambda item: (-item.days_late, item.number)))


def _unreported(rows: PlanRows, work: Sequence[Task], today: date) -> tuple[Unreported, ...]:
    """Owners of open, started work without a report on it this month (as `สถานะ` counts)."""
    month = f"{today.year:04d}-{today.month:02d}"
    reported = {(r.task_id, r.reporter_id) for r in rows.reports if r.month == month}
    missing: dict[int, list[int]] = defaultdict(list)
    for task in work:
        if task.id is None or task.status != TaskStatus.OPEN.value:
            continue
        if task.start_date is not None and task.start_date > today:
            continue
        for person in rows.owners.get(task.id, ()):
            if (task.id, person) not in reported:
                missing[person].append(task.id)
    return tuple(
        sorted(
            (Unreported(rows.names.get(p, "?"), tuple(sorted(n))) for p, n in missing.items()),
            key=lambda item: (-len(item.numbers), item.name),
        )
    )


def _scores_of(scores: Sequence[ItaScore], topic_key: int) -> tuple[ScoreLine, ...]:
    """The ITA questions scored under a topic, weakest first."""
    return tuple(
        sorted(
            (
                ScoreLine(s.code, s.tool, s.score)
                for s in scores
                if s.kind == "question" and s.topic_id == topic_key
            ),
            key=lambda line: (line.score, line.code),
        )
    )


def _ita_summary(scores: Sequence[ItaScore]) -> ItaSummary | None:
    """The overall score and the indicators, weakest first; None when no scores are imported."""
    if not scores:
        return None
    overall = next((s for s in scores if s.kind == "overall"), None)
    indicators = sorted(
        (s for s in scores if s.kind == "indicator"),
        key=lambda s: (s.score, int(s.code) if s.code.isdigit() else 0),
    )
    return ItaSummary(
        year=max(s.assessment_year for s in scores),
        overall=overall.score if overall else None,
        level=overall.name if overall else "",
        indicators=tuple((s.code, s.name, s.score) for s in indicators),
    )


# --- The public page --------------------------------------------------------------------------


def build_public(rows: PlanRows, today: date) -> PublicPlan:
    """The plan's topics, measures and steps with status and dates: nothing about people."""
    plan_items = [
        task
        for task in rows.tasks
        if task.source_key and task.kind in (TaskKind.MEASURE.value, TaskKind.STEP.value)
    ]
    public_rows = PlanRows(
        tasks=plan_items, topics=rows.topics, units=rows.units, duties=rows.duties, tz=rows.tz
    )
    steps = [task for task in plan_items if task.kind == TaskKind.STEP.value]
    topics = []
    for topic in sorted(rows.topics.values(), key=lambda t: t.number):
        assert topic.id is not None
        measures, _ = _measures(public_rows, topic.id, today, private=False)
        in_topic = [task for task in steps if task.topic_id == topic.id]
        if measures or in_topic:
            topics.append(
                PublicTopic(
                    topic.number, topic.title, count(topic.title, in_topic, today), measures
                )
            )
    years = [t.fiscal_year for t in rows.topics.values() if t.fiscal_year]
    return PublicPlan(
        today=today,
        fiscal_year=max(years) if years else 0,
        totals=count("", steps, today),
        topics=tuple(topics),
    )
