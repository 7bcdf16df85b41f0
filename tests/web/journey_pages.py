"""The later steps of the browser journey (tests/web/test_browser_journey.py), page by page.

The selection on 遴选 (/officer/selection), the committee and the 公示 (/officer/committee,
/officer/publicity), signing, daily reports on a phone, the weekly meeting and the month
on 运行流程, the evaluators' scoring and approval, and each role's downloads; with the
helpers every step uses: a signed-in page per role, and starting a flow on 运行流程 and
waiting, on the page that refreshes itself, until it ends. Every check auto-waits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.web.browser_support import DESK, PHONE, shot, sign_in

ADMIN_PASSWORD = "Xinan-admin-2026"
PASSWORD = "Xinan-portal-2026"
AGENCY_1, AGENCY_2 = "翠微社会工作服务中心", "启明青少年社会工作服务社"


@dataclass(frozen=True)
class Days:
    """The journey's business dates, from the real today in the office's zone."""

    today: date

    @property
    def starts(self) -> date:
        """The cycle's first day."""
        return self.today - timedelta(days=120)

    @property
    def opens(self) -> date:
        """The call's first day."""
        return self.today - timedelta(days=30)

    @property
    def decided(self) -> date:
        """The committee's decision: its 公示 has ended by today."""
        return self.today - timedelta(days=12)

    @property
    def projects_start(self) -> date:
        """The first day of last month: the projects' start."""
        return (self.today.replace(day=1) - timedelta(days=1)).replace(day=1)

    @property
    def month(self) -> str:
        """The month evaluated: the projects' first."""
        return self.projects_start.strftime("%Y-%m")

    @property
    def week(self) -> date:
        """Last week's Monday: the week 运行流程 holds the weekly meeting on by default."""
        return self.today - timedelta(days=self.today.weekday() + 7)


def expecting() -> Any:
    """Playwright's auto-waiting `expect` (imported when the browser tests run)."""
    from playwright.sync_api import expect

    return expect


def new_page(browser: Any, *, phone: bool = False) -> Any:
    """A page in a fresh context: a 390 px phone or a 1280 px desk."""
    if phone:
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN"
        )
    else:
        context = browser.new_context(viewport=DESK, locale="zh-CN")
    # A loaded machine: the first need trains the classifier, a flow run starts Prefect.
    context.set_default_timeout(90_000)
    return context.new_page()


def signed_in(browser: Any, base: str, login: str, *, phone: bool = False) -> Any:
    """A fresh page signed in as `login`."""
    page = new_page(browser, phone=phone)
    sign_in(page, base, login, ADMIN_PASSWORD if login == "admin" else PASSWORD)
    return page


def run_flow(page: Any, base: str, name: str, label: str, fields: dict[str, str]) -> None:
    """Start a flow on 运行流程 and wait, on the page that refreshes itself, for it to end."""
    expect = expecting()
    page.goto(base + "/officer/flows")
    form = page.locator(f'form[action="/officer/flows/{name}"]')
    for key, value in fields.items():
        field = form.locator(f'[name="{key}"]')
        if key == "call_id":
            field.select_option(index=0)
        else:
            field.fill(value)
    form.get_by_role("button", name="开始").click()
    expect(page.get_by_text(f"已开始：{label}")).to_be_visible()
    wait_for_run(page, label)


def wait_for_run(page: Any, label: str) -> None:
    """Wait until the newest run of this label has ended, and say if it did not complete."""
    expect = expecting()
    row = page.locator("table.runs tr").filter(has_text=label).first
    expect(row).to_contain_text(re.compile("已完成|失败|异常中止"), timeout=240_000)
    expect(row).to_contain_text("已完成", timeout=1_000)


SCORES = {  # each proposal's five criterion scores, the same from both evaluators
    "银发餐桌·翠竹老年助餐": 88,
    "邻里守望·独居老人探访": 82,
    "成长驿站·课后作业辅导": 76,
}
CRITERIA = ("需求契合度", "服务设计", "机构能力", "预算合理性", "创新性")


def select_projects(browser: Any, officer: Any, base: str) -> None:
    """Seat 初审, evaluators score, close it; the same for 路演, which proposes the allocation."""
    expect = expecting()
    for stage, label, close in (
        ("preliminary", "初审", "结束初审（按通过线确定入围）"),
        ("defence", "路演答辩", "结束路演并提出拟资助方案"),
    ):
        officer.goto(base + "/officer/selection")
        seat = officer.locator(f"#stage-{stage} form[action='/officer/selection/seat']")
        seat.locator("textarea[name=reviewers]").fill("周明远\n孙静怡")
        seat.get_by_role("button", name=re.compile("安排.*专家组")).click()
        expect(officer.get_by_text(f"已安排 3 份申报书的{label}评审专家组")).to_be_visible()
        for login in ("zhoumy", "sunjy"):
            _score_proposals(browser, base, login)
        officer.goto(base + "/officer/selection")
        officer.get_by_role("button", name=close).click()
        expect(
            officer.get_by_text(re.compile("初审结束：入围 3 份|路演答辩结束：拟资助 3 个"))
        ).to_be_visible()
    shot(officer, "journey-4-selection")


