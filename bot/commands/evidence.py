"""Evidence (📎): photos and files attached to tasks, listed and deleted in chat."""

from __future__ import annotations

import fnmatch
import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlmodel import col, select

from bot import export, store, texts
from bot.context import Context, Refusal, display_name
from bot.evidence_store import StorageError, store_for
from bot.router import TASK_NUMBER, Reply, command
from models.settings import Settings
from models.tables import Evidence, EvidenceIntent, ProgressReport, Task
from scheduler.thaidate import format_date

# Office and PDF types by extension: the platform's mimetypes table may not know them all.
_TYPES_BY_EXTENSION = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".heic": "image/heic",
}
_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
GENERIC_TYPE = "application/octet-stream"
MAX_NAME = 255


@dataclass(frozen=True)
class IncomingFile:
    """A photo or file message as LINE describes it (the bytes are fetched later)."""

    message_id: str
    kind: str  # "image" or "file"
    file_name: str | None  # file messages only
    file_size: int | None  # file messages only


@dataclass(frozen=True)
class Attach:
    """A file to fetch from LINE for a task: decided in the event's transaction."""

    task_id: int
    incoming: IncomingFile
    person_id: int  # who sent it
    group_id: int | None  # where (None: the 1:1 chat)


@dataclass(frozen=True)
class Fetched:
    """A file fetched and stored, ready to be recorded."""

    message_id: str
    file_name: str
    content_type: str
    size: int
    sha256: str
    storage_key: str


def incoming_file(message: Mapping[str, Any]) -> IncomingFile | None:
    """The photo or file a message event carries; None for other messages.

    A photo another app hosts (contentProvider "external") has no content at LINE to fetch.
    """
    kind, message_id = message.get("type"), message.get("id")
    if kind not in ("image", "file") or not isinstance(message_id, str) or not message_id:
        return None
    provider = message.get("contentProvider")
    if isinstance(provider, Mapping) and provider.get("type") not in (None, "line"):
        return None
    name, size = message.get("fileName"), message.get("fileSize")
    return IncomingFile(
        message_id[:64],
        str(kind),
        name.strip()[:MAX_NAME] or None if isinstance(name, str) else None,
        size if isinstance(size, int) and not isinstance(size, bool) else None,
    )


def type_of_name(file_name: str) -> str | None:
    """The MIME type a file name suggests (by its extension), or None."""
    extension = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return _TYPES_BY_EXTENSION.get(extension) or mimetypes.guess_type(file_name)[0]


def allowed(content_type: str, patterns: Sequence[str]) -> bool:
    """Whether a MIME type is one EVIDENCE_TYPES takes ("image/*" patterns)."""
    return any(fnmatch.fnmatchcase(content_type.lower(), pattern) for pattern in patterns)


def real_type(declared: str, file_name: str | None) -> str:
    """The type to keep: LINE's, unless it says only "bytes"; then the name's."""
    if declared and declared != GENERIC_TYPE:
        return declared
    return (type_of_name(file_name) if file_name else None) or declared or GENERIC_TYPE


def photo_name(content_type: str, sent_at: datetime, tz: tzinfo) -> str:
    """A name for a photo (LINE sends photos without one): photo-20240301-093000.jpg."""
    stamp = sent_at.astimezone(tz).strftime("%Y%m%d-%H%M%S")
    return f"photo-{stamp}{_EXTENSIONS.get(content_type, '')}"


