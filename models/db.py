"""The database engine and sessions, the same code for SQLite and PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

CONNECT_TIMEOUT = 5  # seconds to reach PostgreSQL before a connection attempt fails


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres URLs (Heroku-style `postgres://` too)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        # Pooled connections are shared by threads one at a time (SQLite allows that with
        # check_same_thread off); each new connection gets the pragmas below once.
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "handle_error", _reopen_when_read_only)
        _WriterTurns(engine.url.database or "").watch(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # An unreachable server must fail in seconds, not after the OS's TCP timeout (minutes):
    # the webhook then keeps the event in its spool and still answers LINE in time.
    if "connect_timeout" not in url:
        kwargs.setdefault("connect_args", {}).setdefault("connect_timeout", CONNECT_TIMEOUT)
    return create_engine(url, **kwargs)


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


class _WriterTurns:
    """SQLite takes one writer at a time; make this process's writers queue on a lock.

    Without it, a thread that finds the database locked sleeps in SQLite's busy handler in
    coarse steps (1, 2, 5 … 100 ms) and may lose again when it wakes: under load, a webhook's
    one small INSERT waited up to a second behind the event lanes' transactions. Taking turns
    on a lock at a transaction's first write makes the wait as long as the writes ahead, no
    longer. A SAVEPOINT takes the turn too: it opens a transaction whose reads would otherwise
    hold a snapshot that another writer's commit makes stale, and SQLite then refuses the
    first write at once ("database is locked"). The lock belongs to the database file, so
    every engine on it in this process takes turns. Reads outside a transaction never wait;
    other processes still meet SQLite's own busy handling.
    """

    _HELD = "tidtam_writer_turn"
    _WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")
    # One lock per database file in this process (engines come and go; the file stays).
    _by_file: ClassVar[dict[str, threading.Lock]] = {}
    _registry: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, database: str) -> None:
        path = os.path.realpath(database) if database and database != ":memory:" else database
        with self._registry:
            self._lock = self._by_file.setdefault(path or ":memory:", threading.Lock())

    def watch(self, engine: Engine) -> None:
        """Take a turn before a connection's first write; give it back when it ends."""
        event.listen(engine, "before_cursor_execute", self._before_execute)
        event.listen(engine, "commit", self._transaction_ended)
        event.listen(engine, "rollback", self._transaction_ended)
        event.listen(engine, "reset", self._pool_reset)
        event.listen(engine, "close", self._pool_closed)

    def _before_execute(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if conn.info.get(self._HELD) or not statement.lstrip()[:9].upper().startswith(self._WRITES):
            return
        self._lock.acquire()
        conn.info[self._HELD] = True

    def _transaction_ended(self, conn: Any) -> None:
        self._give_back(conn.info)

    def _pool_reset(self, dbapi_connection: Any, record: Any, reset_state: Any) -> None:
        self._give_back(record.info)

    def _pool_closed(self, dbapi_connection: Any, record: Any) -> None:
        self._give_back(record.info)

    def _give_back(self, info: dict[str, Any]) -> None:
        if info.pop(self._HELD, False):
            self._lock.release()


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
