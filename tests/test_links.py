"""Web view links: signed, scoped to their groups, expiring after a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduler.links import (
    DASHBOARD_LIFETIME,
    LinkExpired,
    LinkForged,
    dashboard_token,
    dashboard_url,
    read_dashboard_token,
)

NOW = datetime(2024, 7, 1, 1, 30, tzinfo=UTC)


def test_a_token_names_its_groups_until_it_expires() -> None:
    token = dashboard_token("secret", [3, 1, 3], NOW)
    assert read_dashboard_token("secret", token, NOW + DASHBOARD_LIFETIME) == (1, 3)
    with pytest.raises(LinkExpired):
        read_dashboard_token("secret", token, NOW + DASHBOARD_LIFETIME + timedelta(seconds=1))
    assert dashboard_url("https://bot.example", token) == f"https://bot.example/dashboard/{token}"


def test_another_secret_or_an_edited_token_is_forged() -> None:
    token = dashboard_token("secret", [1], NOW)
    with pytest.raises(LinkForged):
        read_dashboard_token("another secret", token, NOW)
    with pytest.raises(LinkForged):
        read_dashboard_token("secret", token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), NOW)
