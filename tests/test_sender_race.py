"""Senders with their own connections racing over the same due rows: each pushed exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.line_api import LineClient
from models.db import make_engine
from scheduler.sender import SendResult, send_due
from scheduler.state import DELIVERY
from tests.support.fake_line import FakeLine
from tests.support.outbox import GRACE, NOW, add_deliveries


def test_two_racing_senders_push_every_delivery_exactly_once(
    engine: Engine, fake_line: FakeLine
) -> None:
    # 1,000 on PostgreSQL (SKIP LOCKED); on SQLite writers queue on one lock, so 200 keep it fast.
    count = 1000 if engine.dialect.name == "postgresql" else 200
    add_deliveries(engine, count)
    fake_line.latency = 0.01  # each push takes a moment, so both senders are busy at once
    url = engine.url.render_as_string(hide_password=False)
    results: dict[str, SendResult] = {}
    senders = 2
    start = threading.Barrier(senders)

    def run(worker: str) -> None:
        """One sender: its own engine, connection and LINE client."""
        own_engine = make_engine(url)  # a separate pool: as separate as another process
        line = LineClient("token", fake_line.base_url, timeout=5)
        try:
            with own_engine.connect() as connection:
                start.wait()
                results[worker] = send_due(connection, line, NOW, grace=GRACE, worker=worker)
        finally:
            line.close()
            own_engine.dispose()

    threads = [threading.Thread(target=run, args=(f"sender-{n}",)) for n in range(senders)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - began

    keys = Counter(push.retry_key for push in fake_line.pushes)
    assert len(keys) == count and set(keys.values()) == {1}, "a delivery was pushed twice"
    assert sum(result.sent for result in results.values()) == count
    assert all(result.sent > 0 for result in results.values()), results
    with engine.connect() as connection:
        statuses = Counter(connection.execute(select(DELIVERY.c.status)).scalars())
    assert statuses == {"sent": count}
    print(f"{senders} senders, {count} deliveries on {engine.dialect.name}: {elapsed:.2f} s")