def storage_key(task_id: int, message_id: str, file_name: str) -> str:
    """Where a file's bytes go: by task and LINE message (safe characters only)."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    suffix = "." + extension if extension.isascii() and extension.isalnum() else ""
    safe_id = "".join(c for c in message_id if c.isascii() and c.isalnum())
    return f"tasks/{task_id}/{safe_id}{suffix[:10]}"


def check_size(settings: Settings, name: str, size: int) -> None:
    """Refuse a file over EVIDENCE_MAX_MB."""
    if size > settings.evidence_max_mb * 1024 * 1024:
        raise Refusal(texts.evidence_too_big(name, size, settings.evidence_max_mb))


def check_type(settings: Settings, name: str, content_type: str) -> None:
    """Refuse a file whose type EVIDENCE_TYPES does not take."""
    if not allowed(content_type, settings.evidence_types):
        kinds = texts.evidence_kinds(settings.evidence_types)
        raise Refusal(texts.evidence_wrong_type(name, kinds))


def chat_key(ctx: Context) -> str:
    """The LINE id of this chat: the group, or the sender's 1:1 chat."""
    return ctx.group.line_group_id if ctx.group is not None else ctx.sender.line_user_id


def _window(ctx: Context) -> timedelta:
    """How long after a report or a 📎 tap a file goes to that task."""
    return timedelta(minutes=ctx.settings.evidence_window_minutes)


def file_for_task(ctx: Context, incoming: IncomingFile) -> Attach | str | None:
    """Which task a photo or file goes to (checked as a change of the task), or what to say.

    The sender's latest of: a 📎 tap in this chat, or their own report on a task this chat
    sees, within the window. None (quiet) in a group when neither is there: photos in a group
    are mostly chatter; a 1:1 chat always gets the hint.
    """
    assert ctx.sender.id is not None
    since = ctx.now - _window(ctx)
    intent = ctx.session.get(EvidenceIntent, (chat_key(ctx), ctx.sender.id))
    candidates: list[tuple[datetime, int]] = []
    if intent is not None and intent.at >= since:
        candidates.append((intent.at, intent.task_id))
    visible = set(ctx.visible_group_ids())
    reports = ctx.session.exec(
        select(ProgressReport.reported_at, ProgressReport.task_id, Task.group_id)
        .join(Task, col(Task.id) == ProgressReport.task_id)
        .where(ProgressReport.reporter_id == ctx.sender.id, ProgressReport.reported_at >= since)
        .order_by(col(ProgressReport.reported_at).desc())
    )
    for reported_at, task_id, group_id in reports:
        if group_id in visible:
            candidates.append((reported_at, task_id))
            break
    if not candidates:
        if intent is not None:
            return texts.evidence_window_passed(
                intent.task_id, ctx.settings.evidence_window_minutes
            )
        if ctx.group is None:
            return texts.evidence_no_task(ctx.settings.evidence_window_minutes)
        return None
    task = ctx.task(max(candidates)[1])
    assert task.id is not None
    ctx.require_can_change(task)
    if incoming.file_name is not None:  # a file message says its name and size: check first
        if incoming.file_size is not None:
            check_size(ctx.settings, incoming.file_name, incoming.file_size)
        kind = type_of_name(incoming.file_name) or GENERIC_TYPE
        if kind != GENERIC_TYPE:  # no telling from the name: LINE's type decides later
            check_type(ctx.settings, incoming.file_name, kind)
    assert ctx.sender.id is not None
    return Attach(task.id, incoming, ctx.sender.id, ctx.group.id if ctx.group else None)


