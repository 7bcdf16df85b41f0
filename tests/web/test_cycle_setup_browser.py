"""The cycle page in Debian's Chromium at 1280 px and on a 390 px phone: a clerk sets a new cycle up.

From an empty (migrated) database with one staff account, the clerk opens a cycle
through the form, sets the office's 落款, sets up the fund and records a donation;
the stage tracker then names what blocks the call, with a link to the rules form.
The page must not scroll sideways on a phone. Screenshots go to
output/test-artifacts/portal/setup-*.png.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from models.status import Role
from settings import PROJECT_ROOT
from store.accounts import add_account
from store.database import get_engine
from store.migrate import upgrade_database
from tests.monitoring_builders import free_port
from tests.web.portal_builders import PASSWORD
from tests.web.test_browser import CHROMIUM, PHONE, _shot, _sign_in, _wait_for

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def empty_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the portal over a migrated, empty SQLite database with one staff account."""
    home = tmp_path_factory.mktemp("setup-portal")
    url = f"sqlite:///{home / 'portal.db'}"
    upgrade_database(url)
    (home / "output").mkdir()
    with Session(get_engine(url)) as session:
        add_account(session, login="clerk", password=PASSWORD, name="王科长", role=Role.STAFF)
        session.commit()
    port = free_port()
    env = os.environ | {
        "GONGYI_DATABASE_URL": url,
        "GONGYI_OUTPUT_DIR": str(home / "output"),
        "GONGYI_VAR_DIR": str(home / "var"),
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "web.app:app_from_environment",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-proxy-headers",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/login", server)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_a_clerk_sets_up_a_cycle_and_the_page_fits_a_phone(empty_portal: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = empty_portal
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        page = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="zh-CN"
        ).new_page()
        _sign_in(page, base, "clerk")
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
        _shot(page, "setup-cycle-1280")

        phone = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN"
        ).new_page()
        _sign_in(phone, base, "clerk")
        phone.goto(base + "/officer/cycles/1")
        expect(phone.locator(".tracker")).to_be_visible()
        expect(phone.get_by_role("link", name="编辑或上传申报指南规则")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        _shot(phone, "setup-cycle-390")
        phone.goto(base + "/officer/flows")
        expect(phone.get_by_role("heading", name=re.compile("按条件拨付"))).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        _shot(phone, "setup-flows-390")
        browser.close()
