"""The 附件 page on a 390 px phone in Debian's Chromium: upload two files at once, see them
listed, delete one, and nothing is wider than the screen; the evaluator's list too.

The live portal runs on the real clock, after the world's deadline, so the proposal is
made a draft first (a draft takes files whatever the date). Checks wait with `expect`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import Session

from models.proposal import Proposal
from models.status import ProposalStatus
from store.database import get_engine
from tests.web.browser_support import HAS_CHROMIUM, PHONE, shot, sign_in

pytestmark = pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed")


def test_the_agency_attaches_and_deletes_on_a_phone(portal, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, url, world = portal
    with Session(get_engine(url)) as session:
        proposal = session.get(Proposal, world.proposal_id)
        assert proposal is not None
        proposal.status = ProposalStatus.DRAFT
        session.add(proposal)
        session.commit()
    pdf, png = tmp_path / "机构资质证明（2026 年度，盖章扫描件）.pdf", tmp_path / "往期活动照片.png"
    pdf.write_bytes(b"%PDF-1.4\n% phone\n%%EOF\n")
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, "agency1")

    page.goto(base + "/agency/proposals")
    page.get_by_role("link", name="附件").first.click()
    expect(page).to_have_url(re.compile(r"/attachments$"))
    expect(page.get_by_text("初审为匿名评审，附件中请勿出现机构名称。")).to_be_visible()
    page.get_by_label("选择文件").set_input_files([str(pdf), str(png)])
    page.get_by_role("button", name="上传", exact=True).click()

    rows = page.locator("table.attachments tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(pdf.name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the 附件 page is {width} px wide on a 390 px phone"
    shot(page, "agency-attachments-390")

    page.get_by_role("button", name=f"删除 {png.name}").click()
    expect(rows).to_have_count(1)
    expect(page.get_by_text(png.name)).to_have_count(1)  # only in the flash message
    context.close()
