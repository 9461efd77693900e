"""Demo data: the simulator's group and people, created once on the first demo start."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot import store
from bot.line_api import LineClient
from bot.simulator import DEMO_GROUP_ID, DEMO_GROUP_NAME, DemoClock, DemoPerson, Simulator
from bot.webhook import create_app
from models.db import make_engine, session_scope
from models.settings import Settings
from models.tables import ChatGroup, GroupMember, Person
from scheduler import texts
from scheduler.clock import tick

if TYPE_CHECKING:
    from flask import Flask  # the app comes from bot.webhook; only the type is named here


def seed_demo(session: Session, people: tuple[DemoPerson, ...], now: datetime) -> bool:
    """Create the demo group (meeting on the 15th, 09:30) and its people; False if already there."""
    if store.group_by_line_id(session, DEMO_GROUP_ID) is not None:
        return False
    group = ChatGroup(
        line_group_id=DEMO_GROUP_ID,
        name=DEMO_GROUP_NAME,
        meeting_day=15,
        meeting_time="09:30",
        joined_at=now,
    )
    session.add(group)
    session.flush()
    for demo_person in people:
        person = store.person_by_line_id(session, demo_person.user_id) or Person(
            line_user_id=demo_person.user_id
        )
        person.display_name, person.role, person.profile_fetched_at = (
            demo_person.name,
            demo_person.role,
            now,
        )
        session.add(person)
        session.flush()
        if demo_person.in_group:
            assert group.id is not None and person.id is not None
            session.add(GroupMember(group_id=group.id, person_id=person.id, seen_at=now))
    store.audit(
        session, actor=None, action="demo.seed", entity="group", entity_id=DEMO_GROUP_ID, at=now
    )
    return True


# Mid-way through the plan's fiscal year 2567, two weeks before the June meeting that moves
# from Saturday 15 June to Monday 17 June 2024: "go to date" shows the shift.
DEMO_START = datetime(2024, 6, 3, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))


def create_demo_app(settings: Settings, self_url: str, start: datetime = DEMO_START) -> Flask:
    """The app with the LINE-group simulator: LINE calls go to our own fake LINE endpoints."""
    settings = replace(
        settings, line_api_base_url=self_url.rstrip("/") + "/simulator/line", demo_mode=True
    )
    clock = DemoClock(start)
    simulator = Simulator(settings.line_channel_secret, clock)
    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        seeded = seed_demo(session, simulator.people, clock())
    messenger = LineClient(
        settings.line_channel_access_token,
        settings.line_api_base_url,
        settings.line_request_timeout,
    )
    simulator.on_clock_moved = lambda moment: _tick_quietly(engine, messenger, settings, moment)
    simulator.note(texts.simulator_welcome(seeded))
    return create_app(settings, clock=clock, simulator=simulator)


def _tick_quietly(engine: Engine, messenger: LineClient, settings: Settings, now: datetime) -> None:
    """Plan and send what is due at the demo time (failures are recorded by the sender)."""
    tick(engine, messenger, settings, now)
