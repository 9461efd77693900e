"""Refresh the README's simulator screenshots: python docs/make_screenshots.py (needs Chromium)."""

from __future__ import annotations

import os
import re
import socket
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from waitress.server import create_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.demo import create_demo_app
from models.db import make_engine
from models.migrate import upgrade
from models.settings import Settings

IMAGES = Path(__file__).resolve().parent / "images"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def main() -> None:
    """Run a scripted demo conversation in headless Chromium and save two screenshots."""
    database = Path(tempfile.mkdtemp()) / "screenshots.db"
    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{database}"})
    upgrade(make_engine(settings.database_url))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    server = create_server(create_demo_app(settings, base_url), host="127.0.0.1", port=port)
    threading.Thread(target=server.run, daemon=True).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_page(viewport={"width": 520, "height": 860}, device_scale_factor=2)
        page.goto(base_url + "/simulator")
        page.select_option("#who", "supervisor")
        numbers: list[str] = []
        for text in (
            "เพิ่มงาน จัดทำคู่มือการปฏิบัติงาน @สมชาย @สมศรี กำหนด 31 พ.ค. 2567",
            "เพิ่มงาน ทำป้ายประกาศช่องทางร้องเรียน @สมชาย กำหนด 28 มิ.ย. 2567",
        ):
            page.fill("#input", text)
            page.press("#input", "Enter")
            answer = page.locator(".row[data-kind=bot]").last
            expect(answer).to_contain_text("เพิ่มงาน #", timeout=15_000)
            numbers += re.findall(r"เพิ่มงาน #(\d+)", answer.inner_text())
        page.select_option("#who", "officer2")
        page.fill("#input", f"รายงาน #{numbers[0]} ส่งร่างคู่มือให้หัวหน้าแล้ว 80%")
        page.press("#input", "Enter")
        expect(page.locator(".row[data-kind=bot]").last).to_contain_text(
            "บันทึกรายงาน", timeout=15_000
        )
        page.select_option("#who", "supervisor")
        page.fill("#input", "สถานะ")
        page.press("#input", "Enter")
        expect(page.locator(".flex-bubble").last).to_be_visible(timeout=15_000)
        page.screenshot(path=str(IMAGES / "simulator-status.png"))
        page.fill("#gotoDate", "2024-06-17")
        page.fill("#gotoTime", "08:30")
        page.click("#goto")
        expect(page.locator(".row[data-via=push]").last).to_contain_text("17 มิ.ย.", timeout=15_000)
        page.screenshot(path=str(IMAGES / "simulator-reminder.png"))
        browser.close()
    server.close()
    print(f"wrote {IMAGES / 'simulator-status.png'} and {IMAGES / 'simulator-reminder.png'}")


if __name__ == "__main__":
    main()
