"""The monthly progress report as an .xlsx workbook, and the signed links that download it
and the evidence files it lists."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from io import BytesIO
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import duties, store, texts
from bot.context import display_name
from bot.evidence_store import StorageError, store_for
from bot.plan.importer import plan_id
from models.db import session_scope
from models.settings import Settings
from models.tables import (
    ChatGroup,
    Evidence,
    ProgressReport,
    Task,
    TaskKind,
    TaskOccurrence,
    TaskStatus,
    TaskUnit,
    Topic,
    Unit,
)
from scheduler.duties import DutyProgress
from scheduler.recurrence import Recurrence
from scheduler.thaidate import format_date, format_month, format_period, to_be_year

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_LINK_LIFETIME = timedelta(hours=24)
# Where people download from (e.g. https://tidtam.example.go.th); links are base + /exports/….
_SALT = "tidtam.export.v1"
_EVIDENCE_SALT = "tidtam.evidence.v1"  # an evidence link is not a report link, nor the reverse


# --- What to report, and the signed link that carries it ------------------------------


@dataclass(frozen=True)
class ReportScope:
    """One month's report of one group (or of every group when group_id is None)."""

    year: int  # C.E.
    month: int
    group_id: int | None = None

    @property
    def month_key(self) -> str:
        """ "2024-03", as progress reports store the month."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        """The month's first day."""
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        """The month's last day."""
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def filename(self) -> str:
        """An ASCII file name with the B.E. month: "tidtam-report-2567-03.xlsx"."""
        return f"tidtam-report-{to_be_year(self.year)}-{self.month:02d}.xlsx"


class ExportLinkError(Exception):
    """A download link that cannot be honoured; `status` is the HTTP answer."""

    status = 403
    answer = texts.EXPORT_LINK_INVALID


class ExportLinkExpired(ExportLinkError):
    """A genuine link past its lifetime."""

    status = 410
    answer = texts.EXPORT_LINK_EXPIRED


def _serializer(secret: str, now: datetime, salt: str = _SALT) -> URLSafeTimedSerializer:
    """A serializer whose timestamps come from `now` (time is a parameter, also here)."""

    class _Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(now.timestamp())

    return URLSafeTimedSerializer(secret, salt=salt, signer=_Signer)


def make_token(secret: str, scope: ReportScope, *, now: datetime) -> str:
    """A URL-safe token naming the report, signed with the channel secret and stamped `now`."""
    payload = {"m": scope.month_key, "g": scope.group_id}
    return str(_serializer(secret, now).dumps(payload))


def read_token(
    secret: str, token: str, *, now: datetime, lifetime: timedelta = DEFAULT_LINK_LIFETIME
) -> ReportScope:
    """The report a token names; ExportLinkExpired when too old, ExportLinkError when forged."""
    try:
        payload = _serializer(secret, now).loads(token, max_age=int(lifetime.total_seconds()))
    except SignatureExpired:
        raise ExportLinkExpired from None
    except BadSignature:
        raise ExportLinkError from None
    try:
        year, month = (int(part) for part in str(payload["m"]).split("-"))
        group_id = payload["g"]
        if group_id is not None and not isinstance(group_id, int):
            raise ValueError(group_id)
        return ReportScope(year, month, group_id)
    except (KeyError, TypeError, ValueError):  # signed by us but not a report: refuse
        raise ExportLinkError from None


def download_url(base_url: str, token: str) -> str:
    """The link people tap."""
    return f"{base_url}/exports/{token}"


class EvidenceLinkError(ExportLinkError):
    """An evidence link that was not signed by us (or names no evidence)."""

    answer = texts.EVIDENCE_LINK_INVALID


class EvidenceLinkExpired(EvidenceLinkError):
    """A genuine evidence link past its lifetime."""

    status = 410
    answer = texts.EVIDENCE_LINK_EXPIRED


