"""Alembic environment: migrates the database named by the caller, DATABASE_URL, or alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from models.db import make_engine
from models.settings import Settings

config = context.config
target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    """Run the migrations on one connection (batch mode so SQLite can alter tables)."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _database_url() -> str:
    """The URL from `-x url=…`, alembic.ini, or DATABASE_URL (in that order)."""
    x_args = context.get_x_argument(as_dictionary=True)
    return (
        x_args.get("url")
        or config.get_main_option("sqlalchemy.url")
        or Settings.from_env().database_url
    )


given_connection = config.attributes.get("connection")
if given_connection is not None:
    _run(given_connection)
else:
    engine = make_engine(_database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()
