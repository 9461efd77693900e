"""10,000 generated Thai and mixed texts through the real webhook: never a 5xx, never a crash."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot import texts
from bot.commands import build_router
from bot.webhook import services_of
from models.tables import EventStatus, InboundEvent
from tests.support.events import ADMIN, GROUP, OFFICER_A, SUPERVISOR, join, text_message, webhook
from tests.support.fake_line import FakeLine
from tests.support.web import SignedPost

BATCH = 100  # events per webhook body, as LINE batches them under load
# The everyday suite sends 20 x 100 = 2,000 texts (about 25 s); CI sets FUZZ_EXAMPLES=100 for
# the full 10,000 once, on SQLite, because each text is a real webhook, transaction and reply.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))

# Every word of every registered command (aliases too), read from the router: a new command
# joins the fuzz without anyone editing this file.
COMMAND_WORDS = [word for spec in build_router().commands for word in spec.words]
FRAGMENTS = [
    "#",
    "#1",
    "12",
    "๑๒",
    "%",
    "50%",
    "150%",
    "กำหนด",
    "หน่วยงาน",
    "ประเด็น",
    "ประเด็นที่ 3",
    "31 มี.ค. 2567",
    "29 ก.พ. 2566",
    "1 ต.ค. 66 - 30 ก.ย. 67",
    "ทุกวันที่ 15",
    "เวลา 09:30",
    "เวลา 25:99",
    "ปิด",
    "ยะลา",
    "Yala",
    "กรุงเทพ",
    "ม.ค.",
    "มี",
    "พ.ศ.",
    "ถึง",
    "-",
    "–",
    "{",
    "}",
    "{o0}",
    "@สมชาย",
    "\n",
    "  ",
    "🙂",
    "\u200b",
    "\x00",
    "ก" * 300,
    "9" * 30,
]
THAI = st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B), max_size=20)
PIECE = st.one_of(
    st.sampled_from(FRAGMENTS), st.sampled_from(COMMAND_WORDS), THAI, st.text(max_size=15)
)
MESSAGE = st.one_of(
    st.builds(
        lambda word, rest: word + " " + " ".join(rest),
        st.sampled_from(COMMAND_WORDS),
        st.lists(PIECE, max_size=6),
    ),
    st.lists(PIECE, max_size=8).map("".join),
    st.text(max_size=120),
)
SENDERS = st.sampled_from([ADMIN, SUPERVISOR, OFFICER_A])


@st.composite
def fuzz_event(draw: st.DrawFn) -> dict[str, Any]:
    """A text message from someone in the group, sometimes tagging a person at a valid spot."""
    body = draw(MESSAGE)
    mentions: list[tuple[str, str]] = []
    if body and draw(st.booleans()):
        start = draw(st.integers(0, len(body) - 1))
        written = body[start : start + draw(st.integers(1, 8))]
        if body.index(written) == start:
            mentions.append((OFFICER_A, written))
    return text_message(body, user_id=draw(SENDERS), group_id=GROUP, mentions=mentions)


def test_ten_thousand_texts_never_break_the_bot(
    signed: SignedPost, app: Flask, engine: Engine, fake_line: FakeLine
) -> None:
    signed(webhook(join(GROUP)))
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.lists(fuzz_event(), min_size=BATCH, max_size=BATCH))
    def post_batch(events: list[dict[str, Any]]) -> None:
        nonlocal sent
        response = signed(webhook(*events))
        assert response.status_code == 200, response.data
        sent += len(events)

    post_batch()
    assert services_of(app).wait_idle(timeout=600)
    assert sent == EXAMPLES * BATCH
    with Session(engine) as session:
        failed = session.exec(
            select(func.count()).where(InboundEvent.status != EventStatus.DONE.value)
        ).one()
        processed = session.exec(select(func.count()).select_from(InboundEvent)).one()
    assert failed == 0
    assert processed == sent + 1
    answers = [
        m.get("text", "") for r in fake_line.replies + fake_line.pushes for m in r.body["messages"]
    ]
    assert answers, "the fuzz should have hit some real commands"
    assert not [a for a in answers if texts.GENERIC_ERROR in a]
