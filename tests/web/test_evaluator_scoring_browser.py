"""In Chromium: an evaluator scores a month on a phone, then approves a selection with 全选.

One journey on the portal of `tests.web.test_browser` (its own server and database for
this module). Screenshots go to output/test-artifacts/portal/ (9-… and 10-…).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from models.account import Account
from models.monitoring import MonthlyEvaluation
from models.status import EvaluationStatus
from store.database import get_engine
from tests.web.browser_support import HAS_CHROMIUM, PHONE, shot, sign_in

pytestmark = pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed")


def _evaluations(url: str, project_id: int) -> tuple[int, int]:
    """Store the project's measured June (a draft) and its May in review; return their ids."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        scorer = session.exec(select(Account).where(Account.login == "evaluator2")).one()
        june = MonthlyEvaluation(
            project_id=project_id,
            month="2026-06",
            reports_expected=22,
            reports_submitted=21,
            reports_late=1,
            indicators=[{"name": "服务人次", "unit": "人次", "planned": 200, "actual": 190}],
            volunteers=12,
        )
        may = MonthlyEvaluation(
            project_id=project_id,
            month="2026-05",
            status=EvaluationStatus.IN_REVIEW,
            total_score=84.0,
            grade="良好",
            evaluator_id=scorer.user_id,
            scored_at=datetime(2026, 6, 2, tzinfo=UTC),
        )
        session.add_all([june, may])
        session.commit()
        return june.id or 0, may.id or 0


def test_an_evaluator_scores_on_a_phone_and_approves_a_selection(portal, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, url, world = portal
    june, may = _evaluations(url, world.project_ids[1])
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = phone.new_page()
    sign_in(page, base, "evaluator1")
    page.goto(base + "/evaluator/evaluations")
    shot(page, "9-evaluator-evaluations-phone")
    page.locator(f'a[href="/evaluator/evaluations/{june}/score"]').click()
    expect(page.get_by_text("服务人次：计划 200人次，完成 190人次（95.0%）")).to_be_visible()
    page.get_by_label("服务质量").fill("88")
    page.get_by_label("评语").fill("记录完整，按计划推进")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the scoring form scrolls sideways on a phone ({width}px)"
    shot(page, "9-evaluator-score-month-phone")
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text("已评分：总分")).to_be_visible()
    phone.close()

    desk = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(desk, base, "evaluator1")
    desk.goto(f"{base}/evaluator/evaluations/{june}/score")
    expect(desk.get_by_label("服务质量")).to_have_value("88")
    shot(desk, "10-evaluator-score-month-desktop")
    desk.goto(base + "/evaluator/evaluations")
    desk.get_by_label("全选").check()
    for evaluation_id in (world.evaluation_id, may):
        expect(desk.locator(f'input[name="ids"][value="{evaluation_id}"]')).to_be_checked()
    shot(desk, "10-evaluator-batch-review")
    desk.get_by_role("button", name="审定所选").click()
    expect(desk.get_by_text(re.compile(r"已审定 2 份月评估"))).to_be_visible()
    shot(desk, "10-evaluator-batch-approved")
    desk.close()
    with Session(get_engine(url)) as session:
        status = {e.id: e.status for e in session.exec(select(MonthlyEvaluation)).all()}
    assert status[world.evaluation_id] == status[may] == EvaluationStatus.APPROVED
    assert status[june] == EvaluationStatus.IN_REVIEW
