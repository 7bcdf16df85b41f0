"""The cycle page in Debian's Chromium at 1280 px and on a 390 px phone: a clerk sets a new cycle up.

From an empty (migrated) database with one staff account, the clerk opens a cycle
through the form, sets the office's 落款, sets up the fund and records a donation;
the stage tracker then names what blocks the call, with a link to the rules form.
The page must not scroll sideways on a phone. The server is the `empty_portal`
fixture of tests/web/conftest.py. Screenshots go to
output/test-artifacts/portal/setup-*.png.
"""

from __future__ import annotations

import re

import pytest

from tests.web.browser_support import DESK, HAS_CHROMIUM, PHONE, shot, sign_in

pytestmark = pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed")


def test_a_clerk_sets_up_a_cycle_and_the_page_fits_a_phone(empty_portal: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base = empty_portal
    page = browser.new_context(viewport=DESK, locale="zh-CN").new_page()
    sign_in(page, base, "clerk")
    expect(page.get_by_role("link", name="开设创投周期")).to_be_visible()
    page.goto(base + "/officer/cycles/new")
    page.get_by_label("街道办名称").fill("新安街道办事处")
    page.get_by_label("周期名称").fill("2027 年度新安街道公益创投")
    page.get_by_label("年度").fill("2027")
    page.get_by_label("开始日期").fill("2027-03-01")
    page.get_by_label("结束日期").fill("2027-12-31")
    page.locator("textarea[name=communities]").fill("明珠社区\n新安社区")
    page.get_by_role("button", name="开设创投周期").click()
    expect(page.locator(".tracker")).to_be_visible()
    expect(page.locator('[data-blocker="no_needs"]')).to_be_visible()

    page.get_by_text("修改落款信息").click()
    page.get_by_label("联系电话").fill("0551-62881234")
    page.get_by_label("办公地址").fill("合肥市新安路 1 号街道办事处二楼社会事务科")
    page.get_by_role("button", name="保存落款信息").click()
    expect(page.get_by_text("已保存落款信息")).to_be_visible()
    expect(page.locator("dd[data-public-contact]")).to_have_text("0551-62881234")

    page.get_by_role("button", name="设立公益基金").click()
    expect(page.get_by_text("已设立公益基金")).to_be_visible()
    cash = page.locator("form[action$='/donations']")
    cash.get_by_label("捐赠方", exact=True).fill("新安商会")
    cash.get_by_label("金额（元）").fill("150000")
    cash.get_by_label("捐赠日期").fill("2027-03-10")
    cash.get_by_role("button", name="登记捐赠").click()
    expect(page.get_by_text("新安商会：已登记")).to_be_visible()
    expect(page.get_by_text("150,000.00", exact=False)).to_be_visible()
    shot(page, "setup-cycle-1280")

    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN"
    ).new_page()
    sign_in(phone, base, "clerk")
    phone.goto(base + "/officer/cycles/1")
    expect(phone.locator(".tracker")).to_be_visible()
    expect(phone.get_by_role("link", name="编辑或上传申报指南规则")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "setup-cycle-390")
    phone.goto(base + "/officer/flows")
    expect(phone.get_by_role("heading", name=re.compile("按条件拨付"))).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "setup-flows-390")
