"""The router: collecting feature modules, finding commands, and the shared rules of dispatch."""

from __future__ import annotations

import json
import types
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.commands import FEATURES, build_router
from bot.context import Context, Refusal
from bot.router import BadArguments, Match, Reply, Router, command, commands_in
from bot.webhook import create_app, services_of
from models.settings import Settings
from models.tables import EventStatus, InboundEvent, Role, Unit
from scheduler.thaidate import parse_date
from tests.support.chat import Chat, said
from tests.support.events import ADMIN, OFFICER_A, SUPERVISOR, text_message, webhook
from tests.support.fake_line import FakeLine
from tests.support.web import MutableClock, sign


def feature(name: str) -> types.ModuleType:
    """A feature module made in the test, with three commands of its own."""
    module = types.ModuleType(name)

    @command("ทดสอบ", "probe", args=r"(?P<word>\S+)", usage="ทดสอบ <คำ>", example="ทดสอบ ก")
    def probe(ctx: Context, word: str) -> Reply:
        """ลองคำสั่ง"""
        if word == "ปฏิเสธ":
            raise Refusal("ไม่ได้ค่ะ")
        ctx.session.add(Unit(name=f"หน่วย {word}"))
        ctx.session.flush()
        if word == "วันที่":
            parse_date("31 ก.พ. 2567")  # a Thai date error after a row was written
        return f"ได้ {word}"

    @command("เฉพาะหัวหน้า", roles=(Role.SUPERVISOR, Role.ADMIN), group_only=True)
    def bosses_only(ctx: Context) -> Reply:
        """สำหรับหัวหน้า"""
        return "สวัสดีหัวหน้า"

    @command("ซ่อน", hidden=True)
    def hidden(ctx: Context) -> Reply:
        """ไม่แสดงในวิธีใช้"""
        return None

    module.__dict__.update(probe=probe, bosses_only=bosses_only, hidden=hidden)
    for handler in (probe, bosses_only, hidden):
        handler.__module__ = name
    return module


@pytest.fixture
def probe_chat(chat: Chat) -> Chat:
    """A chat whose router knows only the test feature."""
    chat.router = Router.from_modules([feature("probe_feature")])
    return chat


def units(engine: Engine) -> int:
    """How many units are stored."""
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Unit)).one()


def test_a_router_collects_a_module_s_commands_in_the_order_written() -> None:
    router = Router.from_modules([feature("one")])
    assert [spec.name for spec in router.commands] == ["ทดสอบ", "เฉพาะหัวหน้า", "ซ่อน"]
    assert [spec.name for spec in router.visible()] == ["ทดสอบ", "เฉพาะหัวหน้า"]
    assert router.commands[0].help_line == "ลองคำสั่ง"


def test_two_modules_claiming_one_word_is_an_error() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        Router.from_modules([feature("one"), feature("two")])


def test_a_module_s_imported_commands_are_not_collected_twice() -> None:
    module = types.ModuleType("reexporter")
    origin = feature("origin")
    module.__dict__.update(probe=origin.probe, hidden=origin.hidden)
    assert commands_in(module) == []


def test_the_product_router_holds_every_feature_module_s_commands() -> None:
    router = build_router()
    assert len(router.commands) == sum(len(commands_in(module)) for module in FEATURES)
    assert all(commands_in(module) for module in FEATURES)
    assert build_router() is not router  # a fresh router each time: no global registry


def test_find_matches_words_and_arguments() -> None:
    router = Router.from_modules([feature("one")])
    found = router.find("ทดสอบ ไก่")
    assert isinstance(found, Match) and found.arguments == {"word": "ไก่"}
    assert isinstance(router.find("ทดสอบ"), BadArguments)
    assert router.find("probex ไก่") is None  # an English alias is a whole word
    chatter = router.find("ทดสอบแล้วค่ะ")  # the word inside a sentence
    assert chatter is not None and not chatter.standalone


def test_dispatch_answers_and_keeps_what_the_handler_wrote(
    probe_chat: Chat, engine: Engine
) -> None:
    assert said(probe_chat.say("ทดสอบ ไก่", OFFICER_A)) == "ได้ ไก่"
    assert units(engine) == 1


def test_a_refusal_or_a_thai_date_error_is_the_answer_and_nothing_is_half_written(
    probe_chat: Chat, engine: Engine
) -> None:
    assert said(probe_chat.say("ทดสอบ ปฏิเสธ", OFFICER_A)) == "ไม่ได้ค่ะ"
    answer = said(probe_chat.say("ทดสอบ วันที่", OFFICER_A))
    assert "กุมภาพันธ์" in answer
    assert units(engine) == 0


def test_a_command_that_refuses_without_writing_runs_without_a_savepoint(
    probe_chat: Chat, engine: Engine
) -> None:
    savepoints: list[str] = []

    def note(_c: Any, _cur: Any, statement: str, _p: Any, _ctx: Any, _many: bool) -> None:
        if statement.upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            savepoints.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert said(probe_chat.say("ทดสอบ ปฏิเสธ", OFFICER_A)) == "ไม่ได้ค่ะ"
        assert said(probe_chat.say("ทดสอบ ไก่", OFFICER_A)) == "ได้ ไก่"
        assert savepoints == []
        # A refusal after a write: undone, run again with the command in a savepoint.
        assert "กุมภาพันธ์" in said(probe_chat.say("ทดสอบ วันที่", OFFICER_A))
        assert [s.split()[0].upper() for s in savepoints] == ["SAVEPOINT", "ROLLBACK"]
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert units(engine) == 1


def test_through_the_webhook_a_refusal_after_a_write_is_the_answer_and_nothing_is_kept(
    settings: Settings, clock: MutableClock, engine: Engine, fake_line: FakeLine
) -> None:
    router = Router.from_modules([feature("probe_webhook")])
    app = create_app(settings, clock=clock, router=router)
    client = app.test_client()
    try:
        for words in ("ทดสอบ วันที่", "ทดสอบ ไก่"):
            body = json.dumps(webhook(text_message(words, user_id=OFFICER_A))).encode()
            headers = {"Content-Type": "application/json", "X-Line-Signature": sign(body)}
            assert client.post("/callback", data=body, headers=headers).status_code == 200
            assert services_of(app).wait_idle()
    finally:
        services_of(app).close()
    answers = [m["text"] for r in fake_line.replies for m in r.body["messages"]]
    assert len(answers) == 2 and "กุมภาพันธ์" in answers[0] and answers[1] == "ได้ ไก่"
    assert units(engine) == 1
    with Session(engine) as session:
        statuses = session.exec(select(InboundEvent.status)).all()
    assert statuses == [EventStatus.DONE.value, EventStatus.DONE.value]


def test_bad_arguments_get_the_usage_and_example(probe_chat: Chat) -> None:
    answer = said(probe_chat.say("ทดสอบ", OFFICER_A))
    assert "ทดสอบ <คำ>" in answer and "ทดสอบ ก" in answer


def test_roles_and_group_only_are_checked_before_the_handler(probe_chat: Chat) -> None:
    probe_chat.say("ทดสอบ ไก่", SUPERVISOR)  # registers the supervisor
    assert "ใช้ได้เฉพาะ" in said(probe_chat.say("เฉพาะหัวหน้า", OFFICER_A))
    assert "ใช้ในกลุ่ม" in said(probe_chat.say("เฉพาะหัวหน้า", ADMIN, group=None))
    assert said(probe_chat.say("เฉพาะหัวหน้า", ADMIN)) == "สวัสดีหัวหน้า"
    assert probe_chat.say("ซ่อน", ADMIN) == []
