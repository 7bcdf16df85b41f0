"""The agency's pages on a 390 px phone in Debian's Chromium: nothing wider than the screen.

The 月评估 table turns into one labelled card per month; the home page shows the
合同与文件 section. Checks wait with Playwright's `expect(...)` before measuring.
"""

from __future__ import annotations

import re

import pytest

from tests.web.browser_support import HAS_CHROMIUM, PHONE, shot, sign_in

pytestmark = pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed")


def test_every_agency_page_fits_a_phone(portal, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, _url, world = portal
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, "agency1")
    expect(page).to_have_url(re.compile(r"/agency$"))
    expect(page.get_by_role("heading", name="合同与文件")).to_be_visible()

    page.goto(base + "/agency/evaluations")
    card = page.locator("table.evaluations tbody tr").first
    expect(card).to_contain_text(world.titles[0])
    expect(card.locator('td[data-label="等级"]')).to_be_visible()
    # The header row is hidden: each cell carries its own label on a phone.
    expect(page.locator("table.evaluations thead")).to_be_hidden()
    shot(page, "agency-evaluations-390")

    for path in (
        "/agency",
        "/agency/evaluations",
        "/agency/documents",
        "/agency/proposals",
        "/agency/actions",
        "/agency/reports/new",
    ):
        page.goto(base + path)
        expect(page.locator("h1")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide on a 390 px phone"
    context.close()
