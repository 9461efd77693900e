"""The event spool: signed webhook bodies kept on local disk while the database cannot take them.

LINE redelivers a webhook that got no 200 only when the channel has redelivery turned on;
otherwise an event answered 500 is gone. So when storing fails because the database is
unreachable, read-only or full, the webhook appends the (already verified) body here, fsyncs,
and answers 200; a drain thread stores the bodies, in the order received, once the database
takes writes again. Storing is idempotent (events are keyed by webhookEventId), so a body
drained twice — a crash between storing it and forgetting it — is stored once.

Each process appends to a file of its own, holding an exclusive `flock` on it while it lives.
A file nobody holds belongs to a process that stopped; any process drains it and removes it.
While this process's file holds bodies not yet stored, new bodies are appended behind them
instead of going to the database, so a chat's events keep their order.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Literal

log = logging.getLogger(__name__)

FILE_PREFIX = "events-"
FILE_SUFFIX = ".spool"
REJECTED_NAME = "rejected.jsonl"  # bodies the database refused for what they are, kept for a look
DRAIN_EVERY_SECONDS = 1.0  # how often the drain thread tries while bodies wait

# store(body, received_at) raises StorageUnavailable while the database cannot take writes, and
# any other exception for a body it will never take (kept in rejected.jsonl, drain goes on).
Store = Callable[[str, datetime], object]


class StorageUnavailable(Exception):
    """The database cannot take writes right now; keep the body and try later."""


@dataclass(frozen=True)
class SpoolState:
    """What /healthz shows: bodies waiting, bytes on disk, the limit."""

    waiting: int
    size_bytes: int
    limit_bytes: int


class EventSpool:
    """An append-only, fsync'd file of webhook bodies per process, drained in order."""

    def __init__(self, folder: Path, limit_bytes: int) -> None:
        self.folder = folder
        self.limit_bytes = limit_bytes
        self._lock = threading.Lock()  # guards the file's bookkeeping; never held on the database
        self._draining = threading.Lock()  # one drainer at a time
        self._file: IO[bytes] | None = None
        self._path: Path | None = None
        self._drained_upto = 0  # bytes of our file already stored (the file is cut at the end)
        self._waiting = 0  # bodies in our file not stored yet
        self._size = 0

    @property
    def holding(self) -> bool:
        """True while this process has bodies waiting: new ones must queue behind them."""
        return self._waiting > 0

    def state(self) -> SpoolState:
        """Bodies waiting in this process's file, and its size."""
        return SpoolState(self._waiting, self._size, self.limit_bytes)

    def append(self, body: str, received_at: datetime) -> bool:
        """Keep one verified body on disk (fsync'd); False when full or the disk refuses."""
        record = (
            json.dumps({"received_at": received_at.isoformat(), "body": body}, ensure_ascii=False)
            + "\n"
        ).encode()
        with self._lock:
            if self._size + len(record) > self.limit_bytes:
                log.error(
                    "event spool full (%d of %d bytes): answering 500", self._size, self.limit_bytes
                )
                return False
            try:
                spool = self._own_file()
                spool.write(record)
                spool.flush()
                os.fsync(spool.fileno())
            except OSError as error:
                log.error("event spool: cannot write (%s): answering 500", error)
                self._cut_back()
                return False
            self._size += len(record)
            self._waiting += 1
            return True

    def drain(self, store: Store) -> int:
        """Store what stopped processes left, then our own waiting bodies, oldest first.

        Stops at the first body the database cannot take now (the rest wait for the next
        call). Returns how many bodies were stored. The database is called without holding
        the append lock: a webhook never waits on a slow database to spool its body.
        """
        with self._draining:
            stored = self._drain_left_behind(store)
            while True:
                with self._lock:
                    if self._path is None or not self._waiting:
                        return stored
                    path, start, end = self._path, self._drained_upto, self._size
                with open(path, "rb") as reader:
                    reader.seek(start)
                    batch = reader.read(end - start).splitlines(keepends=True)
                for line in batch:
                    outcome = self._store_line(line, store)
                    if outcome == "wait":
                        return stored
                    stored += outcome == "stored"
                    with self._lock:
                        self._drained_upto += len(line)
                        self._waiting -= 1
                        if not self._waiting:
                            self._start_afresh()

    def _start_afresh(self) -> None:
        """Everything in our file is in the database: empty it (the lock is held)."""
        assert self._file is not None
        self._file.truncate(0)
        self._file.seek(0)
        os.fsync(self._file.fileno())
        self._drained_upto = self._size = 0

    def close(self) -> None:
        """Release our file (kept on disk when it still holds bodies, for the next process)."""
        with self._lock:
            if self._file is None or self._path is None:
                return
            if not self._waiting:
                self._path.unlink(missing_ok=True)
            self._file.close()  # closing releases the flock
            self._file = None

    def _own_file(self) -> IO[bytes]:
        """This process's spool file, created (and flock'd) on first use."""
        if self._file is not None:
            return self._file
        self.folder.mkdir(parents=True, exist_ok=True)
        # The name sorts by creation, so files left behind are drained oldest first.
        path = self.folder / f"{FILE_PREFIX}{time.time_ns():020d}-{os.getpid()}{FILE_SUFFIX}"
        spool = open(path, "ab")  # noqa: SIM115 — held open for the life of the process
        fcntl.flock(spool.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        _fsync_folder(self.folder)  # the new name survives a crash too
        self._file, self._path = spool, path
        return spool

    def _cut_back(self) -> None:
        """After a failed write, cut the file back to its last whole record."""
        if self._file is None:
            return
        try:
            self._file.truncate(self._size)
            self._file.seek(self._size)
        except OSError:
            # The next append would land after a torn record, which drain skips as unreadable.
            log.exception("event spool: cannot cut back a torn write")

    def _drain_left_behind(self, store: Store) -> int:
        """Drain and remove every spool file no live process holds."""
        if not self.folder.is_dir():
            return 0
        stored = 0
        for path in sorted(self.folder.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}")):
            if path == self._path:
                continue
            try:
                reader = open(path, "rb")  # noqa: SIM115 — closed in the finally below
            except FileNotFoundError:
                continue  # another process drained it just now
            try:
                try:
                    fcntl.flock(reader.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # its process is alive and drains it itself
                if os.fstat(reader.fileno()).st_nlink == 0:
                    continue  # drained and removed by another process before we locked it
                count = 0
                for line in reader:
                    outcome = self._store_line(line, store)
                    if outcome == "wait":
                        return stored  # kept as it is; stored bodies are skipped next time
                    count += outcome == "stored"
                path.unlink()
                stored += count
                log.info("event spool: stored %d events a stopped process had kept", count)
            finally:
                reader.close()
        return stored

    def _store_line(self, line: bytes, store: Store) -> Literal["stored", "skipped", "wait"]:
        """Store one spooled record; "wait" when the database cannot take it now."""
        try:
            record = json.loads(line)
            body, received_at = record["body"], datetime.fromisoformat(record["received_at"])
        except (ValueError, KeyError, TypeError):
            # Only a write cut short by a crash (never acknowledged to LINE) looks like this.
            log.warning("event spool: skipped a torn record of %d bytes", len(line))
            return "skipped"
        try:
            store(body, received_at)
        except StorageUnavailable:
            return "wait"
        except Exception as error:  # a body the database refuses for what it is
            log.exception("event spool: the database refused a body; kept in %s", REJECTED_NAME)
            with open(self.folder / REJECTED_NAME, "ab") as rejected:
                rejected.write(
                    json.dumps({"error": str(error)[:500], **record}, ensure_ascii=False).encode()
                    + b"\n"
                )
            return "skipped"
        return "stored"


class SpoolDrainer:
    """A thread that drains the spool when told a body waits, and every second while any do."""

    def __init__(self, spool: EventSpool, store: Store, stored: Callable[[], None]) -> None:
        self.spool = spool
        self.store = store
        self.stored = stored  # called after bodies reached the database (wakes the inbox)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="spool-drain", daemon=True)

    def start(self) -> None:
        """Drain what earlier processes left, then watch."""
        self._thread.start()

    def notify(self) -> None:
        """A body was spooled: try soon."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread; bodies still waiting stay on disk for the next start."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self.spool.close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                if self.spool.drain(self.store):
                    self.stored()
            except Exception:  # the drain thread must outlive any one failure
                log.exception("event spool: drain failed; trying again")
            self._wake.wait(DRAIN_EVERY_SECONDS if self.spool.holding else 30.0)
            self._wake.clear()


def _fsync_folder(folder: Path) -> None:
    """Make a new file's name durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
