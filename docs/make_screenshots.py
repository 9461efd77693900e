"""Refresh the README's screenshots: python docs/make_screenshots.py [chat|pages] (needs Chromium).

`chat`: the simulator's status card and meeting reminder; `pages`: the web view on a 360 px
phone and a 1280 px desktop, and the public progress page as printed on A4. Default: both.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

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
    """Run a scripted demo conversation in headless Chromium and save the screenshots asked for."""
    wanted = set(sys.argv[1:]) or {"chat", "pages"}
    if "chat" in wanted:
        chat()
    if "pages" in wanted:
        pages()


def demo_server() -> tuple[str, Any]:
    """A fresh demo (new database) served on a free port; its address and server."""
    database = Path(tempfile.mkdtemp()) / "screenshots.db"
    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{database}"})
    upgrade(make_engine(settings.database_url))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    server = create_server(create_demo_app(settings, base_url), host="127.0.0.1", port=port)
    threading.Thread(target=server.run, daemon=True).start()
    return base_url, server


def chat() -> None:
    """The simulator: a status card, and the meeting reminder of Monday 17 June 2024."""
    base_url, server = demo_server()
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


def pages() -> None:
    """The web view on 1 July 2024 from a real แดชบอร์ด link; the public page in print."""
    base_url, server = demo_server()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_page(viewport={"width": 520, "height": 860})
        page.goto(base_url + "/simulator")
        page.fill("#gotoDate", "2024-07-01")
        page.fill("#gotoTime", "09:00")
        page.click("#goto")
        expect(page.locator(".row[data-via=push]").last).to_contain_text("ก.ค.", timeout=30_000)
        links = {}
        for who, text in (("supervisor", "แดชบอร์ด"), ("admin", "เผยแพร่ความคืบหน้า เปิด")):
            page.select_option("#who", who)
            page.fill("#input", text)
            page.press("#input", "Enter")
            link = page.locator(".row[data-kind=bot] a.link").last
            expect(link).to_contain_text("/dashboard/" if who == "supervisor" else "/public/")
            links[who] = str(link.get_attribute("href"))
        phone = browser.new_page(viewport={"width": 360, "height": 1500}, device_scale_factor=2)
        phone.goto(links["supervisor"])
        phone.screenshot(path=str(IMAGES / "dashboard-phone.png"))
        desktop = browser.new_page(viewport={"width": 1280, "height": 1180})
        desktop.goto(links["supervisor"])
        desktop.screenshot(path=str(IMAGES / "dashboard-desktop.png"))
        a4 = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
        a4.goto(links["admin"])
        a4.emulate_media(media="print")
        a4.screenshot(path=str(IMAGES / "public-print.png"))
        browser.close()
    server.close()
    print(f"wrote dashboard-phone.png, dashboard-desktop.png and public-print.png in {IMAGES}")


if __name__ == "__main__":
    main()
