"""`สถานะ`: per topic, what is done, open and late, and who has not reported this month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain

from sqlmodel import Session, col, select

from bot import duties, store, texts
from bot.cards import TopicCard, status_card
from bot.commands.tasks import task_buttons
from bot.context import SUPERVISORS, Context, display_name
from bot.router import Reply, command
from models.tables import Task, TaskKind, TaskStatus, Topic
from scheduler.links import dashboard_link
from scheduler.messages import Message, with_quick_replies
from scheduler.summary_card import MAX_URGENT, TopicBar, UrgentItem, summary_card
from scheduler.thaidate import format_month

MAX_LATE_LINES = 8
MAX_LATE_WITH_BUTTONS = 3  # the latest three get their buttons under the card (13 at most)
BUSY_AFTER = 10  # more late tasks than this in a group: one short card instead of a carousel


@command("สถานะ", "status", usage="สถานะ")
def status(ctx: Context) -> Reply:
    """ดูสรุปงานตามประเด็น: เสร็จ ค้าง เลยกำหนด และใครยังไม่รายงานเดือนนี้"""
    if ctx.group is not None:
        scope, group_ids = texts.STATUS_SCOPE_GROUP, ctx.visible_group_ids()
    elif ctx.role in SUPERVISORS:
        scope = texts.STATUS_SCOPE_ALL
        group_ids = [g.id for g in store.active_groups(ctx.session) if g.id is not None]
    else:
        scope, group_ids = texts.STATUS_SCOPE_MINE, ctx.visible_group_ids()
        if not group_ids:
            return texts.NOT_IN_ANY_GROUP
    tasks = [
        task
        for task in store.tasks_in_groups(ctx.session, group_ids)
        if task.kind != TaskKind.MEASURE.value
    ]
    if not tasks:
        return texts.STATUS_EMPTY
    month_label = format_month(ctx.today.year, ctx.today.month)
    topics = summarize(ctx.session, tasks, ctx.today, ctx.month, texts.STATUS_NO_TOPIC)
    cards = [_topic_card(topic, month_label) for topic in topics]
    totals = (
        sum(t.done for t in topics),
        sum(t.open for t in topics),
        sum(len(t.late) for t in topics),
    )
    alt = texts.status_alt(scope, *totals)
    late_count = totals[2]
    if ctx.group is not None and late_count > BUSY_AFTER:
        card = _busy_card(ctx, scope, topics, totals, alt)
    else:
        card = status_card(texts.status_title(scope), cards, alt)
    if ctx.group is None:
        return card  # across groups, a task may be one the asker cannot act on from here
    by_number = {task.id: task for task in tasks}
    latest = sorted(
        (late for topic in topics for late in topic.late), key=lambda item: -item.days_late
    )
    actions = [
        button
        for late in latest[:MAX_LATE_WITH_BUTTONS]
        for button in task_buttons(by_number[late.number], ctx.today, numbered=True)
    ]
    return with_quick_replies(card, [*actions, "งานของฉัน"])


def _busy_card(
    ctx: Context, scope: str, topics: list[TopicStatus], totals: tuple[int, int, int], alt: str
) -> Message:
    """A busy group's status as one card: counts, a bar per topic, the five latest, the web."""
    done, open_, late = totals
    latest = sorted((item for topic in topics for item in topic.late), key=lambda i: -i.days_late)
    urgent = [
        UrgentItem(
            item.number, item.title, texts.status_late_detail(item.days_late, item.owners), True
        )
        for item in latest[:MAX_URGENT]
    ]
    link = None
    if ctx.settings.public_base_url and ctx.group is not None and ctx.group.id is not None:
        link = dashboard_link(
            ctx.settings.public_base_url, ctx.settings.line_channel_secret, [ctx.group.id], ctx.now
        )
    return summary_card(
        texts.status_title(scope),
        [texts.status_counts(done, open_, late)],
        [TopicBar(topic.title, topic.done, topic.done + topic.open) for topic in topics],
        texts.STATUS_BARS_CAPTION,
        urgent,
        len(latest) - len(urgent),
        link,
        alt,
    )


