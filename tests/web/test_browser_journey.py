"""A whole cycle in Debian's Chromium, from an empty database, through the portal pages (issue #15).

Against a real uvicorn portal over a fresh SQLite file with no demo data, the made-up
新安街道 of tests/journey_data/ (its needs, agencies, proposals and rules) goes through
every stage in the pages each role uses: the admin registers the agencies from their
sheet and creates the accounts; the officer opens the cycle, imports the needs sheet (a
resident adds one on the public form), sets up the fund, publishes the call; two
agencies fill the downloaded proposal template (openpyxl, as in Excel) and upload it;
the officer closes the call on 运行流程 and runs the selection; the committee decides; the
公示 ends and contracts are signed; an agency files daily reports on a 390 px phone; the
weekly meeting runs and its minutes are recorded; the monthly evaluation runs, is scored
and approved; the donors' statements are made; each role downloads exactly the documents
it may.

The first admin account is made with the CLI (`gongyi users add`), as the README's step
0 says. A document another role may not see is refused as not found (404), which does
not tell it exists. The later steps' page code is in tests/web/journey_pages.py.

Dates: the clock is never faked. The call's deadline is today 23:59 in the office's
zone, so the agencies' uploads are on time by the server's clock and the call closes
today; every other business date is at or before today (the product refuses a
later one). The 公示 must have ended before contracts are signed today, so the
committee's decision is dated 12 days back, and the projects started on the first
day of last month, so last week can be reported on and met about, and last month
evaluated.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from settings import PROJECT_ROOT
from store.database import get_engine
from store.migrate import upgrade_database
from tests.journey_data.steps import DATA
from tests.web.browser_support import HAS_CHROMIUM, serve_portal, shot
from tests.web.journey_pages import (
    ADMIN_PASSWORD,
    AGENCY_1,
    AGENCY_2,
    PASSWORD,
    Days,
    decide_and_sign,
    download_documents,
    expecting,
    file_daily_reports,
    meet_and_evaluate,
    new_page,
    run_flow,
    select_projects,
    signed_in,
    wait_for_run,
)

GONGYI = PROJECT_ROOT / ".venv" / "bin" / "gongyi"
pytestmark = [
    pytest.mark.flow,
    pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed"),
]

# A resident's need through the public form, after the office imports the survey sheet.
RESIDENT_NEED = ("小区没有公共修理点，小家电坏了不知道去哪里修。", "翠竹社区", "全体居民")
# How the officer sorts a need the classifier is unsure of (the four default domains).
DOMAIN_WORDS = (("elderly", "老"), ("special", "残疾|低保|失独"), ("youth", "孩子|儿童|学生"))
# Each agency's proposals in tests/journey_data/bids-0512 (citing needs.csv's ids).
BIDS = {
    AGENCY_1: ("银发餐桌·翠竹老年助餐", "邻里守望·独居老人探访"),
    AGENCY_2: ("成长驿站·课后作业辅导",),
}
ACCOUNTS = (  # login, name, role, agency
    ("luxy", "陆晓燕", "staff", ""),
    ("cuiwei", "邵文静", "agency", AGENCY_1),
    ("qiming", "葛立新", "agency", AGENCY_2),
    ("zhoumy", "周明远", "evaluator", ""),
    ("sunjy", "孙静怡", "evaluator", ""),
    ("xinansh", "新安商会", "donor", ""),  # the cash donor of the fund step
)


@pytest.fixture(autouse=True)
def patient_expect() -> Iterator[None]:
    """Give `expect` 30 s on this loaded journey (a flow run starts Prefect), then 5 s again."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


@dataclass(frozen=True)
class Portal:
    """The served portal: its address, its database and its folder."""

    base: str
    url: str
    home: Path


