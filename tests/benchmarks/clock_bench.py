"""The reminder clock under load: tick cost at 10,000 vs 100,000 open tasks; a 1,000-group round.

Run by hand (not part of the suite): `python tests/benchmarks/clock_bench.py [--postgresql URL]`.
Seeds through the project's own tables: 10 groups per 1,000 open tasks (100 open tasks, 25 done
ones and their reports per group); 50 groups remind at 08:30, the others at other times, so
the measured 08:30 tick has the same work due at both sizes. The ratio 100,000 / 10,000 is the
figure that matters: a clock bounded by due work stays near 1×.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine

# Run as a script: make the repository (bot, scheduler, models, tests) importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.line_api import LineClient
from models.db import make_engine
from models.tables import ChatGroup, GroupMember, Person, ProgressReport, Task, TaskOwner
from scheduler.planner import plan
from scheduler.sender import DEFAULT_CONCURRENCY, send_due
from scheduler.state import DELIVERY
from tests.support.fake_line import FakeLine
from tests.support.scratch import scratch_database

BANGKOK = ZoneInfo("Asia/Bangkok")
ORDINARY = datetime(2024, 6, 19, 8, 30, tzinfo=BANGKOK)  # a Wednesday: deadlines only
MONTH_END = datetime(2024, 6, 28, 8, 30, tzinfo=BANGKOK)  # June's last working day: every task
DUE_GROUPS = 50
TASKS_PER_GROUP = 100
DONE_PER_GROUP = 25
OTHER_TIMES = [f"{hour:02d}:{minute:02d}" for hour in range(7, 18) for minute in (0, 15, 45)]


def seed(engine: Engine, groups: int, due_groups: int = DUE_GROUPS) -> None:
    """`groups` groups with their people, open and done tasks, owners and reports."""
    created = datetime(2023, 10, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(ChatGroup.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": g + 1,
                    "line_group_id": f"C{g:032x}",
                    "name": f"กลุ่ม {g}",
                    "active": True,
                    "reminder_time": "08:30" if g < due_groups else OTHER_TIMES[g % 33],
                    "meeting_day": 15,
                    "meeting_time": "09:30",
                    "joined_at": created,
                }
                for g in range(groups)
            ],
        )
        connection.execute(
            insert(Person.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": p + 1,
                    "line_user_id": f"U{p:032x}",
                    "display_name": f"คน {p}",
                    "role": "supervisor" if p % 3 == 0 else "officer",
                    "following": False,
                    "created_at": created,
                }
                for p in range(groups * 3)
            ],
        )
        connection.execute(
            insert(GroupMember.__table__),  # type: ignore[attr-defined]
            [
                {"group_id": g + 1, "person_id": g * 3 + k + 1, "active": True, "seen_at": created}
                for g in range(groups)
                for k in range(3)
            ],
        )
        tasks, owners, reports = [], [], []
        task_id = 0
        for g in range(groups):
            for t in range(TASKS_PER_GROUP + DONE_PER_GROUP):
                task_id += 1
                done = t >= TASKS_PER_GROUP
                due = date(2023, 10, 1) + timedelta(days=(t * 7 + g) % 365)
                tasks.append(
                    {
                        "id": task_id,
                        "kind": "task",
                        "group_id": g + 1,
                        "title": f"งานที่ {t} ของกลุ่ม {g}",
                        "period_text": "",
                        "due_date": due,
                        "status": "done" if done else "open",
                        "progress": 100 if done else 0,
                        "done_at": created + timedelta(days=t) if done else None,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                owners.append({"task_id": task_id, "person_id": g * 3 + 1 + t % 2})
                for month in ("2024-03", "2024-04", "2024-05"):
                    reports.append(
                        {
                            "task_id": task_id,
                            "month": month,
                            "reporter_id": g * 3 + 1 + t % 2,
                            "text": "ทำแล้ว",
                            "reported_at": created,
                        }
                    )
        for table, rows in (
            (Task.__table__, tasks),  # type: ignore[attr-defined]
            (TaskOwner.__table__, owners),  # type: ignore[attr-defined]
            (ProgressReport.__table__, reports),  # type: ignore[attr-defined]
        ):
            for first in range(0, len(rows), 5000):
                connection.execute(insert(table), rows[first : first + 5000])


def plan_seconds(engine: Engine, at: datetime) -> tuple[float, int]:
    """Seconds to plan the minute ending at `at`, and digests planned (outbox emptied after)."""
    with engine.connect() as connection:
        started = time.perf_counter()
        result = plan(
            connection, at, since=at - timedelta(minutes=1), grace=timedelta(hours=6), tz=BANGKOK
        )
        elapsed = time.perf_counter() - started
        with connection.begin():
            connection.execute(DELIVERY.delete())
    return elapsed, result.planned


def round_seconds(
    engine: Engine, line: FakeLine, at: datetime, concurrency: int
) -> tuple[float, int]:
    """Seconds to push every digest due at `at`, and how many went out."""
    client = LineClient("token", line.base_url, timeout=10, max_connections=concurrency)
    try:
        with engine.connect() as connection:
            started = time.perf_counter()
            result = send_due(
                connection,
                client,
                at,
                grace=timedelta(hours=6),
                worker="bench",
                concurrency=concurrency,
            )
            return time.perf_counter() - started, result.sent
    finally:
        client.close()


@contextmanager
def database(kind: str, postgresql_url: str | None) -> Iterator[Engine]:
    """An engine on a fresh, migrated scratch database."""
    with scratch_database(kind, postgresql_url) as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def best(measure: Callable[[], tuple[float, int]], rounds: int = 3) -> tuple[float, int]:
    """The fastest of a few runs (the first warms caches)."""
    runs = [measure() for _ in range(rounds)]
    return min(runs, key=lambda run: run[0])


def main() -> None:
    """Print tick costs per size and database, their ratios, and the 1,000-group round."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgresql", help="admin URL, e.g. postgresql://postgres@127.0.0.1/test")
    parser.add_argument("--latency", type=float, default=0.2, help="LINE's answer time (s)")
    args = parser.parse_args()
    kinds = ["sqlite"] + (["postgresql"] if args.postgresql else [])
    for kind in kinds:
        costs: dict[tuple[str, str, int], float] = {}
        # PostgreSQL plans from table statistics that autovacuum refreshes a minute or so
        # after a bulk load; a live database with 100,000 tasks has them. Both are shown.
        states = ("as loaded", "analysed") if kind == "postgresql" else ("as loaded",)
        for open_tasks in (10_000, 100_000):
            groups = open_tasks // TASKS_PER_GROUP
            with database(kind, args.postgresql) as engine:
                started = time.perf_counter()
                seed(engine, groups)
                seeded = time.perf_counter() - started
                for state in states:
                    if state == "analysed":
                        with engine.begin() as connection:
                            connection.execute(text("ANALYZE"))
                    for label, at in (("ordinary 08:30", ORDINARY), ("month-end 08:30", MONTH_END)):
                        seconds, digests = best(lambda at=at: plan_seconds(engine, at))
                        costs[(state, label, open_tasks)] = seconds
                        print(
                            f"{kind:10} {open_tasks:>7,} open tasks, {groups:>5} groups "
                            f"(seeded in {seeded:5.1f} s, {state}): {label}: {digests} digests "
                            f"planned in {seconds * 1000:7.1f} ms"
                        )
        for state in states:
            for label in ("ordinary 08:30", "month-end 08:30"):
                ratio = costs[(state, label, 100_000)] / costs[(state, label, 10_000)]
                print(
                    f"{kind:10} {label} ({state}): tick cost 100,000 / 10,000 open tasks "
                    f"= {ratio:.2f}×"
                )

    line = FakeLine(keep_alive=True).start()  # as api.line.me: connections kept open
    line.latency = args.latency
    try:
        for kind in kinds:
            with database(kind, args.postgresql) as engine:
                seed(engine, 1000, due_groups=1000)
                with engine.connect() as connection:
                    started = time.perf_counter()
                    planned = plan(
                        connection,
                        MONTH_END,
                        since=MONTH_END - timedelta(minutes=1),
                        grace=timedelta(hours=6),
                        tz=BANGKOK,
                    )
                    planning = time.perf_counter() - started
                seconds, sent = round_seconds(engine, line, MONTH_END, DEFAULT_CONCURRENCY)
                sequential = sent * args.latency
                with engine.connect() as connection:
                    pushed = connection.execute(
                        select(DELIVERY.c.status).where(DELIVERY.c.status == "sent")
                    ).all()
                print(
                    f"{kind:10} month-end round, 100,000 open tasks, 1,000 groups: "
                    f"{planned.planned} digests planned in {planning:.1f} s; "
                    f"{sent} pushed (LINE {args.latency * 1000:.0f} ms) in {seconds:.1f} s "
                    f"(one at a time would take {sequential:.0f} s: "
                    f"{sequential / seconds:.0f}× faster); sent rows {len(pushed)}; "
                    f"at most {line.most_in_flight} in flight"
                )
    finally:
        line.stop()


if __name__ == "__main__":
    main()
