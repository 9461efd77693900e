"""`แดชบอร์ด` and `เผยแพร่ความคืบหน้า`: who may ask, what the link names, the public switch."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import pages
from models.tables import ChatGroup
from scheduler.links import read_dashboard_token
from tests.support.chat import Chat, name_supervisor, said
from tests.support.events import ADMIN, GROUP, OFFICER_A, OTHER_GROUP, SUPERVISOR
from tests.support.web import CHANNEL_SECRET, PUBLIC_BASE_URL

THIRD_GROUP = "C" + "3" * 32


def link_groups(chat: Chat, answer: str) -> set[str]:
    """The LINE group ids a web-view link in `answer` names (the token read back)."""
    found = re.search(re.escape(PUBLIC_BASE_URL) + r"/dashboard/(\S+)", answer)
    assert found, answer
    ids = read_dashboard_token(CHANNEL_SECRET, found.group(1), chat.clock())
    with Session(chat.engine) as session:
        groups = session.exec(select(ChatGroup).where(col(ChatGroup.id).in_(ids)))
        return {group.line_group_id for group in groups}


def test_in_a_group_a_supervisor_gets_a_link_to_that_group_only(chat: Chat) -> None:
    name_supervisor(chat)
    chat.say("สถานะ", OFFICER_A, group=OTHER_GROUP)  # another group exists
    answer = said(chat.say("แดชบอร์ด", SUPERVISOR))
    assert "งานของกลุ่มนี้" in answer and "24 ชั่วโมง" in answer
    assert link_groups(chat, answer) == {GROUP}


def test_officers_are_refused(chat: Chat) -> None:
    assert "ใช้ได้เฉพาะผู้ดูแลระบบ หรือ หัวหน้า" in said(chat.say("แดชบอร์ด", OFFICER_A))


def test_in_1_to_1_a_supervisor_gets_their_groups_and_an_admin_every_group(chat: Chat) -> None:
    name_supervisor(chat)
    chat.say("สถานะ", SUPERVISOR, group=OTHER_GROUP)  # the supervisor is in two groups
    chat.say("สถานะ", OFFICER_A, group=THIRD_GROUP)  # and not in a third
    mine = said(chat.say("dashboard", SUPERVISOR, group=None))
    assert "2 กลุ่มที่คุณดูแล" in mine
    assert link_groups(chat, mine) == {GROUP, OTHER_GROUP}
    everything = said(chat.say("แดชบอร์ด", ADMIN, group=None))
    assert link_groups(chat, everything) == {GROUP, OTHER_GROUP, THIRD_GROUP}


def test_a_supervisor_in_no_group_is_told_so(chat: Chat) -> None:
    name_supervisor(chat)
    with Session(chat.engine) as session:  # the group left: nothing is theirs to see
        for group in session.exec(select(ChatGroup)):
            group.active = False
            session.add(group)
        session.commit()
    answer = said(chat.say("แดชบอร์ด", SUPERVISOR, group=None))
    assert "ยังไม่ได้อยู่ในกลุ่ม" in answer and "/dashboard/" not in answer


@pytest.mark.no_public_base_url
def test_without_a_public_address_the_admin_is_told_what_to_set(chat: Chat) -> None:
    name_supervisor(chat)
    assert "PUBLIC_BASE_URL" in said(chat.say("แดชบอร์ด", SUPERVISOR))
    assert "PUBLIC_BASE_URL" in said(chat.say("เผยแพร่ความคืบหน้า เปิด", ADMIN))


def test_an_admin_publishes_and_withdraws_the_public_page(chat: Chat, engine: Engine) -> None:
    url = f"{PUBLIC_BASE_URL}/public/{chat.settings.agency_slug}"
    assert "ปิดอยู่" in said(chat.say("เผยแพร่ความคืบหน้า", ADMIN))
    answer = said(chat.say("เผยแพร่ความคืบหน้า เปิด", ADMIN))
    assert url in answer and "ไม่มีชื่อบุคคล" in answer
    with Session(engine) as session:
        assert pages.is_published(session)
    assert "เปิดอยู่แล้ว" in said(chat.say("เผยแพร่ความคืบหน้า เปิด", ADMIN, group=None))
    assert url in said(chat.say("เผยแพร่ความคืบหน้า", ADMIN))
    assert "ปิดหน้าความคืบหน้าสาธารณะแล้ว" in said(chat.say("เผยแพร่ความคืบหน้า ปิด", ADMIN))
    with Session(engine) as session:
        assert not pages.is_published(session)
    assert "ปิดอยู่แล้ว" in said(chat.say("เผยแพร่ความคืบหน้า ปิด", ADMIN))


def test_only_an_admin_may_publish(chat: Chat, engine: Engine) -> None:
    name_supervisor(chat)
    assert "เฉพาะผู้ดูแลระบบ" in said(chat.say("เผยแพร่ความคืบหน้า เปิด", SUPERVISOR))
    with Session(engine) as session:
        assert not pages.is_published(session)
    assert "พิมพ์แบบนี้" in said(chat.say("เผยแพร่ความคืบหน้า เปิดเลย", ADMIN))
