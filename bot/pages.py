"""The web pages: the officials' web view behind a signed link, and the public progress page.

Rows are loaded here (a few bounded queries for the groups a link names, never one per task),
`bot.overview` turns them into numbers, and Jinja2 templates in `bot/templates/` render them.
The web adapter only turns a `Page` into a response: nothing here knows Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bot import duties, export, store, texts
from bot.charts import month_chart
from bot.context import display_name
from bot.overview import (
    PASS_MARK,
    PlanRows,
    build_dashboard,
    build_public,
    fiscal_months,
)
from models.settings import Settings
from models.tables import (
    ChatGroup,
    Evidence,
    ItaScore,
    ProgressReport,
    Task,
    TaskKind,
    Topic,
    Unit,
)
from scheduler.duties import DutyProgress, progress
from scheduler.group_calendar import calendar_for
from scheduler.links import LinkExpired, LinkForged, read_dashboard_token
from scheduler.state import read_state, write_state
from scheduler.thaidate import format_date, format_month, to_be_year

PUBLISHED = "public_page.published"  # SystemState: "on" while the public page is published
HTML = "text/html; charset=utf-8"
# Everything a page shows comes from the bot: no script, font, image or style from elsewhere.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a signed link never leaves in a Referer header
}
_PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"}


@dataclass(frozen=True)
class Page:
    """A neutral HTTP answer for the web adapter: status, HTML, headers."""

    status: int
    body: str
    headers: Mapping[str, str] = field(default_factory=dict)
    mimetype: str = HTML


# --- Serving ----------------------------------------------------------------------------------


def dashboard(engine: Engine, settings: Settings, token: str, now: datetime) -> Page:
    """GET /dashboard/<token>: the web view of the groups the link names; 403 forged, 410 old."""
    try:
        group_ids = read_dashboard_token(settings.line_channel_secret, token, now)
    except LinkExpired:
        return _refusal(410, texts.PAGE_LINK_EXPIRED_TITLE, texts.PAGE_LINK_EXPIRED)
    except LinkForged:
        return _refusal(403, texts.PAGE_LINK_FORGED_TITLE, texts.PAGE_LINK_FORGED)
    today = now.astimezone(settings.timezone).date()
    with Session(engine) as session:
        rows = dashboard_rows(session, group_ids, settings.timezone)
    # Served by the bot itself, so the evidence links can be relative: no PUBLIC_BASE_URL needed.
    links = {
        item.id: export.evidence_url(settings.line_channel_secret, "", item.id, now=now)
        for item in rows.evidence
        if item.id is not None
    }
    view = build_dashboard(replace(rows, evidence_links=links), today, texts.STATUS_NO_TOPIC)
    chart = month_chart(view.months, texts.PAGE_MONTH_PLANNED, texts.PAGE_MONTH_DONE)
    body = _render(
        "dashboard.html",
        view=view,
        chart=Markup(chart),  # pygal's own SVG; every label in it is ours
        pass_mark=PASS_MARK,
        made_at=now.astimezone(settings.timezone),
    )
    return Page(200, body, {**_SECURITY_HEADERS, **_PRIVATE_HEADERS})


def public(engine: Engine, settings: Settings, slug: str, now: datetime) -> Page:
    """GET /public/<slug>: the plan's progress for anyone, once an admin has published it."""
    with Session(engine) as session:
        if slug != settings.agency_slug or not is_published(session):
            return _refusal(404, texts.PAGE_NOT_PUBLISHED_TITLE, texts.PAGE_NOT_PUBLISHED)
        rows = public_rows(session, settings.timezone)
    today = now.astimezone(settings.timezone).date()
    view = build_public(rows, today)
    body = _render("public.html", view=view, agency=settings.agency_name)
    # Published on purpose, so caches may keep it a little; the numbers change daily at most.
    return Page(200, body, {**_SECURITY_HEADERS, "Cache-Control": "public, max-age=300"})


def _refusal(status: int, title: str, message: str) -> Page:
    """A Thai page that says what went wrong and what to do; never a stack trace."""
    body = _render("refusal.html", status=status, title=title, message=message)
    return Page(status, body, {**_SECURITY_HEADERS, **_PRIVATE_HEADERS})


# --- Publishing -------------------------------------------------------------------------------


def is_published(session: Session) -> bool:
    """True while an admin has the public progress page turned on."""
    return read_state(session.connection(), PUBLISHED) == "on"


def set_published(session: Session, on: bool, now: datetime) -> None:
    """Turn the public progress page on or off (one fact per deployment: one agency)."""
    write_state(session.connection(), PUBLISHED, "on" if on else "", now)


def public_url(base_url: str, slug: str) -> str:
    """The page's stable address, for the agency's website."""
    return f"{base_url}/public/{slug}"


# --- Loading the rows -------------------------------------------------------------------------