def _gongyi(url: str, home: Path, *args: str) -> subprocess.Popen[str]:
    """Start one `gongyi` command as a clerk types it (its own process, its own Prefect)."""
    env = os.environ | {
        "GONGYI_DATABASE_URL": url,
        "GONGYI_OUTPUT_DIR": str(home / "output"),
        "GONGYI_VAR_DIR": str(home / "var"),
        "PREFECT_HOME": str(home / f"prefect-{args[0]}"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    }
    return subprocess.Popen(
        [str(GONGYI), *args],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finished(command: subprocess.Popen[str]) -> None:
    output, _ = command.communicate(timeout=300)
    assert command.returncode == 0, output


@pytest.fixture(scope="module")
def journey_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The portal over a fresh, migrated SQLite file with one admin account (made by the CLI)."""
    home = tmp_path_factory.mktemp("journey")
    url = f"sqlite:///{home / 'gongyi.db'}"
    upgrade_database(url)
    # The first admin: the CLI, as the README's step 0 says (the portal has no first-run form).
    admin = _gongyi(
        url,
        home,
        "users",
        "add",
        "admin",
        "--role",
        "admin",
        "--name",
        "系统管理员",
        "--password",
        ADMIN_PASSWORD,
    )
    with serve_portal(home, url) as base:
        _finished(admin)
        yield Portal(base, url, home)
    get_engine(url).dispose()


def test_a_cycle_from_an_empty_database_through_the_portal(
    journey_portal, browser, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    base = journey_portal.base
    days = Days(datetime.now(ZoneInfo("Asia/Shanghai")).date())
    _create_accounts(browser, base)
    officer = signed_in(browser, base, "luxy")
    _open_cycle(officer, base, days)
    _take_needs(browser, officer, base)
    _fund_and_call(officer, base, days)
    for login, agency in (("cuiwei", AGENCY_1), ("qiming", AGENCY_2)):
        _submit_proposals(browser, base, login, agency, tmp_path)
    run_flow(officer, base, "close_call", "截止申报并资格审查", {"call_id": "", "day": ""})
    select_projects(browser, officer, base)
    decide_and_sign(officer, base, days)
    file_daily_reports(browser, base, days)
    meet_and_evaluate(browser, officer, base, days, tmp_path)
    download_documents(browser, officer, base)


def _create_accounts(browser: Any, base: str) -> None:
    expect = expecting()
    admin = signed_in(browser, base, "admin")
    # The agency registry first: an agency's account names its agency.
    admin.goto(base + "/officer/agencies")
    admin.get_by_label("社会组织名录（.xlsx 或 .csv）").set_input_files(str(DATA / "agencies.csv"))
    admin.get_by_label(re.compile("往期记录")).set_input_files(str(DATA / "track_records.csv"))
    admin.get_by_role("button", name="导入社会组织名录").click()
    expect(
        admin.get_by_text("社会组织名录已导入：新增 6 家，更新 0 家，往期记录 3 条。")
    ).to_be_visible()
    for login, name, role, agency in ACCOUNTS:
        admin.goto(base + "/admin/accounts")
        admin.locator("summary", has_text="新建账号").click()  # the form folds away
        form = admin.locator('form[action="/admin/accounts"]')
        form.get_by_label("登录名").fill(login)
        form.get_by_label("姓名").fill(name)
        form.get_by_label("角色").select_option(role)
        if agency:
            form.get_by_label("所属机构").select_option(label=agency)
        form.get_by_label("初始密码").fill(PASSWORD)
        form.get_by_role("button", name="新建账号").click()
        expect(admin.get_by_text(f"账号 {login} 已创建。")).to_be_visible()
    expect(admin.locator("article.account")).to_have_count(len(ACCOUNTS) + 1)
    shot(admin, "journey-1-accounts")
    admin.context.close()


def _open_cycle(page: Any, base: str, days: Days) -> None:
    expect = expecting()
    expect(page.get_by_role("heading", name="欢迎使用公益创投")).to_be_visible()
    page.get_by_role("link", name="开设创投周期").click()
    page.get_by_label("街道办名称").fill("新安街道办事处")
    page.get_by_label("周期名称").fill(f"{days.today.year}年度新安街道公益创投")
    page.get_by_label("年度").fill(str(days.today.year))
    page.get_by_label("开始日期").fill(days.starts.isoformat())
    page.get_by_label("结束日期").fill((days.today + timedelta(days=150)).isoformat())
    page.locator("textarea[name=communities]").fill("翠竹社区\n枫林社区")
    page.get_by_role("button", name="开设创投周期").click()
    expect(page.locator(".tracker")).to_be_visible()
    page.get_by_text("修改落款信息").click()
    page.get_by_label("联系电话").fill("0551-65320000")
    page.get_by_label("办公地址").fill("新安街道办事处三楼社会事务科")
    page.get_by_role("button", name="保存落款信息").click()
    expect(page.get_by_text("已保存落款信息")).to_be_visible()


def _take_needs(browser: Any, officer: Any, base: str) -> None:
    """The officer imports the survey sheet, a resident uses the public form; unsure ones confirmed."""
    expect = expecting()
    officer.goto(base + "/officer/needs")
    officer.locator("summary", has_text="导入需求表").click()
    officer.get_by_label("需求表（.xlsx 或 .csv）").set_input_files(str(DATA / "needs.csv"))
    officer.get_by_role("button", name="导入需求表").click()
    expect(officer.get_by_text("需求表已导入：新增 13 条")).to_be_visible()
    resident = new_page(browser, phone=True)
    text, community, group = RESIDENT_NEED
    resident.goto(base + "/needs/new")
    resident.get_by_label("需求内容").fill(text)
    resident.get_by_label("社区").select_option(community)
    resident.get_by_label("服务对象").fill(group)
    resident.get_by_role("button", name="提交需求").click()
    expect(resident.get_by_text("需求已收到")).to_be_visible()
    resident.context.close()
    officer.goto(base + "/officer/needs")
    shot(officer, "journey-2-needs-queue")
    done = officer.get_by_text("没有待确认的需求。")
    for _ in range(15):  # the ones the classifier is unsure of, one at a time
        waiting = officer.locator("section.card", has=officer.locator("form")).first
        expect(waiting.or_(done).first).to_be_visible()
        if done.is_visible():  # the page has loaded: expect waited for it
            break
        number = waiting.locator("strong").first.inner_text()
        said = waiting.locator("p").first.inner_text()
        domain = next((d for d, words in DOMAIN_WORDS if re.search(words, said)), "community")
        waiting.locator("select[name=domain]").select_option(domain)
        waiting.get_by_role("button", name="确认").click()
        expect(
            officer.locator("section.card strong").filter(has_text=re.compile(f"^{number}$"))
        ).to_have_count(0)
    expect(done).to_be_visible()


def _fund_and_call(page: Any, base: str, days: Days) -> None:
    expect = expecting()
    page.goto(base + "/officer/cycles/1")
    page.get_by_label("基金名称").fill("新安街道公益创投基金")
    page.get_by_role("button", name="设立公益基金").click()
    expect(page.get_by_text("已设立公益基金")).to_be_visible()
    cash = page.locator("form[action$='/donations']")
    cash.get_by_label("捐赠方", exact=True).fill("新安商会")
    cash.get_by_label("捐赠方类型").select_option("爱心企业")
    cash.get_by_label("金额（元）").fill("90000")
    cash.get_by_label("捐赠日期").fill((days.opens - timedelta(days=10)).isoformat())
    cash.get_by_role("button", name="登记捐赠").click()
    expect(page.get_by_text("新安商会：已登记")).to_be_visible()
    gift = page.locator("form[action$='/in-kind']")
    gift.get_by_label("捐赠方", exact=True).fill("枫林社区志愿者协会")
    gift.get_by_label("说明").fill("每周两次派志愿者协助助餐点分餐")
    gift.get_by_label("捐赠日期").fill((days.opens - timedelta(days=8)).isoformat())
    gift.get_by_role("button", name="登记实物/服务捐赠").click()
    expect(page.get_by_text("枫林社区志愿者协会：已登记")).to_be_visible()

    page.get_by_role("link", name="编辑或上传申报指南规则").click()
    page.locator("textarea[name=rules_text]").fill(_rules(days))
    page.get_by_role("button", name="检查并保存").click()
    expect(page.get_by_text("规则已检查并保存")).to_be_visible()
    page.goto(base + "/officer/cycles/1")
    publish = page.locator("form[action$='/call/publish']")
    publish.get_by_label("日期（不填为今天）").fill(days.opens.isoformat())
    publish.get_by_role("button", name="发布申报指南").click()
    expect(page).to_have_url(re.compile(r"/officer/flows"))
    wait_for_run(page, "发布申报指南")
    shot(page, "journey-2-call-published")


def _rules(days: Days) -> str:
    """The journey's rules file, dated for today: open 30 days, closing tonight, 2 reviewers."""
    text = (DATA / "call.toml").read_text(encoding="utf-8")
    replacements = {
        r'^opens_on = ".*"': f'opens_on = "{days.opens}"',
        r'^deadline = ".*"': f'deadline = "{days.today} 23:59"',
        r"^holidays = \[.*\]": "holidays = []",
        r"^reviewers_per_proposal = \d+": "reviewers_per_proposal = 2",
        r"^title = \".*\"": f'title = "{days.today.year}年度新安街道公益创投申报指南"',
    }
    for pattern, value in replacements.items():
        text, count = re.subn(pattern, value, text, flags=re.MULTILINE)
        assert count == 1, pattern
    return text


def _submit_proposals(browser: Any, base: str, login: str, agency: str, folder: Path) -> None:
    """Download the template, fill it as a user would in Excel, upload and submit it."""
    expect = expecting()
    page = signed_in(browser, base, login)
    page.goto(base + "/agency/proposals")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载申报书模板（XLSX）").click()
    workbook_path = folder / f"{login}-申报书.xlsx"
    download.value.save_as(workbook_path)
    _fill_template(workbook_path, agency)
    page.get_by_label("申报书文件").set_input_files(str(workbook_path))
    page.get_by_role("button", name="正式提交").click()
    expect(page.get_by_text(f"已提交：{len(BIDS[agency])}")).to_be_visible()
    for title in BIDS[agency]:
        expect(page.locator("table.proposals tr", has_text=title)).to_contain_text("已提交")
    shot(page, f"journey-3-proposals-{login}")
    page.context.close()


def _fill_template(path: Path, agency: str) -> None:
    """Copy this agency's rows of the journey's paper batch into the template's sheets."""
    import csv

    from openpyxl import load_workbook

    workbook = load_workbook(path)
    titles = BIDS[agency]
    files = {
        "申报书": "proposals.csv",
        "预算明细": "budget_lines.csv",
        "绩效指标": "kpis.csv",
        "进度安排": "schedule.csv",
    }
    for sheet_name, file_name in files.items():
        sheet = workbook[sheet_name]
        header = [cell.value for cell in sheet[1]]
        with (DATA / "bids-0512" / file_name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["项目名称"] not in titles:
                    continue
                sheet.append([_cell(row.get(str(column), "")) for column in header])
    workbook.save(path)


def _cell(value: str) -> Any:
    """A number typed into Excel is a number; anything else stays text."""
    return int(value) if value.isdigit() and len(value) < 9 else value