def evidence_url(secret: str, base_url: str, evidence_id: int, *, now: datetime) -> str:
    """A signed link to one evidence file, stamped `now` (it expires like a report link)."""
    token = str(_serializer(secret, now, _EVIDENCE_SALT).dumps({"e": evidence_id}))
    return f"{base_url}/evidence/{token}"


def read_evidence_token(
    secret: str, token: str, *, now: datetime, lifetime: timedelta = DEFAULT_LINK_LIFETIME
) -> int:
    """The evidence id a token names; EvidenceLinkExpired when too old, EvidenceLinkError
    when forged."""
    serializer = _serializer(secret, now, _EVIDENCE_SALT)
    try:
        payload = serializer.loads(token, max_age=int(lifetime.total_seconds()))
    except SignatureExpired:
        raise EvidenceLinkExpired from None
    except BadSignature:
        raise EvidenceLinkError from None
    evidence_id = payload.get("e") if isinstance(payload, dict) else None
    if not isinstance(evidence_id, int):
        raise EvidenceLinkError
    return evidence_id


@dataclass(frozen=True)
class Download:
    """A neutral HTTP answer for the web adapter: status, body, type and file name."""

    status: int
    body: bytes
    mimetype: str
    filename: str | None = None


def download(engine: Engine, settings: Settings, token: str, now: datetime) -> Download:
    """Answer GET /exports/<token>: the workbook, or a Thai refusal (403 forged, 410 expired)."""
    try:
        scope = read_token(settings.line_channel_secret, token, now=now)
    except ExportLinkError as error:
        return Download(error.status, error.answer.encode(), "text/plain; charset=utf-8")
    with session_scope(engine) as session:
        body = monthly_report(
            session, scope, now=now, tz=settings.timezone, link=evidence_linker(settings, now)
        )
    return Download(200, body, XLSX_MIMETYPE, scope.filename)


def evidence_linker(settings: Settings, now: datetime) -> Callable[[int], str] | None:
    """Signed links to evidence files, or None without PUBLIC_BASE_URL (names only then)."""
    base_url = settings.public_base_url
    if base_url is None:
        return None
    secret = settings.line_channel_secret
    return lambda evidence_id: evidence_url(secret, base_url, evidence_id, now=now)


def download_evidence(engine: Engine, settings: Settings, token: str, now: datetime) -> Download:
    """Answer GET /evidence/<token>: the file's bytes, or a Thai refusal (403, 410, 404)."""
    plain = "text/plain; charset=utf-8"
    try:
        evidence_id = read_evidence_token(settings.line_channel_secret, token, now=now)
    except ExportLinkError as error:
        return Download(error.status, error.answer.encode(), plain)
    with session_scope(engine) as session:
        row = session.get(Evidence, evidence_id)
        found = (row.storage_key, row.content_type, row.file_name) if row else None
    if found is None:
        return Download(404, texts.EVIDENCE_GONE.encode(), plain)
    key, content_type, file_name = found
    try:
        body = store_for(settings).get(key)
    except StorageError:  # ObjectMissing included: the row outlived its bytes
        return Download(404, texts.EVIDENCE_GONE.encode(), plain)
    return Download(200, body, content_type, file_name)


# --- The rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportLine:
    """One row of the report sheet (a task row, a topic heading, or a further report)."""

    number: str = ""
    title: str = ""
    period: str = ""
    unit: str = ""
    owners: str = ""
    status: str = ""
    progress: int | None = None
    reporter: str = ""
    reported_at: str = ""
    reported_percent: int | None = None
    report_text: str = ""
    evidence: tuple[str, ...] = ()  # one signed link per file (its name without a base URL)
    level: str = "task"  # "topic", "measure", "step", "task" or "report"
    late: bool = False

    def cells(self) -> list[Any]:
        """The row's cells in column order."""
        return [
            self.number,
            self.title,
            self.period,
            self.unit,
            self.owners,
            self.status,
            self.progress,
            self.reporter,
            self.reported_at,
            self.reported_percent,
            self.report_text,
            "\n".join(self.evidence),
        ]


