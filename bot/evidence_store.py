"""Where evidence files' bytes live: a local directory, or an S3-compatible bucket."""

from __future__ import annotations

import functools
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from models.settings import Settings

# Keys are made by the bot ("tasks/12/<message id>.jpg"); anything else is refused.
_SAFE_KEY = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$")


class StorageError(Exception):
    """The store could not keep, give or remove an object (disk full, S3 down, …)."""


class ObjectMissing(StorageError):
    """No object under that key (deleted, or never stored)."""


class EvidenceStore(Protocol):
    """Put, get and delete an object's bytes by key."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Keep `data` under `key` (replacing what was there)."""

    def get(self, key: str) -> bytes:
        """The bytes under `key`; ObjectMissing when there are none."""

    def delete(self, key: str) -> None:
        """Remove the object (no error when it is already gone)."""


class LocalStore:
    """Files under one directory, written whole (temporary file, fsync, rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        """The file of a key (only the bot's own key shapes: no '..', no absolute paths)."""
        if not _SAFE_KEY.match(key) or ".." in key.split("/"):
            raise StorageError(f"not an evidence key: {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write the file; a crash leaves the old file or none, never half of one."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except OSError as error:
            raise StorageError(f"cannot write {path}: {error}") from error

    def get(self, key: str) -> bytes:
        """The file's bytes."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise ObjectMissing(key) from None
        except OSError as error:
            raise StorageError(f"cannot read {key}: {error}") from error

    def delete(self, key: str) -> None:
        """Remove the file."""
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as error:
            raise StorageError(f"cannot delete {key}: {error}") from error


class S3Store:
    """Objects in one bucket of any S3-compatible store (AWS, MinIO, R2 …), through boto3."""

    def __init__(self, bucket: str, endpoint_url: str | None, timeout: float) -> None:
        self.bucket = bucket
        # Credentials and region come from boto3's usual places (AWS_* variables, profiles).
        self._client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            config=Config(
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Upload the object."""
        try:
            self._client.put_object(
                Bucket=self.bucket, Key=key, Body=data, ContentType=content_type
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"cannot upload {key}: {error}") from error

    def get(self, key: str) -> bytes:
        """Download the object."""
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=key)
            return bytes(response["Body"].read())
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise ObjectMissing(key) from None
            raise StorageError(f"cannot download {key}: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"cannot download {key}: {error}") from error

    def delete(self, key: str) -> None:
        """Delete the object (S3 says nothing when it is already gone)."""
        try:
            self._client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"cannot delete {key}: {error}") from error


@functools.lru_cache(maxsize=8)
def store_for(settings: Settings) -> EvidenceStore:
    """The store the settings name (built once: a boto3 client takes a while to make)."""
    if settings.evidence_s3_bucket:
        return S3Store(
            settings.evidence_s3_bucket,
            settings.evidence_s3_endpoint_url,
            timeout=settings.line_request_timeout,
        )
    return LocalStore(Path(settings.evidence_dir))
