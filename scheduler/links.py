"""Signed links to the bot's web pages, made where the messages are made (chat or reminders).

The officials' web view is reached only through a link the bot hands out: it names the groups
it shows, is signed with the channel secret and expires after a day, so a forwarded link stops
working and a link for group A can never show group B.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

DASHBOARD_LIFETIME = timedelta(hours=24)
_SALT = "tidtam-dashboard"


class LinkForged(Exception):
    """The link was not signed by us, or does not name groups."""


class LinkExpired(Exception):
    """The link was ours but is older than its lifetime."""


def _serializer(secret: str, now: datetime) -> URLSafeTimedSerializer:
    """A serializer whose timestamps come from `now` (time is a parameter, also here)."""

    class _Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(now.timestamp())

    return URLSafeTimedSerializer(secret, salt=_SALT, signer=_Signer)


def dashboard_token(secret: str, group_ids: Sequence[int], now: datetime) -> str:
    """A URL-safe token naming the groups a web view shows, signed and stamped `now`."""
    return str(_serializer(secret, now).dumps({"g": sorted(set(group_ids))}))


def read_dashboard_token(
    secret: str, token: str, now: datetime, lifetime: timedelta = DASHBOARD_LIFETIME
) -> tuple[int, ...]:
    """The group ids a token names; LinkExpired when too old, LinkForged when not ours."""
    try:
        payload = _serializer(secret, now).loads(token, max_age=int(lifetime.total_seconds()))
    except SignatureExpired:
        raise LinkExpired from None
    except BadSignature:
        raise LinkForged from None
    groups = payload.get("g") if isinstance(payload, dict) else None
    if not isinstance(groups, list) or not all(isinstance(g, int) for g in groups):
        raise LinkForged
    return tuple(groups)


def dashboard_url(base_url: str, token: str) -> str:
    """The link people tap."""
    return f"{base_url}/dashboard/{token}"


def dashboard_link(base_url: str, secret: str, group_ids: Sequence[int], now: datetime) -> str:
    """The signed web view link for these groups, made `now` (chat answers and digests alike)."""
    return dashboard_url(base_url, dashboard_token(secret, group_ids, now))
