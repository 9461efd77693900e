"""Evidence through the real webhook: a photo or file sent in LINE → fetched → stored → shown."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import boto3
import pytest
from flask.testing import FlaskClient
from moto.server import ThreadedMotoServer
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import evidence_fetch, texts
from bot.answers import hold_answer
from bot.evidence_store import ObjectMissing, store_for
from bot.webhook import services_of
from models.settings import Settings
from models.tables import AuditEntry, Evidence
from scheduler.messages import text
from tests.support.chat import Say, said
from tests.support.events import (
    ADMIN,
    GROUP,
    NOW,
    OFFICER_A,
    OFFICER_B,
    OUTSIDER,
    SUPERVISOR,
    file_message,
    image_message,
    in_group,
    join,
    postback,
    text_message,
)
from tests.support.fake_line import FakeLine
from tests.support.web import PUBLIC_BASE_URL, MutableClock, repository_root

# A real image: the simulator's status screenshot (a PNG the README shows).
PHOTO = (repository_root() / "docs" / "images" / "simulator-status.png").read_bytes()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CONTENT = "/v2/bot/message/"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A local S3 server (moto's server mode) on a free port."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(params=["local", "s3"])
def settings(
    request: pytest.FixtureRequest, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The test settings, keeping evidence in a local directory, or in a bucket on moto."""
    monkeypatch.setattr(evidence_fetch, "FETCH_PAUSES", (0.0, 0.0))  # LINE's 5xx, tried again
    if request.param == "local":
        return settings
    endpoint = request.getfixturevalue("s3_endpoint")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    bucket = f"tidtam-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    return replace(settings, evidence_s3_bucket=bucket, evidence_s3_endpoint_url=endpoint)


def set_up(say: Say, due: str = "31 มี.ค. 2567") -> int:
    """A group, its supervisor, and a task for officers A and B; the task's number."""
    say(join(GROUP))
    say(in_group("ตั้งหัวหน้า @สมศักดิ์", ADMIN, (SUPERVISOR, "@สมศักดิ์")))
    answer = say(
        in_group(
            f"เพิ่มงาน ติดประกาศเผยแพร่ข้อมูล @สมชาย @สมศรี กำหนด {due}",
            SUPERVISOR,
            (OFFICER_A, "@สมชาย"),
            (OFFICER_B, "@สมศรี"),
        )
    )
    return int(said(answer).split("#", 1)[1].split()[0])


def evidence_rows(engine: Engine) -> list[Evidence]:
    """Every evidence row, oldest first."""
    with Session(engine) as session:
        return list(session.exec(select(Evidence).order_by(col(Evidence.id))))


def stored_keys(settings: Settings) -> list[str]:
    """Every object in the evidence store (local directory or bucket)."""
    if settings.evidence_s3_bucket:
        s3 = boto3.client("s3", endpoint_url=settings.evidence_s3_endpoint_url)
        listed = s3.list_objects_v2(Bucket=settings.evidence_s3_bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))
    root = Path(settings.evidence_dir)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def content_requests(fake_line: FakeLine) -> list[Any]:
    """The downloads the bot asked of LINE's data host."""
    return [r for r in fake_line.requests_to(CONTENT, "GET") if r.on_data_host]


def test_a_photo_after_a_report_is_kept_counted_listed_in_the_report_and_downloadable(
    conversation: Say, fake_line: FakeLine, engine: Engine, settings: Settings, client: FlaskClient
) -> None:
    number = set_up(conversation)
    conversation(in_group(f"รายงาน #{number} ติดประกาศที่บอร์ดแล้ว 50%", OFFICER_A))
    fake_line.add_content("9001", PHOTO, "image/png")

    answer = conversation(image_message(OFFICER_A, message_id="9001"))

    name = "photo-20240301-090000.png"  # LINE sends photos without a name: sent 1 Mar 09:00
    assert said(answer) == texts.evidence_attached(name, number, 1)
    [row] = evidence_rows(engine)
    assert (row.task_id, row.file_name, row.content_type) == (number, name, "image/png")
    assert (row.size, row.sha256) == (len(PHOTO), hashlib.sha256(PHOTO).hexdigest())
    assert store_for(settings).get(row.storage_key) == PHOTO
    [download] = content_requests(fake_line)
    assert download.path == f"{CONTENT}9001/content"
    with Session(engine) as session:
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "evidence.add")).one()
    assert audit.after is not None and audit.after["sha256"] == row.sha256

    assert "📎 1" in said(conversation(in_group("งานของฉัน", OFFICER_A)))

    link = next(
        word
        for word in said(conversation(in_group("ส่งออกรายงาน", SUPERVISOR))).split()
        if word.startswith(PUBLIC_BASE_URL)
    )
    book = load_workbook(BytesIO(client.get(link.removeprefix(PUBLIC_BASE_URL)).data))
    sheet = book[texts.REPORT_SHEET]
    header = [cell.value for cell in sheet[4]]
    [task_row] = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] == f"#{number}"]
    [evidence_link] = str(task_row[header.index(texts.REPORT_COLUMNS[-1])]).splitlines()
    assert evidence_link.startswith(f"{PUBLIC_BASE_URL}/evidence/")
    got = client.get(evidence_link.removeprefix(PUBLIC_BASE_URL))
    assert got.status_code == 200 and got.mimetype == "image/png"
    assert got.data == PHOTO
    assert name in got.headers["Content-Disposition"]


