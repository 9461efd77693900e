"""The ITA action-plan data file (data/*.yaml) as typed, validated, immutable objects."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal, NoReturn

import yaml

from scheduler.recurrence import Recurrence

try:  # libyaml parses the plan about eight times faster than pure Python
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

__all__ = [
    "HOLIDAY_SHIFTS",
    "ActionPlan",
    "Indicator",
    "Limitation",
    "Measure",
    "PlanError",
    "QuestionScore",
    "Step",
    "Tool",
    "ToolFindings",
    "Topic",
    "TopicAnalysis",
    "Window",
    "load_plan",
    "plan_from_yaml",
]

Tool = Literal["IIT", "EIT", "OIT"]
_TOOLS: tuple[Tool, ...] = ("IIT", "EIT", "OIT")
_TOOL_OF_PREFIX: dict[str, Tool] = {"i": "IIT", "e": "EIT", "o": "OIT"}
# The only shift the plan asks for (line 193): a holiday moves the meeting to the next
# working day of the same month; scheduler.calendar.WorkCalendar.meeting_date applies it.
HOLIDAY_SHIFTS = ("next_working_day_in_month",)
_QUESTION_ID = re.compile(r"[ieo][0-9]{1,2}")
_MARKER = re.compile(r"[0-9]{1,2}\.|-")
_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SPACES = re.compile(r"\s+")


class PlanError(ValueError):
    """The plan file is unreadable or breaks the schema; the message names the YAML path."""


@dataclass(frozen=True)
class Indicator:
    """One of the ten ITA indicators with its 2566 score."""

    number: int
    group: Tool
    name: str
    score: float


@dataclass(frozen=True)
class QuestionScore:
    """One question's score (i1, e10, o35…), with the original spelling where it differed."""

    id: str
    score: float
    id_text: str | None = None  # e.g. "๐15": the Thai zero written for the letter o
    score_text: str | None = None  # e.g. "00.00"
    note: str | None = None

    @property
    def tool(self) -> Tool:
        """IIT, EIT or OIT, from the id's letter."""
        return _TOOL_OF_PREFIX[self.id[0]]


@dataclass(frozen=True)
class ToolFindings:
    """A topic's questions from one assessment tool and the finding written beside them."""

    tool: Tool
    finding: str
    questions: tuple[QuestionScore, ...]
    note: str | None = None


@dataclass(frozen=True)
class TopicAnalysis:
    """Part 1 for one topic: its question scores and findings."""

    topic: int
    heading: str
    number_text: str
    title_text: str
    source_lines: tuple[int, ...]
    groups: tuple[ToolFindings, ...]
    note: str | None = None


@dataclass(frozen=True)
class Window:
    """One of several periods written for a step ("… และ 1 เม.ย.-15 เม.ย. 2567")."""

    start: date
    end: date


@dataclass(frozen=True)
class Step:
    """A numbered step of a measure, its period as written and the dates read from it."""

    id: str
    marker: str
    text: str
    period_text: str
    start: date
    end: date
    dates_text: str | None = None
    windows: tuple[Window, ...] = ()
    recurrence: str | None = None
    recurrence_text: str | None = None
    holiday_shift: str | None = None
    note: str | None = None

    @property
    def rule(self) -> Recurrence | None:
        """The repeat rule, if the step repeats."""
        return Recurrence.from_rule_string(self.recurrence) if self.recurrence else None


@dataclass(frozen=True)
class Measure:
    """A measure (มาตรการ) with its responsible units and steps."""

    id: str
    text: str
    responsible_text: str
    units: tuple[str, ...]
    period_cell: str
    steps: tuple[Step, ...]
    source_lines: tuple[int, ...]
    note: str | None = None


@dataclass(frozen=True)
class Topic:
    """One of the plan's topics (ประเด็น) and its measures."""

    id: int
    title: str
    measures: tuple[Measure, ...]
    note: str | None = None


@dataclass(frozen=True)
class Limitation:
    """Part 3: the agency's stated limitation for one topic."""

    topic: int
    heading: str
    text: str
    note: str | None = None


