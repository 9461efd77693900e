"""`ปฏิทิน`: one link per group (or person) until revoked; bad words get the usage."""

from __future__ import annotations

import re

from tests.support.chat import Chat, name_supervisor, said
from tests.support.events import OFFICER_A, OFFICER_B, SUPERVISOR


def link(answer: str) -> str:
    """The .ics link in an answer."""
    [found] = re.findall(r"https?://\S+\.ics", answer)
    return found


def test_a_group_has_one_link_and_each_person_their_own(chat: Chat) -> None:
    name_supervisor(chat)
    group_link = link(said(chat.say("ปฏิทิน", OFFICER_A)))
    assert link(said(chat.say("ปฏิทิน", OFFICER_B))) == group_link  # the group's, for everyone
    mine = link(said(chat.say("ปฏิทิน", OFFICER_A, group=None)))
    theirs = link(said(chat.say("ปฏิทิน", OFFICER_B, group=None)))
    assert len({group_link, mine, theirs}) == 3


def test_revoking_what_does_not_exist_and_unknown_words_are_explained(chat: Chat) -> None:
    name_supervisor(chat)
    assert "ยังไม่มีลิงก์" in said(chat.say("ปฏิทิน ยกเลิก", SUPERVISOR))
    assert "ปฏิทิน ยกเลิก" in said(chat.say("ปฏิทิน พรุ่งนี้", OFFICER_A))
    mine = link(said(chat.say("ปฏิทิน", OFFICER_A, group=None)))
    assert "ยกเลิกลิงก์" in said(chat.say("ปฏิทิน ยกเลิก", OFFICER_A, group=None))
    assert link(said(chat.say("ปฏิทิน", OFFICER_A, group=None))) != mine
