"""The outbox for chat answers: store an answer with its change, then reply (or push) it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from bot.events import chat_of
from bot.line_api import LineClient
from models.db import session_scope
from models.tables import Delivery, DeliveryStatus, InboundEvent
from scheduler.messages import Message
from scheduler.messenger import PushRejected, PushUnreachable
from scheduler.planner import retry_key_for

log = logging.getLogger(__name__)

MARK_SENT_ATTEMPTS = 3
# LINE reply tokens expire about a minute after the event; past this we push instead.
REPLY_TOKEN_LIFETIME = timedelta(seconds=50)
# A stored answer waits this long for the reply token before the sender may push it instead.
REPLY_HANDOVER = timedelta(seconds=90)
REPLY_KIND = "reply"


def store_answer(
    session: Session, raw: Mapping[str, Any], messages: list[Message], now: datetime
) -> Delivery | None:
    """Put the answer in the outbox in the same transaction as the change it reports."""
    if not messages:
        return None
    occurrence_key = f"{REPLY_KIND}:{raw.get('webhookEventId') or raw.get('replyToken')}"
    delivery = Delivery(
        kind=REPLY_KIND,
        target=chat_of(raw).chat_id,
        occurrence_key=occurrence_key[:300],
        payload={"messages": messages[:5]},
        due_at=now + REPLY_HANDOVER,
        retry_key=retry_key_for(occurrence_key),
        created_at=now,
    )
    session.add(delivery)
    session.flush()
    return delivery


class AnswerCourier:
    """Takes a stored answer to LINE: a reply while the token is fresh, else a push."""

    def __init__(self, engine: Engine, line: LineClient, clock: Callable[[], datetime]) -> None:
        self.engine, self.line, self.clock = engine, line, clock

    def deliver(
        self, event_row_id: int, raw: Mapping[str, Any], answer: Delivery, now: datetime
    ) -> None:
        """Answer with the reply token while it is fresh, else push; the outbox covers failures."""
        messages = answer.payload["messages"]
        event_time = datetime.fromtimestamp(int(raw.get("timestamp", 0)) / 1000, UTC)
        token = raw.get("replyToken")
        try:
            if token and now - event_time <= REPLY_TOKEN_LIFETIME:
                try:
                    self.line.reply(str(token), messages)
                except PushRejected as error:
                    if error.status != 400:  # 400: the token expired or was used; push instead
                        raise
                    self.line.push(answer.target, messages, retry_key=answer.retry_key)
            else:
                self.line.push(answer.target, messages, retry_key=answer.retry_key)
        except PushRejected as error:
            if not error.is_already_accepted:
                self._note_delivery_error(event_row_id, answer, str(error), now)
                return
        except PushUnreachable as error:
            self._note_delivery_error(event_row_id, answer, str(error), now)
            return
        self._mark_answer_sent(answer)

    def _mark_answer_sent(self, answer: Delivery) -> None:
        """Close the outbox row; if this fails the sender would push the answer a second time."""
        for attempt in range(1, MARK_SENT_ATTEMPTS + 1):
            try:
                with session_scope(self.engine) as session:
                    session.execute(
                        update(Delivery)
                        .where(
                            col(Delivery.id) == answer.id,
                            col(Delivery.status) == DeliveryStatus.PENDING.value,
                        )
                        .values(
                            status=DeliveryStatus.SENT.value,
                            sent_at=self.clock(),
                            attempts=Delivery.attempts + 1,
                        )
                    )
                return
            except DBAPIError as error:
                log.warning(
                    "answer %s delivered but not marked (try %d): %s", answer.id, attempt, error
                )
        log.error("answer %s delivered but still pending: it may be pushed again", answer.id)

    def _note_delivery_error(
        self, event_row_id: int, answer: Delivery, error: str, now: datetime
    ) -> None:
        """Leave the answer in the outbox for the sender to push, due now."""
        log.warning("answer to event %s not delivered yet: %s", event_row_id, error)
        with session_scope(self.engine) as session:
            session.execute(
                update(Delivery)
                .where(
                    col(Delivery.id) == answer.id,
                    col(Delivery.status) == DeliveryStatus.PENDING.value,
                )
                .values(due_at=now, last_error=error[:1000], attempts=Delivery.attempts + 1)
            )
            session.execute(
                update(InboundEvent)
                .where(col(InboundEvent.id) == event_row_id)
                .values(error=error[:1000])
            )