def _topic_card(topic: TopicStatus, month_label: str) -> TopicCard:
    """One topic's numbers worded for its status bubble."""
    late_lines = [
        texts.status_late_line(
            late.number,
            late.title,
            ", ".join(late.owners),
            late.days_late,
            late.months_late,
            late.evidence,
        )
        for late in topic.late[:MAX_LATE_LINES]
    ]
    if len(topic.late) > MAX_LATE_LINES:
        late_lines.append(texts.status_more(len(topic.late) - MAX_LATE_LINES))
    return TopicCard(
        title=topic.title,
        counts=texts.status_counts(topic.done, topic.open, len(topic.late)),
        late_heading=texts.STATUS_LATE_HEADING,
        late_lines=late_lines,
        footer=texts.status_unreported(topic.unreported, month_label),
        has_late=bool(topic.late),
    )


@dataclass(frozen=True)
class LateTask:
    """An open task past its due date."""

    number: int
    title: str
    owners: list[str]
    days_late: int
    months_late: list[str] = field(default_factory=list)  # a monthly duty's months not done
    evidence: int = 0  # evidence files attached (📎)


@dataclass
class TopicStatus:
    """One topic's (ประเด็น's) tasks in numbers."""

    title: str
    done: int = 0
    open: int = 0
    late: list[LateTask] = field(default_factory=list)
    unreported: list[str] = field(default_factory=list)


def summarize(
    session: Session, tasks: Sequence[Task], today: date, month: str, no_topic_title: str
) -> list[TopicStatus]:
    """Group tasks by topic and count them; owners of open started tasks must report monthly."""
    task_ids = [task.id for task in tasks if task.id is not None]
    owners = store.owner_ids(session, task_ids)
    everyone = store.people(session, chain.from_iterable(owners.values()))
    names = {person_id: display_name(person) for person_id, person in everyone.items()}
    reported = store.reporters_by_task(session, task_ids, month)
    evidence = store.evidence_counts(session, task_ids)
    topic_ids = {task.topic_id for task in tasks if task.topic_id is not None}
    topics: dict[int | None, Topic] = {}
    if topic_ids:
        topics = {t.id: t for t in session.exec(select(Topic).where(col(Topic.id).in_(topic_ids)))}
    by_topic: dict[int | None, TopicStatus] = {}
    for task in sorted(tasks, key=lambda t: t.id or 0):
        assert task.id is not None
        topic = topics.get(task.topic_id) if task.topic_id else None
        key = topic.id if topic else None
        title = f"{topic.number}. {topic.title}" if topic else no_topic_title
        summary = by_topic.setdefault(key, TopicStatus(title))
        if task.status == TaskStatus.DONE.value:
            summary.done += 1
            continue
        if task.status != TaskStatus.OPEN.value:
            continue
        summary.open += 1
        task_owners = owners.get(task.id, [])
        if task.due_date is not None and task.due_date < today:
            summary.late.append(
                LateTask(
                    task.id,
                    task.title,
                    [names.get(o, "?") for o in task_owners],
                    (today - task.due_date).days,
                    _months_late(session, task, today),
                    evidence.get(task.id, 0),
                )
            )
        started = task.start_date is None or task.start_date <= today
        for owner in task_owners:
            name = names.get(owner, "?")
            if (
                started
                and owner not in reported.get(task.id, set())
                and name not in summary.unreported
            ):
                summary.unreported.append(name)
    ordered = sorted(by_topic.items(), key=lambda item: (item[0] is None, _number(topics, item[0])))
    return [summary for _, summary in ordered]


def _months_late(session: Session, task: Task, today: date) -> list[str]:
    """The months a late duty has not done ("พ.ย. 2566"); nothing for other tasks."""
    duty = duties.progress_of(session, task)
    if duty is None:
        return []
    return [format_month(o.year, o.month, "short") for o in duty.late(today)]


def _number(topics: dict[int | None, Topic], topic_id: int | None) -> int:
    """A topic's plan number, for ordering."""
    topic = topics.get(topic_id)
    return topic.number if topic else 0
