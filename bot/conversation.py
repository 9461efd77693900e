"""Turn one stored webhook event into database changes and an answer in the outbox."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, exists, literal_column, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session, SQLModel, col

from bot import store, texts
from bot.answers import AnswerCourier, Batch, hand_over, hold_answer
from bot.commands.evidence import Attach, file_for_task, incoming_file
from bot.commands.help import QUICK_HELP, help_message
from bot.context import Context, Refusal
from bot.events import Chat, chat_of, parse_text, postback_text
from bot.evidence_fetch import EvidenceFetcher, FetchJob
from bot.inbox import record_events
from bot.line_api import LineClient
from bot.router import (
    BadArguments,
    Match,
    RefusedAfterWriting,
    Router,
    every_command_in_a_savepoint,
)
from models.db import session_scope
from models.settings import Settings
from models.tables import ChatGroup, EventStatus, InboundEvent, Person, ProgressReport
from scheduler.delivery_report import read_quota
from scheduler.messages import Mention, Message, text, text_with_mentions
from scheduler.messenger import PushRejected, PushUnreachable

log = logging.getLogger(__name__)
# A report is stored when its message is processed, seconds after LINE received it (clock
# skew between processes aside): reports older than this are not the unsent message's.
UNSENT_REPORT_SLACK = timedelta(minutes=5)

MAX_COMMAND_LENGTH = 2000  # a command longer than this is a paste, not a command
MAX_MENTIONS = 20
MAX_DATABASE_ATTEMPTS = 5  # database errors before an event is given up as failed
# Events a chain processed before their lane turn: the lane skips them without a query.
MAX_CHAINED_REMEMBERED = 1000
# Names and groups known to have a name here: no follow-up asks the database or LINE again.
MAX_NAMED_REMEMBERED = 100_000

# Core on the hot path: the ORM costs more Python than the database spends on the SQL.
INBOUND: Table = SQLModel.metadata.tables["inbound_event"]
PERSON: Table = SQLModel.metadata.tables["person"]
GROUP: Table = SQLModel.metadata.tables["chat_group"]
_EARLIER = INBOUND.alias("earlier")
# Built once: a statement built per call costs more Python than the database spends on it.
_CLAIM = (
    update(INBOUND)
    .where(INBOUND.c.id == bindparam("event_id"), INBOUND.c.status == EventStatus.RECEIVED.value)
    .values(
        status=bindparam("new_status"),
        processed_at=bindparam("now", type_=INBOUND.c.processed_at.type),
        attempts=INBOUND.c.attempts + 1,
        error=bindparam("failure"),
    )
    .returning(INBOUND.c.raw)
)
_CLAIM_IN_CHAT_ORDER = _CLAIM.where(
    ~exists().where(
        _EARLIER.c.chat_id == INBOUND.c.chat_id,
        _EARLIER.c.status == EventStatus.RECEIVED.value,
        _EARLIER.c.id < INBOUND.c.id,
    )
)
# The claim also says which event of the chat waits behind this one (one round trip less).
# Written out: SQLAlchemy renders SQLite's RETURNING columns unqualified, which would make the
# subquery compare `later` with itself.
_CLAIM_IN_ORDER_WITH_NEXT: Any = _CLAIM_IN_CHAT_ORDER.returning(
    literal_column(
        "(SELECT min(later.id) FROM inbound_event AS later"
        " WHERE later.chat_id = inbound_event.chat_id"
        f" AND later.status = '{EventStatus.RECEIVED.value}'"
        " AND later.id > inbound_event.id)"
    )
)
_STATUS = select(INBOUND.c.status).where(INBOUND.c.id == bindparam("event_id"))
_NEXT_IN_CHAT = (
    select(INBOUND.c.id)
    .where(
        INBOUND.c.chat_id == bindparam("chat_id"),
        INBOUND.c.status == EventStatus.RECEIVED.value,
        INBOUND.c.id > bindparam("after"),
    )
    .order_by(INBOUND.c.id)
    .limit(1)
)


@dataclass(frozen=True)
class Processed:
    """What came of processing one event."""

    raw: dict[str, Any]
    next_id: int | None  # the chat's next stored event, which waited for this one
    batch: Batch  # answers claimed for the courier in the same transaction
    waiting: bool  # answers of the chat were left in the outbox for the courier
    fetch: FetchJob | None = None  # a photo or file to fetch now that the event is committed


# What _process_one returns for an event it could not claim: processed already, or waiting
# for an earlier event of its chat.
NOT_CLAIMED = Processed(raw={}, next_id=None, batch=Batch(()), waiting=False)


class Conversation:
    """Processes stored events (answer commands, register groups, greet); the courier delivers."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        line: LineClient,
        router: Router,
        clock: Callable[[], datetime],
    ) -> None:
        self.settings, self.engine, self.line, self.router, self.clock = (
            settings,
            engine,
            line,
            router,
            clock,
        )
        self.courier = AnswerCourier(engine, line, clock, threads=settings.line_push_concurrency)
        self.fetcher = EvidenceFetcher(settings, engine, line, self.courier, router, clock)
        self._lock = threading.Lock()
        self._chained: dict[int, bool] = {}  # insertion-ordered: the oldest is dropped first
        self._named: set[str] = set()
        # (group id, person id) memberships seen active: a member's message changes nothing.
        self._members: set[tuple[int, int]] = set()
        self._noted = threading.local()  # memberships written by this lane's transaction

    def process(self, event_row_id: int) -> bool:
        """Process one stored event exactly once, then the chat's next ones waiting behind it.

        Only database work happens here: the answers go to the outbox, usually claimed for
        the courier in the same transaction, and the courier takes them to LINE from its own
        threads, so no event waits on another chat's LINE call. True when the event is left
        waiting for an earlier one of its chat (another process has it): look again soon.
        """
        with self._lock:
            if self._chained.pop(event_row_id, None):
                return False  # a chain already processed it (its lane turn came later)
        next_id: int | None = event_row_id
        chat_id: str | None = None
        followups: list[Callable[[], None]] = []
        waiting = False  # answers of the chat were left in the outbox for the courier
        while next_id is not None:
            done = self._process_one(next_id)
            if done is NOT_CLAIMED and next_id == event_row_id:
                return self._still_waiting(event_row_id)
            if done is None or done is NOT_CLAIMED:
                break
            chat_id = chat_of(done.raw).chat_id
            if done.fetch is not None:
                self.fetcher.submit(done.fetch)
            if not self._names_known(done.raw):
                followups.append(functools.partial(self._learn_names, done.raw))
            if done.batch.rows:
                self.courier.deliver(chat_id, done.batch, _run_all(followups))
                followups = []
            waiting = done.waiting
            if next_id != event_row_id:
                with self._lock:
                    self._chained[next_id] = True
                    while len(self._chained) > MAX_CHAINED_REMEMBERED:
                        self._chained.pop(next(iter(self._chained)))
            next_id = done.next_id
        if chat_id is not None and (waiting or followups):
            self.courier.ring(chat_id, _run_all(followups))
        return False

    def _still_waiting(self, event_row_id: int) -> bool:
        """Whether an event this process could not claim is still unprocessed."""
        try:
            with self.engine.connect() as connection:
                status = connection.execute(_STATUS, {"event_id": event_row_id}).scalar()
        except SQLAlchemyError:
            return False  # the database is away: the inbox's sweep comes back to the row
        return status == EventStatus.RECEIVED.value

    def _process_one(self, event_row_id: int) -> Processed | None:
        """Apply one event (what came of it when this call processed it, else None)."""
        now = self.clock()
        self._noted.members = []
        try:
            with self.engine.begin() as connection:
                processed = self._claim_and_apply(connection, event_row_id, now)
                if processed is NOT_CLAIMED:
                    return NOT_CLAIMED
            # Only what was committed: a membership rolled back must be written again.
            for member in self._noted.members:
                self._remember_member(member)
            return processed
        except RefusedAfterWriting:
            # Rolled back: again, with the command in a savepoint that its refusal undoes.
            with every_command_in_a_savepoint():
                return self._process_one(event_row_id)
        except DBAPIError as error:
            # The database, not the command, failed (a lost connection, or another process
            # registering the same group at the same moment): the row stays unprocessed and
            # the inbox sweep tries again, up to MAX_DATABASE_ATTEMPTS times.
            if self._count_attempt(event_row_id) < MAX_DATABASE_ATTEMPTS:
                log.warning("event %s: database error, will retry: %s", event_row_id, error)
                return None
            log.exception("event %s failed %d times", event_row_id, MAX_DATABASE_ATTEMPTS)
            return self._fail(event_row_id, error, now)
        except Exception as error:  # a bug must not cost the user an answer or LINE a 5xx
            log.exception("event %s failed", event_row_id)
            return self._fail(event_row_id, error, now)

    def _claim_and_apply(
        self, connection: Connection, event_row_id: int, now: datetime
    ) -> Processed:
        """Claim the event and apply it in the caller's transaction (NOT_CLAIMED: not now)."""
        # Claimed only if no earlier event of the chat is unprocessed: a chat's events are
        # applied in the order LINE sent them, whichever process holds them.
        claimed = connection.execute(
            _CLAIM_IN_ORDER_WITH_NEXT,
            {
                "event_id": event_row_id,
                "new_status": EventStatus.DONE.value,
                "now": now,
                "failure": None,
            },
        ).first()
        if claimed is None:
            return NOT_CLAIMED
        return self._apply(connection, event_row_id, dict(claimed[0]), now, claimed[1])

    def warm_up(self) -> None:
        """Take two made-up events through every statement of their processing and delivery,
        in one transaction that is rolled back: nothing is kept, nothing is sent.

        SQLAlchemy compiles a statement at its first execution and keeps it. Without this, the
        first burst after a start compiles each statement in every thread that meets it at
        once: forty couriers marking their first replies sent held up each other's next
        replies by 200 ms, and the first webhooks' acknowledgements waited the same way.
        """
        now = self.clock()
        self._noted.members = []
        try:
            with self.engine.connect() as connection, connection.begin() as transaction:
                processed = NOT_CLAIMED
                for number in (1, 2):  # a group and person seen first, then a member again
                    raw = _made_up_event(number, now)
                    [stored] = record_events(connection, [raw], now)
                    processed = self._claim_and_apply(connection, stored.id, now)
                self.courier.warm_up(connection, chat_of(processed.raw).chat_id)
                transaction.rollback()
        except SQLAlchemyError as error:  # the database is away: the first burst compiles
            log.info("warm-up skipped: %s", error)
        finally:
            self._noted.members = []  # rolled back: nothing to remember

    def _count_attempt(self, event_row_id: int) -> int:
        """Note one more failed try of an unprocessed event; how many there have been."""
        try:
            with self.engine.begin() as connection:
                attempts = connection.execute(
                    update(INBOUND)
                    .where(
                        INBOUND.c.id == event_row_id,
                        INBOUND.c.status == EventStatus.RECEIVED.value,
                    )
                    .values(attempts=INBOUND.c.attempts + 1)
                    .returning(INBOUND.c.attempts)
                ).scalar_one_or_none()
                return attempts if attempts is not None else MAX_DATABASE_ATTEMPTS
        except DBAPIError:
            return 0  # the database is still away; the sweep will come back to this row

    def _apply(
        self,
        connection: Connection,
        event_row_id: int,
        raw: dict[str, Any],
        now: datetime,
        next_id: int | None,
    ) -> Processed:
        """In the transaction that claimed the event: apply it, store its answer, and claim
        what can go to LINE now (unless the chat's next event, `next_id`, is already waiting:
        one stored by the time this one was claimed)."""
        with Session(bind=connection, expire_on_commit=False) as session:
            messages = self._answer(session, raw, now)
            session.flush()
        if isinstance(messages, Attach):
            # The answer waits for the file (fetched after this commit); the chat's later
            # answers wait behind it, so they still arrive in the order asked.
            placeholder = [text(texts.EVIDENCE_SEND_AGAIN)]
            held = hold_answer(connection, raw, placeholder, now, self.courier.worker)
            chat = chat_of(raw)
            job = FetchJob(chat.chat_id, held, messages, _event_time(raw, now))
            return Processed(raw, next_id, Batch(()), False, job)
        batch, waiting = hand_over(
            connection, raw, messages, now, self.courier.worker, more_coming=next_id is not None
        )
        return Processed(raw, next_id, batch, waiting)

    def _fail(self, event_row_id: int, error: Exception, now: datetime) -> Processed | None:
        """Record the failure and store an apology (only if the event was really addressed)."""
        with self.engine.begin() as connection:
            claimed = _claim(
                connection,
                event_row_id,
                EventStatus.FAILED,
                now,
                f"{type(error).__name__}: {error}",
            )
            if claimed is None:
                return None
            addressed = claimed.get("mode") != "standby" and (
                claimed.get("type") == "postback"
                or (claimed.get("type") == "message" and self._addressed(claimed))
            )
            next_id = _next_in_chat(connection, chat_of(claimed).chat_id, after=event_row_id)
            batch, waiting = hand_over(
                connection,
                claimed,
                [text(texts.GENERIC_ERROR)] if addressed else [],
                now,
                self.courier.worker,
                more_coming=next_id is not None,
            )
        return Processed(claimed, next_id, batch, waiting)

    def _addressed(self, raw: Mapping[str, Any]) -> bool:
        """Whether a text message was meant for the bot (command word, mention, or 1:1)."""
        message = raw.get("message") or {}
        command_text, _, bot_mentioned = parse_text(message)
        return (
            bot_mentioned
            or chat_of(raw).kind == "user"
            or self.router.find(command_text) is not None
        )

    def _answer(
        self, session: Session, raw: dict[str, Any], now: datetime
    ) -> list[Message] | Attach:
        """The database changes and answer for one event."""
        chat = chat_of(raw)
        event_type = raw.get("type")
        group: ChatGroup | None = None
        sender: Person | None = None
        if chat.is_group and chat.user_id:
            group, sender = store.group_and_person(session, chat.chat_id, chat.user_id, now)
            assert group.id is not None and sender.id is not None
            member = (group.id, sender.id)
            # A message from a member seen here before changes nothing: no need to look.
            if event_type != "message" or not self._known_member(member):
                store.note_member(session, group, sender, now)
                self._noted.members.append(member)  # remembered once committed
        elif chat.is_group:
            group = store.get_or_create_group(session, chat.chat_id, now)
        elif chat.user_id:
            sender = self._person(session, chat.user_id)
        if event_type == "unsend":
            scrub_unsent(session, raw)
            return []
        standby = raw.get("mode") == "standby"
        if event_type == "message":
            kind = (raw.get("message") or {}).get("type")
            if standby or sender is None or kind not in ("text", "image", "file"):
                return []  # in standby another channel answers: record who is here, say nothing
            if kind != "text":
                return self._answer_file(session, raw, chat, group, sender, now)
            return self._answer_text(session, raw, chat, group, sender, now)
        if event_type == "postback":
            if standby or sender is None:
                return []
            return self._answer_button(session, raw, chat, group, sender, now)
        if standby:
            self._record_state(session, raw, chat, group, sender, now)
            return []
        return self._record_state(session, raw, chat, group, sender, now)

    def _record_state(
        self,
        session: Session,
        raw: dict[str, Any],
        chat: Chat,
        group: ChatGroup | None,
        sender: Person | None,
        now: datetime,
    ) -> list[Message]:
        """Membership and follow changes, and what the bot says about them (if it may speak)."""
        event_type = raw.get("type")
        if event_type == "join" and chat.kind == "room":
            return [text(texts.ROOM_GREETING, QUICK_HELP)]
        if event_type in ("join", "leave") and group is not None:
            joined = event_type == "join"
            # Leaving keeps the group's tasks and reports; it only stops answers and reminders.
            group.active, group.left_at = joined, None if joined else now
            store.audit(
                session,
                actor=None,
                action=f"group.{event_type}",
                entity="group",
                entity_id=group.line_group_id,
                at=now,
            )
            return [text(texts.greet_group(self._help_body()), QUICK_HELP)] if joined else []
        if event_type == "memberJoined" and group is not None:
            return self._welcome(session, raw, group, now)
        if event_type == "memberLeft" and group is not None:
            for user_id in member_ids(raw, "left"):
                person = store.person_by_line_id(session, user_id)
                if person is not None:
                    store.note_member_left(session, group, person)
                    if group.id is not None and person.id is not None:
                        self._forget_member((group.id, person.id))
            return []
        if event_type in ("follow", "unfollow") and sender is not None and chat.kind == "user":
            sender.following = event_type == "follow"
            if sender.following:
                return [text(texts.greet_follow(self._help_body()), QUICK_HELP)]
        return []

    def _answer_text(
        self,
        session: Session,
        raw: dict[str, Any],
        chat: Chat,
        group: ChatGroup | None,
        sender: Person,
        now: datetime,
    ) -> list[Message]:
        """Route a text message to its command, or ignore chatter in a busy group."""
        message = raw.get("message") or {}
        command_text, mentioned_ids, bot_mentioned = parse_text(message)
        # A 1:1 chat always speaks to the bot; a group or a room only by a mention or a command.
        addressed = bot_mentioned or chat.kind == "user"
        if len(str(message.get("text", ""))) > MAX_COMMAND_LENGTH:
            found_long = self.router.find(command_text[:50])
            return (
                [text(texts.text_too_long(MAX_COMMAND_LENGTH))] if addressed or found_long else []
            )
        found = self.router.find(command_text)
        if not addressed and found is not None and _is_chatter(found):
            found = None
        if found is None:
            if not addressed:
                return []  # chatter in a group or room: stay quiet
            if chat.kind == "room":
                return [text(texts.ROOM_NOT_SUPPORTED, QUICK_HELP)]
            if not command_text:
                return [help_message(self.router.visible())]
            closest = self.router.closest(command_text)
            return [text(texts.unknown_command(closest.example if closest else None), QUICK_HELP)]
        if chat.kind == "room":
            # Tasks belong to a group's members; a room has no such list to keep them in.
            return [text(texts.ROOM_NOT_SUPPORTED, QUICK_HELP)]
        if len(mentioned_ids) > MAX_MENTIONS:
            return [text(texts.too_many_mentions(MAX_MENTIONS))]
        mentions = [self._person(session, user_id) for user_id in mentioned_ids]
        if group is not None:  # someone tagged in a group is a member of it
            for person in mentions:
                store.note_member(session, group, person, now)
        return self._run(session, found, group, sender, mentions, now)

    def _answer_file(
        self,
        session: Session,
        raw: dict[str, Any],
        chat: Chat,
        group: ChatGroup | None,
        sender: Person,
        now: datetime,
    ) -> list[Message] | Attach:
        """A photo or file: the task it is evidence for (fetched after commit), or a hint."""
        incoming = incoming_file(raw.get("message") or {})
        if incoming is None or chat.kind == "room":
            return []  # a room keeps no tasks; its photos are chatter
        try:
            found = file_for_task(self._context(session, group, sender, [], now), incoming)
        except Refusal as refusal:
            return [text(refusal.answer)]
        if isinstance(found, Attach):
            return found
        return [text(found)] if found else []

    def _answer_button(
        self,
        session: Session,
        raw: dict[str, Any],
        chat: Chat,
        group: ChatGroup | None,
        sender: Person,
        now: datetime,
    ) -> list[Message]:
        """A tapped button (postback): the command its data names, with the same checks."""
        command_text = postback_text(raw.get("postback"))
        found = self.router.find(command_text)
        if found is None:
            # Not one of ours (an old rich menu, another tool's button): nothing to do.
            log.info("postback with unknown data %r ignored", command_text[:80])
            return []
        if chat.kind == "room":
            return [text(texts.ROOM_NOT_SUPPORTED, QUICK_HELP)]
        return self._run(session, found, group, sender, [], now)

    def _run(
        self,
        session: Session,
        found: Match | BadArguments,
        group: ChatGroup | None,
        sender: Person,
        mentions: list[Person],
        now: datetime,
    ) -> list[Message]:
        """Run a command found in a message or a button for the sender, in this chat."""
        return self.router.dispatch(self._context(session, group, sender, mentions, now), found)

    def _context(
        self,
        session: Session,
        group: ChatGroup | None,
        sender: Person,
        mentions: list[Person],
        now: datetime,
    ) -> Context:
        """What a command (or a file) knows: who, where, when, the database."""
        return Context(
            session,
            self.settings,
            now,
            sender,
            group,
            mentions,
            lambda: read_quota(self.line),
            self.router,
        )

    def _help_body(self) -> str:
        """The help list as plain text (for greetings)."""
        return str(help_message(self.router.visible())["text"])

    def _welcome(
        self,
        session: Session,
        raw: dict[str, Any],
        group: ChatGroup,
        now: datetime,
    ) -> list[Message]:
        """Register new members and greet them by @mention."""
        members = member_ids(raw, "joined")
        for user_id in members:
            store.note_member(session, group, self._person(session, user_id), now)
        mentions = [Mention(f"m{i}", user_id) for i, user_id in enumerate(members[:MAX_MENTIONS])]
        if not mentions:
            return []
        return [text_with_mentions(texts.welcome_members([m.key for m in mentions]), mentions)]

    def _person(self, session: Session, user_id: str) -> Person:
        """The person for a LINE user id (named later, from LINE, by _learn_names)."""
        return store.get_or_create_person(session, user_id)

    def _learn_names(self, raw: Mapping[str, Any]) -> None:
        """After answering: ask LINE once for the names of people (and the group) not named yet.

        Names are a nicety for lists; asking LINE costs round trips, so it happens after the
        answer went out, in the courier's thread, never before a command is processed.
        """
        names = self._fetch_names(raw)
        if not names:
            return
        chat = chat_of(raw)
        now = self.clock()
        with session_scope(self.engine) as session:
            connection = session.connection()
            for line_id, name in names.items():
                if line_id == chat.chat_id and chat.is_group:
                    connection.execute(
                        update(GROUP)
                        .where(GROUP.c.line_group_id == line_id, GROUP.c.name == "")
                        .values(name=name[:200])
                    )
                    continue
                named = connection.execute(
                    update(PERSON)
                    .where(PERSON.c.line_user_id == line_id)
                    .values(display_name=name[:200], profile_fetched_at=now)
                )
                if not named.rowcount:  # someone tagged in chatter: not stored until now
                    person = store.get_or_create_person(session, line_id)
                    person.display_name, person.profile_fetched_at = name[:200], now
        self._remember_named(names)

    def _known_member(self, member: tuple[int, int]) -> bool:
        """Whether this (group, person) membership was seen active here."""
        with self._lock:
            return member in self._members

    def _remember_member(self, member: tuple[int, int]) -> None:
        """Note an active membership (a member's next message skips the look-up)."""
        with self._lock:
            if len(self._members) > MAX_NAMED_REMEMBERED:
                self._members.clear()  # a bound, not a policy: they are looked up again
            self._members.add(member)

    def _forget_member(self, member: tuple[int, int]) -> None:
        """A member left: the next message must look again (and make them active)."""
        with self._lock:
            self._members.discard(member)

    def _names_known(self, raw: Mapping[str, Any]) -> bool:
        """Whether everyone the event names (and its group) is known here to have a name."""
        chat = chat_of(raw)
        wanted = _named_in(raw) + ([chat.chat_id] if chat.is_group else [])
        with self._lock:
            return all(line_id in self._named for line_id in wanted)

    def _remember_named(self, line_ids: Iterable[str]) -> None:
        """Note people and groups that have a name (so later events ask nobody)."""
        with self._lock:
            if len(self._named) > MAX_NAMED_REMEMBERED:
                self._named.clear()  # a bound, not a policy: they are looked up again
            self._named.update(line_ids)

    def _fetch_names(self, raw: Mapping[str, Any]) -> dict[str, str]:
        """Display names LINE knows for people (and the group) we have not named yet."""
        chat = chat_of(raw)
        wanted = _named_in(raw)
        with self.engine.connect() as connection:
            named = set(
                connection.execute(
                    select(PERSON.c.line_user_id).where(
                        PERSON.c.line_user_id.in_(wanted), PERSON.c.profile_fetched_at.is_not(None)
                    )
                ).scalars()
            )
            group_name = None
            if chat.is_group:
                group_name = connection.execute(
                    select(GROUP.c.name).where(GROUP.c.line_group_id == chat.chat_id)
                ).scalar_one_or_none()
        unknown = [user_id for user_id in wanted if user_id not in named]
        need_group_name = chat.is_group and not group_name
        self._remember_named([*named, *([chat.chat_id] if group_name else [])])
        names: dict[str, str] = {}
        for user_id in unknown:
            try:
                profile = (
                    self.line.group_member_profile(chat.chat_id, user_id)
                    if chat.is_group
                    else self.line.profile(user_id)
                )
            except (PushRejected, PushUnreachable) as error:
                log.info("no LINE profile for %s: %s", user_id, error)
                continue
            names[user_id] = profile.display_name
        if need_group_name:
            try:
                names[chat.chat_id] = self.line.group_summary(chat.chat_id).name
            except (PushRejected, PushUnreachable) as error:
                log.info("no LINE group summary for %s: %s", chat.chat_id, error)
        return names


