"""The test channel's secrets, LINE's signature, a settable clock, and where the repository is."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

CHANNEL_SECRET = "test-channel-secret-0123456789ab"
PUBLIC_BASE_URL = "https://tidtam.example.go.th"
ACCESS_TOKEN = "test-access-token"

# The `signed` fixture: POST a body to /callback with a real (or given) signature.
SignedPost = Callable[..., Any]


class MutableClock:
    """A clock the test sets; the app calls it like datetime.now(UTC)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def sign(body: bytes, secret: str = CHANNEL_SECRET) -> str:
    """LINE's X-Line-Signature: base64 of HMAC-SHA256 of the body with the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def repository_root() -> Path:
    """The checkout this test suite belongs to."""
    return Path(__file__).resolve().parents[2]
