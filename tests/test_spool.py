"""The event spool alone: kept in order, stored once, bounded, left-behind files drained."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.spool import REJECTED_NAME, EventSpool, StorageUnavailable

T0 = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
LIMIT = 1 << 20


class Database:
    """A stand-in for the store: takes bodies while up, raises StorageUnavailable while down."""

    def __init__(self) -> None:
        self.up = True
        self.stored: list[tuple[str, datetime]] = []
        self.refuse: set[str] = set()

    def __call__(self, body: str, received_at: datetime) -> None:
        if not self.up:
            raise StorageUnavailable("connection refused")
        if body in self.refuse:
            raise ValueError("value too long for type character varying(64)")
        self.stored.append((body, received_at))


@pytest.fixture
def open_spool() -> Iterator[Callable[..., EventSpool]]:
    """EventSpool(folder, limit) for the test, every one closed at the end."""
    opened: list[EventSpool] = []

    def make(folder: Path, limit_bytes: int = LIMIT) -> EventSpool:
        opened.append(EventSpool(folder, limit_bytes))
        return opened[-1]

    yield make
    for spool in opened:
        spool.close()


def bodies(count: int, start: int = 0) -> list[str]:
    """Distinct webhook-like bodies (Thai text included: the file is UTF-8)."""
    return [json.dumps({"events": [{"n": n, "text": "ช่วยเหลือ"}]}) for n in range(start, count)]


def spool_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("events-*.spool"))


def test_bodies_wait_on_disk_and_are_stored_in_order_once_the_database_is_back(
    tmp_path: Path,
    open_spool: Callable[..., EventSpool],
) -> None:
    spool, database = open_spool(tmp_path), Database()
    database.up = False
    for n, body in enumerate(bodies(5)):
        assert spool.append(body, T0 + timedelta(seconds=n))
    assert spool.holding and spool.state().waiting == 5
    assert spool.drain(database) == 0 and spool.state().waiting == 5

    database.up = True
    assert spool.drain(database) == 5
    assert [body for body, _ in database.stored] == bodies(5)
    assert [at for _, at in database.stored] == [T0 + timedelta(seconds=n) for n in range(5)]
    assert not spool.holding and spool.state().size_bytes == 0
    assert [path.stat().st_size for path in spool_files(tmp_path)] == [0]  # cut, ready again
    assert spool.drain(database) == 0 and len(database.stored) == 5  # nothing stored twice


def test_a_drain_cut_short_resumes_after_the_last_body_stored(
    tmp_path: Path, open_spool: Callable[..., EventSpool]
) -> None:
    spool, database = open_spool(tmp_path), Database()
    for body in bodies(4):
        spool.append(body, T0)

    def fails_after_two(body: str, received_at: datetime) -> None:
        if len(database.stored) == 2:
            raise StorageUnavailable("the database went away again")
        database(body, received_at)

    assert spool.drain(fails_after_two) == 2
    assert spool.state().waiting == 2
    spool.append(bodies(5, 4)[0], T0)  # a new body queues behind the waiting ones
    assert spool.drain(database) == 3
    assert [body for body, _ in database.stored] == bodies(5)


def test_a_full_spool_refuses_and_keeps_what_it_has(
    tmp_path: Path, open_spool: Callable[..., EventSpool]
) -> None:
    body = bodies(1)[0]
    record_size = len(json.dumps({"received_at": T0.isoformat(), "body": body}).encode()) + 1
    spool, database = open_spool(tmp_path, 2 * record_size), Database()
    assert spool.append(body, T0) and spool.append(body, T0)
    assert not spool.append(body, T0)  # the webhook answers 500, as without a spool
    assert spool.state().waiting == 2
    assert spool.drain(database) == 2
    assert spool.append(body, T0)  # room again once drained


def test_a_disk_that_refuses_the_write_is_a_refusal_not_a_crash(
    tmp_path: Path, open_spool: Callable[..., EventSpool]
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    spool = open_spool(not_a_folder)
    assert not spool.append(bodies(1)[0], T0)
    assert not spool.holding


def test_files_a_stopped_process_left_are_drained_in_order_and_removed(
    tmp_path: Path, open_spool: Callable[..., EventSpool]
) -> None:
    database = Database()
    first, second = open_spool(tmp_path), open_spool(tmp_path)
    for body in bodies(3):
        first.append(body, T0)
    first.close()  # the process stopped with bodies waiting: its file stays
    for body in bodies(5, 3):
        second.append(body, T0)
    second.close()
    assert len(spool_files(tmp_path)) == 2

    newcomer = open_spool(tmp_path)
    assert newcomer.drain(database) == 5
    assert [body for body, _ in database.stored] == bodies(5)  # the older file first
    assert spool_files(tmp_path) == []


def test_a_live_process_s_file_is_left_to_it(
    tmp_path: Path, open_spool: Callable[..., EventSpool]
) -> None:
    database = Database()
    alive, other = open_spool(tmp_path), open_spool(tmp_path)
    alive.append(bodies(1)[0], T0)
    assert other.drain(database) == 0  # flock'd by its owner
    assert alive.drain(database) == 1 and len(database.stored) == 1


def test_a_torn_record_is_skipped_and_a_refused_body_is_kept_aside(
    tmp_path: Path, open_spool: Callable[..., EventSpool]
) -> None:
    database = Database()
    left = open_spool(tmp_path)
    good, refused, later = bodies(3)
    left.append(good, T0)
    left.append(refused, T0)
    left.append(later, T0)
    left.close()
    (path,) = spool_files(tmp_path)
    with path.open("ab") as file:
        file.write(b'{"received_at": "2024-03-01T02:00:00+00:00", "bo')  # a crash mid-write
    database.refuse.add(refused)

    assert open_spool(tmp_path).drain(database) == 2  # stored; the torn and the refused skipped
    assert [body for body, _ in database.stored] == [good, later]
    (kept,) = (tmp_path / REJECTED_NAME).read_text().splitlines()
    assert json.loads(kept)["body"] == refused and "too long" in json.loads(kept)["error"]


def test_closing_an_empty_spool_removes_its_file(
    tmp_path: Path, open_spool: Callable[..., EventSpool]
) -> None:
    spool = open_spool(tmp_path)
    spool.append(bodies(1)[0], T0)
    spool.drain(Database())
    spool.close()
    assert spool_files(tmp_path) == []


@pytest.mark.parametrize("waiting", [0, 1])
def test_nothing_is_written_until_a_body_must_wait(
    tmp_path: Path, open_spool: Callable[..., EventSpool], waiting: int
) -> None:
    spool = open_spool(tmp_path / "spool")
    for body in bodies(waiting):
        spool.append(body, T0)
    assert (tmp_path / "spool").exists() == bool(waiting)


def test_appending_never_waits_for_a_drain_stuck_on_the_database(
    tmp_path: Path, open_spool: Callable[..., EventSpool]
) -> None:
    spool, database = open_spool(tmp_path), Database()
    spool.append(bodies(1)[0], T0)
    entered, release = threading.Event(), threading.Event()

    def slow(body: str, received_at: datetime) -> None:
        entered.set()
        release.wait(10)  # the database hangs until the test lets it go
        database(body, received_at)

    drainer = threading.Thread(target=spool.drain, args=(slow,))
    drainer.start()
    assert entered.wait(10)
    appended = threading.Thread(target=spool.append, args=(bodies(2, 1)[0], T0))
    appended.start()
    appended.join(2)
    try:
        assert not appended.is_alive()  # spooled while the drain waited on the database
        assert spool.state().waiting == 2
    finally:
        release.set()
        drainer.join(10)
    # The drain went on to the body spooled meanwhile: both stored, in order.
    assert [body for body, _ in database.stored] == bodies(2)
    assert spool.drain(database) == 0 and not spool.holding
