"""Charts for the web pages, drawn on the server as SVG (pygal), so a page loads nothing else."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Sequence
from functools import cache
from types import ModuleType
from typing import Any

from bot.overview import MonthPoint
from scheduler.thaidate import month_name, to_be_year

# The page's own fonts (fonts-thai-tlwg on Debian, Sarabun/Noto where installed); none is fetched.
FONTS = "Sarabun, 'Noto Sans Thai', Loma, Garuda, Waree, sans-serif"
PLANNED_COLOUR = "#9bb7d4"
DONE_COLOUR = "#2e7d32"


@cache
def _pygal() -> ModuleType:
    """pygal, imported once, without the import hook it leaves behind.

    Its `__init__` ends by appending a finder without `find_spec` to `sys.meta_path` (for map
    plugins, which we do not use); on Python 3.11 every failed import after that (`import
    msvcrt` in `subprocess`, say) warns, and the tests make warnings errors. Imported here,
    nothing runs between its import and the finder's removal.
    """
    pygal = importlib.import_module("pygal")
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    return pygal


def _style() -> Any:
    """The charts' colours and fonts."""
    from pygal.style import Style

    return Style(
        font_family=FONTS,
        background="transparent",
        plot_background="transparent",
        foreground="#333",
        foreground_strong="#222",
        foreground_subtle="#ddd",
        colors=(PLANNED_COLOUR, DONE_COLOUR),
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=13,
        value_font_size=11,
        tooltip_font_size=12,
        opacity=1,
        opacity_hover=0.85,
    )


def month_chart(points: Sequence[MonthPoint], planned_label: str, done_label: str) -> str:
    """The fiscal year month by month: work due (planned) beside work done, as inline SVG.

    Months run down the side, so twelve Thai month names fit a 360 px phone without overlapping;
    drawn 360 units wide, its text is full size there, and the page scales it up on a desktop.
    """
    most = max([point.planned for point in points] + [point.done for point in points] + [1])
    step = max(1, -(-most // 5))  # about five whole-number guides: counts are never 0.8
    chart = _pygal().HorizontalBar(
        js=[],  # pygal's tooltips load a script from a CDN: the page must load nothing
        style=_style(),
        width=360,
        height=110 + 26 * len(points),
        explicit_size=False,
        disable_xml_declaration=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        margin=6,
        spacing=8,
        y_labels=list(range(0, most + step, step)),
        truncate_label=-1,
        truncate_legend=-1,
        show_minor_y_labels=True,
    )
    # HorizontalBar draws its first label at the bottom: October goes last to be on top.
    ordered = list(reversed(points))
    chart.x_labels = [_month_label(point) for point in ordered]
    chart.add(planned_label, [point.planned for point in ordered])
    chart.add(done_label, [point.done for point in ordered])
    return _static(str(chart.render(is_unicode=True)))


# pygal always writes its config for tooltips as an inline script (`js=[]` only drops the
# script it would load); the page runs no script, so it goes, with pygal's credit comments.
_SCRIPTS_AND_COMMENTS = re.compile(r"<script\b[^>]*>.*?</script>|<!--.*?-->", re.DOTALL)


def _static(svg: str) -> str:
    """The SVG without script or comments: shapes and text only."""
    return _SCRIPTS_AND_COMMENTS.sub("", svg)


def _month_label(point: MonthPoint) -> str:
    """ "ต.ค. 66": the month and the B.E. year's last two digits."""
    return f"{month_name(point.month, 'short')} {to_be_year(point.year) % 100:02d}"
