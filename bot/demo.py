"""Demo mode: the simulator's group, people and imported plan, and the app that serves them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import store, texts
from bot.line_api import LineClient
from bot.plan.document import load_plan
from bot.plan.importer import bind_unit, import_plan
from bot.simulator import DEMO_GROUP_ID, DEMO_GROUP_NAME, DemoClock, DemoPerson, Simulator
from bot.webhook import create_app, services_of
from models.db import session_scope
from models.settings import Settings
from models.tables import (
    ChatGroup,
    DeliveryStatus,
    GroupMember,
    Person,
    Task,
    TaskKind,
    TaskStatus,
    Unit,
)
from scheduler.clock import tick
from scheduler.rules import DIGEST_KIND
from scheduler.state import DELIVERY, read_instant, write_state
from scheduler.thaidate import format_date

if TYPE_CHECKING:
    from flask import Flask  # the app comes from bot.webhook; only the type is named here

# The source plan as transcribed in the repository (a checkout or an editable install).
PLAN_FILE = Path(__file__).resolve().parent.parent / "data" / "ita-2566-plan.yaml"
DEMO_CLOCK = "demo.clock"  # SystemState: where the demo clock stands (kept across restarts)


def seed_demo(
    session: Session,
    people: tuple[DemoPerson, ...],
    now: datetime,
    plan_path: Path | None = PLAN_FILE,
) -> bool:
    """Create the demo group, its people and (from `plan_path`) the plan; False if already there.

    The plan's units are all bound to the demo group; officers take turns owning its steps,
    and steps that ended over two weeks before `now` count as done, so the status is lifelike.
    """
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
    if plan_path is not None and plan_path.exists():
        import_plan(session, load_plan(plan_path), now=now)
        for unit in session.exec(select(Unit).order_by(col(Unit.id))):
            bind_unit(session, unit, group, now)
        officer_ids = [p.user_id for p in people if p.role == "officer" and p.in_group]
        officers = [store.get_or_create_person(session, user_id) for user_id in officer_ids]
        _share_out_steps(session, group, officers, now)
    store.audit(
        session, actor=None, action="demo.seed", entity="group", entity_id=DEMO_GROUP_ID, at=now
    )
    return True


def _share_out_steps(
    session: Session, group: ChatGroup, officers: list[Person], now: datetime
) -> None:
    """Officers take turns owning the plan's steps; long-finished steps are marked done."""
    steps = session.exec(
        select(Task)
        .where(Task.group_id == group.id, Task.kind == TaskKind.STEP.value)
        .order_by(col(Task.id))
    )
    finished_before = now.date() - timedelta(days=14)
    for number, step in enumerate(steps):
        if officers:
            store.set_owners(session, step, [officers[number % len(officers)]])
        if step.due_date is not None and step.due_date < finished_before and not step.recurrence:
            step.status, step.progress, step.done_at = TaskStatus.DONE.value, 100, now


# Mid-way through the plan's fiscal year 2567, two weeks before the June meeting that moves
# from Saturday 15 June to Monday 17 June 2024: "go to date" shows the shift.
DEMO_START = datetime(2024, 6, 3, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))


def create_demo_app(
    settings: Settings,
    self_url: str,
    start: datetime = DEMO_START,
    plan_path: Path | None = PLAN_FILE,
) -> Flask:
    """The app with the LINE-group simulator: LINE calls go to our own fake LINE endpoints."""
    settings = replace(
        settings,
        line_api_base_url=self_url.rstrip("/") + "/simulator/line",
        line_api_data_base_url=self_url.rstrip("/") + "/simulator/line",
        demo_mode=True,
        # The demo knows its own address: its links (the report download) work out of the box.
        public_base_url=settings.public_base_url or self_url.rstrip("/"),
        # The public progress page names the agency whose plan the demo imported.
        agency_name=settings.agency_name or _agency_of(plan_path),
    )
    clock = DemoClock(start)
    simulator = Simulator(settings.line_channel_secret, clock)
    app = create_app(settings, clock=clock, simulator=simulator)
    services = services_of(app)  # the app's own engine and LINE client serve the demo too
    engine = services.engine
    with Session(engine) as session:
        existing = store.group_by_line_id(session, DEMO_GROUP_ID) is not None
    # A restarted demo goes on at the time it had reached: its reminders were sent up to then.
    resumed = _saved_clock(engine) if existing else None
    if resumed is not None:
        clock.set(resumed)
    with session_scope(engine) as session:
        seeded = seed_demo(session, simulator.people, clock(), plan_path)
    simulator.on_clock_moved = lambda moment: _tick_and_explain(
        engine, services.line, settings, simulator, moment
    )
    simulator.note(texts.simulator_welcome(seeded))
    if resumed is not None:
        local = resumed.astimezone(settings.timezone)
        simulator.note(
            texts.simulator_resumed(
                format_date(local.date(), "long", weekday=True), local.strftime("%H:%M")
            )
        )
    return app


def _agency_of(plan_path: Path | None) -> str:
    """The agency a plan file belongs to ("" without one)."""
    return load_plan(plan_path).agency if plan_path is not None and plan_path.exists() else ""


def _saved_clock(engine: Engine) -> datetime | None:
    """Where the demo clock stood when the demo last ran, if it ever moved."""
    with engine.connect() as connection, connection.begin():
        return read_instant(connection, DEMO_CLOCK)


def _tick_and_explain(
    engine: Engine, messenger: LineClient, settings: Settings, simulator: Simulator, now: datetime
) -> None:
    """Run the reminder clock at the demo time; when nothing went out, say why in the chat."""
    with engine.begin() as connection:
        write_state(connection, DEMO_CLOCK, now.isoformat(), now)
    result = tick(engine, messenger, settings, now)
    if result.sent.sent:
        return
    local = now.astimezone(settings.timezone)
    day = format_date(local.date(), "long", weekday=True)
    with engine.connect() as connection:
        already = connection.execute(
            select(DELIVERY.c.id).where(
                DELIVERY.c.kind == DIGEST_KIND,
                DELIVERY.c.occurrence_key.endswith(f":{local.date().isoformat()}"),
                DELIVERY.c.status == DeliveryStatus.SENT.value,
            )
        ).first()
    simulator.note(
        texts.simulator_already_sent(day) if already else texts.simulator_nothing_due(day)
    )