def _score_proposals(browser: Any, base: str, login: str) -> None:
    expect = expecting()
    page = signed_in(browser, base, login)
    page.goto(base + "/evaluator")
    for _ in SCORES:
        page.get_by_role("link", name="评分", exact=True).first.click()
        expect(page.get_by_role("button", name="提交评分")).to_be_visible()
        title = next(t for t in SCORES if t in page.locator("h1").inner_text())
        for criterion in CRITERIA:
            page.get_by_label(criterion).fill(str(SCORES[title]))
        page.get_by_role("button", name="提交评分").click()
        expect(page.get_by_text("评分已提交")).to_be_visible()
    expect(page.get_by_role("link", name="评分", exact=True)).to_have_count(0)
    page.context.close()


def decide_and_sign(page: Any, base: str, days: Days) -> None:
    """The committee accepts the ranking; an objection is lodged and dismissed; contracts signed."""
    expect = expecting()
    page.goto(base + "/officer/committee")
    page.get_by_label("决定日期（评审委员会开会的日期，默认今天）").fill(days.decided.isoformat())
    page.get_by_role("button", name="记录终审决定并发布公示").click()
    expect(page.get_by_text("终审决定已记录：立项 3 个")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("公示 PDF 未能生成")).to_have_count(0)
    page.goto(base + "/officer/publicity")
    lodge = page.locator("form[action='/officer/publicity/objections']")
    lodge.get_by_label("被提出异议的项目").select_option(index=0)
    lodge.get_by_label("异议人").fill("翠竹社区居民赵某")
    lodge.get_by_label("异议的事实和理由").fill("认为助餐点应由物业承担，不需要公益创投资金。")
    lodge.get_by_label("收到日期（不填为今天）").fill(
        (days.decided + timedelta(days=1)).isoformat()
    )
    lodge.get_by_role("button", name="登记异议").click()
    expect(page.get_by_text("异议已登记，编号 1。")).to_be_visible()
    resolve = page.locator("form[action$='/resolve']")
    resolve.get_by_label("不成立").check()
    resolve.get_by_label("处理理由").fill("经核实，物业合同不含助餐服务，项目不重复。")
    resolve.get_by_label("日期（不填为今天）").fill((days.decided + timedelta(days=2)).isoformat())
    resolve.get_by_role("button", name="处理异议").click()
    expect(page.get_by_text("不成立").first).to_be_visible()
    shot(page, "journey-5-publicity")
    run_flow(
        page,
        base,
        "conclude_publicity",
        "公示期满：结论与签约",
        {"call_id": "", "day": "", "projects_start_on": days.projects_start.isoformat()},
    )


def file_daily_reports(browser: Any, base: str, days: Days) -> None:
    """The agency files last Monday's and Tuesday's reports from a phone (late, but taken)."""
    expect = expecting()
    page = signed_in(browser, base, "cuiwei", phone=True)
    for offset, people in ((0, 23), (1, 27)):
        day = days.week + timedelta(days=offset)
        page.goto(base + "/agency/reports/new")
        page.get_by_label("服务项目").select_option(label="银发餐桌·翠竹老年助餐")
        page.get_by_label("服务日期").fill(day.isoformat())
        page.get_by_label("活动名称").first.fill("助餐点午餐")
        page.get_by_label("人次", exact=True).first.fill(str(people))
        page.get_by_label("受益人编号").fill("CZ-LS001, CZ-LS002")
        page.get_by_label("服务时长（小时）", exact=True).fill("4")
        page.get_by_label("活动费").fill("120")
        page.get_by_label("服务摘要").fill("助餐点供应午餐，志愿者送餐上门。")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the report form is {width} px wide on a phone"
        page.get_by_role("button", name="提交日报告").click()
        expect(page).to_have_url(base + "/agency")
        expect(page.get_by_text(f"日报告已提交：银发餐桌·翠竹老年助餐 {day}")).to_be_visible()
    shot(page, "journey-6-daily-report-390")
    page.context.close()


