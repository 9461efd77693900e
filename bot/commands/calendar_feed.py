"""`ปฏิทิน`: a calendar subscription link (.ics) for the group, or for oneself in 1:1."""

from __future__ import annotations

from bot import feeds, texts
from bot.context import SUPERVISORS, Context, Refusal
from bot.router import Reply, command
from models.tables import CalendarFeed

_REVOKE_WORDS = frozenset({"ยกเลิก", "ปิด", "revoke"})


@command(
    "ปฏิทิน",
    "calendar",
    args=r"(?P<what>.*)",
    usage="ปฏิทิน | ปฏิทิน ยกเลิก",
    example="ปฏิทิน",
)
def calendar_feed(ctx: Context, what: str = "") -> Reply:
    """ได้ลิงก์ปฏิทิน (.ics) ประชุมและกำหนดส่งของกลุ่ม (แชท 1:1: งานของคุณ) ใส่ปฏิทินในมือถือ"""
    word = what.strip()
    if word and word not in _REVOKE_WORDS:
        raise Refusal(texts.bad_arguments("ปฏิทิน | ปฏิทิน ยกเลิก", "ปฏิทิน"))
    in_group = ctx.group is not None
    scope = texts.FEED_SCOPE_GROUP if in_group else texts.FEED_SCOPE_PERSON
    feed = (
        feeds.active_feed(ctx.session, group=ctx.group)
        if in_group
        else feeds.active_feed(ctx.session, person=ctx.sender)
    )
    if word:
        if in_group:
            ctx.require_role(*sorted(SUPERVISORS))  # the whole group's link: its supervisors
        if feed is None:
            return texts.FEED_NONE_TO_REVOKE
        feed.revoked_at = ctx.now
        ctx.audit("calendar.revoke", "calendar_feed", feed.id)
        return texts.feed_revoked(scope)
    base_url = ctx.settings.public_base_url
    if base_url is None:
        raise Refusal(texts.FEED_NO_PUBLIC_URL)
    if feed is None:
        feed = CalendarFeed(
            group_id=ctx.group.id if ctx.group is not None else None,
            person_id=None if in_group else ctx.sender.id,
            created_by_id=ctx.sender.id,
            created_at=ctx.now,
        )
        ctx.session.add(feed)
        ctx.session.flush()
        ctx.audit("calendar.create", "calendar_feed", feed.id)
    assert feed.id is not None
    token = feeds.make_token(ctx.settings.line_channel_secret, feed.id)
    return texts.feed_link(scope, feeds.feed_url(base_url, token))
