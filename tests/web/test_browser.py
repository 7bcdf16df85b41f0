"""Browser journeys in Debian's Chromium (Playwright), against the portal served by uvicorn.

1. An agency user signs in on a phone-sized screen and submits a daily report (with a
   double tap on the button: one report is stored).
2. An evaluator scores a proposal.
3. The street officer sees both on the dashboard.

The journeys run in this order on one server and one database (the `portal` and
`browser` fixtures of tests/web/conftest.py). Screenshots are saved
under output/test-artifacts/portal/ (printed at the end of each test). Every check of
the page uses Playwright's auto-waiting `expect(...)`, never an immediate
`is_visible()` or `count()` after a click: on a loaded machine the next page may not
have been drawn yet.
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from models.monitoring import DailyReport
from models.proposal import Review
from store.database import get_engine
from tests.web.browser_support import HAS_CHROMIUM, PHONE, shot, sign_in
from tests.web.portal_builders import REPORT_DAY

pytestmark = pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed")


def test_an_agency_user_submits_a_daily_report_from_a_phone(portal, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, url, world = portal
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN"
    )
    page = context.new_page()
    sign_in(page, base, "agency1")
    expect(page).to_have_url(re.compile(r"/agency$"))
    expect(page.get_by_text("我的项目").first).to_be_visible()
    shot(page, "1-agency-home-phone")
    page.goto(f"{base}/agency/reports/new?project={world.project_ids[0]}&day={REPORT_DAY}")
    page.get_by_label("活动名称").first.fill("智能手机课<b>进阶</b>")
    page.get_by_label("人次", exact=True).first.fill("15")
    page.get_by_label("受益人编号").fill("E01-0007, E01-0008")
    page.get_by_label("服务时长（小时）", exact=True).fill("2.5")
    page.get_by_label("活动费").fill("86.50")
    page.get_by_label("服务摘要").fill("教老人用手机预约挂号")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the form scrolls sideways on a phone ({width}px)"
    shot(page, "2-agency-report-form-phone")
    page.get_by_role("button", name="提交日报告").dblclick()
    expect(page).to_have_url(base + "/agency")
    expect(page.get_by_text("日报告已提交")).to_be_visible()
    shot(page, "3-agency-report-submitted-phone")
    context.close()
    with Session(get_engine(url)) as session:
        reports = session.exec(select(DailyReport)).all()
    assert [(r.project_id, r.day, r.people_served) for r in reports] == [
        (world.project_ids[0], REPORT_DAY, 15)
    ]
    assert reports[0].activities[0]["title"] == "智能手机课<b>进阶</b>"


def test_an_evaluator_scores_a_proposal(portal, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, url, _world = portal
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(page, base, "evaluator1")
    page.get_by_role("link", name="评分").click()
    expect(page.get_by_text("盲评：不显示申报机构")).to_be_visible()
    for name, score in (
        ("需求契合度", "88"),
        ("服务设计", "80"),
        ("机构能力", "75"),
        ("预算合理性", "70"),
        ("创新性", "90"),
    ):
        page.get_by_label(name).fill(score)
    shot(page, "4-evaluator-scoring")
    page.get_by_role("button", name="提交评分").click()
    expect(page).to_have_url(base + "/evaluator")
    expect(page.get_by_text("评分已提交")).to_be_visible()
    shot(page, "5-evaluator-scored")
    page.close()
    with Session(get_engine(url)) as session:
        [review] = session.exec(select(Review)).all()
    assert review.weighted_score == pytest.approx(88 * 0.3 + 80 * 0.25 + 75 * 0.2 + 70 * 0.15 + 9)


def test_the_officer_sees_both_on_the_dashboard(portal, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, _url, world = portal
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(page, base, "staff")
    page.goto(base + "/officer?month=2026-06")
    row = page.locator("table.heat tr", has_text=world.titles[0])
    expect(row.locator(f'td[title="{REPORT_DAY} late"]')).to_have_count(1)
    progress = page.locator("section", has_text="遴选进度")
    expect(progress.get_by_text("已评分")).to_be_visible()
    expect(progress.get_by_text("待评分")).to_be_visible()
    shot(page, "6-officer-dashboard")
    page.goto(base + "/officer/audit?action=report_submit")
    expect(page.get_by_text("agency1（机构一用户）").first).to_be_visible()
    shot(page, "7-officer-audit")
    page.close()