# The made-up events of warm_up: a group and a person LINE never sends (not 32 hex digits), and
# the most common kind of command, one that reads a task (#0 never exists) and is refused.
_WARM_UP_GROUP = "C-warm-up"
_WARM_UP_PERSON = "U-warm-up"
_WARM_UP_TEXT = "เสร็จ #0"


def _made_up_event(number: int, now: datetime) -> dict[str, Any]:
    """A text message from the warm-up's group, shaped as LINE sends one."""
    return {
        "type": "message",
        "mode": "active",
        "timestamp": int(now.timestamp() * 1000),
        "source": {"type": "group", "groupId": _WARM_UP_GROUP, "userId": _WARM_UP_PERSON},
        "webhookEventId": f"warm-up-{number}",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": f"warm-up-{number}",
        "message": {"type": "text", "id": f"warm-up-{number}", "text": _WARM_UP_TEXT},
    }


def _named_in(raw: Mapping[str, Any]) -> list[str]:
    """The LINE user ids an event brings: its sender, the people tagged, the members joined."""
    chat = chat_of(raw)
    wanted = [chat.user_id] if chat.user_id else []
    message = raw.get("message") or {}
    for mentionee in (message.get("mention") or {}).get("mentionees") or []:
        is_user = mentionee.get("type") == "user" and not mentionee.get("isSelf")
        if is_user and mentionee.get("userId"):
            wanted.append(str(mentionee["userId"]))
    wanted += member_ids(raw, "joined")
    return list(dict.fromkeys(wanted))


