"""Settings from the environment: defaults, demo mode, and one-line errors naming the variable."""

from __future__ import annotations

import pytest

from models.settings import DEMO_CHANNEL_SECRET, Settings, SettingsError

ADMIN = "U" + "0123456789abcdef" * 2


def test_defaults_without_credentials_mean_demo_mode() -> None:
    settings = Settings.from_env({})
    assert settings.demo_mode is True
    assert settings.line_channel_secret == DEMO_CHANNEL_SECRET
    assert settings.database_url == "sqlite:///tidtam.db"
    assert settings.line_api_base_url == "https://api.line.me"
    assert settings.line_api_data_base_url == "https://api-data.line.me"
    assert str(settings.timezone) == "Asia/Bangkok"
    assert settings.line_request_timeout == 10.0


def test_full_configuration_is_read() -> None:
    settings = Settings.from_env(
        {
            "LINE_CHANNEL_SECRET": "s",
            "LINE_CHANNEL_ACCESS_TOKEN": "t",
            "LINE_API_BASE_URL": "http://127.0.0.1:9999/",
            "LINE_API_DATA_BASE_URL": "http://127.0.0.1:9998/",
            "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
            "BOT_TIMEZONE": "Asia/Bangkok",
            "BOT_ADMIN_IDS": f" {ADMIN} ,",
            "BOT_ENV": "production",
        }
    )
    assert settings.demo_mode is False
    assert settings.is_production
    assert settings.admin_ids == frozenset({ADMIN})
    assert settings.line_api_base_url == "http://127.0.0.1:9999"
    assert settings.line_api_data_base_url == "http://127.0.0.1:9998"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"BOT_ENV": "production", "LINE_CHANNEL_ACCESS_TOKEN": "t"}, "LINE_CHANNEL_SECRET"),
        ({"BOT_ENV": "production", "LINE_CHANNEL_SECRET": "s"}, "LINE_CHANNEL_ACCESS_TOKEN"),
        ({"BOT_ENV": "staging"}, "BOT_ENV"),
        ({"LINE_API_BASE_URL": "api.line.me"}, "LINE_API_BASE_URL"),
        ({"LINE_API_DATA_BASE_URL": "ftp://api-data.line.me"}, "LINE_API_DATA_BASE_URL"),
        ({"DATABASE_URL": "tidtam.db"}, "DATABASE_URL"),
        ({"BOT_TIMEZONE": "Asia/Bangkokk"}, "BOT_TIMEZONE"),
        ({"BOT_ADMIN_IDS": "admin1"}, "BOT_ADMIN_IDS"),
        ({"LINE_REQUEST_TIMEOUT": "ten"}, "LINE_REQUEST_TIMEOUT"),
        ({"LINE_REQUEST_TIMEOUT": "0"}, "LINE_REQUEST_TIMEOUT"),
        ({"DELIVERY_GRACE_HOURS": "-1"}, "DELIVERY_GRACE_HOURS"),
        ({"LINE_PUSH_CONCURRENCY": "0"}, "LINE_PUSH_CONCURRENCY"),
        ({"LINE_PUSH_CONCURRENCY": "1000"}, "LINE_PUSH_CONCURRENCY"),
        ({"LINE_PUSH_CONCURRENCY": "8.5"}, "LINE_PUSH_CONCURRENCY"),
        ({"DATABASE_POOL_SIZE": "0"}, "DATABASE_POOL_SIZE"),
        ({"DATABASE_POOL_SIZE": "many"}, "DATABASE_POOL_SIZE"),
        ({"EVENT_SPOOL_MAX_MB": "0"}, "EVENT_SPOOL_MAX_MB"),
        ({"EVENT_SPOOL_MAX_MB": "lots"}, "EVENT_SPOOL_MAX_MB"),
    ],
)
def test_bad_configuration_is_one_line_naming_the_variable(
    environ: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(environ)
    message = str(raised.value)
    assert named in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("env", "folder", "megabytes"),
    [
        ({}, "var/spool", 64),
        (
            {"EVENT_SPOOL_DIR": "/srv/tidtam/spool", "EVENT_SPOOL_MAX_MB": "512"},
            "/srv/tidtam/spool",
            512,
        ),
        ({"EVENT_SPOOL_DIR": "off"}, None, 64),
    ],
)
def test_the_event_spool_is_on_by_default_and_can_be_moved_or_turned_off(
    env: dict[str, str], folder: str | None, megabytes: int
) -> None:
    settings = Settings.from_env({"BOT_ENV": "test", **env})
    assert (settings.event_spool_dir, settings.event_spool_max_mb) == (folder, megabytes)


def test_evidence_settings_default_to_a_local_directory_and_office_types() -> None:
    settings = Settings.from_env({})
    assert settings.evidence_dir == "var/evidence" and settings.evidence_s3_bucket is None
    assert settings.evidence_max_mb == 20 and settings.evidence_window_minutes == 10
    assert "image/*" in settings.evidence_types and "application/pdf" in settings.evidence_types


def test_evidence_settings_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            "EVIDENCE_S3_BUCKET": "tidtam-evidence",
            "EVIDENCE_S3_ENDPOINT_URL": "https://minio.example.go.th/",
            "EVIDENCE_MAX_MB": "5",
            "EVIDENCE_TYPES": "image/* , application/PDF",
            "EVIDENCE_WINDOW_MINUTES": "30",
        }
    )
    assert settings.evidence_s3_bucket == "tidtam-evidence"
    assert settings.evidence_s3_endpoint_url == "https://minio.example.go.th"
    assert settings.evidence_max_mb == 5 and settings.evidence_window_minutes == 30
    assert settings.evidence_types == ("image/*", "application/pdf")
    with pytest.raises(SettingsError, match="EVIDENCE_TYPES"):
        Settings.from_env({"EVIDENCE_TYPES": "pdf"})
    with pytest.raises(SettingsError, match="EVIDENCE_MAX_MB"):
        Settings.from_env({"EVIDENCE_MAX_MB": "0"})
    with pytest.raises(SettingsError, match="EVIDENCE_S3_ENDPOINT_URL"):
        Settings.from_env({"EVIDENCE_S3_ENDPOINT_URL": "minio:9000"})
def test_the_public_page_has_a_stable_slug_and_the_agencys_name() -> None:
    assert Settings.from_env({}).agency_slug == "ita"
    settings = Settings.from_env(
        {"AGENCY_SLUG": "satengnok", "AGENCY_NAME": " เทศบาลเมืองสะเตงนอก "}
    )
    assert (settings.agency_slug, settings.agency_name) == ("satengnok", "เทศบาลเมืองสะเตงนอก")
    for bad in ("Sateng", "a/b", "-x", "x" * 64):
        with pytest.raises(SettingsError, match=r"^AGENCY_SLUG must be"):
            Settings.from_env({"AGENCY_SLUG": bad})


def test_the_database_pool_keeps_ten_connections_unless_told_otherwise() -> None:
    assert Settings.from_env({}).database_pool_size == 10
    assert Settings.from_env({"DATABASE_POOL_SIZE": "4"}).database_pool_size == 4
