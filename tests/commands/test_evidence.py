"""`แนบหลักฐาน`, `หลักฐาน`, `ลบหลักฐาน`, and the rules that read a photo or file message."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot import texts
from bot.commands.evidence import (
    IncomingFile,
    allowed,
    incoming_file,
    real_type,
    storage_key,
    type_of_name,
)
from bot.evidence_store import LocalStore, StorageError
from models.settings import DEFAULT_EVIDENCE_TYPES, Settings
from models.tables import AuditEntry, Evidence, EvidenceIntent
from tests.support.chat import Chat, add_task, name_supervisor, said
from tests.support.events import GROUP, NOW, OFFICER_A, OFFICER_B, OUTSIDER, SUPERVISOR
from tests.support.web import PUBLIC_BASE_URL


def keep(engine: Engine, settings: Settings, task: int, name: str, data: bytes) -> Evidence:
    """An evidence file as the fetcher leaves it: bytes in the local store, a row."""
    key = f"tasks/{task}/{name}"
    LocalStore(Path(settings.evidence_dir)).put(key, data, "image/jpeg")
    row = Evidence(
        task_id=task,
        line_message_id=name,
        file_name=name,
        content_type="image/jpeg",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
        created_at=NOW,
    )
    with Session(engine, expire_on_commit=False) as session:
        session.add(row)
        session.commit()
    return row


def test_attach_remembers_the_task_for_the_sender_in_this_chat(chat: Chat, engine: Engine) -> None:
    name_supervisor(chat)
    number = add_task(chat)
    answer = said(chat.say(f"แนบหลักฐาน #{number}", OFFICER_A))
    assert answer.startswith(f"📎 ส่งรูปหรือไฟล์หลักฐานของงาน #{number}")
    assert "ภายใน 10 นาที (รูปภาพ, PDF, Word, Excel, PowerPoint ไม่เกิน 20 MB" in answer
    chat.say(f"แนบหลักฐาน #{number}", OFFICER_A)  # again: one intent, renewed
    with Session(engine) as session:
        [intent] = session.exec(select(EvidenceIntent)).all()
    assert (intent.chat_id, intent.task_id) == (GROUP, number)


def test_attach_needs_the_right_to_change_the_task(chat: Chat) -> None:
    name_supervisor(chat)
    number = add_task(chat)
    assert said(chat.say(f"แนบหลักฐาน #{number}", OUTSIDER)) == texts.cannot_change(number)
    assert said(chat.say("แนบหลักฐาน #999", OFFICER_A)) == texts.task_not_found(999)
    assert "ส่งรูปหรือไฟล์" in said(chat.say(f"แนบหลักฐาน #{number}", SUPERVISOR))


def test_list_and_delete_a_task_s_evidence(chat: Chat, engine: Engine, settings: Settings) -> None:
    name_supervisor(chat)
    number = add_task(chat)
    assert said(chat.say(f"หลักฐาน #{number}", OFFICER_B)) == texts.evidence_none(number)
    first = keep(engine, settings, number, "board.jpg", b"\xff\xd8 board")
    keep(engine, settings, number, "website.jpg", b"\xff\xd8 website")

    listed = said(chat.say(f"หลักฐาน #{number}", OUTSIDER))  # anyone who sees the task
    assert "1. board.jpg" in listed and "2. website.jpg" in listed
    assert listed.count(f"{PUBLIC_BASE_URL}/evidence/") == 2

    assert said(chat.say(f"ลบหลักฐาน #{number} 1", OUTSIDER)) == texts.cannot_change(number)
    assert said(chat.say(f"ลบหลักฐาน #{number} 3", OFFICER_A)) == texts.evidence_no_such(
        number, 3, 2
    )
    answer = said(chat.say(f"ลบหลักฐาน #{number} 1", OFFICER_A))
    assert answer == texts.evidence_deleted("board.jpg", number, 1)
    assert not (Path(settings.evidence_dir) / first.storage_key).exists()
    with Session(engine) as session:
        assert [row.file_name for row in session.exec(select(Evidence))] == ["website.jpg"]
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "evidence.delete")).one()
    assert audit.before is not None and audit.before["sha256"] == first.sha256


def test_a_storage_failure_keeps_the_row(
    chat: Chat, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    name_supervisor(chat)
    number = add_task(chat)
    keep(engine, settings, number, "board.jpg", b"\xff\xd8 board")

    def broken(self: LocalStore, key: str) -> None:
        raise StorageError("disk gone")

    monkeypatch.setattr(LocalStore, "delete", broken)
    assert said(chat.say(f"ลบหลักฐาน #{number} 1", OFFICER_A)) == texts.EVIDENCE_STORAGE_DOWN
    with Session(engine) as session:
        assert len(session.exec(select(Evidence)).all()) == 1


def test_the_list_has_no_links_without_a_public_address(
    chat: Chat, engine: Engine, settings: Settings
) -> None:
    name_supervisor(chat)
    number = add_task(chat)
    keep(engine, settings, number, "board.jpg", b"\xff\xd8 board")
    chat.settings = replace(settings, public_base_url=None)
    listed = said(chat.say(f"หลักฐาน #{number}", OFFICER_A))
    assert "1. board.jpg" in listed and "http" not in listed


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            {"type": "image", "id": "1", "contentProvider": {"type": "line"}},
            IncomingFile("1", "image", None, None),
        ),
        (
            {"type": "file", "id": "2", "fileName": "แผน.pdf", "fileSize": 2138},
            IncomingFile("2", "file", "แผน.pdf", 2138),
        ),
        # A photo hosted by another app: LINE holds no content to fetch.
        ({"type": "image", "id": "3", "contentProvider": {"type": "external"}}, None),
        ({"type": "sticker", "id": "4"}, None),
        ({"type": "image"}, None),
        # Odd fields: a file all the same, its name and size unknown.
        (
            {"type": "file", "id": "5", "fileName": 7, "fileSize": "big"},
            IncomingFile("5", "file", None, None),
        ),
    ],
)
def test_incoming_file_reads_lines_message_shapes(
    message: dict[str, object], expected: IncomingFile | None
) -> None:
    assert incoming_file(message) == expected


@pytest.mark.parametrize(
    ("content_type", "taken"),
    [
        ("image/jpeg", True),
        ("image/heic", True),
        ("application/pdf", True),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", True),
        ("application/vnd.ms-excel", True),
        ("application/zip", False),
        ("video/mp4", False),
        ("application/x-msdownload", False),
    ],
)
def test_the_default_types_are_photos_pdf_and_office(content_type: str, taken: bool) -> None:
    assert allowed(content_type, DEFAULT_EVIDENCE_TYPES) is taken


def test_types_and_keys_come_from_names_when_line_says_only_bytes() -> None:
    assert type_of_name("รายงาน.DOCX") == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert type_of_name("ไม่มีนามสกุล") is None
    assert real_type("application/octet-stream", "แผน.pdf") == "application/pdf"
    assert real_type("image/png", "แผน.pdf") == "image/png"  # LINE's own type wins
    assert storage_key(12, "4687", "ประกาศ.pdf") == "tasks/12/4687.pdf"
    assert storage_key(12, "../46", "x.p/../df") == "tasks/12/46"
