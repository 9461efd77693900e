"""What the sender needs from a messaging platform: push with a retry key, and its failures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

JsonMessage = Mapping[str, Any]

MONTHLY_LIMIT_TEXT = "You have reached your monthly limit."


class PushRejected(Exception):
    """The platform answered with an error status (4xx/5xx)."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"LINE API {status}: {message}")
        self.status = status
        self.message = message
        self.retry_after = retry_after

    @property
    def is_monthly_limit(self) -> bool:
        """A 429 because the month's message quota is used up (retrying will not help)."""
        return self.status == 429 and MONTHLY_LIMIT_TEXT.lower() in self.message.lower()

    @property
    def is_already_accepted(self) -> bool:
        """409: a push with this retry key was already accepted, so the message went out."""
        return self.status == 409

    @property
    def is_retryable(self) -> bool:
        """5xx and rate-limit 429s can succeed later under the same retry key."""
        return self.status >= 500 or (self.status == 429 and not self.is_monthly_limit)


class PushUnreachable(Exception):
    """No answer: connection refused, reset, or timed out (the push may still have landed)."""


class Messenger(Protocol):
    """The one call the sender makes; bot.line_api.LineClient implements it."""

    def push(self, to: str, messages: Sequence[JsonMessage], retry_key: str | None = None) -> None:
        """Push messages; raise PushRejected or PushUnreachable on failure."""


class ClosableMessenger(Messenger, Protocol):
    """A messenger that holds connections to release when the process is done with it."""

    def close(self) -> None:
        """Release the connections."""
