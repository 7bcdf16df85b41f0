"""The officer's 遴选 page in Debian's Chromium on a 390 px phone: seat 初审 from the page.

The pool is typed into the form and the stage seated; the page names the next step and
does not scroll sideways. Served by the shared uvicorn `portal` fixture over the portal
world; every check auto-waits (`expect`). Screenshot: output/test-artifacts/portal/selection-390.png.
"""

from __future__ import annotations

import pytest

from tests.web.browser_support import HAS_CHROMIUM, PHONE, shot, sign_in

pytestmark = pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed")


def test_the_officer_seats_the_preliminary_panels_on_a_phone(portal, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, _, _ = portal
    page = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN"
    ).new_page()
    sign_in(page, base, "staff")
    page.get_by_role("navigation").get_by_role("link", name="遴选", exact=True).click()
    expect(page.get_by_role("heading", name="遴选", exact=True)).to_be_visible()
    form = page.locator("#seat-preliminary")
    form.get_by_label("评审专家（每行一位）").fill("评估专家甲\n评估专家乙\n高文博")
    form.get_by_label("日期（不填为今天）").fill("2026-05-21")
    form.get_by_role("button", name="安排初审专家组").click()
    expect(page.get_by_role("status")).to_contain_text("已安排 1 份申报书的初审评审专家组")
    expect(page.locator(".sel-next")).to_have_attribute("data-step", "scores:preliminary")
    expect(page.locator("#stage-preliminary")).to_contain_text("高文博")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "selection-390")
