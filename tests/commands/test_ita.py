"""`คะแนน ITA`: the weakest items first, each with the plan's measures that address it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Engine

from tests.support.chat import Chat
from tests.support.events import OFFICER_A


def test_the_ita_view_lists_the_weakest_items_first_with_their_measures(
    chat: Chat, imported: Engine
) -> None:
    [message] = chat.say("คะแนน ITA", OFFICER_A)
    assert message["type"] == "flex"
    alt = message["altText"]
    assert alt.startswith("คะแนน ITA 2566: 83.72 (ต้องปรับปรุง) — ต่ำสุด: ")
    assert "o35 0.00, o42 0.00, o43 0.00, e10 10.00, i8 52.98, e7 59.90, e12 59.90" in alt
    assert len(alt) <= 400

    bubbles = message["contents"]["contents"]
    assert len(bubbles) == 7  # the overview and 27 items below 85 in pages of five
    overview = json.dumps(bubbles[0], ensure_ascii=False)
    assert "83.72 คะแนน · ต้องปรับปรุง" in overview
    order = [overview.index(f"{n}. ") for n in (7, 10, 8, 6, 2, 5, 4, 3, 1, 9)]
    assert order == sorted(order)  # indicators weakest first: 73.50, 73.75, 79.89 …

    first = json.dumps(bubbles[1], ensure_ascii=False)
    assert first.index('"o35"') < first.index('"o42"') < first.index('"e10"')
    assert "OIT · ประเด็นที่ 4, 7" in first  # o35 scores 0.00 under both topics
    assert (
        "→ มาตรการ 4.1 งานพัสดุ/กองคลัง · 4.2 งานตรวจสอบภายใน"
        " · 4.3 สำนักปลัดเทศบาล งานการเจ้าหน้าที่ · 7.1 สำนักปลัดเทศบาล งานนิติการ"
    ) in first
    assert "EIT · ประเด็นที่ 3" in first
    assert "→ มาตรการ 3.1 สำนักปลัดเทศบาล งานการเจ้าหน้าที่" in first
    everything = json.dumps(bubbles, ensure_ascii=False)
    assert '"e4"' in everything and '"i1"' not in everything  # 83.97 shown, 85.93 not
    assert "ได้ 85.00 ขึ้นไป (ไม่แสดง)" in json.dumps(bubbles[-1], ensure_ascii=False)
    # e10 is 97.37 under topic 7: not weak there, so only topic 3 is named for it.
    assert items(bubbles[1])["e10"] == ("10.00", "EIT · ประเด็นที่ 3")
    # Each item says what it asks, where its text is known (data/ita-2566-items.yaml).
    assert "การดำเนินการเพื่อจัดการความเสี่ยงการทุจริตและประพฤติมิชอบ" in first  # o35
    assert "ข้อในตัวชี้วัดที่ 7 ประสิทธิภาพการสื่อสาร" in first  # e10: only its indicator is known
    assert len(json.dumps(message, ensure_ascii=False).encode()) < 50_000  # LINE's Flex limit


def items(bubble: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """A weak-items bubble as {question: (score, where it was scored)}."""
    contents = bubble["body"]["contents"]
    found = {}
    for index, part in enumerate(contents):
        if part["type"] == "box":
            code, score = (cell["text"] for cell in part["contents"])
            found[code] = (score, contents[index + 1]["text"])
    return found
