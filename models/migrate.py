"""Schema migrations through Alembic, callable from code (no alembic.ini needed)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from models.db import make_engine


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", "models:migrations")
    if engine is not None:
        # ConfigParser treats "%" as interpolation; URL-encoded passwords and socket paths have it.
        url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
        config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema of `engine`'s database to `revision`."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with the code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    """True when the database is at the newest shipped revision."""
    return current_revision(engine) == head_revision()


class SchemaBehind(RuntimeError):
    """The database's schema is older than the code (run `python -m bot db upgrade`)."""


def ready_engine(database_url: str, *, upgrade_sqlite: bool = True) -> Engine:
    """An engine on a database at the newest schema; SQLite files are upgraded on the spot.

    PostgreSQL is upgraded only by the explicit deployment step, so here it raises SchemaBehind.
    """
    engine = make_engine(database_url)
    if upgrade_sqlite and engine.dialect.name == "sqlite":
        upgrade(engine)
    elif not is_up_to_date(engine):
        behind = current_revision(engine) or "nothing"
        engine.dispose()
        raise SchemaBehind(
            f"the database schema is at {behind}, this code needs {head_revision()}: "
            "run `python -m bot db upgrade` first"
        )
    return engine
