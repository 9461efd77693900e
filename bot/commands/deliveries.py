"""`สถานะการส่ง`: how the reminders went out, for the admin."""

from __future__ import annotations

from bot.context import Context
from bot.router import Reply, command
from models.tables import Role
from scheduler.delivery_report import delivery_report


@command("สถานะการส่ง", "deliveries", roles=(Role.ADMIN,), usage="สถานะการส่ง")
def delivery_status(ctx: Context) -> Reply:
    """(ผู้ดูแลระบบ) ดูผลการส่งแจ้งเตือน 30 วันล่าสุด และโควตาข้อความของเดือนนี้"""
    return delivery_report(
        ctx.session,
        ctx.now,
        ctx.quota_used(),
        tz=ctx.settings.timezone,
        grace_hours=ctx.settings.delivery_grace_hours,
    )
