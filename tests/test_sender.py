"""The sender against the recording fake LINE: retries under one key, 409, quota, leases, grace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from bot.line_api import LineClient
from scheduler.delivery_report import delivery_report, read_quota
from scheduler.sender import LEASE, QUOTA_RECHECK, send_due
from scheduler.state import DELIVERY
from tests.support.fake_line import FakeLine
from tests.support.outbox import GRACE, NOW, add_deliveries

PUSH = "/v2/bot/message/push"
MONTHLY_LIMIT = {"message": "You have reached your monthly limit."}


@pytest.fixture
def line(fake_line: FakeLine) -> Iterator[LineClient]:
    """The real SDK client against the fake LINE, with a short timeout."""
    client = LineClient("token", fake_line.base_url, timeout=0.5)
    yield client
    client.close()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection, as a tick uses."""
    with engine.connect() as connection:
        yield connection


def rows(engine: Engine) -> list[Any]:
    """Every outbox row, in id order."""
    with engine.connect() as connection:
        return list(connection.execute(select(DELIVERY).order_by(DELIVERY.c.id)))


def test_500_then_200_is_one_accepted_push_under_the_same_key(
    engine: Engine, connection: Connection, line: LineClient, fake_line: FakeLine
) -> None:
    add_deliveries(engine)
    fake_line.answer("POST", PUSH, 500, {"message": "Internal server error"})
    first = send_due(connection, line, NOW, grace=GRACE, worker="a")
    assert (first.sent, first.retrying) == (0, 1)
    [row] = rows(engine)
    assert row.status == "pending" and row.attempts == 1 and "500" in row.last_error
    assert row.next_attempt_at == NOW + timedelta(seconds=30)

    assert (
        send_due(connection, line, NOW + timedelta(seconds=10), grace=GRACE, worker="a").sent == 0
    )
    assert send_due(connection, line, NOW + timedelta(minutes=1), grace=GRACE, worker="a").sent == 1
    [row] = rows(engine)
    assert row.status == "sent" and row.attempts == 2 and row.late is False
    first_try, second_try = fake_line.pushes
    assert first_try.retry_key == second_try.retry_key == row.retry_key


def test_an_answer_lost_in_a_timeout_is_retried_and_409_counts_as_sent(
    engine: Engine, connection: Connection, line: LineClient, fake_line: FakeLine
) -> None:
    add_deliveries(engine)
    # LINE accepts but answers after the client gave up; the retry then meets LINE's 409.
    fake_line.answer("POST", PUSH, 200, {"sentMessages": []}, delay=1.0)
    fake_line.answer("POST", PUSH, 409, {"message": "The retry key is already accepted"})
    lost = send_due(connection, line, NOW, grace=GRACE, worker="a")
    assert lost.retrying == 1 and "Timeout" in lost.errors[0]
    retried = send_due(connection, line, NOW + timedelta(minutes=1), grace=GRACE, worker="a")
    assert retried.sent == 1
    [row] = rows(engine)
    assert row.status == "sent" and row.attempts == 2 and "409" in row.last_error
    assert len({push.retry_key for push in fake_line.pushes}) == 1


def test_the_monthly_limit_stops_sending_and_the_report_says_so(
    engine: Engine, connection: Connection, line: LineClient, fake_line: FakeLine
) -> None:
    add_deliveries(engine, 3)
    fake_line.answer("POST", PUSH, 429, MONTHLY_LIMIT)
    stopped = send_due(connection, line, NOW, grace=GRACE, worker="a")
    assert stopped.quota_exhausted and stopped.sent == 0
    assert len(fake_line.pushes) == 1  # the other two were not even tried
    assert all(row.status == "pending" and row.attempts == 0 for row in rows(engine))
    with Session(engine) as session:
        report = delivery_report(session, NOW, read_quota(line))
    assert "โควตาข้อความรายเดือนของ LINE หมดแล้ว" in report
    assert "รอส่ง 3" in report

    later = send_due(connection, line, NOW + timedelta(minutes=5), grace=GRACE, worker="a")
    assert later.quota_exhausted and len(fake_line.pushes) == 1  # paused: no wasted calls

    back = send_due(connection, line, NOW + QUOTA_RECHECK, grace=GRACE, worker="a")
    assert back.sent == 3 and not back.quota_exhausted
    with Session(engine) as session:
        report = delivery_report(session, NOW + QUOTA_RECHECK, read_quota(line))
    assert "หมดแล้ว" not in report and "ส่งแล้ว 3 (ส่งช้า 3)" in report


def test_a_rate_limit_429_backs_off_for_retry_after(
    engine: Engine, connection: Connection, line: LineClient, fake_line: FakeLine
) -> None:
    add_deliveries(engine, 2)
    fake_line.answer(
        "POST", PUSH, 429, {"message": "Too many requests"}, headers={"Retry-After": "120"}
    )
    result = send_due(connection, line, NOW, grace=GRACE, worker="a")
    assert result.paused_until == NOW + timedelta(seconds=120) and not result.quota_exhausted
    assert len(fake_line.pushes) == 1
    assert send_due(connection, line, NOW + timedelta(minutes=1), grace=GRACE, worker="a").sent == 0
    assert send_due(connection, line, NOW + timedelta(minutes=2), grace=GRACE, worker="a").sent == 2