@dataclass(frozen=True)
class ActionPlan:
    """The whole document: part 1 scores and findings, part 2 plan, part 3 limitations."""

    schema_version: int
    source: str
    title: str
    agency: str
    district: str
    province: str
    assessment_year: int  # B.E.
    fiscal_year: int  # B.E.
    fiscal_year_start: date
    fiscal_year_end: date
    overall_score: float
    level: str
    indicators: tuple[Indicator, ...]
    analysis: tuple[TopicAnalysis, ...]
    topics: tuple[Topic, ...]
    limitations_heading: str
    limitations: tuple[Limitation, ...]

    def measures(self) -> Iterator[Measure]:
        """Every measure, in document order."""
        for topic in self.topics:
            yield from topic.measures

    def steps(self) -> Iterator[Step]:
        """Every step, in document order."""
        for measure in self.measures():
            yield from measure.steps

    def step(self, step_id: str) -> Step:
        """The step with this id; KeyError if there is none."""
        for step in self.steps():
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def units(self) -> tuple[str, ...]:
        """Every responsible unit once, in order of first mention."""
        return tuple(dict.fromkeys(unit for m in self.measures() for unit in m.units))

    def questions(self) -> Iterator[tuple[int, QuestionScore]]:
        """(topic id, question score) for every score in part 1, as written per topic."""
        for topic in self.analysis:
            for group in topic.groups:
                for question in group.questions:
                    yield topic.topic, question


# --- reading -------------------------------------------------------------------------


class _UniqueKeyLoader(_SafeLoader):
    """SafeLoader that refuses a key given twice: PyYAML would silently keep the last one."""


def _construct_mapping(loader: _SafeLoader, node: yaml.MappingNode) -> dict[object, object]:
    """A mapping, or a MarkedYAMLError at the repeated key."""
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _fail(path: str, problem: str) -> NoReturn:
    """Raise the PlanError for a YAML path."""
    raise PlanError(f"{path or '(top level)'}: {problem}")


def _kind(value: object) -> str:
    """A short name of a YAML value's type, for messages."""
    return "nothing" if value is None else type(value).__name__


class _Map:
    """A YAML mapping with its path; typed getters fail with the path of the bad field."""

    def __init__(self, value: object, path: str, required: str, optional: str = "") -> None:
        """Check the value is a mapping with all required keys and no unknown ones."""
        if not isinstance(value, dict):
            _fail(path, f"expected a mapping, got {_kind(value)}")
        self.data: dict[object, object] = value
        self.path = path
        needed, allowed = required.split(), optional.split()
        for key in self.data:
            if not isinstance(key, str):
                # YAML 1.1 reads bare no/yes/on/off as booleans, even as keys.
                _fail(path, f"field name {key!r} is not text; quote it")
            if key not in needed and key not in allowed:
                _fail(self.at(str(key)), "unknown field")
        for key in needed:
            if key not in self.data:
                _fail(self.at(key), "missing")

    def at(self, key: str) -> str:
        """The path of a field."""
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        """Whether an optional field is given (a bare `key:` counts as not given)."""
        return self.data.get(key) is not None

    def text(self, key: str) -> str:
        """A non-empty string."""
        value = self.data.get(key)
        if value is None:
            _fail(self.at(key), "missing")
        if not isinstance(value, str):
            _fail(self.at(key), f"expected text, got {_kind(value)}")
        if not value.strip():
            _fail(self.at(key), "empty")
        return value

    def opt_text(self, key: str) -> str | None:
        """A non-empty string, or None when absent."""
        return self.text(key) if self.has(key) else None

    def integer(self, key: str) -> int:
        """An integer (not a boolean)."""
        value = self.data.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            _fail(self.at(key), f"expected a whole number, got {_kind(value)}")
        return value

    def score(self, key: str) -> float:
        """A score from 0 to 100."""
        value = self.data.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool):
            _fail(self.at(key), f"expected a number, got {_kind(value)}")
        if not 0 <= value <= 100:
            _fail(self.at(key), f"{value} is not a score from 0 to 100")
        return float(value)

    def day(self, key: str) -> date:
        """An ISO date (YYYY-MM-DD), which YAML reads as a date."""
        value = self.data.get(key)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):  # reported below with the bad value
                value = date.fromisoformat(value)
        # datetime is a date subclass; a time of day has no place in a plan date.
        if not isinstance(value, date) or isinstance(value, datetime):
            _fail(self.at(key), f"expected an ISO date YYYY-MM-DD, got {value!r}")
        return value

    def tool(self, key: str) -> Tool:
        """IIT, EIT or OIT."""
        value = self.text(key)
        if value not in _TOOLS:
            _fail(self.at(key), f"expected one of {', '.join(_TOOLS)}, got {value!r}")
        return value

    def items(self, key: str, *, allow_empty: bool = False) -> list[tuple[object, str]]:
        """The elements of a list, each with its path ("topics[2]")."""
        value = self.data.get(key)
        if not isinstance(value, list):
            _fail(self.at(key), f"expected a list, got {_kind(value)}")
        if not value and not allow_empty:
            _fail(self.at(key), "empty list")
        return [(item, f"{self.at(key)}[{i}]") for i, item in enumerate(value)]

    def lines(self, key: str) -> tuple[int, ...]:
        """Source line numbers."""
        numbers = []
        for item, path in self.items(key):
            if not isinstance(item, int) or isinstance(item, bool) or item < 1:
                _fail(path, f"expected a line number, got {item!r}")
            numbers.append(item)
        return tuple(numbers)


