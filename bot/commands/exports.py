"""`ส่งออกรายงาน`: a signed link to the monthly progress report workbook."""

from __future__ import annotations

from bot import export, texts
from bot.context import SUPERVISORS, Context, Refusal
from bot.router import Reply, command
from scheduler.thaidate import format_month, parse_month, to_be_year


@command(
    "ส่งออกรายงาน",
    "export",
    args=r"(?P<month>.*)",
    roles=SUPERVISORS,
    usage="ส่งออกรายงาน [เดือน]",
    example="ส่งออกรายงาน มี.ค. 2567",
)
def export_report(ctx: Context, month: str = "") -> Reply:
    """(หัวหน้า) ได้ลิงก์ไฟล์ Excel รายงานผลประจำเดือน (ในกลุ่ม: งานของกลุ่ม; แชท 1:1: ทุกกลุ่ม)"""
    year, number = parse_month(month) if month.strip() else (ctx.today.year, ctx.today.month)
    base_url = ctx.settings.public_base_url
    if base_url is None:
        raise Refusal(texts.export_no_public_url(f"{to_be_year(year)}-{number:02d}"))
    group_id = ctx.group.id if ctx.group is not None else None
    scope = export.ReportScope(year, number, group_id)
    token = export.make_token(ctx.settings.line_channel_secret, scope, now=ctx.now)
    ctx.audit("report.export", "report", scope.month_key, after={"group_id": group_id})
    label = texts.EXPORT_SCOPE_GROUP if group_id is not None else texts.EXPORT_SCOPE_ALL
    hours = int(export.DEFAULT_LINK_LIFETIME.total_seconds() // 3600)
    return texts.export_link(
        format_month(year, number), label, export.download_url(base_url, token), hours
    )
