"""A busy group's digest: a short text with the @mentions, and one card with the rest."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from scheduler.calendar import WorkCalendar
from scheduler.rules import BUSY_AFTER, GroupFacts, Member, TaskFacts, plan_day

BANGKOK = ZoneInfo("Asia/Bangkok")
GROUP = "C" + "a" * 32
BOSS = Member("U" + "b" * 32, "หัวหน้า")
JULY_1 = date(2024, 7, 1)  # Monday, the month's first working day: June's summary and overdue
OWNERS = [Member(f"U{n:032x}", f"เจ้าหน้าที่{n}") for n in range(1, 7)]


def busy_group(count: int = 40, link: str | None = None) -> GroupFacts:
    """`count` started tasks over two topics; every third reported June, every fifth overdue."""
    tasks = tuple(
        TaskFacts(
            n,
            f"งานที่ {n}",
            True,
            date(2024, 1, 1),
            due_date=date(2024, 6, 20) if n % 5 == 0 else date(2024, 9, 30),
            owners=(OWNERS[n % len(OWNERS)],),
            reported_months=frozenset({"2024-06"}) if n % 3 == 0 else frozenset(),
            topic="1. การเปิดเผยข้อมูล" if n % 2 else "2. การป้องกันการทุจริต",
        )
        for n in range(1, count + 1)
    )
    return GroupFacts(GROUP, WorkCalendar(), tasks=tasks, supervisors=(BOSS,), web_view_url=link)


def digest_of(group: GroupFacts) -> list[dict[str, object]]:
    """The messages of the group's 1 July digest."""
    digest = plan_day(group, JULY_1, datetime.combine(JULY_1, time(8, 30), BANGKOK))
    assert digest is not None
    return digest.messages


def test_a_busy_summary_is_a_short_mention_text_and_one_card() -> None:
    text, card = digest_of(busy_group(link="https://bot.example/dashboard/abc"))
    assert text["type"] == "textV2" and card["type"] == "flex"
    lines = [line for line in str(text["text"]).splitlines() if line]
    assert len(lines) == 4  # the heading, what the card holds, the supervisor, the owners
    tagged = {entry["mentionee"]["userId"] for entry in text["substitution"].values()}  # type: ignore[index, union-attr]
    # The supervisor, and every owner of an overdue or unreported task, is notified.
    assert tagged == {BOSS.line_user_id} | {owner.line_user_id for owner in OWNERS}
    bubble = json.dumps(card["contents"], ensure_ascii=False)
    assert "รายงานเดือน มิ.ย. 2567: ส่งแล้ว 13 · ยังไม่ส่ง 27" in bubble
    assert "เลยกำหนด 8 งาน" in bubble
    assert "1. การเปิดเผยข้อมูล" in bubble and "7/20" in bubble  # odd n: 3, 9, 15, 21, 27, 33, 39
    assert bubble.count('"text": "#') == 5  # the five most urgent by name, no more
    assert "เลยกำหนด 11 วัน" in bubble  # overdue first, the latest first (due 20 June)
    footer = card["contents"]["footer"]["contents"][0]["action"]  # type: ignore[index]
    assert footer == {
        "type": "uri",
        "label": "ดูทั้งหมดในเว็บ",
        "uri": "https://bot.example/dashboard/abc",
    }


def test_without_a_web_view_the_card_s_button_asks_for_the_status() -> None:
    _, card = digest_of(busy_group())
    action = card["contents"]["footer"]["contents"][0]["action"]  # type: ignore[index]
    assert action == {"type": "message", "label": "ดูสถานะ", "text": "สถานะ"}


def test_a_quiet_group_keeps_its_line_by_line_text() -> None:
    messages = digest_of(busy_group(count=BUSY_AFTER // 2))
    assert [m["type"] for m in messages] == ["textV2"]
    assert "• #1 งานที่ 1" in str(messages[0]["text"])