def _squash(text: str) -> str:
    """Text with runs of spaces as one space, for containment checks."""
    return _SPACES.sub(" ", text).strip()


def _unique(seen: set[str], key: str, path: str, what: str) -> None:
    """Record an id, failing if it was already used."""
    if key in seen:
        _fail(path, f"duplicate {what} {key!r}")
    seen.add(key)


def _indicator(value: object, path: str) -> Indicator:
    """One row of the indicator table."""
    m = _Map(value, path, "number group name score")
    return Indicator(m.integer("number"), m.tool("group"), m.text("name"), m.score("score"))


def _question(value: object, path: str, tool: Tool) -> QuestionScore:
    """One question score; its id's letter must match the tool it is listed under."""
    m = _Map(value, path, "id score", "id_text score_text note")
    qid, score = m.text("id"), m.score("score")
    if not _QUESTION_ID.fullmatch(qid):
        _fail(m.at("id"), f"expected i…, e… or o… with a number, got {qid!r}")
    if _TOOL_OF_PREFIX[qid[0]] != tool:
        _fail(m.at("id"), f"{qid} is not an {tool} question")
    id_text, score_text = m.opt_text("id_text"), m.opt_text("score_text")
    if id_text is not None:
        # "๐15" / "015": the Thai zero or a digit zero written for the letter o.
        read = id_text.translate(_DIGITS)
        read = "o" + read[1:] if read.startswith("0") else read
        if read.lower() != qid:
            _fail(m.at("id_text"), f"{id_text!r} does not read as {qid}")
    if score_text is not None:
        try:
            written = float(score_text.translate(_DIGITS))
        except ValueError:
            _fail(m.at("score_text"), f"{score_text!r} is not a number")
        if written != score:
            _fail(m.at("score_text"), f"{score_text!r} is not {score}")
    return QuestionScore(qid, score, id_text, score_text, m.opt_text("note"))


def _analysis(value: object, path: str) -> TopicAnalysis:
    """Part 1 for one topic."""
    m = _Map(value, path, "topic heading number_text title_text source_lines groups", "note")
    groups = []
    for item, group_path in m.items("groups"):
        g = _Map(item, group_path, "tool finding questions", "note")
        tool = g.tool("tool")
        questions: list[QuestionScore] = []
        seen: set[str] = set()
        for item_q, q_path in g.items("questions"):
            questions.append(_question(item_q, q_path, tool))
            _unique(seen, questions[-1].id, f"{q_path}.id", "question")
        groups.append(ToolFindings(tool, g.text("finding"), tuple(questions), g.opt_text("note")))
    return TopicAnalysis(
        m.integer("topic"),
        m.text("heading"),
        m.text("number_text"),
        m.text("title_text"),
        m.lines("source_lines"),
        tuple(groups),
        m.opt_text("note"),
    )


