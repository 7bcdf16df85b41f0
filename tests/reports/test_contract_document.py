"""The 资助协议 as a director reads it: every KPI, the budget, the plan, blank dates, its file name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session

from flows.selection.selection_reports import write_contract_pdfs
from models.proposal import Proposal
from reports.privacy_scan import pdf_text
from store import proposals
from tests.monitoring_builders import build_running_cycle


def _contract(session: Session) -> tuple[Proposal, str]:
    build_running_cycle(session, projects=1)
    [proposal] = session.exec(__import__("sqlmodel").select(Proposal)).all()
    [pdf] = write_contract_pdfs.fn(proposal.call_id, [proposal.id], date(2026, 6, 3))
    return proposal, pdf


def test_the_contract_lists_every_kpi_its_budget_and_its_tranches(session: Session) -> None:
    proposal, pdf = _contract(session)
    text = pdf_text(Path(pdf))
    flat = "".join(text.split())
    # Six months of 200 / 20 / 30 / 40 (tests/monitoring_builders.py).
    for indicator, unit, total in (
        ("服务人次", "人次", "1200"),
        ("活动场次", "场", "120"),
        ("受益人数", "人", "180"),
        ("志愿服务时长", "小时", "240"),
    ):
        assert f"{indicator}{unit}6{total}" in flat
    for category in ("人员费", "活动费", "物资费"):
        assert category in flat
    assert "4,000.00" in flat and "5,000.00" in flat and "3,000.00" in flat
    assert "第1期" in flat and "第3期" in flat and "6,000.00" in flat
    assert proposals.get_proposal(session, proposal.id).title in flat  # type: ignore[arg-type]


def test_the_signing_dates_are_blank_and_full_funding_prints_no_matching(session: Session) -> None:
    _, pdf = _contract(session)
    flat = "".join(pdf_text(Path(pdf)).split())
    assert "2026年6月3日" not in flat
    assert "日期：年月日" in flat
    assert "配套资金" not in flat and "全额资助" in flat


def test_the_file_name_holds_the_contract_number_and_the_title(session: Session) -> None:
    proposal, pdf = _contract(session)
    assert Path(pdf).name == f"GY-2026-001-测试项目1-{proposal.id:02d}.pdf"