def _claim(
    connection: Connection,
    event_row_id: int,
    status: EventStatus,
    now: datetime,
    error: str | None = None,
) -> dict[str, Any] | None:
    """Move a received event to `status`; its raw JSON, or None when someone else already did
    (processed once). (Processing claims with _CLAIM_IN_ORDER_WITH_NEXT: in the chat's order.)
    """
    raw = connection.execute(
        _CLAIM, {"event_id": event_row_id, "new_status": status.value, "now": now, "failure": error}
    ).scalar_one_or_none()
    return dict(raw) if raw is not None else None


def _next_in_chat(connection: Connection, chat_id: str, after: int) -> int | None:
    """The chat's next event waiting to be processed (it waits for the one being done)."""
    found = connection.execute(_NEXT_IN_CHAT, {"chat_id": chat_id, "after": after})
    return found.scalar_one_or_none()


def _event_time(raw: Mapping[str, Any], now: datetime) -> datetime:
    """When LINE got the event (its timestamp, in ms), or `now` without one."""
    stamp = raw.get("timestamp")
    if isinstance(stamp, int) and not isinstance(stamp, bool) and stamp > 0:
        return datetime.fromtimestamp(stamp / 1000, UTC)
    return now


def _run_all(followups: list[Callable[[], None]]) -> Callable[[], None] | None:
    """One follow-up that runs these in order (None for none)."""
    if len(followups) <= 1:
        return followups[0] if followups else None

    def run() -> None:
        for followup in followups:
            followup()

    return run