def _windows(m: _Map, start: date, end: date) -> tuple[Window, ...]:
    """The several periods of a step, in order, spanning exactly start to end."""
    if not m.has("windows"):
        return ()
    windows: list[Window] = []
    for item, path in m.items("windows"):
        w = _Map(item, path, "start end")
        window = Window(w.day("start"), w.day("end"))
        if window.end < window.start:
            _fail(w.at("end"), "before its start")
        if windows and window.start <= windows[-1].end:
            _fail(w.at("start"), "overlaps or precedes the window before it")
        windows.append(window)
    if len(windows) < 2:
        _fail(m.at("windows"), "give windows only for two periods or more")
    if (windows[0].start, windows[-1].end) != (start, end):
        _fail(m.at("windows"), "must run from the step's start to its end")
    return tuple(windows)


def _step(value: object, path: str, measure_id: str) -> Step:
    """One step: dates consistent, quoted phrases found in the text, rule well-formed."""
    m = _Map(
        value,
        path,
        "id marker text period_text start end",
        "dates_text windows recurrence recurrence_text holiday_shift note",
    )
    step_id, marker = m.text("id"), m.text("marker")
    if not re.fullmatch(rf"{re.escape(measure_id)}\.[0-9]{{1,2}}", step_id):
        _fail(m.at("id"), f"expected {measure_id}.<number>, got {step_id!r}")
    if not _MARKER.fullmatch(marker):
        _fail(m.at("marker"), f"expected a step number like '3.' or '-', got {marker!r}")
    text, period_text = m.text("text"), m.text("period_text")
    start, end = m.day("start"), m.day("end")
    if end < start:
        _fail(m.at("end"), f"{end.isoformat()} is before start {start.isoformat()}")
    dates_text = m.opt_text("dates_text")
    if dates_text is not None and _squash(dates_text) not in _squash(period_text):
        _fail(m.at("dates_text"), "not found in period_text")
    recurrence, recurrence_text = m.opt_text("recurrence"), m.opt_text("recurrence_text")
    if (recurrence is None) != (recurrence_text is None):
        _fail(m.at("recurrence_text" if recurrence else "recurrence"), "missing")
    rule: Recurrence | None = None
    if recurrence is not None and recurrence_text is not None:
        try:
            rule = Recurrence.from_rule_string(recurrence)
        except ValueError:
            _fail(m.at("recurrence"), f"{recurrence!r} is not a recurrence rule string")
        if rule.to_rule_string() != recurrence:
            _fail(m.at("recurrence"), f"write it as {rule.to_rule_string()!r}")
        phrase = _squash(recurrence_text)
        if phrase not in _squash(period_text) and phrase not in _squash(text):
            _fail(m.at("recurrence_text"), "not found in period_text or text")
    holiday_shift = m.opt_text("holiday_shift")
    if holiday_shift is not None:
        if holiday_shift not in HOLIDAY_SHIFTS:
            _fail(m.at("holiday_shift"), f"expected one of {', '.join(HOLIDAY_SHIFTS)}")
        if rule is None or rule.kind != "monthly" or rule.day is None:
            _fail(m.at("holiday_shift"), "only a monthly rule on a fixed day can shift")
    return Step(
        step_id,
        marker,
        text,
        period_text,
        start,
        end,
        dates_text,
        _windows(m, start, end),
        recurrence,
        recurrence_text,
        holiday_shift,
        m.opt_text("note"),
    )


def _measure(value: object, path: str, topic_id: int) -> Measure:
    """One measure and its steps."""
    m = _Map(
        value,
        path,
        "id source_lines text responsible_text units period_cell steps",
        "note",
    )
    measure_id = m.text("id")
    if not re.fullmatch(rf"{topic_id}\.[0-9]{{1,2}}", measure_id):
        _fail(m.at("id"), f"expected {topic_id}.<number>, got {measure_id!r}")
    units = []
    for item, unit_path in m.items("units"):
        if not isinstance(item, str) or not item.strip():
            _fail(unit_path, f"expected a unit name, got {_kind(item)}")
        units.append(item)
    if len(set(units)) != len(units):
        _fail(m.at("units"), "a unit is listed twice")
    steps = tuple(_step(item, step_path, measure_id) for item, step_path in m.items("steps"))
    return Measure(
        measure_id,
        m.text("text"),
        m.text("responsible_text"),
        tuple(units),
        m.text("period_cell"),
        steps,
        m.lines("source_lines"),
        m.opt_text("note"),
    )