def test_the_attach_button_takes_a_pdf_named_in_thai_and_status_shows_it_on_a_late_task(
    conversation: Say, fake_line: FakeLine, engine: Engine, settings: Settings, clock: MutableClock
) -> None:
    number = set_up(conversation, due="29 ก.พ. 2567")  # due yesterday: late
    prompt = conversation(postback(f"แนบหลักฐาน #{number}", OFFICER_B))
    assert "ภายใน 10 นาที" in said(prompt) and "PDF" in said(prompt)
    fake_line.add_content("9002", PDF, "application/pdf")
    clock.now = NOW + timedelta(minutes=9)

    answer = conversation(
        file_message(OFFICER_B, "ประกาศผลการจัดซื้อ.pdf", len(PDF), message_id="9002")
    )

    assert said(answer) == texts.evidence_attached("ประกาศผลการจัดซื้อ.pdf", number, 1)
    [row] = evidence_rows(engine)
    assert (row.content_type, row.sha256) == ("application/pdf", hashlib.sha256(PDF).hexdigest())
    [card] = conversation(in_group("สถานะ", SUPERVISOR))
    late = json.dumps(card["contents"], ensure_ascii=False)
    assert f"#{number} ติดประกาศเผยแพร่ข้อมูล" in late and "📎 1" in late


def test_a_file_that_comes_after_the_window_or_with_nothing_asked_is_not_kept(
    conversation: Say, fake_line: FakeLine, engine: Engine, clock: MutableClock
) -> None:
    number = set_up(conversation)
    fake_line.add_content("9003", PHOTO, "image/png")
    # In a group, a photo from someone who asked for nothing is chatter: not a word.
    assert conversation(image_message(OFFICER_A, message_id="9003")) == []
    # In the 1:1 chat the bot always says how to attach.
    assert said(conversation(image_message(OFFICER_A, None, message_id="9003"))) == (
        texts.evidence_no_task(10)
    )
    conversation(postback(f"แนบหลักฐาน #{number}", OFFICER_A))
    clock.now = NOW + timedelta(minutes=11)
    answer = conversation(image_message(OFFICER_A, message_id="9003"))
    assert said(answer) == texts.evidence_window_passed(number, 10)
    assert evidence_rows(engine) == [] and content_requests(fake_line) == []


def test_someone_who_may_not_change_the_task_cannot_attach(
    conversation: Say, engine: Engine
) -> None:
    number = set_up(conversation)
    conversation(in_group("สวัสดี", OUTSIDER))
    assert said(conversation(postback(f"แนบหลักฐาน #{number}", OUTSIDER))) == (
        texts.cannot_change(number)
    )
    assert said(conversation(in_group(f"เสร็จ #{number}", OUTSIDER))) == texts.cannot_change(number)
    assert evidence_rows(engine) == []


def test_too_big_or_of_a_wrong_type_is_answered_in_thai_and_nothing_is_stored(
    conversation: Say, fake_line: FakeLine, engine: Engine, settings: Settings
) -> None:
    number = set_up(conversation)
    conversation(postback(f"แนบหลักฐาน #{number}", OFFICER_A))
    kinds = texts.evidence_kinds(settings.evidence_types)

    too_big = 25 * 1024 * 1024  # LINE says the size first: nothing is downloaded
    answer = conversation(file_message(OFFICER_A, "สแกน.pdf", too_big, message_id="9101"))
    assert said(answer) == texts.evidence_too_big("สแกน.pdf", too_big, 20)
    answer = conversation(file_message(OFFICER_A, "setup.exe", 1000, message_id="9102"))
    assert said(answer) == texts.evidence_wrong_type("setup.exe", kinds)
    assert content_requests(fake_line) == []

    # A photo's size and any file's real type are known only once fetched.
    huge = PHOTO + bytes(21 * 1024 * 1024)
    fake_line.add_content("9103", huge, "image/png")
    answer = conversation(image_message(OFFICER_A, message_id="9103"))
    assert said(answer) == texts.evidence_too_big("photo-20240301-090000.png", len(huge), 20)
    fake_line.add_content("9104", b"PK\x03\x04zip", "application/zip")
    answer = conversation(file_message(OFFICER_A, "เอกสาร", 7, message_id="9104"))
    assert said(answer) == texts.evidence_wrong_type("เอกสาร", kinds)
    assert evidence_rows(engine) == [] and stored_keys(settings) == []


