"""The 资助协议 as a director reads it: every KPI, the budget, the plan, blank dates, its file name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from flows.selection.selection_reports import write_contract_pdfs
from models.agency import Agency
from models.cycle import Cycle
from models.proposal import Proposal
from reports.privacy_scan import pdf_text
from store import proposals
from tests.monitoring_builders import build_running_cycle


def _contract(session: Session) -> tuple[Proposal, str]:
    build_running_cycle(session, projects=1)
    [proposal] = session.exec(select(Proposal)).all()
    agency = session.get(Agency, proposal.agency_id)
    agency.contact_name, agency.contact_phone = "张晓明", "13955501235"  # type: ignore[union-attr]
    session.add(agency)
    session.commit()
    [pdf] = write_contract_pdfs.fn(proposal.call_id, [proposal.id], date(2026, 6, 3))
    return proposal, pdf


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_signing_dates_are_blank_and_full_funding_prints_no_matching(session: Session) -> None:
    _, pdf = _contract(session)
    flat = "".join(pdf_text(Path(pdf)).split())
    assert "2026年6月3日" not in flat
    assert "日期：年月日" in flat
    assert "配套资金" not in flat and "全额资助" in flat


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_file_name_holds_the_contract_number_and_the_title(session: Session) -> None:
    proposal, pdf = _contract(session)
    assert Path(pdf).name == f"GY-2026-001-测试项目1-{proposal.id:02d}.pdf"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_contract_carries_the_clauses_of_the_call_rules_and_masks_the_project_lead(
    session: Session,
) -> None:
    _, pdf = _contract(session)
    flat = "".join(pdf_text(Path(pdf)).split())
    for heading in (
        "收款账户",
        "协议变更与终止",
        "违约责任",
        "争议解决",
        "附件1：项目申报书",
        "附件2：项目预算表",
    ):
        assert heading in flat, heading
    assert "有管辖权的人民法院" in flat  # the demo's 争议解决 wording
    assert "本协议一式4份，甲方执2份，乙方执2份" in flat
    assert "骑缝章" in flat and "第1页共" in flat
    assert "项目负责人张**" in flat and "139****1235" in flat and "张晓明" not in flat
    assert "签订日期：年月日" in flat


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_office_on_the_cycle_is_the_contracts_first_party(session: Session) -> None:
    build_running_cycle(session, projects=1)
    cycle = session.exec(select(Cycle)).one()
    cycle.office_name, cycle.office_address = "淮河路街道办事处（社会事务科）", "淮河路 1 号"
    session.add(cycle)
    session.commit()
    [proposal] = session.exec(select(Proposal)).all()
    [pdf] = write_contract_pdfs.fn(proposal.call_id, [proposal.id], date(2026, 6, 3))
    flat = "".join(pdf_text(Path(pdf)).split())
    assert "甲方（资助方）淮河路街道办事处（社会事务科）" in flat
    assert "甲方地址淮河路1号" in flat
    # The rest of the identity still comes from the call rules' [office].
    assert "社会事务科王老师" in flat and "淮河路街道办事处（公章）" in flat


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_signing_again_on_another_day_renders_the_same_contract_once(session: Session) -> None:
    from models.register import DocumentRecord

    proposal, first = _contract(session)
    [again] = write_contract_pdfs.fn(proposal.call_id, [proposal.id], date(2026, 7, 1))
    assert again == first
    rows = session.exec(select(DocumentRecord)).all()
    assert [(r.kind, r.subject, r.version) for r in rows] == [
        ("contract", f"proposal:{proposal.id}", 1)
    ]
