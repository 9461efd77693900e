"""Storage that refuses writes: immutable database files (a full or read-only disk), a cut link."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.support.tcp_proxy import TcpProxy


def write_protect(folder: Path, protected: bool, *, spare_shared_memory: bool = False) -> None:
    """Make every file in `folder` immutable (or writable again).

    The suite runs as root, whom file modes do not stop; the immutable attribute does.
    `spare_shared_memory` leaves SQLite's -shm file alone: a process that has it mapped would
    die of SIGBUS writing to it, where a real full disk makes the -wal writes fail first.
    """
    for path in folder.iterdir():
        if protected and spare_shared_memory and path.name.endswith("-shm"):
            continue
        subprocess.run(["chattr", "+i" if protected else "-i", str(path)], check=True)


def can_write_protect(folder: Path) -> bool:
    """True when chattr is installed and the filesystem under `folder` has the attribute."""
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "-i", str(folder)], capture_output=True).returncode == 0


@dataclass
class Outage:
    """How to take the database away from the bot and give it back."""

    database_url: str  # the bot's DATABASE_URL: through the proxy on PostgreSQL
    begin: Callable[[], None]
    end: Callable[[], None]


@contextmanager
def database_outage(database_url: str) -> Iterator[Outage]:
    """PostgreSQL: a TCP proxy to cut. SQLite: the database files, to make immutable.

    Skips the test where the filesystem cannot make files immutable.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
            through = url.set(host="127.0.0.1", port=proxy.port)
            yield Outage(through.render_as_string(hide_password=False), proxy.cut, proxy.restore)
        return
    folder = Path(url.database or "").parent
    if not can_write_protect(folder):
        pytest.skip("chattr is missing, or this filesystem has no immutable attribute")
    try:
        yield Outage(
            database_url,
            lambda: write_protect(folder, True, spare_shared_memory=True),
            lambda: write_protect(folder, False),
        )
    finally:
        write_protect(folder, False)
