"""What a command handler knows: who asked, where, when, whom they tagged, and shared checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot import store, texts
from models.settings import Settings
from models.tables import ChatGroup, Person, Role, Task
from scheduler.calendar import WorkCalendar
from scheduler.group_calendar import calendar_for

if TYPE_CHECKING:  # the router imports this module to dispatch; a Context only points back
    from bot.router import Router

# Who may add tasks and change a group's settings.
SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)


class Refusal(Exception):
    """A Thai answer that ends the command: not allowed, not found, or bad input."""

    def __init__(self, answer: str) -> None:
        super().__init__(answer)
        self.answer = answer


@dataclass
class Context:
    """One incoming command: the sender, the chat, the tagged people, the time, the database."""

    session: Session
    settings: Settings
    now: datetime  # aware; handlers never read the clock themselves
    sender: Person
    group: ChatGroup | None  # None in a 1:1 chat
    mentions: list[Person] = field(default_factory=list)  # tagged people, the bot excluded
    # This month's LINE message use; injected so handlers never talk to LINE themselves.
    quota_used: Callable[[], int | None] = lambda: None
    router: Router | None = None  # the commands this chat can use (for the help)

    @property
    def today(self) -> date:
        """Today in the bot's time zone (Bangkok)."""
        return self.now.astimezone(self.settings.timezone).date()

    @property
    def month(self) -> str:
        """This month as stored in progress reports: "2024-03"."""
        return f"{self.today.year:04d}-{self.today.month:02d}"

    @property
    def role(self) -> Role:
        """The sender's effective role; BOT_ADMIN_IDS always wins."""
        return role_of(self.sender, self.settings)

    @cached_property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar of this chat's group (national in 1:1 chats)."""
        return calendar_for(self.session, self.group)

    def require_role(self, *roles: Role) -> None:
        """Refuse unless the sender has one of `roles`."""
        if self.role not in roles:
            raise Refusal(texts.needs_role([texts.ROLE_LABELS[role.value] for role in roles]))

    def visible_group_ids(self) -> list[int]:
        """Groups whose tasks this chat may see: this group, or in 1:1 the sender's groups."""
        if self.group is not None:
            assert self.group.id is not None
            return [self.group.id]
        return [g.id for g in store.groups_of(self.session, self.sender) if g.id is not None]

    def task(self, number: int) -> Task:
        """Task #number if this chat may see it; otherwise the same refusal as a missing task."""
        task = self.session.get(Task, number)
        # A plan item shared through a co-responsible unit is as much this group's as its lead's.
        if task is None or not store.groups_seeing(self.session, task) & set(
            self.visible_group_ids()
        ):
            # A task of another group answers exactly like a missing one: no information leaks.
            raise Refusal(texts.task_not_found(number))
        return task

    def is_owner(self, task: Task) -> bool:
        """True when the sender owns the task."""
        return any(owner.id == self.sender.id for owner in store.owners_of(self.session, task))

    def require_can_change(self, task: Task) -> None:
        """Only an owner, a supervisor or an admin may change a task."""
        if self.role in (Role.SUPERVISOR, Role.ADMIN) or self.is_owner(task):
            return
        assert task.id is not None
        raise Refusal(texts.cannot_change(task.id))

    def add_task(self, task: Task, owners: list[Person]) -> int:
        """Store a new task with its owners and audit its creation; its number."""
        self.session.add(task)
        self.session.flush()
        store.set_owners(self.session, task, owners)
        self.audit(
            "task.create",
            "task",
            task.id,
            after=store.task_snapshot(task) | {"owners": [p.line_user_id for p in owners]},
        )
        assert task.id is not None
        return task.id

    def audit(self, action: str, entity: str, entity_id: object, **changes: Any) -> None:
        """Record this sender's change in the audit trail."""
        store.audit(
            self.session,
            actor=self.sender,
            action=action,
            entity=entity,
            entity_id=entity_id,
            at=self.now,
            before=changes.get("before"),
            after=changes.get("after"),
        )


def role_of(person: Person, settings: Settings) -> Role:
    """A person's effective role: admins come from BOT_ADMIN_IDS, others from the database."""
    if person.line_user_id in settings.admin_ids:
        return Role.ADMIN
    return Role(person.role)


def display_name(person: Person) -> str:
    """A name to show in plain text (the LINE name, or a neutral stand-in until it is fetched)."""
    return person.display_name or texts.unnamed_person(person.line_user_id)
