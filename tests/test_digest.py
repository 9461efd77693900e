"""Digest messages: textV2 mentions, escaped braces, splitting within LINE's limits."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.digest import (
    MAX_CHARS,
    MAX_MESSAGES,
    MAX_SUBSTITUTIONS,
    Line,
    Tagged,
    build_messages,
)

ALICE, BOB = "U" + "1" * 32, "U" + "2" * 32


def keys_in(text: str) -> set[str]:
    """Placeholders in a textV2 text, read as LINE does ("{{" and "}}" are literal braces)."""
    keys: set[str] = set()
    for token in re.findall(r"\{\{|\}\}|\{[a-zA-Z0-9_]+\}|[{}]|[^{}]+", text):
        assert token not in {"{", "}"}, f"a lone brace in {text!r}"
        if token.startswith("{") and token != "{{":
            keys.add(token[1:-1])
    return keys


def test_a_short_digest_is_one_text_v2_with_a_mention_per_owner() -> None:
    [message] = build_messages(
        [[("🔔 หัวข้อ",)], [("• #1 งาน — ", Tagged(ALICE), " ", Tagged(BOB))]]
    )
    assert message == {
        "type": "textV2",
        "text": "🔔 หัวข้อ\n\n• #1 งาน — {u1} {u2}",
        "substitution": {
            "u1": {"type": "mention", "mentionee": {"type": "user", "userId": ALICE}},
            "u2": {"type": "mention", "mentionee": {"type": "user", "userId": BOB}},
        },
    }


def test_braces_typed_by_people_are_not_placeholders() -> None:
    [message] = build_messages([[("งาน {ด่วน} }{",)]])
    assert message == {"type": "textV2", "text": "งาน {{ด่วน}} }}{{"}


def test_long_content_splits_at_line_boundaries_and_keeps_sections_whole() -> None:
    section: list[Line] = [("หัวข้อ",)] + [
        (f"• #{n} " + "ก" * 90 + " — ", Tagged(ALICE)) for n in range(40)
    ]
    messages = build_messages([section, section])
    assert 1 < len(messages) <= MAX_MESSAGES
    assert all(len(message["text"]) <= MAX_CHARS for message in messages)
    assert messages[1]["text"].startswith("หัวข้อ")  # the second section moved whole
    lines = [line for message in messages for line in message["text"].split("\n") if line]
    assert len(lines) == 82


def test_too_much_for_five_messages_ends_with_how_much_was_left_out() -> None:
    section: list[Line] = [(f"• #{n} " + "ข" * 200,) for n in range(200)]
    messages = build_messages([section])
    assert len(messages) == MAX_MESSAGES
    assert all(len(message["text"]) <= MAX_CHARS for message in messages)
    shown = sum(message["text"].count("• #") for message in messages)
    assert messages[-1]["text"].endswith(f"… และอีก {200 - shown} บรรทัด — พิมพ์ สถานะ เพื่อดูทั้งหมด")


def test_no_message_carries_more_mentions_than_line_allows() -> None:
    people = [f"U{n:032x}" for n in range(150)]
    section: list[Line] = [(f"• #{n} — ", Tagged(person)) for n, person in enumerate(people)]
    messages = build_messages([section])
    assert len(messages) == 2
    for message in messages:
        assert len(message["substitution"]) <= MAX_SUBSTITUTIONS
        assert keys_in(message["text"]) == set(message["substitution"])
    mentioned = {
        entry["mentionee"]["userId"]
        for message in messages
        for entry in message["substitution"].values()
    }
    assert mentioned == set(people)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(st.text(max_size=300), st.sampled_from([ALICE, BOB, None])),
            min_size=1,
            max_size=60,
        ),
        max_size=8,
    )
)
def test_any_digest_fits_line_limits(raw: list[list[tuple[str, str | None]]]) -> None:
    sections = [
        [(text, Tagged(user)) if user else (text,) for text, user in section] for section in raw
    ]
    messages = build_messages(sections)
    assert len(messages) <= MAX_MESSAGES
    for message in messages:
        assert message["type"] == "textV2" and len(message["text"]) <= MAX_CHARS
        assert keys_in(message["text"]) == set(message.get("substitution", {}))


def test_a_line_longer_than_a_message_is_cut_without_breaking_a_brace_pair() -> None:
    [message] = build_messages([[("{" * 6000, Tagged(ALICE))]])
    assert len(message["text"]) <= MAX_CHARS
    assert message["text"].endswith("{{…") and "substitution" not in message
