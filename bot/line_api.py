"""The only module that talks to the LINE Messaging API (through the official v3 SDK)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    Message,
    MessagingApi,
    PushMessageRequest,
    ReplyMessageRequest,
)

from models.settings import Settings
from scheduler.messenger import JsonMessage, PushRejected, PushUnreachable


@dataclass(frozen=True)
class Profile:
    """A LINE user's public profile."""

    user_id: str
    display_name: str
    picture_url: str | None = None


@dataclass(frozen=True)
class GroupSummary:
    """A LINE group's name and picture."""

    group_id: str
    name: str
    picture_url: str | None = None


class LineClient:
    """Reply, push (with a retry key), profiles, group summary and quota — each with a timeout."""

    def __init__(
        self, access_token: str, base_url: str, timeout: float = 10.0, max_connections: int = 64
    ) -> None:
        configuration = Configuration(host=base_url.rstrip("/"), access_token=access_token)
        # No hidden urllib3 retries: the sender decides when to retry, under the same retry key.
        configuration.retries = urllib3.Retry(total=0, connect=0, read=0, redirect=0, status=0)
        # Keep-alive connections for every push in flight at once (the sender's concurrency).
        configuration.connection_pool_maxsize = max_connections
        self._api_client = ApiClient(configuration)
        self._api = MessagingApi(self._api_client)
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> LineClient:
        """The client the settings describe: token, base URL, timeout, connections."""
        return cls(
            settings.line_channel_access_token,
            settings.line_api_base_url,
            timeout=settings.line_request_timeout,
            max_connections=settings.line_push_concurrency,
        )

    def close(self) -> None:
        """Release pooled connections."""
        self._api_client.close()

    def reply(self, reply_token: str, messages: Sequence[JsonMessage]) -> None:
        """Answer a webhook event with up to 5 messages."""
        request = ReplyMessageRequest(reply_token=reply_token, messages=_messages(messages))
        self._call(self._api.reply_message, request, _request_timeout=self.timeout)

    def push(self, to: str, messages: Sequence[JsonMessage], retry_key: str | None = None) -> None:
        """Push up to 5 messages to a user or group; `retry_key` makes retries idempotent."""
        request = PushMessageRequest(to=to, messages=_messages(messages))
        self._call(self._api.push_message, request, retry_key, _request_timeout=self.timeout)

    def profile(self, user_id: str) -> Profile:
        """The profile of a user who has added the bot as a friend."""
        response = self._call(self._api.get_profile, user_id, _request_timeout=self.timeout)
        return Profile(response.user_id, response.display_name, response.picture_url)

    def group_member_profile(self, group_id: str, user_id: str) -> Profile:
        """The profile of a member of a group (works without friendship)."""
        response = self._call(
            self._api.get_group_member_profile, group_id, user_id, _request_timeout=self.timeout
        )
        return Profile(response.user_id, response.display_name, response.picture_url)

    def group_summary(self, group_id: str) -> GroupSummary:
        """The group's name and picture."""
        response = self._call(self._api.get_group_summary, group_id, _request_timeout=self.timeout)
        return GroupSummary(response.group_id, response.group_name, response.picture_url)

    def quota_consumption(self) -> int:
        """Messages sent this month that count against the quota."""
        response = self._call(
            self._api.get_message_quota_consumption, _request_timeout=self.timeout
        )
        return int(response.total_usage)

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        """Call the SDK; errors become the scheduler's PushRejected / PushUnreachable."""
        try:
            return method(*args, **kwargs)
        except ApiException as error:
            raise PushRejected(
                int(error.status or 0), _error_message(error.body), _retry_after(error.headers)
            ) from None
        except urllib3.exceptions.HTTPError as error:
            raise PushUnreachable(f"{type(error).__name__}: {error}") from None


def _messages(messages: Sequence[JsonMessage]) -> list[Message]:
    """SDK message models from LINE-shaped dicts (text, textV2, flex, … with quickReply)."""
    return [Message.from_dict(dict(message)) for message in messages]


def _error_message(body: Any) -> str:
    """LINE's `message` field from an error body, or the raw body."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if not body:
        return ""
    try:
        parsed = json.loads(body)
    except (TypeError, ValueError):
        return str(body)[:500]
    if isinstance(parsed, dict):
        return str(parsed.get("message", body))[:500]
    return str(body)[:500]


def _retry_after(headers: Any) -> float | None:
    """Seconds from a Retry-After header, if LINE sent one."""
    if not headers:
        return None
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
