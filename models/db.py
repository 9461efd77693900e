"""The database engine and sessions, the same code for SQLite and PostgreSQL."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any, ClassVar

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5  # seconds to reach PostgreSQL before a connection attempt fails


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres URLs (Heroku-style `postgres://` too)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, pool_size: int | None = None, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout; PostgreSQL keeps
    `pool_size` connections open (SQLAlchemy's default, 5, when None)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        # Pooled connections are shared by threads one at a time (SQLite allows that with
        # check_same_thread off); each new connection gets the pragmas below once.
        engine = create_engine(
            url,
            connect_args={
                "check_same_thread": False,
                "timeout": 30,
                "factory": _TurnTakingConnection,
            },
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "handle_error", _reopen_when_read_only)
        _WriterTurns(engine.url.database or "").watch(engine)
        event.listen(engine, "before_cursor_execute", _count_write)
        return engine
    # An unreachable server must fail in seconds, not after the OS's TCP timeout (minutes):
    # the webhook then keeps the event in its spool and still answers LINE in time.
    if "connect_timeout" not in url:
        kwargs.setdefault("connect_args", {}).setdefault("connect_timeout", CONNECT_TIMEOUT)
    if pool_size is not None:
        kwargs.setdefault("pool_size", pool_size)
    engine = create_engine(url, **kwargs)
    _PingAfterIdle().watch(engine)
    event.listen(engine, "before_cursor_execute", _count_write)
    return engine


def open_pool(engine: Engine) -> int:
    """Open the pool's connections now, all at once, so a server's first burst finds them
    ready; how many are open (0 for SQLite, whose connections are a file opened in
    microseconds).

    A new PostgreSQL connection costs a server process and its start-up: 10–40 ms measured
    here, on the CPU a burst needs, while a webhook waits for it.
    """
    size = getattr(engine.pool, "size", None)
    if engine.dialect.name == "sqlite" or not callable(size):
        return 0
    opened = []
    try:
        for _ in range(size()):
            opened.append(engine.raw_connection())
    except DBAPIError as error:  # the database is away: the first burst opens them
        log.info("could not open the pool's connections ahead: %s", error)
    finally:
        for connection in opened:
            connection.close()  # back to the pool, open
    return len(opened)


_WRITES_SO_FAR = "writes_so_far"


def writes_so_far(connection: Connection) -> int | None:
    """How many INSERT, UPDATE and DELETE statements this connection has run (a counter to
    compare before and after some work: whether it wrote anything); None when its engine was
    not made by make_engine and does not count."""
    if not event.contains(connection.engine, "before_cursor_execute", _count_write):
        return None
    return int(connection.info.get(_WRITES_SO_FAR, 0))


def _count_write(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
        conn.info[_WRITES_SO_FAR] = conn.info.get(_WRITES_SO_FAR, 0) + 1


def statement_at_a_time(engine: Engine) -> Engine:
    """The engine for work of one statement, which needs no transaction around it.

    On PostgreSQL each transaction costs a BEGIN and a COMMIT (or a ROLLBACK for a read),
    each a round trip of its own: a lone UPDATE in a transaction is three. This engine (the
    same pool) runs in autocommit, where it is one. Use it only where every statement stands
    alone: two statements on it are two commits. On SQLite the engine itself: BEGIN and COMMIT
    cost no round trip there, and writers take turns per transaction (_WriterTurns).
    """
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on (SQLite's default is off) and WAL so readers do not block the writer."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL + NORMAL survives a killed process; only an OS crash may lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _reopen_when_read_only(context: Any) -> None:
    """A connection opened while the file was write-protected stays read-only: drop it.

    SQLite falls back to a read-only handle when it cannot open the file for writing, and keeps
    it. Treating "attempt to write a readonly database" like a lost connection makes the pool
    open fresh handles, so the bot writes again once the files are writable — no restart.
    """
    if "readonly database" in str(context.original_exception):
        context.is_disconnect = True


class _TurnTakingConnection(sqlite3.Connection):
    """A SQLite connection that gives its writer turn back once its transaction has ended.

    (SQLAlchemy tells listeners of a commit before it commits: a turn given back then let the
    next writer start while the file was still locked, into SQLite's busy sleeps.)
    """

    turn: WriterTurn | None = None  # held from the transaction's first write

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.end_turn()

    def end_turn(self) -> None:
        """Let the next writer of this database file go."""
        turn, self.turn = self.turn, None
        if turn is not None:
            turn.release()


_urgent_writer: ContextVar[bool] = ContextVar("urgent_writer", default=False)


@contextmanager
def urgent_writes() -> Iterator[None]:
    """Writes made inside go before other waiting writers of the same SQLite file.

    For the webhook: LINE waits on its one small INSERT, while the event lanes' transactions
    can wait a moment longer. (PostgreSQL has no turns; this changes nothing there.)
    """
    token = _urgent_writer.set(True)
    try:
        yield
    finally:
        _urgent_writer.reset(token)


class WriterTurn:
    """One SQLite file's writer turn: a lock whose urgent waiters are served first.

    With `lock_path`, the turn is also taken across processes (gunicorn's workers on one
    SQLite file): an exclusive `flock` on a file beside the database, held for the same span.
    SQLite's own busy handler would otherwise sleep in steps of 1, 2, 5 … 100 ms while another
    process writes; the kernel wakes a `flock` waiter as soon as the lock is let go.
    """

    def __init__(self, lock_path: str | None = None) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._held = False
        self._urgent_waiting = 0
        self._lock_file: int | None = None
        if lock_path is not None:
            # A read-only folder: SQLite's own busy handling between processes, as before.
            with suppress(OSError):
                self._lock_file = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, *, urgent: bool = False) -> None:
        """Wait for the turn; an ordinary writer also lets every waiting urgent one go first."""
        with self._changed:
            if urgent:
                self._urgent_waiting += 1
            try:
                while self._held or (not urgent and self._urgent_waiting):
                    self._changed.wait()
            finally:
                if urgent:
                    self._urgent_waiting -= 1
            self._held = True
        if self._lock_file is not None:
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX)  # the other processes' writers
            except BaseException:
                self._let_go()
                raise

    def release(self) -> None:
        """Give the turn to the next writer."""
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        self._let_go()

    def _let_go(self) -> None:
        with self._changed:
            self._held = False
            self._changed.notify_all()


class _WriterTurns:
    """SQLite takes one writer at a time; make this process's writers queue on a turn.

    Without it, a thread that finds the database locked sleeps in SQLite's busy handler in
    coarse steps (1, 2, 5 … 100 ms) and may lose again when it wakes: under load, a webhook's
    one small INSERT waited up to a second behind the event lanes' transactions. Taking turns
    at a transaction's first write makes the wait as long as the writes ahead, no longer, and
    a writer inside `urgent_writes()` (the webhook) goes before the lanes waiting with it: it
    waits for the transaction in progress, not for the queue (under a burst on the benchmark,
    93 % of a webhook's time was spent queueing for the turn). A SAVEPOINT takes the turn
    too: it opens a transaction whose reads would otherwise hold a snapshot that another
    writer's commit makes stale, and SQLite then refuses the first write at once ("database is
    locked"). The turn belongs to the database file, so every engine on it in this process
    takes turns; the connection gives the turn back after its commit or rollback
    (_TurnTakingConnection). Reads outside a transaction never wait; other processes still
    meet SQLite's own busy handling.
    """

    _WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")
    # One turn per database file in this process (engines come and go; the file stays).
    _by_file: ClassVar[dict[str, WriterTurn]] = {}
    _registry: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, database: str) -> None:
        path = os.path.realpath(database) if database and database != ":memory:" else database
        with self._registry:
            if path and path != ":memory:" and path not in self._by_file:
                self._by_file[path] = WriterTurn(path + "-writer.lock")
            self._turn = self._by_file.setdefault(path or ":memory:", WriterTurn())

    def watch(self, engine: Engine) -> None:
        """Take a turn before a connection's first write (the connection gives it back)."""
        event.listen(engine, "before_cursor_execute", self._before_execute)

    def _before_execute(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        connection = cursor.connection
        if not isinstance(connection, _TurnTakingConnection) or connection.turn is not None:
            return
        if not statement.lstrip()[:9].upper().startswith(self._WRITES):
            return
        self._turn.acquire(urgent=_urgent_writer.get())
        connection.turn = self._turn


class _PingAfterIdle:
    """Ping a pooled PostgreSQL connection before use only when it has been idle a while.

    SQLAlchemy's pre-ping costs a round trip on every checkout, and an event's webhook, its
    processing and its delivery check out about four times between them. A connection
    back in the pool less than PING_AFTER_IDLE ago was working then: it is used without a
    ping. One idle longer (the server may have restarted, or a proxy dropped it) is pinged,
    and a dead one is replaced before anyone uses it, as pre-ping does.
    """

    PING_AFTER_IDLE = 2.0  # seconds

    def watch(self, engine: Engine) -> None:
        """Note when connections come back; ping the ones that were away long."""
        self._dialect = engine.dialect
        event.listen(engine, "connect", self._note_idle)
        event.listen(engine, "checkin", self._note_idle)
        event.listen(engine, "checkout", self._ping_if_idle)

    def _note_idle(self, _dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def _ping_if_idle(self, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is not None and time.monotonic() - idle_since < self.PING_AFTER_IDLE:
            return
        try:
            self._dialect.do_ping(dbapi_connection)
        except self._dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out another (a fresh one).
            raise DisconnectionError(str(error)) from error


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def ping(engine: Engine) -> None:
    """Raise if the database does not answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
