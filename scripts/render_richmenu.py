"""Render the rich menu's image into the package: python scripts/render_richmenu.py [OUTPUT].

A maintainer's step (needs Pillow: pip install -e '.[render]'); the PNG it writes is committed,
so installing or running the bot never needs Pillow. Labels, captions and the button grid
come from bot/richmenu.py, the same definition `python -m bot richmenu install` sends to LINE.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.richmenu import BUTTONS, HEIGHT, IMAGE_RESOURCE, WIDTH, Bounds, button_bounds  # noqa: E402

FONTS = ROOT / "scripts" / "fonts"  # Sarabun (SIL Open Font License, OFL.txt beside it)
SCALE = 2  # drawn at twice the size, then shrunk: smooth edges without Pillow antialiasing
MAX_BYTES = 1024 * 1024  # LINE's limit for a rich menu image

BACKGROUND = (39, 50, 70)  # the simulator's header navy
CARD = (255, 255, 255)
LABEL = (23, 32, 48)
CAPTION = (84, 96, 112)
# One strong colour per button, each dark enough for white glyphs on it.
ICON_COLOURS = {
    "checklist": (6, 150, 70),
    "chart": (25, 103, 210),
    "calendar": (196, 64, 40),
    "sun": (214, 120, 0),
    "medal": (122, 62, 180),
    "question": (0, 128, 128),
}
WHITE = (255, 255, 255)


def render() -> Image.Image:
    """The whole menu: a card per button with its glyph, its label and its caption."""
    layout = ImageFont.Layout.RAQM
    label_font = ImageFont.truetype(
        str(FONTS / "Sarabun-Bold.ttf"), 150 * SCALE, layout_engine=layout
    )
    caption_font = ImageFont.truetype(
        str(FONTS / "Sarabun-Medium.ttf"), 84 * SCALE, layout_engine=layout
    )
    glyph_font = ImageFont.truetype(
        str(FONTS / "Sarabun-Bold.ttf"), 230 * SCALE, layout_engine=layout
    )
    image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for index, button in enumerate(BUTTONS):
        box = _scaled(button_bounds(index))
        gap = 18 * SCALE
        card = (box[0] + gap, box[1] + gap, box[2] - gap, box[3] - gap)
        draw.rounded_rectangle(card, radius=48 * SCALE, fill=CARD)
        centre_x = (card[0] + card[2]) // 2
        icon_centre = (centre_x, card[1] + 240 * SCALE)
        radius = 165 * SCALE
        colour = ICON_COLOURS[button.icon]
        draw.ellipse(
            (
                icon_centre[0] - radius,
                icon_centre[1] - radius,
                icon_centre[0] + radius,
                icon_centre[1] + radius,
            ),
            fill=colour,
        )
        _draw_icon(draw, button.icon, icon_centre, radius, colour, glyph_font)
        draw.text(
            (centre_x, card[1] + 545 * SCALE),
            button.label,
            font=label_font,
            fill=LABEL,
            anchor="ms",
        )
        draw.text(
            (centre_x, card[1] + 705 * SCALE),
            button.caption,
            font=caption_font,
            fill=CAPTION,
            anchor="ms",
        )
    return image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def _scaled(bounds: Bounds) -> tuple[int, int, int, int]:
    """A button's rectangle on the enlarged canvas: (left, top, right, bottom)."""
    return (
        bounds.x * SCALE,
        bounds.y * SCALE,
        (bounds.x + bounds.width) * SCALE,
        (bounds.y + bounds.height) * SCALE,
    )


def _draw_icon(
    draw: ImageDraw.ImageDraw,
    icon: str,
    centre: tuple[int, int],
    radius: int,
    colour: tuple[int, int, int],
    glyph_font: ImageFont.FreeTypeFont,
) -> None:
    """A simple white glyph inside the button's coloured circle (no emoji: they vary by phone)."""
    x, y = centre
    unit = radius // 10
    line = max(2, unit * 2 // 3) * 2
    if icon == "checklist":
        for row in (-1, 0, 1):
            top = y + row * 3 * unit
            draw.line(
                [(x - 5 * unit, top), (x - 4 * unit, top + unit), (x - 2 * unit, top - unit)],
                fill=WHITE,
                width=line,
                joint="curve",
            )
            draw.line([(x - unit, top), (x + 5 * unit, top)], fill=WHITE, width=line)
    elif icon == "chart":
        for offset, height in ((-4, 4), (0, 8), (4, 6)):
            left = x + offset * unit - int(1.3 * unit)
            draw.rectangle(
                (left, y + 5 * unit - height * unit, left + int(2.6 * unit), y + 5 * unit),
                fill=WHITE,
            )
        draw.line(
            [(x - 6 * unit, y + 5 * unit), (x + 6 * unit, y + 5 * unit)], fill=WHITE, width=line
        )
    elif icon == "calendar":
        draw.rounded_rectangle(
            (x - 5 * unit, y - 4 * unit, x + 5 * unit, y + 5 * unit), radius=unit, fill=WHITE
        )
        draw.rectangle((x - 5 * unit, y - unit, x + 5 * unit, y + 5 * unit - unit), fill=WHITE)
        draw.rectangle((x - 4 * unit, y - unit, x + 4 * unit, y + 4 * unit), fill=colour)
        for ring in (-3, 3):
            draw.rounded_rectangle(
                (
                    x + ring * unit - unit // 2,
                    y - 6 * unit,
                    x + ring * unit + unit // 2,
                    y - 3 * unit,
                ),
                radius=unit // 2,
                fill=WHITE,
            )
        for row in range(2):
            for column in range(3):
                left = x - 3 * unit + column * int(2.3 * unit)
                top = y + row * 2 * unit
                draw.rectangle(
                    (left, top, left + int(1.3 * unit), top + int(1.2 * unit)), fill=WHITE
                )
    elif icon == "sun":
        draw.ellipse((x - 3 * unit, y - 3 * unit, x + 3 * unit, y + 3 * unit), fill=WHITE)
        for step in range(8):
            angle = step * math.pi / 4
            inner, outer = 4.3 * unit, 6.3 * unit
            draw.line(
                [
                    (x + inner * math.cos(angle), y + inner * math.sin(angle)),
                    (x + outer * math.cos(angle), y + outer * math.sin(angle)),
                ],
                fill=WHITE,
                width=line,
            )
    elif icon == "medal":
        points = []
        for step in range(10):
            angle = -math.pi / 2 + step * math.pi / 5
            reach = 6 * unit if step % 2 == 0 else int(2.5 * unit)
            points.append((x + reach * math.cos(angle), y + unit // 2 + reach * math.sin(angle)))
        draw.polygon(points, fill=WHITE)
    elif icon == "question":
        draw.text((x, y + unit // 2), "?", font=glyph_font, fill=WHITE, anchor="mm")
    else:
        raise ValueError(f"no glyph for icon {icon!r}")


def main(argv: list[str]) -> int:
    """Render, check LINE's limits, and write the PNG (default: the package's copy)."""
    output = Path(argv[0]) if argv else ROOT / "bot" / IMAGE_RESOURCE
    if not features.check("raqm"):
        # Pillow's basic layout drops or stacks Thai tone marks wrongly (ที่, ป่, ครั้ง).
        print("error: this Pillow has no libraqm, which Thai needs (Pillow's wheels have it)")
        return 1
    image = render()
    image.save(output, format="PNG", optimize=True)
    size = output.stat().st_size
    print(f"wrote {output} ({WIDTH}×{HEIGHT}, {size:,} bytes)")
    if size > MAX_BYTES:
        print(f"error: LINE takes at most {MAX_BYTES:,} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