@dataclass(frozen=True)
class LateLine:
    """One late item: open past its due date on the report's date."""

    number: str
    title: str
    unit: str
    owners: str
    due: str
    days_late: int


@dataclass(frozen=True)
class MonthlyReport:
    """The whole report, ready to write."""

    title: str
    subtitle: str
    lines: list[ReportLine]
    late: list[LateLine]


def build_report(
    session: Session,
    scope: ReportScope,
    *,
    now: datetime,
    tz: tzinfo,
    link: Callable[[int], str] | None = None,
) -> MonthlyReport:
    """The rows of one month's report: by topic, measure, step; the month's reports; late items.

    `link` makes each evidence file's download link (without it the cell names the files).
    """
    today = now.astimezone(tz).date()
    as_of = min(scope.last_day, today)
    tasks = [task for task in _tasks_in_scope(session, scope) if _belongs(task, scope, tz)]
    task_ids = [task.id for task in tasks if task.id is not None]
    # Evidence kept by the report's date: a later month's report lists what came since.
    month_end = datetime.combine(scope.last_day + timedelta(days=1), datetime.min.time(), tz)
    evidence = {
        task_id: tuple(
            link(row.id) if link is not None and row.id is not None else row.file_name
            for row in rows
            if row.created_at < month_end
        )
        for task_id, rows in store.evidence_of(session, task_ids).items()
    }
    owner_map = store.owner_ids(session, task_ids)
    reports = _reports(session, task_ids, scope.month_key)
    persons = store.people(
        session,
        [pid for ids in owner_map.values() for pid in ids] + [r.reporter_id for r in reports],
    )
    units = _responsible_units(session, tasks)
    topic_ids = {task.topic_id for task in tasks if task.topic_id is not None}
    topics = (
        list(session.exec(select(Topic).where(col(Topic.id).in_(topic_ids)))) if topic_ids else []
    )
    topics.sort(key=lambda topic: (topic.fiscal_year, topic.number))
    reports_by_task: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in reports:
        reports_by_task[report.task_id].append(report)
    duty_as_of = _duties_as_of(session, tasks, as_of, tz)
    children: dict[int | None, list[Task]] = defaultdict(list)
    in_scope = {task.id for task in tasks}
    for task in tasks:
        children[task.parent_id if task.parent_id in in_scope else None].append(task)

    def names(task: Task) -> str:
        assert task.id is not None
        return ", ".join(
            display_name(persons[p]) for p in owner_map.get(task.id, []) if p in persons
        )

    def task_lines(task: Task, level: str) -> list[ReportLine]:
        assert task.id is not None
        kids = sorted(children.get(task.id, []), key=_order)
        status = (
            texts.report_measure_status(
                sum(_done_by(kid, as_of, tz) for kid in kids if kid.kind == TaskKind.STEP.value),
                sum(kid.kind == TaskKind.STEP.value for kid in kids),
            )
            if level == "measure"
            else _status(task, as_of, tz)
        )
        own_reports = sorted(reports_by_task.get(task.id, []), key=lambda r: r.reported_at)
        first = own_reports[0] if own_reports else None
        period, late_now = _period(task), level != "measure" and _late(task, as_of, tz)
        duty = duty_as_of.get(task.id)
        if duty is not None:
            period, status, late_now = _duty_cells(duty, scope, as_of, period)
        lines = [
            ReportLine(
                number=plan_id(task) or f"#{task.id}",
                title=task.title,
                period=period,
                unit=units.get(task.id, ""),
                owners=names(task),
                status=status,
                late=late_now,
                progress=None if level == "measure" else _progress(task, own_reports, as_of, tz),
                level=level,
                evidence=evidence.get(task.id, ()),
                **_report_cells(first, persons, tz),
            )
        ]
        lines += [
            ReportLine(level="report", **_report_cells(extra, persons, tz))
            for extra in own_reports[1:]
        ]
        for kid in kids:
            lines += task_lines(kid, kid.kind if kid.kind != TaskKind.MEASURE.value else "measure")
        return lines

    lines: list[ReportLine] = []
    roots = sorted(children.get(None, []), key=_order)
    for topic in topics:
        lines.append(ReportLine(title=texts.report_topic(topic.number, topic.title), level="topic"))
        for task in roots:
            if task.topic_id == topic.id:
                lines += task_lines(task, task.kind)
    others = [task for task in roots if task.topic_id is None]
    if others:
        lines.append(ReportLine(title=texts.REPORT_OTHER_TASKS, level="topic"))
        for task in others:
            lines += task_lines(task, task.kind)

    def late_due(task: Task) -> date | None:
        """When a late item fell due: a duty's oldest late month, else the due date."""
        duty = duty_as_of.get(task.id)
        if duty is not None:
            overdue = duty.late(as_of)
            return overdue[0].due if overdue else None
        return task.due_date if _late(task, as_of, tz) else None

    late = [
        LateLine(
            number=plan_id(task) or f"#{task.id}",
            title=task.title,
            unit=units.get(task.id, ""),
            owners=names(task),
            due=format_date(due),
            days_late=(as_of - due).days,
        )
        for task, due in sorted(
            ((task, late_due(task)) for task in tasks if task.kind != TaskKind.MEASURE.value),
            key=lambda pair: (pair[1] or date.max, _order(pair[0])),
        )
        if due is not None
    ]
    scope_label = texts.EXPORT_SCOPE_ALL
    if scope.group_id is not None:
        group = session.get(ChatGroup, scope.group_id)
        scope_label = (
            texts.group_label(group.name, group.line_group_id)
            if group
            else texts.EXPORT_SCOPE_GROUP
        )
    return MonthlyReport(
        title=texts.report_title(format_month(scope.year, scope.month)),
        subtitle=texts.report_subtitle(format_date(as_of), scope_label, _moment(now, tz)),
        lines=lines,
        late=late,
    )