@pytest.mark.parametrize("status", [404, 500])
def test_content_that_cannot_be_fetched_asks_to_send_again(
    conversation: Say, fake_line: FakeLine, engine: Engine, status: int
) -> None:
    number = set_up(conversation)
    conversation(in_group(f"รายงาน #{number} ติดประกาศแล้ว", OFFICER_A))
    fake_line.add_content("9201", PHOTO, "image/png")
    fake_line.answer("GET", f"{CONTENT}9201/content", status, {"message": "x"}, times=3)

    assert said(conversation(image_message(OFFICER_A, message_id="9201"))) == (
        texts.EVIDENCE_SEND_AGAIN
    )
    # Gone (404) is not asked again; a failing LINE (500) is, a few times.
    assert len(content_requests(fake_line)) == (1 if status == 404 else 3)
    assert evidence_rows(engine) == []


def test_the_photo_s_answer_comes_before_the_next_command_s(conversation: Say) -> None:
    number = set_up(conversation)
    conversation(postback(f"แนบหลักฐาน #{number}", OFFICER_A))
    answers = conversation(
        image_message(OFFICER_A, message_id="9301"), in_group("ประชุม", OFFICER_A)
    )
    assert said(answers[:1]) == texts.EVIDENCE_SEND_AGAIN  # no content at LINE: 404
    assert len(answers) == 2


def test_listing_deleting_and_the_download_link_s_refusals(
    conversation: Say,
    fake_line: FakeLine,
    engine: Engine,
    settings: Settings,
    client: FlaskClient,
    clock: MutableClock,
) -> None:
    number = set_up(conversation)
    conversation(postback(f"แนบหลักฐาน #{number}", OFFICER_A))
    for message_id in ("9401", "9402"):
        fake_line.add_content(message_id, PHOTO + message_id.encode(), "image/jpeg")
        conversation(image_message(OFFICER_A, message_id=message_id))
    listed = said(conversation(in_group(f"หลักฐาน #{number}", OFFICER_B)))
    assert "(2 ไฟล์)" in listed and listed.count(f"{PUBLIC_BASE_URL}/evidence/") == 2
    first_link = next(w for w in listed.split() if w.startswith(PUBLIC_BASE_URL))
    path = first_link.removeprefix(PUBLIC_BASE_URL)
    assert client.get(path).data == PHOTO + b"9401"
    assert client.get(path[:-3] + "abc").status_code == 403

    assert said(conversation(in_group(f"ลบหลักฐาน #{number} 1", OUTSIDER))) == (
        texts.cannot_change(number)
    )
    first = evidence_rows(engine)[0]
    answer = said(conversation(in_group(f"ลบหลักฐาน #{number} 1", SUPERVISOR)))
    assert answer == texts.evidence_deleted(first.file_name, number, 1)
    with pytest.raises(ObjectMissing):
        store_for(settings).get(first.storage_key)
    assert stored_keys(settings) == [evidence_rows(engine)[0].storage_key]
    assert [row.line_message_id for row in evidence_rows(engine)] == ["9402"]
    assert client.get(path).status_code == 404  # the file is gone
    clock.now = NOW + timedelta(hours=25)
    assert client.get(path).status_code == 410  # and the link has expired anyway
    assert "📎 1" in said(conversation(in_group("งานของฉัน", OFFICER_A)))


def test_a_photo_in_a_one_to_one_chat_goes_to_the_task_just_reported_there(
    conversation: Say, fake_line: FakeLine, engine: Engine
) -> None:
    number = set_up(conversation)
    conversation(text_message(f"รายงาน #{number} ติดแล้ว", user_id=OFFICER_B, group_id=None))
    fake_line.add_content("9501", PHOTO, "image/png")
    answer = conversation(image_message(OFFICER_B, None, message_id="9501"))
    assert said(answer) == texts.evidence_attached("photo-20240301-090000.png", number, 1)
    assert [row.task_id for row in evidence_rows(engine)] == [number]


def test_a_process_that_dies_mid_fetch_leaves_send_it_again_to_be_settled(
    app: Any, fake_line: FakeLine, engine: Engine, clock: MutableClock
) -> None:
    event = image_message(OFFICER_A, message_id="9601")
    with engine.begin() as connection:
        # The event's transaction held the answer for a courier that then died (no heartbeat).
        hold_answer(
            connection, event, [text(texts.EVIDENCE_SEND_AGAIN)], clock.now, "courier:gone:1:x"
        )
    services_of(app).courier.settle_orphans()
    services_of(app).wait_idle()
    [reply] = fake_line.replies
    assert said(reply.body["messages"]) == texts.EVIDENCE_SEND_AGAIN