def _topic(value: object, path: str) -> Topic:
    """One topic of part 2."""
    m = _Map(value, path, "id title measures", "note")
    topic_id = m.integer("id")
    measures = tuple(_measure(item, p, topic_id) for item, p in m.items("measures"))
    return Topic(topic_id, m.text("title"), measures, m.opt_text("note"))


def _check_references(m: _Map, plan: ActionPlan) -> None:
    """Ids unique across the file; parts 1 and 3 refer only to topics of part 2."""
    topic_ids: set[str] = set()
    measure_ids: set[str] = set()
    step_ids: set[str] = set()
    for t, topic in enumerate(plan.topics):
        _unique(topic_ids, str(topic.id), f"topics[{t}].id", "topic")
        for i, measure in enumerate(topic.measures):
            measure_path = f"topics[{t}].measures[{i}]"
            _unique(measure_ids, measure.id, f"{measure_path}.id", "measure")
            for j, step in enumerate(measure.steps):
                _unique(step_ids, step.id, f"{measure_path}.steps[{j}].id", "step")
    numbers: set[str] = set()
    for i, indicator in enumerate(plan.indicators):
        _unique(numbers, str(indicator.number), f"indicators[{i}].number", "indicator")
    for key, refs in (
        ("analysis", [a.topic for a in plan.analysis]),
        ("limitations.items", [lim.topic for lim in plan.limitations]),
    ):
        seen: set[str] = set()
        for i, ref in enumerate(refs):
            _unique(seen, str(ref), f"{key}[{i}].topic", "topic")
            if str(ref) not in topic_ids:
                _fail(f"{key}[{i}].topic", f"no topic {ref} in topics")
    if plan.fiscal_year_end <= plan.fiscal_year_start:
        _fail(m.at("fiscal_year_end"), "not after fiscal_year_start")


def _plan(data: object) -> ActionPlan:
    """Build and check the plan from parsed YAML."""
    m = _Map(
        data,
        "",
        "schema_version source title agency district province assessment_year fiscal_year "
        "fiscal_year_start fiscal_year_end overall_score level indicators analysis topics "
        "limitations",
    )
    if m.integer("schema_version") != 1:
        _fail("schema_version", "only version 1 is known")
    lim = _Map(m.data["limitations"], "limitations", "heading items")
    limitations = []
    for item, path in lim.items("items"):
        entry = _Map(item, path, "topic heading text", "note")
        limitations.append(
            Limitation(
                entry.integer("topic"),
                entry.text("heading"),
                entry.text("text"),
                entry.opt_text("note"),
            )
        )
    plan = ActionPlan(
        schema_version=1,
        source=m.text("source"),
        title=m.text("title"),
        agency=m.text("agency"),
        district=m.text("district"),
        province=m.text("province"),
        assessment_year=m.integer("assessment_year"),
        fiscal_year=m.integer("fiscal_year"),
        fiscal_year_start=m.day("fiscal_year_start"),
        fiscal_year_end=m.day("fiscal_year_end"),
        overall_score=m.score("overall_score"),
        level=m.text("level"),
        indicators=tuple(_indicator(item, p) for item, p in m.items("indicators")),
        analysis=tuple(_analysis(item, p) for item, p in m.items("analysis")),
        topics=tuple(_topic(item, p) for item, p in m.items("topics")),
        limitations_heading=lim.text("heading"),
        limitations=tuple(limitations),
    )
    _check_references(m, plan)
    return plan


def plan_from_yaml(text: str, source: str = "<text>") -> ActionPlan:
    """The plan in YAML text; PlanError names the YAML path (or line) of the first problem."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise PlanError(f"{source}: not valid YAML: {problem}{where}") from None
    return _plan(data)


def load_plan(path: str | os.PathLike[str]) -> ActionPlan:
    """Read, parse and check a plan file (UTF-8 YAML); PlanError if anything is wrong."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError(f"{file}: cannot read the plan file: {error}") from None
    return plan_from_yaml(text, str(file))