def _tasks_in_scope(session: Session, scope: ReportScope) -> list[Task]:
    """The group's tasks (with plan items shared in), or every task of the agency, once."""
    if scope.group_id is not None:
        return store.tasks_in_groups(session, [scope.group_id])
    return list(session.exec(select(Task)))


def _responsible_units(session: Session, tasks: list[Task]) -> dict[int | None, str]:
    """Each task's responsible units as the unit column shows them: the lead first."""
    names = {unit.id: unit.name for unit in session.exec(select(Unit))}
    shown = {task.id: [task.unit_id] if task.unit_id else [] for task in tasks}
    # Co-responsibilities are a few plan items: read them all rather than list every task id.
    links = session.exec(
        select(TaskUnit).where(~col(TaskUnit.is_lead)).order_by(col(TaskUnit.unit_id))
    )
    for link in links:
        if link.task_id in shown and link.unit_id not in shown[link.task_id]:
            shown[link.task_id].append(link.unit_id)
    return {
        task_id: ", ".join(names.get(unit_id, "") for unit_id in unit_ids)
        for task_id, unit_ids in shown.items()
    }


def _belongs(task: Task, scope: ReportScope, tz: tzinfo) -> bool:
    """Plan items always; a chat task when it existed that month and was not finished before."""
    if task.source_key:
        return True
    if task.created_at.astimezone(tz).date() > scope.last_day:
        return False
    return task.done_at is None or task.done_at.astimezone(tz).date() >= scope.first_day


def _reports(session: Session, task_ids: list[int], month: str) -> list[ProgressReport]:
    """The month's progress reports of these tasks."""
    if not task_ids:
        return []
    statement = select(ProgressReport).where(
        col(ProgressReport.task_id).in_(task_ids), ProgressReport.month == month
    )
    return list(session.exec(statement))