def test_a_refused_push_is_failed_not_retried_and_reported(
    engine: Engine, connection: Connection, line: LineClient, fake_line: FakeLine
) -> None:
    add_deliveries(engine)
    fake_line.answer("POST", PUSH, 400, {"message": "The request body has 1 error(s)"})
    assert send_due(connection, line, NOW, grace=GRACE, worker="a").failed == 1
    assert send_due(connection, line, NOW + timedelta(hours=1), grace=GRACE, worker="a").failed == 0
    [row] = rows(engine)
    assert row.status == "failed" and row.attempts == 1
    with Session(engine) as session:
        report = delivery_report(session, NOW, None)
    assert "ส่งไม่สำเร็จ 1 — ล่าสุด: LINE API 400: The request body has 1 error(s)" in report
    assert "ถาม LINE ไม่ได้" in report


def test_a_claim_of_a_dead_sender_is_retried_after_its_lease_with_the_same_key(
    engine: Engine, connection: Connection, line: LineClient, fake_line: FakeLine
) -> None:
    add_deliveries(engine)
    [row] = rows(engine)
    line.push(row.target, row.payload["messages"], retry_key=row.retry_key)  # it got this far
    with engine.begin() as setup:
        setup.execute(
            DELIVERY.update().values(
                status="sending", claimed_by="dead", claimed_at=NOW, attempts=1
            )
        )
    assert send_due(connection, line, NOW + LEASE / 2, grace=GRACE, worker="b").sent == 0
    assert send_due(connection, line, NOW + LEASE * 2, grace=GRACE, worker="b").sent == 1
    [row] = rows(engine)
    assert row.status == "sent" and row.attempts == 2 and "409" in row.last_error
    assert len(fake_line.pushes) == 2 and len({p.retry_key for p in fake_line.pushes}) == 1


def test_past_the_grace_window_nothing_is_sent_but_recorded_missed(
    engine: Engine, connection: Connection, line: LineClient, fake_line: FakeLine
) -> None:
    add_deliveries(engine, due_at=NOW - GRACE - timedelta(minutes=1))
    result = send_due(connection, line, NOW, grace=GRACE, worker="a")
    assert result.missed == 1 and result.sent == 0
    assert fake_line.pushes == []
    [row] = rows(engine)
    assert row.status == "missed" and row.sent_at is None


def test_late_is_marked_when_sent_after_its_time(
    engine: Engine, connection: Connection, line: LineClient
) -> None:
    add_deliveries(engine, 1, due_at=NOW)
    add_deliveries(engine, 1, due_at=NOW - timedelta(hours=2))
    assert (
        send_due(connection, line, NOW + timedelta(seconds=20), grace=GRACE, worker="a").sent == 2
    )
    on_time, late = sorted(rows(engine), key=lambda row: row.due_at, reverse=True)
    assert on_time.late is False and late.late is True


def test_nothing_before_its_time(engine: Engine, connection: Connection, line: LineClient) -> None:
    add_deliveries(engine, due_at=NOW + timedelta(minutes=1))
    assert send_due(connection, line, NOW, grace=GRACE, worker="a").sent == 0
    assert send_due(connection, line, NOW + timedelta(minutes=1), grace=GRACE, worker="a").sent == 1


def test_a_round_pushes_side_by_side_within_the_limit(
    engine: Engine, connection: Connection, fake_line: FakeLine
) -> None:
    add_deliveries(engine, 60)
    fake_line.latency = 0.05
    # Not the short-timeout client: on a loaded CI host eight calls in flight took over 0.5 s.
    with closing(LineClient("token", fake_line.base_url, timeout=10)) as patient_line:
        result = send_due(connection, patient_line, NOW, grace=GRACE, worker="a", concurrency=8)
    assert result.sent == 60 and len({push.retry_key for push in fake_line.pushes}) == 60
    assert 1 < fake_line.most_in_flight <= 8


def test_one_chat_s_messages_go_in_order_and_a_failure_holds_the_later_one_back(
    engine: Engine, connection: Connection, line: LineClient, fake_line: FakeLine
) -> None:
    for n, due in enumerate((NOW - timedelta(seconds=2), NOW - timedelta(seconds=1))):
        add_deliveries(engine, 1, due_at=due, occurrence_key=f"reply:{n}", kind="reply")
    fake_line.answer("POST", PUSH, 500, {"message": "Internal server error"})
    first = send_due(connection, line, NOW, grace=GRACE, worker="a")
    assert (first.sent, first.retrying) == (0, 1)
    assert len(fake_line.pushes) == 1  # the second was held back, not pushed ahead
    earlier, later = rows(engine)
    assert (earlier.status, earlier.attempts) == ("pending", 1)
    assert (later.status, later.attempts) == ("pending", 0)

    again = send_due(connection, line, NOW + timedelta(minutes=1), grace=GRACE, worker="a")
    assert again.sent == 2
    assert [push.retry_key for push in fake_line.pushes] == [
        earlier.retry_key,
        earlier.retry_key,
        later.retry_key,
    ]
