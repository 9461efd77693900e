"""Headless Chromium: the web view from a real `แดชบอร์ด` link, and the public page in print."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.support.demo import Demo
from tests.support.pages import bars, database_counts, section, totals

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# CI installs Chromium and Playwright and sets this, so there the test cannot silently skip.
REQUIRED = os.environ.get("TIDTAM_REQUIRE_BROWSER") == "1"

if REQUIRED:
    from playwright import sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[browser]'")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt install chromium)", allow_module_level=True)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
DEMO_GROUP = "C" + "de" * 16  # bot.simulator.DEMO_GROUP_ID
DEMO_TODAY = date(2024, 6, 3)  # bot.demo.DEMO_START
JULY_1 = date(2024, 7, 1)  # the monthly summary's morning: June's work is due or late


@pytest.fixture
def browser() -> Iterator[sync_api.Browser]:
    """Headless Chromium."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def link_from_chat(page: sync_api.Page, demo: Demo, who: str, text: str, path: str) -> str:
    """Type a command on the simulator as `who`; the link its answer carries."""
    page.goto(demo.base_url + "/simulator")
    page.select_option("#who", who)
    page.fill("#input", text)
    page.press("#input", "Enter")
    link = page.locator(".row[data-kind=bot] a.link").last
    sync_api.expect(link).to_have_attribute(
        "href", re.compile(re.escape(demo.base_url + path)), timeout=15_000
    )
    return str(link.get_attribute("href"))


@pytest.mark.no_public_base_url  # the demo then links to itself
def test_the_web_view_from_a_real_link_shows_the_databases_numbers_on_a_phone_and_a_desktop(
    browser: sync_api.Browser, demo: Demo, engine: Engine, tmp_path: Path
) -> None:
    expect = sync_api.expect
    status, _ = demo.call("clock", {"date": JULY_1.isoformat(), "time": "09:00"})
    assert status == 200
    page = browser.new_page(viewport={"width": 520, "height": 900}, locale="th-TH")
    url = link_from_chat(page, demo, "supervisor", "แดชบอร์ด", "/dashboard/")

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(url)
    expect(page.locator("h1")).to_have_text("ภาพรวมแผนปฏิบัติการ ITA")
    expect(page.locator("#scope")).to_contain_text("สาธิต")
    html = page.content()
    expected = database_counts(engine, JULY_1, line_group_id=DEMO_GROUP)
    assert bars(section(html, "topics")) == expected["topics"]
    assert totals(html) == expected["totals"]
    assert page.locator("#late li[data-task]").count() == len(expected["late"]) > 0
    expect(page.locator("#totals .late b")).to_have_text(str(expected["totals"][2]))
    # Readable on a 360 px phone: nothing is wider than the screen, the chart fits it.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("#months svg").bounding_box()["width"] <= 340  # type: ignore[index]
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    topics, units = page.locator("#topics").bounding_box(), page.locator("#units").bounding_box()
    assert topics and units and topics["y"] == units["y"]  # side by side on a desktop
    page.screenshot(path=str(tmp_path / "desktop.png"))
    assert (tmp_path / "phone.png").stat().st_size > 10_000


@pytest.mark.no_public_base_url
def test_the_public_page_from_the_admins_command_and_its_a4_printout(
    browser: sync_api.Browser, demo: Demo, engine: Engine, tmp_path: Path
) -> None:
    expect = sync_api.expect
    page = browser.new_page(viewport={"width": 520, "height": 900}, locale="th-TH")
    url = link_from_chat(page, demo, "admin", "เผยแพร่ความคืบหน้า เปิด", "/public/")

    page.goto(url)
    expect(page.locator("#agency")).to_have_text("เทศบาลเมืองสะเตงนอก")
    expect(page.locator("#fiscal-year")).to_contain_text("ปีงบประมาณ พ.ศ. 2567")
    html = page.content()
    expected = database_counts(engine, DEMO_TODAY, plan_steps=True)
    assert totals(html) == expected["totals"]
    assert {k: v for k, v in bars(html).items()} == expected["topics"]
    for name in ("สมชาย", "สมศรี", "หัวหน้าวิไล", "ปลัดสมศักดิ์"):  # the demo's people
        assert name not in html

    page.emulate_media(media="print")
    expect(page.locator("#agency")).to_be_visible()
    expect(page.locator("#fiscal-year")).to_contain_text("ข้อมูล ณ วันที่ 3 มิถุนายน พ.ศ. 2567")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert boxes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes)
    assert len(boxes) > 1  # the whole plan, over several A4 pages
    (tmp_path / "public.pdf").write_bytes(pdf)

    page.emulate_media(media="screen")
    page.goto(demo.base_url + "/public/not-this-agency")
    expect(page.locator("#refusal")).to_contain_text("ไม่พบ")
