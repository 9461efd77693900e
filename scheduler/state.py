"""The outbox and system-state tables for Core queries, and upserts on PostgreSQL or SQLite."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

DELIVERY: Table = SQLModel.metadata.tables["delivery"]
SYSTEM_STATE: Table = SQLModel.metadata.tables["system_state"]
ANSWER_KIND = "reply"  # the outbox kind of chat answers (bot.answers stores them)


# Statements built once per database kind: building one costs more Python than running it.
_built: dict[tuple[str, str], Any] = {}


def built_once(connection: Connection, name: str, build: Callable[[Connection], Any]) -> Any:
    """The statement `name` for this connection's kind of database, built on first use."""
    key = (connection.dialect.name, name)
    if key not in _built:
        _built[key] = build(connection)
    return _built[key]


def dialect_insert(connection: Connection, table: Table) -> Any:
    """INSERT with the dialect's ON CONFLICT support (PostgreSQL or SQLite)."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    if connection.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(
        f"the outbox needs PostgreSQL or SQLite, not {connection.dialect.name}"
    )


def read_state(connection: Connection, key: str) -> str | None:
    """A SystemState value, or None when unset or cleared."""
    value = connection.execute(
        select(SYSTEM_STATE.c.value).where(SYSTEM_STATE.c.key == key)
    ).scalar_one_or_none()
    return value or None


def read_instant(connection: Connection, key: str) -> datetime | None:
    """A SystemState value that holds an instant."""
    value = read_state(connection, key)
    return datetime.fromisoformat(value) if value else None


def write_state(connection: Connection, key: str, value: str, now: datetime) -> None:
    """Set a SystemState value (insert or update, safe against a concurrent writer)."""
    statement = dialect_insert(connection, SYSTEM_STATE).values(
        key=key, value=value, updated_at=now
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["key"], set_={"value": value, "updated_at": now}
        )
    )


def worker_name() -> str:
    """Who holds a claim: host, process and a random part (two processes on one host differ)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
