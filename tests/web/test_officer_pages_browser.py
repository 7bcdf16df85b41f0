"""The officer's project page in Debian's Chromium, at 390 px and 1280 px.

The calendar's filed day opens the daily report with its versions; neither
width scrolls sideways (tables scroll inside their wrapper). Served by the same
uvicorn fixture as `test_browser.py`; every check auto-waits (`expect`).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import Session

from store.database import get_engine
from store.monitoring import get_current_report
from tests.monitoring_builders import store_report
from tests.web.browser_support import HAS_CHROMIUM, PHONE, shot, sign_in

pytestmark = pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["390", "1280"])
def test_the_project_page_calendar_opens_a_report_at_both_widths(portal, browser, viewport) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, url, world = portal
    day = date(2026, 6, 2)
    with Session(get_engine(url), expire_on_commit=False) as session:
        # Both widths share the server's database: the report is stored once.
        if get_current_report(session, project_id=world.project_ids[0], day=day) is None:
            store_report(session, world.project_ids[0], day)
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, "staff")
    page.get_by_role("navigation").get_by_role("link", name="项目", exact=True).click()
    expect(page.get_by_role("heading", name="服务项目")).to_be_visible()
    page.get_by_role("link", name=world.titles[0]).first.click()
    page.goto(page.url.split("?")[0] + "?month=2026-06")
    cell = page.locator('[data-day="2026-06-02"]')
    expect(cell).to_have_attribute("data-state", "filed")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, f"officer-project-{viewport['width']}")
    cell.click()
    expect(page.get_by_role("heading", name=re.compile("日报告 · 2026-06-02"))).to_be_visible()
    expect(page.get_by_text("第 1 版")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