def _is_chatter(found: Match | BadArguments) -> bool:
    """In a group, unaddressed: a command word inside a sentence, or a sentence after it."""
    if not found.standalone:
        return True  # "เสร็จแล้วค่ะ", "ประชุมกี่โมงคะ"
    return isinstance(found, BadArguments) and bool(found.rest)  # "เสร็จ ไปแล้วนะ"


def member_ids(raw: Mapping[str, Any], key: str) -> list[str]:
    """The user ids of memberJoined's "joined" or memberLeft's "left" (odd shapes: none)."""
    part = raw.get(key)
    members = part.get("members") if isinstance(part, Mapping) else None
    if not isinstance(members, list):
        return []
    found = [m.get("userId") for m in members if isinstance(m, Mapping)]
    return [user_id for user_id in found if isinstance(user_id, str) and user_id]


def scrub_unsent(session: Session, raw: Mapping[str, Any]) -> int:
    """Remove a message its sender took back from what the bot stored; how many rows changed.

    LINE asks bots to delete unsent content. The stored event keeps its shape (type, chat,
    time) but loses its text; what a command made of it stays — a task it created is work
    the group agreed on (a supervisor cancels it with ยกเลิก) — while a progress report's
    text is removed (its percent stays).
    """
    unsend = raw.get("unsend")
    message_id = unsend.get("messageId") if isinstance(unsend, Mapping) else None
    chat = chat_of(raw)
    if not isinstance(message_id, str) or not message_id:
        return 0
    changed = 0
    rows = session.scalars(
        select(InboundEvent).where(
            col(InboundEvent.chat_id) == chat.chat_id[:64],
            col(InboundEvent.event_type) == "message",
        )
    )
    for row in rows:
        message = row.raw.get("message") if isinstance(row.raw, dict) else None
        if not isinstance(message, dict) or message.get("id") != message_id:
            continue
        text_sent = str(message.get("text", ""))
        gone = {"id": message_id, "type": message.get("type"), "unsent": True}
        row.raw = {**row.raw, "message": gone}
        changed += 1
        if text_sent and chat.user_id:
            changed += _scrub_reports(session, chat.user_id, text_sent, row.received_at)
    return changed


def _scrub_reports(session: Session, user_id: str, text_sent: str, received: datetime) -> int:
    """Blank the text of progress reports the unsent message made (reported once it came)."""
    reporter = store.person_by_line_id(session, user_id)
    if reporter is None or reporter.id is None:
        return 0
    changed = 0
    for report in session.scalars(
        select(ProgressReport).where(
            col(ProgressReport.reporter_id) == reporter.id,
            col(ProgressReport.reported_at) >= received - UNSENT_REPORT_SLACK,
        )
    ):
        if report.text and report.text in text_sent:
            report.text = texts.REPORT_UNSENT
            changed += 1
    return changed