def _order(task: Task) -> tuple[tuple[int, ...], int]:
    """Plan items in plan order ("1.2" before "1.10"), chat tasks after them by number."""
    written = plan_id(task)
    parts = tuple(int(p) for p in written.split(".") if p.isdigit()) if written else (10**6,)
    return parts, task.id or 0


def _period(task: Task) -> str:
    """The task's dates in Thai B.E., with its repeat rule."""
    if task.due_date is None:
        return texts.NO_DATE
    # A duty's due date is its current month's; its period runs to the end of its range.
    end = task.repeat_until if task.repeat_until and task.recurrence else task.due_date
    period = format_period(task.start_date or task.repeat_from or task.due_date, end)
    rule = None
    if task.recurrence:
        try:
            rule = Recurrence.from_rule_string(task.recurrence).describe()
        except ValueError:
            rule = None
    return texts.report_period(period, rule)


def _duties_as_of(
    session: Session, tasks: list[Task], as_of: date, tz: tzinfo
) -> dict[int | None, DutyProgress]:
    """The recurring duties among `tasks`, with the months done by the end of `as_of`."""
    recurring = [task for task in tasks if task.id is not None and duties.rule_of(task)]
    if not recurring:
        return {}
    done: dict[int, set[str]] = defaultdict(set)
    rows = session.exec(
        select(TaskOccurrence).where(
            col(TaskOccurrence.task_id).in_([task.id for task in recurring])
        )
    )
    for row in rows:
        if row.done_at.astimezone(tz).date() <= as_of:
            done[row.task_id].add(row.period)
    found: dict[int | None, DutyProgress] = {}
    for task in recurring:
        assert task.id is not None
        duty = duties.progress_of(session, task, frozenset(done[task.id]))
        if duty is not None:
            found[task.id] = duty
    return found


def _duty_cells(
    duty: DutyProgress, scope: ReportScope, as_of: date, period: str
) -> tuple[str, str, bool]:
    """A duty's period (with months done and late), its status for the month, late or not."""
    overdue = duty.late(as_of)
    months = [format_month(o.year, o.month, "short") for o in overdue]
    period = f"{period}\n{texts.duty_progress(duty.done_count, duty.total, months)}"
    this_month = duty.find(scope.year, scope.month)
    if this_month is None:
        status = texts.REPORT_STATUS_NO_OCCURRENCE
    elif this_month.period in duty.done:
        status = texts.report_status_month_done(format_month(scope.year, scope.month, "short"))
    elif this_month.due < as_of:
        status = texts.report_status_late((as_of - this_month.due).days)
    else:
        status = texts.REPORT_STATUS_IN_PROGRESS
    return period, status, bool(overdue)


def _done_by(task: Task, day: date, tz: tzinfo) -> bool:
    """Whether the task was done by the end of `day`."""
    return (
        task.status == TaskStatus.DONE.value
        and task.done_at is not None
        and task.done_at.astimezone(tz).date() <= day
    )


def _open_on(task: Task, day: date, tz: tzinfo) -> bool:
    """Whether the task was still to do on `day` (not done by then, not cancelled)."""
    return task.status != TaskStatus.CANCELLED.value and not _done_by(task, day, tz)


def _late(task: Task, as_of: date, tz: tzinfo) -> bool:
    """Open past its due date on the report's date."""
    return task.due_date is not None and task.due_date < as_of and _open_on(task, as_of, tz)


def _status(task: Task, as_of: date, tz: tzinfo) -> str:
    """A task's status on the report's date."""
    if _done_by(task, as_of, tz):
        assert task.done_at is not None
        return texts.report_status_done(format_date(task.done_at.astimezone(tz).date()))
    if task.status == TaskStatus.CANCELLED.value:
        return texts.REPORT_STATUS_CANCELLED
    if task.due_date is not None and task.due_date < as_of:
        return texts.report_status_late((as_of - task.due_date).days)
    if task.start_date is not None and task.start_date > as_of:
        return texts.REPORT_STATUS_NOT_STARTED
    return texts.REPORT_STATUS_IN_PROGRESS


