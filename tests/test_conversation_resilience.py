"""When the database stumbles or two processes race, a command is retried, never dropped."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from bot import conversation, store
from bot.commands import build_router
from bot.conversation import MAX_DATABASE_ATTEMPTS, Conversation
from bot.inbox import record_events
from bot.line_api import LineClient
from models.db import session_scope
from models.settings import Settings
from models.tables import ChatGroup, GroupMember, InboundEvent
from tests.support.events import GROUP, NOW, OFFICER_A, text_message
from tests.support.fake_line import FakeLine


@pytest.fixture
def conversation_here(settings: Settings, engine: Engine) -> Iterator[Conversation]:
    """A Conversation driven directly (no inbox threads), on the test clock."""
    line = LineClient("t", settings.line_api_base_url)
    conversation = Conversation(settings, engine, line, build_router(), lambda: NOW)
    yield conversation
    conversation.courier.stop()
    line.close()


def processed(conversation: Conversation, event_id: int) -> None:
    """Process an event as a lane does, and wait for the courier to deliver its answer."""
    conversation.process(event_id)
    assert conversation.courier.wait_idle(timeout=15)


def failing_once(real: Callable[..., Any]) -> Callable[..., Any]:
    """`real`, except that its first call loses the database connection."""
    failures = iter([True])

    def flaky(*args: Any, **kwargs: Any) -> Any:
        if next(failures, False):
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        return real(*args, **kwargs)

    return flaky


def stored(engine: Engine, *events: dict[str, Any]) -> list[int]:
    """Store events as the webhook does; their row ids."""
    with session_scope(engine) as session:
        return [row.id for row in record_events(session, events, NOW) if row.id is not None]


def event_row(engine: Engine, event_id: int) -> InboundEvent:
    """One inbound event as stored now."""
    with Session(engine) as session:
        row = session.get(InboundEvent, event_id)
        assert row is not None
        return row


def test_a_database_error_leaves_the_event_for_the_next_sweep(
    conversation_here: Conversation,
    engine: Engine,
    fake_line: FakeLine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [event_id] = stored(engine, text_message("ช่วยเหลือ", user_id=OFFICER_A, group_id=GROUP))
    monkeypatch.setattr(store, "insert_once", failing_once(store.insert_once))  # the group's
    processed(conversation_here, event_id)
    assert (event_row(engine, event_id).status, event_row(engine, event_id).attempts) == (
        "received",
        1,
    )
    assert fake_line.replies == []  # no apology for a hiccup

    processed(conversation_here, event_id)  # what the inbox sweep does a few seconds later
    assert event_row(engine, event_id).status == "done"
    assert "คำสั่งของ" in fake_line.replies[0].body["messages"][0]["text"]


def test_a_database_that_keeps_failing_ends_in_failed_with_an_apology(
    conversation_here: Conversation,
    engine: Engine,
    fake_line: FakeLine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [event_id] = stored(engine, text_message("ช่วยเหลือ", user_id=OFFICER_A, group_id=GROUP))

    def broken(session: Session, row: ChatGroup, key: str) -> ChatGroup:
        raise OperationalError("SELECT 1", {}, Exception("disk I/O error"))

    monkeypatch.setattr(store, "insert_once", broken)  # registering the group fails, every time
    for _ in range(MAX_DATABASE_ATTEMPTS):
        processed(conversation_here, event_id)
    assert event_row(engine, event_id).status == "failed"
    assert (
        len(fake_line.replies) == 1 and "ขออภัย" in fake_line.replies[0].body["messages"][0]["text"]
    )


def test_a_group_registered_by_another_process_meanwhile_is_reused(engine: Engine) -> None:
    with session_scope(engine) as other_process:
        store.get_or_create_group(other_process, GROUP, NOW)
    with session_scope(engine) as session:
        # This process had looked before the other one committed, and now inserts too.
        group = store.insert_once(
            session, ChatGroup(line_group_id=GROUP, joined_at=NOW), "line_group_id"
        )
        assert group.id is not None
        store.get_or_create_person(session, OFFICER_A)  # the transaction is still usable
    with Session(engine) as session:
        assert len(session.exec(select(ChatGroup)).all()) == 1


def test_a_membership_is_noted_once_and_a_member_who_left_is_active_again(
    engine: Engine,
) -> None:
    later = NOW + timedelta(days=3)
    with session_scope(engine) as session:
        group, person = store.group_and_person(session, GROUP, OFFICER_A, NOW)
        store.note_member(session, group, person, NOW)
        store.note_member(session, group, person, later)  # active already: nothing changes
        assert group.id is not None and person.id is not None
        key = (group.id, person.id)
    with session_scope(engine) as session:
        member = session.get(GroupMember, key)
        assert member is not None and (member.active, member.seen_at) == (True, NOW)
        store.note_member_left(session, group, person)
    with session_scope(engine) as session:
        left = session.get(GroupMember, key)
        assert left is not None and not left.active
        store.note_member(session, group, person, later)  # back: active from now
        assert (left.active, left.seen_at) == (True, later)  # the loaded object says so too
    with Session(engine) as session:
        rows = session.exec(select(GroupMember)).all()
        assert [(row.active, row.seen_at) for row in rows] == [(True, later)]


def test_a_chat_s_later_event_waits_for_its_earlier_one_whoever_holds_it(
    conversation_here: Conversation, engine: Engine, fake_line: FakeLine
) -> None:
    first, second = stored(
        engine,
        text_message("ประชุม", user_id=OFFICER_A, group_id=GROUP),
        text_message("วันหยุด", user_id=OFFICER_A, group_id=GROUP),
    )
    # Another process picked up the second event first: it must not overtake the first.
    processed(conversation_here, second)
    assert event_row(engine, second).status == "received" and fake_line.replies == []
    # The first one's processing carries on into the second, in order.
    processed(conversation_here, first)
    assert (event_row(engine, first).status, event_row(engine, second).status) == ("done", "done")
    said = [m["text"] for reply in fake_line.replies for m in reply.body["messages"]]
    assert len(said) == 2 and "ประชุม" in said[0] and said[1].startswith("🏖️ วันหยุดราชการ")


def test_a_membership_rolled_back_with_its_event_is_written_when_the_event_is_retried(
    conversation_here: Conversation,
    engine: Engine,
    fake_line: FakeLine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [event_id] = stored(engine, text_message("ช่วยเหลือ", user_id=OFFICER_A, group_id=GROUP))
    # The membership is written; then, storing the answer, the connection drops.
    monkeypatch.setattr(conversation, "hand_over", failing_once(conversation.hand_over))
    processed(conversation_here, event_id)
    assert event_row(engine, event_id).status == "received"  # rolled back, to be retried
    processed(conversation_here, event_id)
    assert event_row(engine, event_id).status == "done"
    with Session(engine) as session:
        members = session.exec(select(GroupMember)).all()
    assert [member.active for member in members] == [True]  # written on the retry