def meet_and_evaluate(browser: Any, officer: Any, base: str, days: Days, folder: Path) -> None:
    """The weekly meeting and its minutes, the month measured, scored by one evaluator, approved by the other."""
    expect = expecting()
    run_flow(officer, base, "weekly_meeting", "周例会", {"week_start": days.week.isoformat()})
    officer.goto(base + "/officer/meetings")
    officer.locator("tr", has_text=days.week.isoformat()).get_by_role("link").click()
    expect(officer.locator("a.button[href^='/files/']").first).to_be_visible()
    actions = folder / "待办事项.csv"
    actions.write_text(
        "序号,项目名称,事项,责任人,完成时限\n"
        f"1,银发餐桌·翠竹老年助餐,补充送餐志愿者并完成食品安全培训,{AGENCY_1},{days.today}\n",
        encoding="utf-8",
    )
    minutes = officer.locator("form[action$='/minutes']")
    minutes.get_by_label("会议记录（最多 5000 字）").fill(
        "五个项目汇报上周进展；助餐点送餐人手不足。"
    )
    minutes.get_by_label("参会人员").fill("陆晓燕、周明远及承接机构负责人")
    minutes.get_by_label("主持人").fill("社会事务科科长")
    minutes.get_by_label("记录人").fill("陆晓燕")
    minutes.get_by_label("待办事项表（可选，.xlsx 或 .csv）").set_input_files(str(actions))
    minutes.get_by_role("button", name="保存纪要").click()
    expect(officer.get_by_text("纪要已保存：待办 1 项")).to_be_visible(timeout=90_000)
    expect(officer.locator("table", has_text="补充送餐志愿者")).to_be_visible()
    shot(officer, "journey-7-meeting")
    run_flow(officer, base, "monthly_evaluation", "运行月评估", {"month": days.month})

    scorer = signed_in(browser, base, "zhoumy")
    scorer.goto(base + "/evaluator/evaluations")
    scorer.locator("tr", has_text="银发餐桌·翠竹老年助餐").get_by_role("link", name="评分").click()
    scorer.get_by_label("服务质量").fill("88")
    scorer.get_by_label("评语").fill("助餐点按计划运行，记录完整。")
    scorer.get_by_role("button", name="提交评分").click()
    expect(scorer.get_by_text("已评分：总分")).to_be_visible()
    scorer.context.close()

    reviewer = signed_in(browser, base, "sunjy")
    reviewer.goto(base + "/evaluator/evaluations")
    reviewer.locator("label.pick", has_text="银发餐桌·翠竹老年助餐").locator("input").check()
    reviewer.get_by_role("button", name="审定所选").click()
    expect(reviewer.get_by_text(re.compile(r"已审定 1 份月评估"))).to_be_visible()
    shot(reviewer, "journey-8-approved")
    reviewer.context.close()
    # The month again: the approved evaluation is published with its PDF.
    run_flow(officer, base, "monthly_evaluation", "运行月评估", {"month": days.month})


def links(page: Any, base: str, path: str) -> dict[str, str]:
    """The document links of a listing page, title to address."""
    expect = expecting()
    page.goto(base + path)
    links = page.locator("a[href^='/files/']")
    expect(links.first).to_be_visible()
    return {
        links.nth(n).inner_text(): links.nth(n).get_attribute("href") for n in range(links.count())
    }


def pdf(page: Any, base: str, href: str) -> None:
    """Request the link with the page's cookies: served, and a PDF."""
    response = page.request.get(base + href)
    assert response.status == 200, (href, response.status)
    assert response.body().startswith(b"%PDF"), href


def download_documents(browser: Any, officer: Any, base: str) -> None:
    """Each role downloads exactly the documents it may (another's is not found: 404)."""
    every = links(officer, base, "/files")
    print("officer's documents:", sorted(every))
    for href in every.values():
        pdf(officer, base, href)
    contracts = {t: h for t, h in every.items() if "资助协议" in t}
    assert len(contracts) == 3, sorted(every)
    theirs = next(h for t, h in contracts.items() if "成长驿站" in t)

    agency = signed_in(browser, base, "cuiwei")
    own = {t: h for t, h in links(agency, base, "/agency/documents").items() if "资助协议" in t}
    assert len(own) == 2 and theirs not in own.values(), sorted(own)
    with agency.expect_download() as download:
        agency.locator(f"a[href='{next(iter(own.values()))}']").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    for href in own.values():
        pdf(agency, base, href)
    assert agency.request.get(base + theirs).status == 404
    agency.context.close()

    run_flow(officer, base, "donor_statement", "捐赠资金去向说明", {"as_of": ""})
    statements = {t: h for t, h in links(officer, base, "/files").items() if "去向说明" in t}
    for href in statements.values():
        pdf(officer, base, href)
    donor = signed_in(browser, base, "xinansh")
    own = links(donor, base, "/donor")
    assert len(own) == 1, sorted(own)
    for href in own.values():
        pdf(donor, base, href)
    others = set(statements.values()) - set(own.values())
    assert others, sorted(statements)  # the gift in kind's donor has a statement too
    for href in [*others, theirs]:
        assert donor.request.get(base + href).status == 404, href
    donor.context.close()

    evaluator = signed_in(browser, base, "zhoumy")
    seen = links(evaluator, base, "/files")
    assessments = [h for t, h in seen.items() if "银发餐桌" in t]
    assert assessments, sorted(seen)
    for href in assessments:
        pdf(evaluator, base, href)
    assert not set(contracts.values()) & set(seen.values()), sorted(seen)
    assert evaluator.request.get(base + theirs).status == 404
    # A 路演 assignment's attachment (初审 is blind: no workbook there): the agency's upload.
    evaluator.goto(base + "/evaluator")
    evaluator.locator("tr", has_text="路演答辩").get_by_role("link", name="查看").first.click()
    attachment = evaluator.locator("a.attachment-name").first
    expecting()(attachment).to_be_visible()
    with evaluator.expect_download() as download:
        attachment.click()
    assert Path(download.value.path()).read_bytes().startswith(b"PK")
    evaluator.context.close()
