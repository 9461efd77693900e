"""Every table: people, groups, the plan's tasks, reports, outbox, inbox, audit trail."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow

# Named constraints so later migrations (SQLite batch mode included) can find and alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Role(StrEnum):
    """What a person may do: officers report, supervisors assign, admins configure."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class TaskStatus(StrEnum):
    """Where a task stands; overdue is computed from the due date, not stored."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskKind(StrEnum):
    """A plan measure (มาตรการ), one of its numbered steps, or a task typed in chat."""

    MEASURE = "measure"
    STEP = "step"
    TASK = "task"


class OverrideKind(StrEnum):
    """A local calendar change: an extra day off, or a weekend/holiday declared a working day."""

    HOLIDAY = "holiday"
    WORKING_DAY = "working_day"


class DeliveryStatus(StrEnum):
    """The life of one reminder in the outbox."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    MISSED = "missed"


class EventStatus(StrEnum):
    """The life of one webhook event in the inbox."""

    RECEIVED = "received"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"
    IGNORED = "ignored"


def _utc_column(*, nullable: bool = True, index: bool = False) -> Any:
    """A UTC timestamp column (a fresh Column per field: a Column binds to one table)."""
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Person(SQLModel, table=True):
    """A LINE user the bot has seen, with their role."""

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(default="", max_length=200)
    role: str = Field(default=Role.OFFICER.value, max_length=16)
    following: bool = False  # whether the 1:1 chat is open (follow/unfollow events)
    profile_fetched_at: datetime | None = Field(default=None, sa_column=_utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class ChatGroup(SQLModel, table=True):
    """A LINE group the bot is in, with its calendar and reminder settings."""

    __tablename__ = "chat_group"

    id: int | None = Field(default=None, primary_key=True)
    line_group_id: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    active: bool = True
    province: str | None = Field(default=None, max_length=64)  # None: the national calendar
    # HH:MM Bangkok time, working days; indexed: a tick reads only the groups due in its minute.
    reminder_time: str = Field(default="08:30", max_length=5, index=True)
    meeting_day: int | None = Field(default=None)  # None: no monthly meeting rule
    meeting_time: str = Field(default="09:30", max_length=5)
    # The last day of the meeting rule: a plan's meetings (Dec–Sep) end with it unless renewed.
    meeting_until: date | None = None
    joined_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    left_at: datetime | None = Field(default=None, sa_column=_utc_column())


class GroupMember(SQLModel, table=True):
    """Who has been seen in which group; a 1:1 chat shows the tasks of these groups."""

    __tablename__ = "group_member"

    group_id: int = Field(
        sa_column=Column(Integer, ForeignKey("chat_group.id", ondelete="CASCADE"), primary_key=True)
    )
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    active: bool = True
    seen_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class Unit(SQLModel, table=True):
    """A responsible unit of the plan (e.g. สำนักปลัดเทศบาล งานธุรการ) and the group it reports in."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, unique=True)
    group_id: int | None = Field(default=None, foreign_key="chat_group.id", index=True)


class Topic(SQLModel, table=True):
    """One ประเด็น of the action plan."""

    __table_args__ = (UniqueConstraint("fiscal_year", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(default=0)  # B.E. fiscal year; 0 for topics made in chat
    number: int
    title: str = Field(max_length=500)
    finding: str = Field(default="")


class Task(SQLModel, table=True):
    """Work with owners and a date: a plan measure, one of its steps, or a task added in chat."""

    # The planner reads a due group's open work by date: deadlines soon, overdue.
    __table_args__ = (Index("ix_task_group_status_due", "group_id", "status", "due_date"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default=TaskKind.TASK.value, max_length=16)
    source_key: str | None = Field(default=None, max_length=120, unique=True)  # import identity
    parent_id: int | None = Field(default=None, foreign_key="task.id", index=True)
    group_id: int | None = Field(default=None, foreign_key="chat_group.id", index=True)
    topic_id: int | None = Field(default=None, foreign_key="topic.id", index=True)
    # The lead responsible unit; every responsible unit of a plan item is in task_unit.
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    title: str = Field(max_length=1000)
    period_text: str = Field(
        default="", max_length=500
    )  # the period exactly as the source wrote it
    start_date: date | None = None
    due_date: date | None = Field(default=None, index=True)
    recurrence: str | None = Field(default=None, max_length=120)  # scheduler.recurrence rule string
    # A recurring duty: tracked per occurrence from repeat_from to repeat_until; its due_date is
    # then the oldest occurrence not done yet (so reminders and overdue speak of that one).
    repeat_from: date | None = None
    repeat_until: date | None = None
    status: str = Field(default=TaskStatus.OPEN.value, max_length=16, index=True)
    progress: int = Field(default=0)  # percent, from the latest report
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    done_at: datetime | None = Field(default=None, sa_column=_utc_column())


class TaskOccurrence(SQLModel, table=True):
    """One period of a recurring duty that was done; periods not done have no row."""

    __tablename__ = "task_occurrence"
    __table_args__ = (UniqueConstraint("task_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(
        sa_column=Column(Integer, ForeignKey("task.id", ondelete="CASCADE"), nullable=False)
    )
    period: str = Field(max_length=7)  # "2024-03" (C.E. year, ISO), like progress_report.month
    done_at: datetime = Field(sa_column=_utc_column(nullable=False))
    done_by_id: int | None = Field(default=None, foreign_key="person.id")


class CalendarFeed(SQLModel, table=True):
    """A calendar subscription link: a group's (meetings, deadlines) or a person's (their own).

    The link carries this row's id, signed; it never expires, and revoking it (revoked_at) makes
    every copy of it answer 410. A new link after a revocation is a new row.
    """

    __tablename__ = "calendar_feed"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("chat_group.id", ondelete="CASCADE"), index=True),
    )
    person_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), index=True),
    )
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=_utc_column())


class TaskUnit(SQLModel, table=True):
    """One responsible unit of a plan item; a co-responsible unit's group sees the item too."""

    __tablename__ = "task_unit"
    # The planner reads a due group's shared items from its units: (unit, not lead) first.
    __table_args__ = (Index("ix_task_unit_unit_lead", "unit_id", "is_lead"),)

    task_id: int = Field(
        sa_column=Column(Integer, ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    )
    unit_id: int = Field(
        sa_column=Column(Integer, ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    )
    # The lead (the first unit the plan names) is also Task.unit_id: its group holds the task.
    is_lead: bool = False


class TaskOwner(SQLModel, table=True):
    """One owner of one task (a task may have several)."""

    __tablename__ = "task_owner"

    task_id: int = Field(
        sa_column=Column(Integer, ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    )
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )


class ProgressReport(SQLModel, table=True):
    """An owner's progress report on a task for one month."""

    __tablename__ = "progress_report"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    month: str = Field(max_length=7, index=True)  # "2024-03" (C.E. year, ISO)
    reporter_id: int = Field(foreign_key="person.id")
    percent: int | None = None
    text: str = Field(default="")
    reported_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class HolidayOverride(SQLModel, table=True):
    """A local calendar change kept in the database, on top of the government calendar."""

    __tablename__ = "holiday_override"
    __table_args__ = (UniqueConstraint("day", "scope"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    name: str = Field(default="", max_length=200)
    kind: str = Field(default=OverrideKind.HOLIDAY.value, max_length=16)
    scope: str = Field(default="all", max_length=80)  # "all", "province:ยะลา" or "group:<line id>"
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class Delivery(SQLModel, table=True):
    """One reminder in the outbox: planned once under its occurrence key, pushed at most once."""

    # Claims walk due pending rows in order and stop at the batch size: constant cost per push.
    # A chat's waiting answers are read by (target, status, id), never its whole history.
    __table_args__ = (
        Index("ix_delivery_status_due", "status", "due_at", "id"),
        Index("ix_delivery_target_status", "target", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    target: str = Field(max_length=64, index=True)  # LINE group or user id
    occurrence_key: str = Field(max_length=300, unique=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    due_at: datetime = Field(sa_column=_utc_column(nullable=False, index=True))
    status: str = Field(default=DeliveryStatus.PENDING.value, max_length=16, index=True)
    attempts: int = Field(default=0)
    retry_key: str = Field(max_length=36)  # X-Line-Retry-Key, uuid5 of the occurrence key
    next_attempt_at: datetime | None = Field(default=None, sa_column=_utc_column())
    claimed_at: datetime | None = Field(default=None, sa_column=_utc_column())
    claimed_by: str | None = Field(default=None, max_length=80)
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column())
    late: bool = False
    last_error: str | None = None
    # The supervisor summary that listed this missed delivery (None: not reported yet).
    noticed_in: str | None = Field(default=None, max_length=300)
    sent_via: str | None = Field(default=None, max_length=8)  # "reply" (free) or "push" (quota)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class InboundEvent(SQLModel, table=True):
    """One webhook event, recorded by its webhookEventId before LINE gets its 200."""

    __tablename__ = "inbound_event"
    # One chat's events are processed in order, across processes: "is an earlier one waiting?"
    __table_args__ = (Index("ix_inbound_event_chat_status", "chat_id", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    webhook_event_id: str = Field(max_length=64, unique=True)
    chat_id: str = Field(default="", max_length=64)  # the group, room or user it came from
    event_type: str = Field(default="", max_length=40)
    raw: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    redelivery: bool = False
    status: str = Field(default=EventStatus.RECEIVED.value, max_length=16, index=True)
    attempts: int = Field(default=0)
    error: str | None = None
    received_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))
    processed_at: datetime | None = Field(default=None, sa_column=_utc_column())


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, with the values before and after."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    actor_line_id: str = Field(default="", max_length=64)  # kept even if the person row goes
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: str = Field(default="", max_length=64)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False, index=True))


class SystemState(SQLModel, table=True):
    """Small named facts the processes keep (e.g. the clock's last completed tick)."""

    __tablename__ = "system_state"

    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(default="")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class ItaScore(SQLModel, table=True):
    """One ITA assessment score from part 1 of a plan: the overall, an indicator or a question."""

    __tablename__ = "ita_score"

    id: int | None = Field(default=None, primary_key=True)
    # Import identity: "ita-2566:overall", "ita-2566:indicator:7", "ita-2566:topic:3:e10".
    source_key: str = Field(max_length=120, unique=True)
    assessment_year: int = Field(index=True)  # B.E. year of the assessment (2566)
    kind: str = Field(max_length=16)  # "overall", "indicator" or "question"
    code: str = Field(default="", max_length=16)  # the indicator number or question id ("e10")
    tool: str = Field(default="", max_length=3)  # IIT, EIT or OIT ("" for the overall score)
    name: str = Field(default="", max_length=300)  # the indicator's name, or the overall level
    # A question is scored per plan topic as the document writes it (e10 has two scores).
    topic_id: int | None = Field(default=None, foreign_key="topic.id", index=True)
    score: float


class Evidence(SQLModel, table=True):
    """A photo or file attached to a task as evidence of the work; its bytes live in storage."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("task.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    person_id: int | None = Field(default=None, foreign_key="person.id")  # who sent it
    # LINE's id of the message that carried it: the same message is never stored twice.
    line_message_id: str = Field(max_length=64, unique=True)
    file_name: str = Field(max_length=255)  # the file's own name; photos get a made-up one
    content_type: str = Field(max_length=120)
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=300)  # where the bytes are (local directory or S3)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(nullable=False))


class EvidenceIntent(SQLModel, table=True):
    """Someone tapped 📎 แนบหลักฐาน: their files in this chat go to this task for a while."""

    __tablename__ = "evidence_intent"

    chat_id: str = Field(max_length=64, primary_key=True)  # the LINE group or user id
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    task_id: int = Field(
        sa_column=Column(Integer, ForeignKey("task.id", ondelete="CASCADE"), nullable=False)
    )
    at: datetime = Field(sa_column=_utc_column(nullable=False))
