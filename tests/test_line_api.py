"""The LINE client against the recording fake LINE server: headers, bodies, errors, timeouts."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.line_api import LineClient
from scheduler.messenger import PushRejected, PushUnreachable
from tests.support.fake_line import FakeLine

GROUP = "C" + "a" * 32
USER = "U" + "1" * 32


@pytest.fixture
def line(fake_line: FakeLine) -> Iterator[LineClient]:
    """A real SDK client pointed at the fake LINE, with a short timeout."""
    client = LineClient("token-123", fake_line.base_url, timeout=0.5)
    yield client
    client.close()


def test_push_sends_retry_key_token_and_messages(line: LineClient, fake_line: FakeLine) -> None:
    line.push(
        GROUP,
        [{"type": "text", "text": "ประชุม 17 มิ.ย. 2567"}],
        retry_key="123e4567-e89b-12d3-a456-426614174000",
    )
    [push] = fake_line.pushes
    assert push.headers["authorization"] == "Bearer token-123"
    assert push.retry_key == "123e4567-e89b-12d3-a456-426614174000"
    assert push.body["to"] == GROUP
    assert push.body["messages"] == [{"type": "text", "text": "ประชุม 17 มิ.ย. 2567"}]


def test_push_of_a_text_v2_with_mention_keeps_its_substitution(
    line: LineClient, fake_line: FakeLine
) -> None:
    message = {
        "type": "textV2",
        "text": "{owner} ส่งรายงานด้วยครับ",
        "substitution": {
            "owner": {"type": "mention", "mentionee": {"type": "user", "userId": USER}}
        },
    }
    line.push(GROUP, [message])
    assert fake_line.pushes[0].body["messages"] == [message]


def test_reply_sends_the_token_and_messages(line: LineClient, fake_line: FakeLine) -> None:
    line.reply("reply-token-1", [{"type": "text", "text": "สวัสดี"}])
    [reply] = fake_line.replies
    assert reply.body["replyToken"] == "reply-token-1"
    assert reply.body["messages"] == [{"type": "text", "text": "สวัสดี"}]


def test_second_push_with_the_same_retry_key_is_409(line: LineClient) -> None:
    line.push(
        GROUP, [{"type": "text", "text": "ก"}], retry_key="123e4567-e89b-12d3-a456-426614174001"
    )
    with pytest.raises(PushRejected) as raised:
        line.push(
            GROUP, [{"type": "text", "text": "ก"}], retry_key="123e4567-e89b-12d3-a456-426614174001"
        )
    assert raised.value.status == 409
    assert not raised.value.is_retryable


@pytest.mark.parametrize(
    ("status", "message", "retryable", "monthly"),
    [
        (500, "Internal server error", True, False),
        (503, "Service unavailable", True, False),
        (429, "Too many requests", True, False),
        (429, "You have reached your monthly limit.", False, True),
        (400, "The request body has 1 error(s)", False, False),
    ],
)
def test_error_statuses_are_classified(
    line: LineClient, fake_line: FakeLine, status: int, message: str, retryable: bool, monthly: bool
) -> None:
    fake_line.answer("POST", "/v2/bot/message/push", status, {"message": message})
    with pytest.raises(PushRejected) as raised:
        line.push(GROUP, [{"type": "text", "text": "ก"}])
    assert raised.value.status == status
    assert raised.value.message == message
    assert raised.value.is_retryable is retryable
    assert raised.value.is_monthly_limit is monthly


def test_retry_after_header_is_read(line: LineClient, fake_line: FakeLine) -> None:
    fake_line.answer(
        "POST",
        "/v2/bot/message/push",
        429,
        {"message": "Too many requests"},
        headers={"Retry-After": "7"},
    )
    with pytest.raises(PushRejected) as raised:
        line.push(GROUP, [{"type": "text", "text": "ก"}])
    assert raised.value.retry_after == 7.0


def test_slow_line_times_out_without_hidden_retries(line: LineClient, fake_line: FakeLine) -> None:
    fake_line.answer("POST", "/v2/bot/message/push", 200, {"sentMessages": []}, delay=1.5)
    started = time.monotonic()
    with pytest.raises(PushUnreachable):
        line.push(
            GROUP, [{"type": "text", "text": "ก"}], retry_key="123e4567-e89b-12d3-a456-426614174002"
        )
    assert time.monotonic() - started < 1.4
    assert len(fake_line.pushes) == 1  # the SDK/urllib3 did not retry behind our back


def test_unreachable_line_is_reported_as_such() -> None:
    client = LineClient("t", "http://127.0.0.1:1", timeout=0.5)
    with pytest.raises(PushUnreachable):
        client.push(GROUP, [{"type": "text", "text": "ก"}])


def test_profile_group_summary_and_quota(line: LineClient, fake_line: FakeLine) -> None:
    assert line.profile(USER).display_name == f"user-{USER[-4:]}"
    assert line.group_member_profile(GROUP, USER).display_name == f"member-{USER[-4:]}"
    assert line.group_summary(GROUP).name == f"group-{GROUP[-4:]}"
    line.push(GROUP, [{"type": "text", "text": "ก"}])
    assert line.quota_consumption() == 1
    paths = [request.path for request in fake_line.requests]
    assert f"/v2/bot/profile/{USER}" in paths
    assert f"/v2/bot/group/{GROUP}/member/{USER}" in paths
    assert f"/v2/bot/group/{GROUP}/summary" in paths


def test_calls_in_turn_ride_one_kept_alive_connection() -> None:
    # api.line.me keeps connections open; a new one per call would be a TLS handshake each.
    server = FakeLine(keep_alive=True).start()
    client = LineClient("token-123", server.base_url, timeout=2)
    try:
        for number in range(5):
            client.reply(f"token-{number}", [{"type": "text", "text": "รับทราบ"}])
            client.push(GROUP, [{"type": "text", "text": "รับทราบ"}])
        assert len(server.requests) == 10
        assert server.connections_opened == 1
    finally:
        client.close()
        server.stop()


def test_a_stopped_line_answers_no_call_on_a_kept_alive_connection() -> None:
    server = FakeLine(keep_alive=True).start()
    client = LineClient("token-123", server.base_url, timeout=2)
    try:
        client.push(GROUP, [{"type": "text", "text": "ก่อน"}])
        server.stop()
        with pytest.raises(PushUnreachable):
            client.push(GROUP, [{"type": "text", "text": "หลัง"}])
        assert len(server.requests) == 1
    finally:
        client.close()
