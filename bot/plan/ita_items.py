"""What an ITA 2566 item code ("o35", "i8") asks, from data/ita-2566-items.yaml (sources there)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

ITEMS_FILE = Path(__file__).resolve().parents[2] / "data" / "ita-2566-items.yaml"


@cache
def item_texts(path: Path = ITEMS_FILE) -> dict[str, str]:
    """Item code → its text (items whose text was not found are left out)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:  # an install without the data folder shows codes only
        return {}
    return {
        str(item["code"]): str(item["text"]).strip()
        for item in document.get("items") or []
        if str(item.get("text") or "").strip()
    }


@cache
def item_indicators(path: Path = ITEMS_FILE) -> dict[str, int]:
    """Item code → the number of the indicator (1–10) it is scored under."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    return {
        str(item["code"]): int(item["indicator"])
        for item in document.get("items") or []
        if item.get("indicator")
    }
