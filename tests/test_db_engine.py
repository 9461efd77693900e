"""The engine's own behaviour under concurrency: SQLite writer turns, PostgreSQL pings."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import event, text

from models import db
from models.db import WriterTurn, make_engine, open_pool, statement_at_a_time, urgent_writes


def test_an_urgent_writer_goes_before_ordinary_writers_that_waited_longer() -> None:
    turn = WriterTurn()
    turn.acquire()  # a lane's transaction in progress
    order: list[str] = []

    def write(name: str, urgent: bool) -> None:
        turn.acquire(urgent=urgent)
        order.append(name)
        turn.release()

    lanes = [threading.Thread(target=write, args=(f"lane {n}", False)) for n in range(3)]
    for lane in lanes:
        lane.start()
    time.sleep(0.05)  # the lanes are queued first
    webhook = threading.Thread(target=write, args=("webhook", True))
    webhook.start()
    time.sleep(0.05)
    turn.release()
    for thread in [*lanes, webhook]:
        thread.join(timeout=5)
    assert order[0] == "webhook"
    assert sorted(order[1:]) == ["lane 0", "lane 1", "lane 2"]


def test_a_webhook_insert_waits_for_the_transaction_in_progress_only(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (who TEXT)"))
    written: list[str] = []
    lane_started = threading.Event()
    finish_lane = threading.Event()

    def lane(name: str, hold: bool) -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO note VALUES (:who)"), {"who": name})
            if hold:
                lane_started.set()
                finish_lane.wait(5)
        written.append(name)

    def webhook() -> None:
        with urgent_writes(), engine.begin() as connection:
            connection.execute(text("INSERT INTO note VALUES ('webhook')"))
        written.append("webhook")

    holding = threading.Thread(target=lane, args=("lane holding", True))
    holding.start()
    assert lane_started.wait(5)
    queued = [threading.Thread(target=lane, args=(f"lane {n}", False)) for n in range(2)]
    for thread in queued:
        thread.start()
    time.sleep(0.05)
    urgent = threading.Thread(target=webhook)
    urgent.start()
    time.sleep(0.05)
    finish_lane.set()
    for thread in [holding, *queued, urgent]:
        thread.join(timeout=5)
    assert written[:2] == ["lane holding", "webhook"]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM note")).scalar() == 4
    engine.dispose()


@pytest.fixture
def postgresql_url(database_url: str) -> str:
    """The test database's URL when it is PostgreSQL (CI runs the suite on both)."""
    if not database_url.startswith("postgres"):
        pytest.skip("PostgreSQL only: SQLite has no server to lose")
    return database_url


def test_a_postgresql_connection_idle_long_is_pinged_and_replaced_when_dead(
    postgresql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(postgresql_url, pool_size=1, max_overflow=0)
    killer = make_engine(postgresql_url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as connection:
            first = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        with killer.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        # Back in the pool "long" ago: the next checkout pings, finds it dead, replaces it.
        monkeypatch.setattr(db._PingAfterIdle, "PING_AFTER_IDLE", 0.0)
        with engine.connect() as connection:
            second = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        assert second != first
    finally:
        engine.dispose()
        killer.dispose()


def test_a_connection_back_in_the_pool_a_moment_ago_is_used_without_a_ping(
    postgresql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(postgresql_url, pool_size=1, max_overflow=0)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping

    def counted_ping(dbapi_connection: object) -> bool:
        pings.append(dbapi_connection)
        return bool(real_ping(dbapi_connection))

    monkeypatch.setattr(engine.dialect, "do_ping", counted_ping)
    try:
        for _ in range(3):  # a burst: each checkout finds the connection just given back
            with engine.connect() as connection:
                assert connection.execute(text("SELECT 1")).scalar() == 1
        assert pings == []
        monkeypatch.setattr(db._PingAfterIdle, "PING_AFTER_IDLE", 0.0)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        assert len(pings) == 1
    finally:
        engine.dispose()


def test_an_opened_pool_serves_a_burst_of_checkouts_without_a_new_connection(
    postgresql_url: str,
) -> None:
    engine = make_engine(postgresql_url, pool_size=4)
    opened: list[object] = []
    event.listen(engine, "connect", lambda dbapi_connection, _record: opened.append(1))
    try:
        assert open_pool(engine) == 4 and len(opened) == 4
        assert engine.pool.checkedin() == 4  # type: ignore[attr-defined]
        # Four at once, as a burst's webhooks and lanes: each finds one open.
        with ExitStack() as stack:
            held = [stack.enter_context(engine.connect()) for _ in range(4)]
            pids = {c.execute(text("SELECT pg_backend_pid()")).scalar() for c in held}
        assert len(pids) == 4 and len(opened) == 4
    finally:
        engine.dispose()


def test_sqlite_has_no_pool_to_open(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'file.db'}", pool_size=4)
    try:
        assert open_pool(engine) == 0
    finally:
        engine.dispose()


def test_a_lone_statement_on_postgresql_commits_as_it_runs_and_leaves_the_pool_transactional(
    postgresql_url: str,
) -> None:
    engine = make_engine(postgresql_url, pool_size=1, max_overflow=0)
    watcher = make_engine(postgresql_url, pool_size=1, max_overflow=0)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE lone_statement_probe (n integer)"))
        with statement_at_a_time(engine).connect() as connection:
            connection.execute(text("INSERT INTO lone_statement_probe VALUES (1)"))
            # No BEGIN was sent, so there is nothing to commit: another session sees it now.
            with watcher.connect() as other:
                seen = other.execute(text("SELECT count(*) FROM lone_statement_probe")).scalar()
            assert seen == 1
        # The same pooled connection, used normally again, is back in transactions.
        with engine.connect() as connection:
            connection.execute(text("INSERT INTO lone_statement_probe VALUES (2)"))
            connection.rollback()
        with watcher.connect() as other:
            assert other.execute(text("SELECT count(*) FROM lone_statement_probe")).scalar() == 1
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS lone_statement_probe"))
        engine.dispose()
        watcher.dispose()


def test_on_sqlite_the_lone_statement_engine_is_the_engine_itself(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lone.db'}")
    try:
        assert statement_at_a_time(engine) is engine  # its writers take turns per transaction
    finally:
        engine.dispose()


def test_writers_in_another_process_take_turns_on_the_same_sqlite_file(tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (who TEXT)"))
    # Another process (a second gunicorn worker) holds the turn until told to let go.
    holding = (
        "import fcntl, os, sys\n"
        f"fd = os.open({str(database) + '-writer.lock'!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('holding', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    written = threading.Event()

    def write() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO note VALUES ('here')"))
        written.set()

    writer = threading.Thread(target=write)
    with subprocess.Popen(
        [sys.executable, "-c", holding], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout is not None and holder.stdin is not None
        try:
            assert holder.stdout.readline().strip() == "holding"
            writer.start()
            assert not written.wait(0.3)  # it waits for the other process's turn to end
            holder.stdin.write("go\n")
            holder.stdin.flush()
            assert written.wait(5)
        finally:
            holder.kill()
            if writer.ident is not None:  # started
                writer.join(timeout=5)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT who FROM note")).scalars().all() == ["here"]
    finally:
        engine.dispose()
