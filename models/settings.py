"""One settings object built from the environment, validated at start with one-line errors."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

DEFAULT_DATABASE_URL = "sqlite:///tidtam.db"
DEFAULT_DATABASE_POOL_SIZE = 10
DEFAULT_LINE_API_BASE_URL = "https://api.line.me"
# LINE takes uploads (the rich menu's image) on a host of its own.
DEFAULT_LINE_API_DATA_BASE_URL = "https://api-data.line.me"
DEFAULT_EVENT_SPOOL_DIR = "var/spool"  # relative to the working directory
DEFAULT_EVIDENCE_DIR = "var/evidence"  # relative to the working directory
# Photos, PDF and Office files: what the ITA's OIT indicators ask agencies to show.
DEFAULT_EVIDENCE_TYPES = (
    "image/*",
    "application/pdf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.*",
)
# Demo mode signs and checks webhooks with this secret so the local simulator can talk to us.
DEMO_CHANNEL_SECRET = "tidtam-demo-channel-secret"
DEMO_ACCESS_TOKEN = "tidtam-demo-access-token"

_LINE_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
# The last part of the public progress page's address: /public/<slug>, kept stable for links.
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
DEFAULT_AGENCY_SLUG = "ita"


class SettingsError(ValueError):
    """A missing or malformed environment variable; the message is one line naming it."""


@dataclass(frozen=True)
class Settings:
    """Everything the processes read from the environment."""

    line_channel_secret: str
    line_channel_access_token: str
    line_api_base_url: str = DEFAULT_LINE_API_BASE_URL
    line_api_data_base_url: str = DEFAULT_LINE_API_DATA_BASE_URL
    database_url: str = DEFAULT_DATABASE_URL
    # PostgreSQL connections a process keeps open: a burst's webhooks, lanes and couriers
    # check out up to ten at once, and a connection opened for it costs 10–40 ms.
    database_pool_size: int = DEFAULT_DATABASE_POOL_SIZE
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Bangkok"))
    admin_ids: frozenset[str] = frozenset()
    environment: str = "development"
    demo_mode: bool = False
    line_request_timeout: float = 10.0
    delivery_grace_hours: float = 6.0
    line_push_concurrency: int = 64  # LINE calls in flight at once: pushes, or answers (2,000/s)
    public_base_url: str | None = None  # https://bot.example.go.th — for links the bot sends
    # Where webhook bodies wait while the database cannot take them (None: answer 500 instead).
    event_spool_dir: str | None = DEFAULT_EVENT_SPOOL_DIR
    event_spool_max_mb: int = 64
    # Evidence files: a local directory, or an S3 bucket when one is named (credentials from
    # the standard AWS_* variables); the largest file, the types taken (`image/*` patterns),
    # and how long after a report or a 📎 tap a file goes to that task.
    evidence_dir: str = DEFAULT_EVIDENCE_DIR
    evidence_s3_bucket: str | None = None
    evidence_s3_endpoint_url: str | None = None
    evidence_max_mb: int = 20
    evidence_types: tuple[str, ...] = DEFAULT_EVIDENCE_TYPES
    evidence_window_minutes: int = 10
    agency_name: str = ""  # shown on the public progress page and its printout
    agency_slug: str = DEFAULT_AGENCY_SLUG  # GET /public/<slug>

    @property
    def is_production(self) -> bool:
        """True when BOT_ENV=production: credentials are then mandatory."""
        return self.environment == "production"

    @property
    def is_sqlite(self) -> bool:
        """True for a SQLite database (the laptop/demo mode)."""
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build and validate settings from `environ` (default: the process environment)."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str:
            return (env.get(name) or "").strip()

        environment = get("BOT_ENV") or "development"
        if environment not in {"production", "development", "test"}:
            raise SettingsError(
                f"BOT_ENV must be production, development or test, not {environment!r}"
            )
        secret, token = get("LINE_CHANNEL_SECRET"), get("LINE_CHANNEL_ACCESS_TOKEN")
        demo_mode = False
        if environment == "production":
            for name, value in (
                ("LINE_CHANNEL_SECRET", secret),
                ("LINE_CHANNEL_ACCESS_TOKEN", token),
            ):
                if not value:
                    raise SettingsError(f"{name} is not set (required when BOT_ENV=production)")
        elif not secret or not token:
            demo_mode = True
            secret, token = secret or DEMO_CHANNEL_SECRET, token or DEMO_ACCESS_TOKEN

        base_url = _http_url(env, "LINE_API_BASE_URL", DEFAULT_LINE_API_BASE_URL)
        data_base_url = _http_url(env, "LINE_API_DATA_BASE_URL", DEFAULT_LINE_API_DATA_BASE_URL)

        database_url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
        if "://" not in database_url:
            raise SettingsError(
                "DATABASE_URL must look like sqlite:///file.db or postgresql://…, "
                f"not {database_url!r}"
            )

        tz_name = get("BOT_TIMEZONE") or "Asia/Bangkok"
        try:
            timezone = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"BOT_TIMEZONE {tz_name!r} is not a known time zone") from None

        admin_ids = frozenset(
            part.strip() for part in get("BOT_ADMIN_IDS").split(",") if part.strip()
        )
        for admin_id in admin_ids:
            if not _LINE_USER_ID.match(admin_id):
                raise SettingsError(
                    f"BOT_ADMIN_IDS has {admin_id!r}, "
                    "which is not a LINE user ID (U + 32 hex digits)"
                )

        public_base_url = get("PUBLIC_BASE_URL").rstrip("/") or None
        if public_base_url:
            public = urlparse(public_base_url)
            if public.scheme not in {"http", "https"} or not public.netloc:
                raise SettingsError(
                    f"PUBLIC_BASE_URL must be an http(s) URL, not {public_base_url!r}"
                )

        spool_dir = get("EVENT_SPOOL_DIR") or DEFAULT_EVENT_SPOOL_DIR
        # Unset: AWS's own endpoint; set for MinIO, Cloudflare R2, a moto server …
        s3_endpoint = (
            _http_url(env, "EVIDENCE_S3_ENDPOINT_URL", "")
            if get("EVIDENCE_S3_ENDPOINT_URL")
            else None
        )
        evidence_types = tuple(
            part.strip().lower() for part in get("EVIDENCE_TYPES").split(",") if part.strip()
        )
        for pattern in evidence_types:
            if "/" not in pattern:
                raise SettingsError(
                    f"EVIDENCE_TYPES has {pattern!r}, which is not a MIME type like image/* "
                    "or application/pdf"
                )
        agency_slug = get("AGENCY_SLUG") or DEFAULT_AGENCY_SLUG
        if not _SLUG.match(agency_slug):
            raise SettingsError(
                "AGENCY_SLUG must be lowercase letters, digits and hyphens (at most 63), "
                f"not {agency_slug!r}"
            )
        return cls(
            line_channel_secret=secret,
            line_channel_access_token=token,
            line_api_base_url=base_url,
            line_api_data_base_url=data_base_url,
            database_url=database_url,
            database_pool_size=_positive_int(
                env, "DATABASE_POOL_SIZE", DEFAULT_DATABASE_POOL_SIZE, most=200
            ),
            timezone=timezone,
            admin_ids=admin_ids,
            environment=environment,
            demo_mode=demo_mode,
            line_request_timeout=_positive_float(env, "LINE_REQUEST_TIMEOUT", 10.0),
            delivery_grace_hours=_positive_float(env, "DELIVERY_GRACE_HOURS", 6.0),
            line_push_concurrency=_positive_int(env, "LINE_PUSH_CONCURRENCY", 64, most=500),
            public_base_url=public_base_url,
            event_spool_dir=None if spool_dir.lower() == "off" else spool_dir,
            event_spool_max_mb=_positive_int(env, "EVENT_SPOOL_MAX_MB", 64, most=100_000),
            evidence_dir=get("EVIDENCE_DIR") or DEFAULT_EVIDENCE_DIR,
            evidence_s3_bucket=get("EVIDENCE_S3_BUCKET") or None,
            evidence_s3_endpoint_url=s3_endpoint,
            # LINE keeps files up to 300 MB; a phone's photos and scans are far smaller.
            evidence_max_mb=_positive_int(env, "EVIDENCE_MAX_MB", 20, most=300),
            evidence_types=evidence_types or DEFAULT_EVIDENCE_TYPES,
            evidence_window_minutes=_positive_int(env, "EVIDENCE_WINDOW_MINUTES", 10, most=1440),
            agency_name=get("AGENCY_NAME")[:200],
            agency_slug=agency_slug,
        )


def _http_url(env: Mapping[str, str], name: str, default: str) -> str:
    """An http(s) URL from `env[name]` without its trailing slash, or `default` when unset."""
    url = (env.get(name) or "").strip() or default
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise SettingsError(f"{name} must be an http(s) URL, not {url!r}")
    return url.rstrip("/")


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number from `env[name]`, or `default` when unset."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be greater than 0, not {raw!r}")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int, *, most: int) -> int:
    """A whole number from 1 to `most` from `env[name]`, or `default` when unset."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise SettingsError(f"{name} must be a whole number from 1 to {most}, not {raw!r}")
    return int(raw)


def settings_for_command(program: str) -> Settings | None:
    """For an entry point: logging on, a local .env read, settings validated.

    Returns None after printing the one-line error, so the caller exits with code 2.
    """
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    load_dotenv()  # a local .env fills in variables the environment does not set
    try:
        return Settings.from_env()
    except SettingsError as error:
        print(f"{program}: configuration error: {error}", file=sys.stderr)
        return None