def dashboard_rows(session: Session, group_ids: Sequence[int], tz: tzinfo) -> PlanRows:
    """Everything the web view needs about these groups' tasks, in a fixed number of queries."""
    groups = {
        group.id: group
        for group in session.exec(select(ChatGroup).where(col(ChatGroup.id).in_(group_ids)))
        if group.id is not None
    }
    seen_in: dict[int, int] = {}
    tasks: list[Task] = []
    for group_id, task in store.tasks_by_group(session, list(groups)):
        if task.id is not None and task.id not in seen_in:
            seen_in[task.id] = group_id
            tasks.append(task)
    task_ids = list(seen_in)
    owners = store.owner_ids(session, task_ids)
    reports = (
        list(session.exec(select(ProgressReport).where(col(ProgressReport.task_id).in_(task_ids))))
        if task_ids
        else []
    )
    evidence = (
        list(session.exec(select(Evidence).where(col(Evidence.task_id).in_(task_ids))))
        if task_ids
        else []
    )
    people = store.people(
        session,
        {person for ids in owners.values() for person in ids}
        | {report.reporter_id for report in reports},
    )
    return PlanRows(
        tasks=tasks,
        topics=_topics(session, {task.topic_id for task in tasks if task.topic_id}),
        units=_units(session, {task.unit_id for task in tasks if task.unit_id}),
        groups={group_id: _group_name(group) for group_id, group in groups.items()},
        seen_in=seen_in,
        owners=owners,
        names={person_id: display_name(person) for person_id, person in people.items()},
        reports=reports,
        evidence=evidence,
        duties=_duties(session, tasks),
        scores=_latest_scores(session),
        tz=tz,
    )


def public_rows(session: Session, tz: tzinfo) -> PlanRows:
    """The plan's measures and steps, their topics and units: nothing about people or chats."""
    tasks = list(
        session.exec(
            select(Task).where(
                col(Task.source_key).is_not(None),
                col(Task.kind).in_([TaskKind.MEASURE.value, TaskKind.STEP.value]),
            )
        )
    )
    return PlanRows(
        tasks=tasks,
        topics=_topics(session, {task.topic_id for task in tasks if task.topic_id}),
        units=_units(session, {task.unit_id for task in tasks if task.unit_id}),
        duties=_duties(session, tasks),
        tz=tz,
    )


def _topics(session: Session, topic_ids: set[int]) -> dict[int, Topic]:
    """Topics by id."""
    if not topic_ids:
        return {}
    found = session.exec(select(Topic).where(col(Topic.id).in_(topic_ids)))
    return {topic.id: topic for topic in found if topic.id is not None}


def _units(session: Session, unit_ids: set[int]) -> dict[int, str]:
    """Unit names by id."""
    if not unit_ids:
        return {}
    found = session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)))
    return {unit.id: unit.name for unit in found if unit.id is not None}


def _duties(session: Session, tasks: Iterable[Task]) -> dict[int, DutyProgress]:
    """Each monthly duty's months and those done: one query, and one calendar per group."""
    ruled = [(task, rule) for task in tasks if (rule := duties.rule_of(task)) is not None]
    if not ruled:
        return {}
    done = duties.done_periods(session, [task.id for task, _ in ruled if task.id is not None])
    group_ids = {task.group_id for task, _ in ruled if task.group_id is not None}
    groups = {
        group.id: group
        for group in session.exec(select(ChatGroup).where(col(ChatGroup.id).in_(group_ids)))
    }
    calendars = {group_id: calendar_for(session, group) for group_id, group in groups.items()}
    national = calendar_for(session, None)
    found = {}
    for task, rule in ruled:
        assert task.id is not None and task.repeat_until is not None
        first = task.repeat_from or task.start_date or task.repeat_until
        calendar = calendars.get(task.group_id, national) if task.group_id else national
        found[task.id] = progress(
            rule, first, task.repeat_until, calendar, done.get(task.id, frozenset())
        )
    return found


def _latest_scores(session: Session) -> list[ItaScore]:
    """The latest assessment's ITA scores (the plan answers the one before its fiscal year)."""
    year = session.exec(select(func.max(ItaScore.assessment_year))).one()
    if year is None:
        return []
    return list(session.exec(select(ItaScore).where(ItaScore.assessment_year == year)))


def _group_name(group: ChatGroup) -> str:
    """A group's name, or a neutral label until LINE has told us its name."""
    return group.name or texts.group_label("", group.line_group_id)


# --- Rendering --------------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    """The templates in the package, HTML-escaped, Thai dates as filters."""
    environment = Environment(
        loader=PackageLoader("bot", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["thaidate"] = _thai_date
    environment.filters["thaimonth"] = _thai_month
    environment.filters["be_year"] = to_be_year
    environment.filters["filesize"] = texts.file_size
    environment.globals["fiscal_months"] = fiscal_months
    return environment


def _render(template: str, **values: object) -> str:
    """A template rendered with `values`."""
    return _environment().get_template(template).render(**values)


def _thai_date(value: date | datetime | None, style: str = "short") -> str:
    """ "17 มิ.ย. 2567" (a datetime: its date, already in Bangkok time); "-" for none."""
    if value is None:
        return "-"
    day = value.date() if isinstance(value, datetime) else value
    return format_date(day, "long" if style == "long" else "short")


def _thai_month(value: str | tuple[int, int]) -> str:
    """ "มิ.ย. 2567" from "2024-06" or (2024, 6)."""
    year, month = (int(part) for part in value.split("-")) if isinstance(value, str) else value
    return format_month(year, month, "short")
