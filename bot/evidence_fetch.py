"""Evidence files fetched from LINE beside the inbox lanes, stored, then recorded and answered."""

# The event's transaction decides the task and holds the answer (bot.answers.hold_answer);
# the download happens here, in a small pool of its own, with no transaction open, so a lane
# never waits on LINE's data host. The record and the real answer then go in one short
# transaction, and the courier delivers the answer in the chat's order.

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot import texts
from bot.answers import Answer, AnswerCourier, release_held
from bot.commands.evidence import (
    Attach,
    Fetched,
    check_size,
    check_type,
    photo_name,
    real_type,
    record,
    storage_key,
)
from bot.context import Context, Refusal
from bot.evidence_store import StorageError, store_for
from bot.line_api import CONTENT_CONNECTIONS, Content, LineClient
from bot.router import Router
from models.db import session_scope
from models.settings import Settings
from models.tables import ChatGroup, Person
from scheduler.messages import text
from scheduler.messenger import PushRejected, PushUnreachable

log = logging.getLogger(__name__)

# LINE keeps content for a limited time: fetch at once; a failed try is tried again after
# these pauses (a 5xx, a timeout); a 4xx (the content is gone) is not.
FETCH_PAUSES: tuple[float, ...] = (0.5, 2.0)
RECORD_ATTEMPTS = 3  # short database outages while recording a fetched file


@dataclass(frozen=True)
class FetchJob:
    """One photo or file to fetch, and the held answer that will tell its sender."""

    chat_id: str
    answer: Answer
    attach: Attach
    sent_at: datetime  # when LINE got the message (names photos)


class EvidenceFetcher:
    """Fetches, stores and records evidence files, a few at a time, then rings the courier."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        line: LineClient,
        courier: AnswerCourier,
        router: Router,
        clock: Callable[[], datetime],
    ) -> None:
        self.settings, self.engine, self.line = settings, engine, line
        self.courier, self.router, self.clock = courier, router, clock
        self._pool = ThreadPoolExecutor(
            max_workers=CONTENT_CONNECTIONS, thread_name_prefix="evidence"
        )
        self._state = threading.Condition()
        self._running = 0

    def submit(self, job: FetchJob) -> None:
        """Fetch in the background (after the event's transaction committed)."""
        with self._state:
            self._running += 1
        try:
            self._pool.submit(self._run, job)
        except RuntimeError:  # shutting down: the held answer is settled as "send again"
            self._done()

    def wait_idle(self, timeout: float = 15.0) -> bool:
        """Block until no fetch is running (tests and shutdown use this)."""
        with self._state:
            return self._state.wait_for(lambda: not self._running, timeout=timeout)

    def stop(self) -> None:
        """Finish the fetches under way; take no new ones."""
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _done(self) -> None:
        """One fetch fewer running."""
        with self._state:
            self._running -= 1
            self._state.notify_all()

    def _run(self, job: FetchJob) -> None:
        """Fetch, store, record, answer; never raises (the answer is held until this ends)."""
        try:
            self._fetch_and_answer(job)
        except Exception:
            log.exception("evidence %s: failed", job.attach.incoming.message_id)
            self._answer(job, texts.EVIDENCE_SEND_AGAIN)
        finally:
            self._done()

    def _fetch_and_answer(self, job: FetchJob) -> None:
        """The whole of one file: its bytes from LINE, checks, storage, the row and the answer."""
        incoming = job.attach.incoming
        content = self._download(incoming.message_id)
        if content is None:
            self._answer(job, texts.EVIDENCE_SEND_AGAIN)
            return
        content_type = real_type(content.content_type, incoming.file_name)
        name = incoming.file_name or photo_name(content_type, job.sent_at, self.settings.timezone)
        try:
            check_size(self.settings, name, len(content.data))
            check_type(self.settings, name, content_type)
        except Refusal as refusal:
            self._answer(job, refusal.answer)
            return
        fetched = Fetched(
            message_id=incoming.message_id,
            file_name=name,
            content_type=content_type,
            size=len(content.data),
            sha256=hashlib.sha256(content.data).hexdigest(),
            storage_key=storage_key(job.attach.task_id, incoming.message_id, name),
        )
        evidence_store = store_for(self.settings)
        try:
            evidence_store.put(fetched.storage_key, content.data, content_type)
        except StorageError:
            log.exception("evidence %s: cannot store", incoming.message_id)
            self._answer(job, texts.EVIDENCE_SEND_AGAIN)
            return
        kept: bool | None = None  # None: the database did not answer
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            try:
                kept = self._record(job, fetched)
                break
            except SQLAlchemyError as error:
                log.warning("evidence %s: not recorded (try %d): %s", fetched, attempt, error)
                time.sleep(0.5 * attempt)  # the database, not LINE: a short outage
        if kept:
            return
        try:
            evidence_store.delete(fetched.storage_key)  # kept by no row: nobody could see it
        except StorageError:
            log.warning("evidence %s: stored object left behind", fetched.storage_key)
        if kept is None:
            self._answer(job, texts.EVIDENCE_SEND_AGAIN)

    def _download(self, message_id: str) -> Content | None:
        """The content from LINE's data host, tried again on 5xx and timeouts; None if not."""
        for pause in (*FETCH_PAUSES, None):
            try:
                return self.line.message_content(message_id)
            except PushRejected as error:
                if error.status < 500 and error.status != 429:
                    log.info("evidence %s: LINE says %s: %s", message_id, error.status, error)
                    return None
                log.warning("evidence %s: LINE says %s", message_id, error.status)
            except PushUnreachable as error:
                log.warning("evidence %s: LINE unreachable: %s", message_id, error)
            if pause is None:
                return None
            time.sleep(pause)  # waiting on LINE, in the fetcher's thread
        return None

    def _record(self, job: FetchJob, fetched: Fetched) -> bool:
        """The evidence row and the answer, in one transaction; False when refused now (the
        task, or the sender's right to change it, went while the file was fetched)."""
        now = self.clock()
        with session_scope(self.engine) as session:
            sender = session.get(Person, job.attach.person_id)
            group = session.get(ChatGroup, job.attach.group_id) if job.attach.group_id else None
            assert sender is not None
            ctx = Context(session, self.settings, now, sender, group, router=self.router)
            try:
                answer = record(ctx, job.attach.task_id, fetched)
            except Refusal as refusal:  # raised before anything was written
                release_held(
                    session.connection(),
                    job.answer,
                    [text(refusal.answer)],
                    now,
                    self.courier.worker,
                )
                kept = False
            else:
                release_held(
                    session.connection(), job.answer, [text(answer)], now, self.courier.worker
                )
                kept = True
        self.courier.ring(job.chat_id)
        return kept

    def _answer(self, job: FetchJob, answer: str) -> None:
        """Put this answer in the held one and ring the courier (kept trying a few times)."""
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            try:
                with self.engine.begin() as connection:
                    release_held(
                        connection, job.answer, [text(answer)], self.clock(), self.courier.worker
                    )
                self.courier.ring(job.chat_id)
                return
            except SQLAlchemyError as error:
                log.warning("evidence answer not released (try %d): %s", attempt, error)
                time.sleep(0.5 * attempt)
        # Still held: once this process stops, another settles it with its placeholder
        # (EVIDENCE_SEND_AGAIN), as it settles any answer a stopped process left in flight.
        log.error("evidence answer %s left held", job.answer.id)
