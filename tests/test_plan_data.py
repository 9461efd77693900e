"""data/ita-2566-plan.yaml: the transcription of the ITA 2566 analysis and FY2567 plan."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from statistics import mean
from typing import Any

import pytest
import yaml

from bot.plan.document import ActionPlan, PlanError, Step, load_plan
from bot.plan.ita_items import ITEMS_FILE, item_texts
from scheduler.recurrence import parse_recurrence
from scheduler.thaidate import ThaiDateError, parse_period, parse_periods

PLAN_FILE = Path(__file__).resolve().parent.parent / "data" / "ita-2566-plan.yaml"


@pytest.fixture(scope="module")
def plan() -> ActionPlan:
    """The real plan file, loaded and checked once."""
    return load_plan(PLAN_FILE)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The real plan file as plain YAML data, to break on purpose."""
    data = yaml.load(PLAN_FILE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    assert isinstance(data, dict)
    return data


# --- part 2: every step's dates, copied literally (a wrong edit of the file fails here) ---

STEP_DATES = [
    ("1.1.1", date(2023, 10, 1), date(2024, 3, 31)),
    ("1.1.2", date(2023, 10, 1), date(2024, 3, 31)),
    ("1.1.3", date(2023, 10, 1), date(2024, 3, 31)),
    ("1.2.1", date(2023, 12, 15), date(2024, 9, 15)),
    ("1.2.2", date(2023, 12, 15), date(2024, 9, 15)),
    ("1.3.1", date(2024, 4, 1), date(2024, 9, 30)),
    ("1.3.2", date(2024, 4, 1), date(2024, 9, 30)),
    ("1.4.1", date(2023, 10, 1), date(2024, 9, 30)),
    ("1.4.2", date(2023, 10, 1), date(2024, 9, 30)),
    ("2.1.1", date(2023, 10, 1), date(2024, 3, 31)),
    ("2.1.2", date(2023, 10, 1), date(2024, 3, 31)),
    ("2.1.3", date(2023, 10, 1), date(2024, 3, 31)),
    ("3.1.1", date(2024, 3, 13), date(2024, 3, 13)),
    ("3.1.2", date(2024, 3, 13), date(2024, 3, 13)),
    ("3.1.3", date(2023, 10, 1), date(2024, 9, 30)),
    ("3.1.4", date(2023, 10, 1), date(2023, 10, 31)),
    ("3.1.5", date(2023, 12, 1), date(2024, 9, 30)),
    ("4.1.1", date(2023, 12, 1), date(2023, 12, 31)),
    ("4.1.2", date(2023, 12, 1), date(2023, 12, 31)),
    ("4.1.3", date(2023, 12, 1), date(2023, 12, 31)),
    ("4.2.1", date(2023, 12, 1), date(2024, 6, 30)),
    ("4.2.2", date(2023, 12, 1), date(2024, 6, 30)),
    ("4.3.1", date(2024, 3, 1), date(2024, 3, 22)),
    ("4.3.2", date(2024, 3, 1), date(2024, 3, 22)),
    ("5.1.1", date(2023, 10, 1), date(2023, 10, 31)),
    ("5.1.2", date(2023, 10, 1), date(2024, 9, 30)),
    ("5.1.3", date(2023, 10, 1), date(2024, 9, 30)),
    ("6.1.1", date(2023, 9, 1), date(2023, 9, 30)),
    ("6.1.2", date(2023, 10, 1), date(2024, 4, 15)),
    ("6.1.3", date(2023, 10, 1), date(2023, 10, 15)),
    ("6.1.4", date(2023, 9, 1), date(2023, 9, 30)),
    ("6.1.5", date(2023, 10, 1), date(2023, 10, 15)),
    ("6.1.6", date(2023, 9, 1), date(2023, 9, 30)),
    ("6.1.7", date(2023, 10, 1), date(2024, 9, 30)),
    ("6.1.8", date(2023, 9, 1), date(2023, 9, 15)),
    ("6.1.9", date(2024, 2, 1), date(2024, 2, 22)),
    ("7.1.1", date(2023, 10, 1), date(2023, 10, 31)),
    ("7.1.2", date(2023, 10, 1), date(2024, 3, 31)),
    ("7.1.3", date(2023, 10, 1), date(2023, 10, 31)),
    ("7.1.4", date(2023, 12, 15), date(2023, 12, 31)),
    ("7.1.5", date(2024, 2, 1), date(2024, 2, 22)),
    ("7.1.6", date(2023, 10, 1), date(2023, 10, 31)),
    ("7.1.7", date(2023, 10, 1), date(2023, 10, 31)),
    ("7.1.8", date(2023, 10, 1), date(2023, 10, 31)),
]

# Steps whose written period does not give the stored dates; each has a note saying why.
UNPARSEABLE_AS_WRITTEN = {
    "1.4.1": "start written 1 ต.ค. 2567, after its end; 2566 meant",
    "1.4.2": "start written 1 ต.ค. 2567, after its end; 2566 meant",
    "3.1.3": "a month-end repeat with no dates; the fiscal year",
    "3.1.4": "OCR '6.ค.' read as ต.ค.",
    "5.1.2": "a month-end repeat with no dates; the fiscal year",
    "5.1.3": "'ภายใน 5 วัน' of each procurement, no dates; the fiscal year",
}

RECURRENCES = {
    "1.2.1": "monthly:day=15",
    "1.2.2": "monthly",
    "1.4.2": "month_end",
    "3.1.3": "month_end",
    "3.1.5": "month_end",
    "5.1.2": "month_end",
    "5.1.3": "within_days:5",
    "6.1.7": "monthly",
}


def test_the_file_loads_with_the_documents_shape(plan: ActionPlan) -> None:
    """Seven topics, twelve measures, 44 steps; the agency and plan year as written."""
    assert plan.agency == "เทศบาลเมืองสะเตงนอก"
    assert plan.province == "ยะลา"
    assert (plan.assessment_year, plan.fiscal_year) == (2566, 2567)
    assert (plan.fiscal_year_start, plan.fiscal_year_end) == (date(2023, 10, 1), date(2024, 9, 30))
    assert [topic.id for topic in plan.topics] == [1, 2, 3, 4, 5, 6, 7]
    assert [m.id for m in plan.measures()] == [
        *("1.1", "1.2", "1.3", "1.4", "2.1", "3.1"),
        *("4.1", "4.2", "4.3", "5.1", "6.1", "7.1"),
    ]
    assert [step.id for step in plan.steps()] == [row[0] for row in STEP_DATES]
    assert [lim.topic for lim in plan.limitations] == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(("step_id", "start", "end"), STEP_DATES)
def test_step_dates(plan: ActionPlan, step_id: str, start: date, end: date) -> None:
    """Each step's stored period is the one decided for it."""
    step = plan.step(step_id)
    assert (step.start, step.end) == (start, end)


def _read_dates(step: Step, default_year: int) -> tuple[date, date]:
    """The period scheduler.thaidate reads from the step's written dates."""
    text = step.dates_text or step.period_text
    if step.windows:
        periods = parse_periods(text, default_year=default_year)
        assert periods == [(w.start, w.end) for w in step.windows]
        return periods[0][0], periods[-1][1]
    return parse_period(text, default_year=default_year)


@pytest.mark.parametrize("step_id", [row[0] for row in STEP_DATES])
def test_written_period_gives_the_stored_dates(plan: ActionPlan, step_id: str) -> None:
    """The period as written parses to start/end, except the noted, listed exceptions."""
    step = plan.step(step_id)
    if step_id in UNPARSEABLE_AS_WRITTEN:
        assert step.note, f"{step_id} must say why its period is not read as written"
        try:
            read = _read_dates(step, plan.fiscal_year)
        except ThaiDateError:
            return
        assert read != (step.start, step.end), f"{step_id} parses now; drop it from the list"
    else:
        assert _read_dates(step, plan.fiscal_year) == (step.start, step.end)


def test_recurrences(plan: ActionPlan) -> None:
    """Exactly the repeating steps have rules, and each rule is what its Thai phrase says."""
    assert {s.id: s.recurrence for s in plan.steps() if s.recurrence} == RECURRENCES
    for step in plan.steps():
        if step.recurrence_text is not None:
            assert parse_recurrence(step.recurrence_text).to_rule_string() == step.recurrence
            assert step.rule is not None and step.rule.to_rule_string() == step.recurrence


def test_monthly_meeting(plan: ActionPlan) -> None:
    """Line 193: the meeting on the 15th, 15 ธ.ค. 2566 – 15 ก.ย. 2567, shifted off holidays."""
    meeting = plan.step("1.2.1")
    assert meeting.holiday_shift == "next_working_day_in_month"
    assert meeting.rule is not None
    dates = meeting.rule.occurrences(meeting.start, meeting.end)
    assert (len(dates), dates[0], dates[-1]) == (10, date(2023, 12, 15), date(2024, 9, 15))
    assert [s.id for s in plan.steps() if s.holiday_shift] == ["1.2.1"]


def test_units_one_entry_each(plan: ActionPlan) -> None:
    """Responsible units are listed one per entry, under one spelling each."""
    assert plan.units() == (
        "สำนักปลัดเทศบาล งานธุรการ",
        "สำนักปลัดเทศบาล งานประชาสัมพันธ์",
        "สำนักปลัดเทศบาล งานนิติการ",
        "สำนักปลัดเทศบาล งานการเจ้าหน้าที่",
        "งานพัสดุ/กองคลัง",
        "งานตรวจสอบภายใน",
    )
    measure = next(m for m in plan.measures() if m.id == "3.1")
    assert measure.responsible_text == "สำนักปลัดเทศบาล งานการเจ้าหน้าที่ งานประชาสัมพันธ์"
    assert measure.units == ("สำนักปลัดเทศบาล งานการเจ้าหน้าที่", "สำนักปลัดเทศบาล งานประชาสัมพันธ์")


def test_garbled_source_text_is_kept_and_noted(plan: ActionPlan) -> None:
    """Another municipality's name and OCR noise stay as written, each with a note."""
    assert "เทศบาลเมืองสงขลา" in plan.step("7.1.5").text
    assert "6.ค." in plan.step("3.1.4").period_text
    assert "มี.ย." in plan.step("4.2.1").period_text
    for step in plan.steps():
        if any(w in step.text + step.period_text for w in ("สงขลา", "สระเตง", "6.ค.", "มี.ย.")):
            assert step.note, step.id


# --- part 1 --------------------------------------------------------------------------

INDICATORS = [
    (1, "IIT", "การปฏิบัติหน้าที่", 93.60),
    (2, "IIT", "การใช้งบประมาณ", 80.28),
    (3, "IIT", "การใช้อำนาจ", 88.69),
    (4, "IIT", "การใช้ทรัพย์สินของราชการ", 82.71),
    (5, "IIT", "การแก้ปัญหาการทุจริต", 81.64),
    (6, "EIT", "คุณภาพการดำเนินงาน", 80.09),
    (7, "EIT", "ประสิทธิภาพการสื่อสาร", 73.50),
    (8, "EIT", "การปรับปรุงการทำงาน", 79.89),
    (9, "OIT", "การเปิดเผยข้อมูล", 100.00),
    (10, "OIT", "การป้องกันการทุจริต", 73.75),
]

QUESTIONS = [
    # (topic, id, score, id as written, score as written)
    (1, "i1", 85.93, None, None),
    (3, "e10", 10.00, None, None),  # the weakest EIT item
    (7, "e10", 97.37, None, None),  # the document contradicts itself; both kept
    (4, "o35", 0.00, "๐35", None),
    (7, "o35", 0.00, None, "00.00"),
    (7, "o42", 0.00, None, "00.00"),
    (7, "o43", 0.00, None, "00.00"),
    (2, "o15", 100.00, "๐15", None),
    (3, "o10", 100.00, "๐10", None),
    (5, "o22", 100.00, "๐22", None),
    (5, "i8", 52.98, None, None),
    (6, "i27", 78.82, None, None),
]


def test_overall_score_and_level(plan: ActionPlan) -> None:
    """Line 24: 83.72, ระดับต้องปรับปรุง."""
    assert plan.overall_score == 83.72
    assert plan.level == "ต้องปรับปรุง"


def test_indicators(plan: ActionPlan) -> None:
    """The ten indicators with their tools and scores, as in the table."""
    rows = [(i.number, i.group, i.name, i.score) for i in plan.indicators]
    assert rows == INDICATORS


def test_overall_score_is_the_weighted_tools(plan: ActionPlan) -> None:
    """ITA 2566 weighs IIT 30%, EIT 30%, OIT 40%: the indicators give back 83.72."""
    by_tool = {
        tool: mean(i.score for i in plan.indicators if i.group == tool)
        for tool in ("IIT", "EIT", "OIT")
    }
    weighted = 0.3 * by_tool["IIT"] + 0.3 * by_tool["EIT"] + 0.4 * by_tool["OIT"]
    assert abs(weighted - plan.overall_score) < 0.01


def test_iit_indicators_are_the_means_of_their_questions(plan: ActionPlan) -> None:
    """IIT questions i1–i30 in blocks of six average to indicators 1–5: a typo check."""
    score = {q.id: q.score for _, q in plan.questions() if q.tool == "IIT"}
    assert sorted(score, key=lambda qid: int(qid[1:])) == [f"i{n}" for n in range(1, 31)]
    for indicator in plan.indicators[:5]:
        first = 6 * (indicator.number - 1) + 1
        block = mean(score[f"i{n}"] for n in range(first, first + 6))
        assert abs(block - indicator.score) < 0.006, indicator


@pytest.mark.parametrize(("topic", "qid", "score", "id_text", "score_text"), QUESTIONS)
def test_question_scores(
    plan: ActionPlan,
    topic: int,
    qid: str,
    score: float,
    id_text: str | None,
    score_text: str | None,
) -> None:
    """Spot checks, with the Thai-digit and zero-padded spellings recorded."""
    (question,) = [q for t, q in plan.questions() if t == topic and q.id == qid]
    assert (question.score, question.id_text, question.score_text) == (score, id_text, score_text)


def test_weakest_questions(plan: ActionPlan) -> None:
    """Counted per topic as written: 102 scores; the weakest are o35, o42, o43, then e10."""
    scores = sorted(plan.questions(), key=lambda pair: pair[1].score)
    assert len(scores) == 102
    assert [(t, q.id) for t, q in scores[:5]] == [
        (4, "o35"),
        (7, "o35"),
        (7, "o42"),
        (7, "o43"),
        (3, "e10"),
    ]
    conflicting = {q.id for _, q in plan.questions() if q.note and "different score" in q.note}
    assert conflicting == {"e10", "e11", "e12"}


def test_every_topic_has_findings(plan: ActionPlan) -> None:
    """Part 1 covers the seven topics; every tool group carries its finding text."""
    assert [a.topic for a in plan.analysis] == [1, 2, 3, 4, 5, 6, 7]
    assert all(g.finding for a in plan.analysis for g in a.groups)
    assert [a.number_text for a in plan.analysis] == ["1.", "๒.", "๓", "๔", "๕", "๖", "๗"]


# --- the schema check ----------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _step_of(data: dict[str, Any], topic: int, measure: int, step: int) -> dict[str, Any]:
    """A step mapping by list positions."""
    found: dict[str, Any] = data["topics"][topic]["measures"][measure]["steps"][step]
    return found


def _set(key: str, value: object) -> Mutation:
    """Set a field of step topics[2].measures[0].steps[3]."""
    return lambda data: _step_of(data, 2, 0, 3).__setitem__(key, value)


BROKEN: list[tuple[str, Mutation, str]] = [
    (
        "missing period",
        lambda data: _step_of(data, 2, 0, 3).pop("period_text"),
        "topics[2].measures[0].steps[3].period_text: missing",
    ),
    (
        "end before start",
        _set("end", date(2023, 9, 30)),
        "topics[2].measures[0].steps[3].end: 2023-09-30 is before start 2023-10-01",
    ),
    (
        "not a date",
        _set("start", "1 ต.ค. 2566"),
        "topics[2].measures[0].steps[3].start: expected an ISO date YYYY-MM-DD",
    ),
    (
        "misspelt field",
        lambda data: _step_of(data, 2, 0, 3).__setitem__("peroid", "x"),
        "topics[2].measures[0].steps[3].peroid: unknown field",
    ),
    (
        "bad rule",
        lambda data: _step_of(data, 0, 1, 0).__setitem__("recurrence", "monthly:day=32"),
        "topics[0].measures[1].steps[0].recurrence: 'monthly:day=32' is not a recurrence rule",
    ),
    (
        "rule phrase not in the text",
        lambda data: _step_of(data, 4, 0, 1).__setitem__("recurrence_text", "ทุกวันจันทร์"),
        "topics[4].measures[0].steps[1].recurrence_text: not found in period_text or text",
    ),
    (
        "step id outside its measure",
        _set("id", "3.2.4"),
        "topics[2].measures[0].steps[3].id: expected 3.1.<number>, got '3.2.4'",
    ),
    (
        "duplicate step id",
        _set("id", "3.1.1"),
        "topics[2].measures[0].steps[3].id: duplicate step '3.1.1'",
    ),
    (
        "score out of range",
        lambda data: data["indicators"][9].__setitem__("score", 173.75),
        "indicators[9].score: 173.75 is not a score from 0 to 100",
    ),
    (
        "question under the wrong tool",
        lambda data: data["analysis"][6]["groups"][2]["questions"][0].__setitem__("id", "e27"),
        "analysis[6].groups[2].questions[0].id: e27 is not an OIT question",
    ),
    (
        "original spelling disagrees",
        lambda data: data["analysis"][6]["groups"][2]["questions"][7].__setitem__(
            "score_text", "10.00"
        ),
        "analysis[6].groups[2].questions[7].score_text: '10.00' is not 0.0",
    ),
    (
        "empty unit",
        lambda data: data["topics"][0]["measures"][0]["units"].append(" "),
        "topics[0].measures[0].units[1]: expected a unit name",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [pytest.param(mutate, message, id=name) for name, mutate, message in BROKEN],
)
def test_schema_errors_name_the_path(
    tmp_path: Path, raw: dict[str, Any], mutate: Mutation, message: str
) -> None:
    """A broken copy of the real file is refused with the YAML path of the bad field."""
    data = copy.deepcopy(raw)
    mutate(data)
    broken = tmp_path / "plan.yaml"
    broken.write_text(
        yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    with pytest.raises(PlanError) as error:
        load_plan(broken)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("agency: a\nagency: b\n", "duplicate key 'agency' (line 2"),
        ("topics: [\n", "not valid YAML"),
        ("- just a list\n", "(top level): expected a mapping, got list"),
        ("no: 1\n", "(top level): field name False is not text; quote it"),
        ("schema_version: 1\n", "source: missing"),
    ],
)
def test_unreadable_files(tmp_path: Path, text: str, message: str) -> None:
    """YAML-level problems and a wrong top level are PlanErrors too."""
    broken = tmp_path / "plan.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as error:
        load_plan(broken)
    assert message in str(error.value)


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is a PlanError naming it."""
    with pytest.raises(PlanError, match=r"nowhere\.yaml"):
        load_plan(tmp_path / "nowhere.yaml")


def test_the_ita_item_texts_cover_every_scored_question_and_say_how_sure_they_are() -> None:
    document = yaml.safe_load(ITEMS_FILE.read_text(encoding="utf-8"))
    entries = {item["code"]: item for item in document["items"]}
    assert len(entries) == 88  # i1–i30, e1–e15, o1–o43
    assert {item["status"] for item in entries.values()} <= {
        "confirmed",
        "unconfirmed",
        "not found",
    }
    assert all(item["source"] for item in entries.values() if item["status"] == "confirmed")
    plan = load_plan(PLAN_FILE)
    scored = {
        question.id
        for topic in plan.analysis
        for group in topic.groups
        for question in group.questions
    }
    assert scored <= set(entries)
    texts = item_texts()
    assert texts["o1"] and "e10" not in texts  # texts only where one was found