def _progress(task: Task, reports: list[ProgressReport], as_of: date, tz: tzinfo) -> int | None:
    """Percent on the report's date: 100 when done, else the month's last reported percent."""
    if _done_by(task, as_of, tz):
        return 100
    percents = [report.percent for report in reports if report.percent is not None]
    return percents[-1] if percents else None


def _report_cells(
    report: ProgressReport | None, persons: dict[int, Any], tz: tzinfo
) -> dict[str, Any]:
    """The report columns of a row."""
    if report is None:
        return {}
    person = persons.get(report.reporter_id)
    return {
        "reporter": display_name(person) if person else "",
        "reported_at": _moment(report.reported_at, tz),
        "reported_percent": report.percent,
        "report_text": report.text,
    }


def _moment(moment: datetime, tz: tzinfo) -> str:
    """ "5 มี.ค. 2567 14:30" in the bot's time zone."""
    local = moment.astimezone(tz)
    return f"{format_date(local.date())} {local:%H:%M}"


# --- The workbook -----------------------------------------------------------------------

_WIDTHS = (9, 60, 30, 28, 24, 20, 12, 20, 18, 12, 50, 60)
_LATE_WIDTHS = (9, 60, 28, 24, 14, 12)
_TOPIC_FILL = PatternFill("solid", fgColor="DDEBF7")
_MEASURE_FILL = PatternFill("solid", fgColor="F2F2F2")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_LATE_FONT = Font(color="C00000")


def monthly_report(
    session: Session,
    scope: ReportScope,
    *,
    now: datetime,
    tz: tzinfo,
    link: Callable[[int], str] | None = None,
) -> bytes:
    """The month's report as .xlsx bytes (sheet 1 the plan and its reports, sheet 2 late items)."""
    return write_workbook(build_report(session, scope, now=now, tz=tz, link=link))


def write_workbook(report: MonthlyReport) -> bytes:
    """Write a report: title rows, a frozen header, wrapped Thai text, late items in red."""
    book = Workbook()
    # A new workbook always has its one worksheet; name it instead of adding a second.
    sheet = book.worksheets[0]
    sheet.title = texts.REPORT_SHEET
    _heading(sheet, report, texts.REPORT_COLUMNS, _WIDTHS)
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in report.lines:
        sheet.append(line.cells())
        row = sheet[sheet.max_row]
        for cell in row:
            cell.alignment = wrap
        if line.level == "topic":
            sheet.merge_cells(
                start_row=sheet.max_row, start_column=2, end_row=sheet.max_row, end_column=6
            )
            for cell in row:
                cell.fill, cell.font = _TOPIC_FILL, Font(bold=True)
        elif line.level == "measure":
            for cell in row:
                cell.fill, cell.font = _MEASURE_FILL, Font(bold=True)
        elif line.late:
            row[5].font = _LATE_FONT
        if line.evidence and line.evidence[0].startswith("http"):
            # A cell takes one hyperlink: the first file's; every link is in its text.
            row[len(_WIDTHS) - 1].hyperlink = line.evidence[0]

    late = book.create_sheet(texts.REPORT_LATE_SHEET)
    _heading(late, report, texts.REPORT_LATE_COLUMNS, _LATE_WIDTHS)
    for item in report.late:
        late.append([item.number, item.title, item.unit, item.owners, item.due, item.days_late])
        for cell in late[late.max_row]:
            cell.alignment = wrap
    if not report.late:
        late.append(["", texts.REPORT_NO_LATE])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _heading(
    sheet: Any, report: MonthlyReport, columns: tuple[str, ...], widths: tuple[int, ...]
) -> None:
    """Title, subtitle, a blank row and the column header (frozen below it)."""
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([report.subtitle])
    sheet.append([])
    sheet.append(list(columns))
    for cell in sheet[4]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A5"
