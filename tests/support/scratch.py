"""A fresh, migrated database for the benchmarks: a SQLite file or a scratch PostgreSQL one."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from models.db import make_engine
from models.migrate import upgrade


@contextmanager
def scratch_database(kind: str, postgresql_url: str | None = None) -> Iterator[str]:
    """The URL of a new database at the newest schema ("sqlite", or "postgresql" made with the
    admin URL given); it is removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/scratch.db"
            _migrate(url)
            yield url
        return
    assert postgresql_url is not None, "a PostgreSQL admin URL is needed"
    admin = make_engine(postgresql_url, isolation_level="AUTOCOMMIT")
    name = f"tidtam_scratch_{time.time_ns()}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = postgresql_url.rsplit("/", 1)[0] + "/" + name
        _migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    """Bring the database at `url` to the newest schema."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
