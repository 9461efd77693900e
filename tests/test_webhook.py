"""POST /callback and GET /healthz through the real app, real signatures and a real database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.webhook import create_app, services_of
from models.settings import Settings
from models.tables import InboundEvent
from scheduler.sender import LAST_TICK
from scheduler.state import write_state
from tests.support.events import text_message, webhook
from tests.support.web import SignedPost, sign


def stored_events(engine: Engine) -> list[InboundEvent]:
    """Every InboundEvent row."""
    with Session(engine) as session:
        return list(session.exec(select(InboundEvent).order_by(InboundEvent.id)))


def test_signed_event_is_stored_and_acknowledged(signed: SignedPost, engine: Engine) -> None:
    event = text_message("ช่วยเหลือ")
    response = signed(webhook(event))
    assert response.status_code == 200
    rows = stored_events(engine)
    assert [row.webhook_event_id for row in rows] == [event["webhookEventId"]]
    assert rows[0].event_type == "message"
    assert rows[0].raw["message"]["text"] == "ช่วยเหลือ"
    assert rows[0].status == "received"
    assert rows[0].received_at.tzinfo is not None


def test_bad_signature_is_400_and_stores_nothing(signed: SignedPost, engine: Engine) -> None:
    body = webhook(text_message("เพิ่มงาน"))
    wrong = sign(b"another body")
    response = signed(body, signature=wrong)
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid signature"}
    assert stored_events(engine) == []


def test_signature_with_another_secret_is_refused(signed: SignedPost, engine: Engine) -> None:
    import json

    body = json.dumps(webhook(text_message("สถานะ"))).encode()
    response = signed(body, signature=sign(body, secret="not-our-secret"))
    assert response.status_code == 400
    assert stored_events(engine) == []


def test_missing_signature_is_400(client: FlaskClient, engine: Engine) -> None:
    response = client.post("/callback", json=webhook(text_message("สถานะ")))
    assert response.status_code == 400
    assert "X-Line-Signature" in response.get_json()["error"]
    assert stored_events(engine) == []


def test_line_verify_request_is_200(signed: SignedPost, engine: Engine) -> None:
    response = signed({"destination": "U" + "0" * 32, "events": []})
    assert response.status_code == 200
    assert stored_events(engine) == []


def test_signed_but_malformed_body_is_400(signed: SignedPost, engine: Engine) -> None:
    for body in (b"not json", b'{"destination": "x"}', b'{"events": "nope"}', b"[]"):
        assert signed(body).status_code == 400, body
    assert stored_events(engine) == []


def test_same_event_twice_is_stored_once(signed: SignedPost, engine: Engine) -> None:
    event = text_message("งานของฉัน")
    redelivered = {**event, "deliveryContext": {"isRedelivery": True}}
    assert signed(webhook(event)).status_code == 200
    assert signed(webhook(redelivered)).status_code == 200
    assert signed(webhook(event, text_message("สถานะ"))).status_code == 200
    rows = stored_events(engine)
    assert len(rows) == 2
    assert rows[0].webhook_event_id == event["webhookEventId"]
    assert rows[0].redelivery is False


def test_redelivery_flag_is_kept(signed: SignedPost, engine: Engine) -> None:
    assert signed(webhook(text_message("สถานะ", redelivery=True))).status_code == 200
    with Session(engine) as session:
        assert session.exec(select(func.count()).where(InboundEvent.redelivery)).one() == 1


def test_oversized_body_is_refused(signed: SignedPost, engine: Engine) -> None:
    response = signed(webhook(text_message("ก" * 2_000_000)))
    assert response.status_code == 413
    assert stored_events(engine) == []


def test_healthz_is_200_with_json_and_the_clock_s_last_tick(
    client: FlaskClient, engine: Engine, clock: Any
) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "demo_mode": False,
        "clock": {"last_tick": None},
        "spool": {"waiting": 0, "bytes": 0, "limit_bytes": 64 << 20},
    }
    with engine.begin() as connection:  # the clock ticked 90 s ago
        write_state(
            connection, LAST_TICK, (clock.now - timedelta(seconds=90)).isoformat(), clock.now
        )
    assert client.get("/healthz").get_json()["clock"]["seconds_ago"] == 90


def test_healthz_is_503_when_the_database_does_not_answer(settings: Settings) -> None:
    from dataclasses import replace

    broken = replace(settings, database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    app = create_app(broken)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "cannot store"
    services_of(app).close()


# LINE's older fixture shape (line-bot-sdk's tests/text/webhook.json): no webhookEventId,
# deliveryContext or mode.
OLDER_SHAPE = {
    "replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA",
    "type": "message",
    "timestamp": 1462629479859,
    "source": {"type": "user", "userId": "U206d25c2ea6bd87c17655609a1c37cb8"},
    "message": {"id": "325708", "type": "text", "text": "Hello, world"},
}


def test_one_event_of_another_shape_costs_only_itself(signed: SignedPost, engine: Engine) -> None:
    current = text_message("ช่วยเหลือ")
    response = signed(
        {
            "destination": "U" + "d" * 32,
            "events": [OLDER_SHAPE, {"no": "type"}, "not an object", current],
        }
    )
    assert response.status_code == 200
    rows = stored_events(engine)
    assert [row.event_type for row in rows] == ["message", "message"]
    assert rows[0].webhook_event_id.startswith("sha256:")  # no webhookEventId: a content hash
    assert rows[1].webhook_event_id == current["webhookEventId"]


def test_a_body_that_is_not_a_webhook_is_400_never_500(signed: SignedPost, engine: Engine) -> None:
    depth = 200_000
    absurd = b'{"events": [' + b"[" * depth + b"]" * depth + b"]}"
    for body in (absurd, b"not json", b'{"events": {}}', b"[]", b'{"destination": "U1"}'):
        response = signed(body)
        assert response.status_code == 400, body[:40]
        assert response.get_json() == {"error": "malformed webhook body"}
    assert stored_events(engine) == []