def record(ctx: Context, task_id: int, fetched: Fetched) -> str:
    """Keep a fetched file as the task's evidence (checked again: it may have changed)."""
    task = ctx.task(task_id)
    assert task.id is not None
    ctx.require_can_change(task)
    row = Evidence(
        task_id=task.id,
        person_id=ctx.sender.id,
        line_message_id=fetched.message_id,
        file_name=fetched.file_name[:MAX_NAME],
        content_type=fetched.content_type[:120],
        size=fetched.size,
        sha256=fetched.sha256,
        storage_key=fetched.storage_key,
        created_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("evidence.add", "task", task.id, after=_snapshot(row))
    total = store.evidence_counts(ctx.session, [task.id]).get(task.id, 0)
    return texts.evidence_attached(row.file_name, task.id, total)


def _snapshot(row: Evidence) -> dict[str, Any]:
    """What the audit trail keeps of one evidence file."""
    return {
        "evidence_id": row.id,
        "file_name": row.file_name,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "storage_key": row.storage_key,
    }


@command(
    "แนบหลักฐาน",
    "attach",
    args=TASK_NUMBER,
    usage="แนบหลักฐาน #เลขงาน",
    example="แนบหลักฐาน #12",
)
def attach(ctx: Context, number: str) -> Reply:
    """(ผู้รับผิดชอบ/หัวหน้า) แนบรูปหรือไฟล์เป็นหลักฐานของงาน: พิมพ์แล้วส่งไฟล์ตามมา"""
    task = ctx.task(int(number))
    assert task.id is not None and ctx.sender.id is not None
    ctx.require_can_change(task)
    key = (chat_key(ctx), ctx.sender.id)
    intent = ctx.session.get(EvidenceIntent, key)
    if intent is None:
        ctx.session.add(
            EvidenceIntent(chat_id=key[0], person_id=key[1], task_id=task.id, at=ctx.now)
        )
    else:
        intent.task_id, intent.at = task.id, ctx.now
    settings = ctx.settings
    return texts.attach_prompt(
        task.id,
        task.title,
        texts.evidence_kinds(settings.evidence_types),
        settings.evidence_max_mb,
        settings.evidence_window_minutes,
    )


@command("หลักฐาน", "evidence", args=TASK_NUMBER, usage="หลักฐาน #เลขงาน", example="หลักฐาน #12")
def list_evidence(ctx: Context, number: str) -> Reply:
    """ดูไฟล์หลักฐานของงาน พร้อมลิงก์ดาวน์โหลด"""
    task = ctx.task(int(number))
    assert task.id is not None
    rows = store.evidence_of(ctx.session, [task.id]).get(task.id, [])
    if not rows:
        return texts.evidence_none(task.id)
    link = export.evidence_linker(ctx.settings, ctx.now)
    senders = store.people(ctx.session, [row.person_id for row in rows if row.person_id])
    lines = [
        texts.evidence_line(
            index,
            row.file_name,
            row.size,
            display_name(senders[row.person_id]) if row.person_id in senders else "?",
            format_date(row.created_at.astimezone(ctx.settings.timezone).date()),
            link(row.id) if link is not None and row.id is not None else None,
        )
        for index, row in enumerate(rows, start=1)
    ]
    hours = int(export.DEFAULT_LINK_LIFETIME.total_seconds() // 3600) if link else None
    return texts.evidence_list(task.id, task.title, lines, hours)


@command(
    "ลบหลักฐาน",
    args=TASK_NUMBER + r"\s+(?P<index>[0-9]{1,4})",
    usage="ลบหลักฐาน #เลขงาน <ลำดับ>",
    example="ลบหลักฐาน #12 2",
)
def delete_evidence(ctx: Context, number: str, index: str) -> Reply:
    """(ผู้รับผิดชอบ/หัวหน้า) ลบไฟล์หลักฐานลำดับที่ระบุ (ดูลำดับด้วย หลักฐาน #เลขงาน)"""
    task = ctx.task(int(number))
    assert task.id is not None
    ctx.require_can_change(task)
    rows = store.evidence_of(ctx.session, [task.id]).get(task.id, [])
    position = int(index)
    if not 1 <= position <= len(rows):
        raise Refusal(texts.evidence_no_such(task.id, position, len(rows)))
    row = rows[position - 1]
    snapshot = _snapshot(row)
    ctx.session.delete(row)
    ctx.session.flush()
    ctx.audit("evidence.delete", "task", task.id, before=snapshot)
    try:
        # Last, after the row: a storage failure undoes the row's deletion (the savepoint).
        store_for(ctx.settings).delete(row.storage_key)
    except StorageError as error:
        raise Refusal(texts.EVIDENCE_STORAGE_DOWN) from error
    return texts.evidence_deleted(row.file_name, task.id, len(rows) - 1)
