"""`แดชบอร์ด`: a signed link to the officials' web view; `เผยแพร่ความคืบหน้า`: the public page."""

from __future__ import annotations

from bot import pages, store, texts
from bot.context import SUPERVISORS, Context, Refusal
from bot.router import Reply, command
from models.tables import Role
from scheduler.links import DASHBOARD_LIFETIME, dashboard_link


@command("แดชบอร์ด", "dashboard", roles=SUPERVISORS, usage="แดชบอร์ด")
def dashboard(ctx: Context) -> Reply:
    """(หัวหน้า) ได้ลิงก์หน้าเว็บภาพรวม: ความคืบหน้า งานล่าช้า ใครยังไม่รายงาน คะแนน ITA (24 ชม.)"""
    base_url = ctx.settings.public_base_url
    if base_url is None:
        raise Refusal(texts.DASHBOARD_NO_PUBLIC_URL)
    if ctx.group is not None:
        scope, group_ids = texts.DASHBOARD_SCOPE_GROUP, ctx.visible_group_ids()
    else:
        # In 1:1: an admin sees every active group, a supervisor the groups they are in.
        groups = (
            store.active_groups(ctx.session)
            if ctx.role == Role.ADMIN
            else store.groups_of(ctx.session, ctx.sender)
        )
        group_ids = [group.id for group in groups if group.id is not None]
        if not group_ids:
            return texts.DASHBOARD_NO_GROUPS
        scope = texts.dashboard_scope_groups(len(group_ids))
    link = dashboard_link(base_url, ctx.settings.line_channel_secret, group_ids, ctx.now)
    ctx.audit("dashboard.link", "chat_group", ",".join(map(str, group_ids)))
    hours = int(DASHBOARD_LIFETIME.total_seconds() // 3600)
    return texts.dashboard_link(scope, link, hours)


@command(
    "เผยแพร่ความคืบหน้า",
    "publish progress",
    args=r"(?P<switch>เปิด|ปิด|on|off)?",
    roles=(Role.ADMIN,),
    usage="เผยแพร่ความคืบหน้า เปิด|ปิด",
    example="เผยแพร่ความคืบหน้า เปิด",
)
def publish_progress(ctx: Context, switch: str = "") -> Reply:
    """(ผู้ดูแลระบบ) เปิด/ปิดหน้าเว็บสาธารณะแสดงความคืบหน้าของแผน (ไม่มีชื่อบุคคล)"""
    base_url = ctx.settings.public_base_url
    published = pages.is_published(ctx.session)
    url = pages.public_url(base_url, ctx.settings.agency_slug) if base_url else None
    if not switch:
        return texts.publish_state(url if published else None)
    if switch.casefold() in ("ปิด", "off"):
        if published:
            pages.set_published(ctx.session, False, ctx.now)
            ctx.audit("public_page.unpublish", "public_page", ctx.settings.agency_slug)
        return texts.publish_off(already=not published)
    if url is None:
        raise Refusal(texts.PUBLISH_NO_PUBLIC_URL)
    if not published:
        pages.set_published(ctx.session, True, ctx.now)
        ctx.audit("public_page.publish", "public_page", ctx.settings.agency_slug)
    return texts.publish_on(url, already=published)
