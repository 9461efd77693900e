"""The only module that talks to the LINE Messaging API (through the official v3 SDK)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    Message,
    MessagingApi,
    MessagingApiBlob,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuRequest,
)

from models.settings import DEFAULT_LINE_API_DATA_BASE_URL, Settings
from scheduler.messenger import JsonMessage, PushRejected, PushUnreachable

CONTENT_CONNECTIONS = 4  # evidence fetches at once (bot.evidence_fetch), each on a connection


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


@dataclass(frozen=True)
class Content:
    """The bytes of a photo or file someone sent, and the type LINE says they are."""

    data: bytes
    content_type: str


@dataclass(frozen=True)
class RichMenuSummary:
    """A rich menu LINE holds for the channel: its ID and the name we gave it."""

    rich_menu_id: str
    name: str


class LineClient:
    """Reply, push (with a retry key), profiles, group summary, quota and the rich menu."""

    def __init__(
        self,
        access_token: str,
        base_url: str,
        timeout: float = 10.0,
        max_connections: int = 64,
        data_base_url: str | None = None,
    ) -> None:
        self._api_client = ApiClient(_configuration(access_token, base_url, max_connections))
        self._api = MessagingApi(self._api_client)
        # LINE's data host takes uploads (the rich menu's image) and serves what people sent
        # (evidence): as many connections as evidence fetches run at once.
        self._data_client = ApiClient(
            _configuration(
                access_token,
                data_base_url or DEFAULT_LINE_API_DATA_BASE_URL,
                max_connections=CONTENT_CONNECTIONS,
            )
        )
        self._blob_api = MessagingApiBlob(self._data_client)
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> LineClient:
        """The client the settings describe: token, base URL, timeout, connections."""
        return cls(
            settings.line_channel_access_token,
            settings.line_api_base_url,
            timeout=settings.line_request_timeout,
            max_connections=settings.line_push_concurrency,
            data_base_url=settings.line_api_data_base_url,
        )

    def close(self) -> None:
        """Release pooled connections."""
        self._api_client.close()
        self._data_client.close()

    def reply(self, reply_token: str, messages: Sequence[JsonMessage]) -> None:
        """Answer a webhook event with up to 5 messages."""
        request = ReplyMessageRequest.construct(
            reply_token=reply_token, messages=_messages(messages)
        )
        self._call(self._api.reply_message, request, _request_timeout=self.timeout)

    def push(self, to: str, messages: Sequence[JsonMessage], retry_key: str | None = None) -> None:
        """Push up to 5 messages to a user or group; `retry_key` makes retries idempotent."""
        request = PushMessageRequest.construct(to=to, messages=_messages(messages))
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

    def message_content(self, message_id: str) -> Content:
        """A photo's or file's bytes, from LINE's data host (LINE keeps them for a while only)."""
        response = self._call(
            self._blob_api.get_message_content_with_http_info,
            message_id,
            _request_timeout=self.timeout,
        )
        headers = {str(k).lower(): str(v) for k, v in (response.headers or {}).items()}
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        return Content(bytes(response.data or b""), content_type or "application/octet-stream")

    def create_rich_menu(self, menu: Mapping[str, Any]) -> str:
        """Create a rich menu from its LINE JSON (size, areas …); returns its richMenuId."""
        request = RichMenuRequest.from_dict(dict(menu))
        response = self._call(self._api.create_rich_menu, request, _request_timeout=self.timeout)
        return str(response.rich_menu_id)

    def upload_rich_menu_image(self, rich_menu_id: str, image: bytes, content_type: str) -> None:
        """Attach the image (PNG or JPEG) to a rich menu, on LINE's data host."""
        self._call(
            self._blob_api.set_rich_menu_image,
            rich_menu_id,
            image,
            _headers={"Content-Type": content_type},
            _request_timeout=self.timeout,
        )

    def rich_menus(self) -> list[RichMenuSummary]:
        """Every rich menu the channel has."""
        response = self._call(self._api.get_rich_menu_list, _request_timeout=self.timeout)
        return [RichMenuSummary(menu.rich_menu_id, menu.name) for menu in response.richmenus]

    def default_rich_menu_id(self) -> str | None:
        """The default rich menu's ID, or None when there is none (LINE answers 404)."""
        try:
            response = self._call(self._api.get_default_rich_menu_id, _request_timeout=self.timeout)
        except PushRejected as error:
            if error.status == 404:
                return None
            raise
        return str(response.rich_menu_id)

    def set_default_rich_menu(self, rich_menu_id: str) -> None:
        """Show this rich menu to every user who has no menu of their own."""
        self._call(self._api.set_default_rich_menu, rich_menu_id, _request_timeout=self.timeout)

    def cancel_default_rich_menu(self) -> None:
        """Show no default rich menu."""
        self._call(self._api.cancel_default_rich_menu, _request_timeout=self.timeout)

    def delete_rich_menu(self, rich_menu_id: str) -> None:
        """Delete a rich menu (LINE stops showing it at once)."""
        self._call(self._api.delete_rich_menu, rich_menu_id, _request_timeout=self.timeout)

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


def _configuration(access_token: str, base_url: str, max_connections: int) -> Configuration:
    """The SDK's configuration for one LINE host."""
    configuration = Configuration(host=base_url.rstrip("/"), access_token=access_token)
    # No hidden urllib3 retries: the sender decides when to retry, under the same retry key.
    configuration.retries = urllib3.Retry(total=0, connect=0, read=0, redirect=0, status=0)
    # Keep-alive connections for every push in flight at once (the sender's concurrency).
    configuration.connection_pool_maxsize = max_connections
    return configuration


def _messages(messages: Sequence[JsonMessage]) -> list[Message | _Prebuilt]:
    """SDK message models from LINE-shaped dicts (text, textV2, … with quickReply); a Flex
    message goes as the JSON it already is.

    A Flex card is dozens of nested components, and modelling then serialising them costs the
    SDK ~4 ms a message: at 08:30 every busy group gets one, and the month-end round at 1,000
    groups took 13 s instead of 7. The cards are built by scheduler.messages and the bot's card
    builders, within LINE's limits; LINE itself refuses a malformed one with a 400.
    """
    return [
        _Prebuilt(dict(message))
        if message.get("type") == "flex"
        else Message.from_dict(dict(message))
        for message in messages
    ]


class _Prebuilt:
    """A message already in LINE's JSON; the SDK's serialiser calls to_dict() on it."""

    def __init__(self, body: dict[str, Any]) -> None:
        self._body = body

    def to_dict(self) -> dict[str, Any]:
        """The message as LINE takes it."""
        return self._body


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
