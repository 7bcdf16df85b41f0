"""The fund's flows: gifts recorded once, bad amounts and a closed fund refused, and donor statements."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from flows.fund import raise_fund
from flows.fund.donor_statement import donor_statement, render_statements
from flows.fund.fund_reports import build_donor_statements
from flows.runtime import session_scope
from models.award import Award
from models.fund import Donation, FundClosedError, LedgerEntry
from models.ledger import plan_commitment, plan_payment, sum_balance
from models.project import Project
from models.rows import RowsRejected
from models.user import AuditEvent
from store import awards, fund, proposals
from tests.builders import DEMO_DIR, write_csv
from tests.flows.call_setup import FUND_NAME, demo_call_with_bids, open_demo_cycle, raise_demo_fund

DONATION_HEADER = ("捐赠方", "捐赠方类型", "捐赠日期", "金额（元）", "限定领域")


def test_demo_gifts_are_recorded_once_and_sum_by_donor_type(database_url: str) -> None:
    cycle_id = open_demo_cycle()
    gifts = raise_fund.read_gifts.fn(
        cycle_id, str(DEMO_DIR / "donations.csv"), str(DEMO_DIR / "in_kind.csv")
    )
    first = raise_fund.store_gifts.fn(cycle_id, FUND_NAME, gifts)
    again = raise_fund.store_gifts.fn(cycle_id, FUND_NAME, gifts)
    assert (first.added, again.added) == (29, 0)
    assert again.raised_fen == 26_000_000 == again.available_fen
    assert again.by_donor_type == {
        "机关事业单位": 14_500_000,
        "爱心企业": 10_400_000,
        "热心人士": 1_100_000,
    }
    assert again.in_kind_gifts == 8


def test_negative_fractional_and_unknown_domain_amounts_are_refused_naming_each_cell(
    database_url: str, tmp_path: Path
) -> None:
    cycle_id = open_demo_cycle()
    path = write_csv(
        tmp_path / "gifts.csv",
        DONATION_HEADER,
        [
            ["甲公司", "爱心企业", "2026-04-01", "-500", ""],
            ["乙先生", "热心人士", "2026-04-01", "12.345", ""],
            ["丙单位", "机关事业单位", "2026-04-01", "100", "health"],
            ["丁女士", "路人", "2026-04-01", "100", ""],
        ],
    )
    with pytest.raises(RowsRejected) as rejected:
        raise_fund.read_gifts.fn(cycle_id, str(path), "")
    assert [str(e) for e in rejected.value.errors] == [
        "gifts.csv 第 2 行「金额（元）」：金额不能为负",
        "gifts.csv 第 3 行「金额（元）」：金额最多两位小数：'12.345'",
        "gifts.csv 第 4 行「限定领域」：不是本周期的服务领域（elderly/youth/special/community）：'health'",
        "gifts.csv 第 5 行「捐赠方类型」：应为 机关事业单位 / 爱心企业 / 热心人士 / 其他 之一，收到 '路人'",
    ]


def test_a_donation_into_a_closed_fund_is_refused_and_nothing_of_the_batch_is_written(
    database_url: str, session: Session, tmp_path: Path
) -> None:
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id)
    raise_fund.close_fund.fn(cycle_id, date(2026, 5, 1), "王科长")
    old = raise_fund.read_gifts.fn(cycle_id, str(DEMO_DIR / "donations.csv"), "")
    late = write_csv(
        tmp_path / "late.csv", DONATION_HEADER, [["戊公司", "爱心企业", "2026-05-02", "500", ""]]
    )
    new = raise_fund.read_gifts.fn(cycle_id, str(late), "")

    with pytest.raises(FundClosedError, match="已于 2026-05-01 关闭，不再接受捐赠"):
        raise_fund.store_gifts.fn(cycle_id, FUND_NAME, old + new)

    assert raise_fund.store_gifts.fn(cycle_id, FUND_NAME, old).added == 0
    assert len(session.exec(select(Donation)).all()) == 29
    assert [e.action for e in session.exec(select(AuditEvent)).all()] == ["fund_close"]


def _award_and_pay(cycle_id: int, call_id: int) -> None:
    """Fund the first 20 eligible proposals and pay half of each, through the ledger rules."""
    with session_scope() as session:
        the_fund = fund.get_fund(session, cycle_id=cycle_id)
        submitted = proposals.list_proposals(session, call_id=call_id)[:20]
        for rank, proposal in enumerate(submitted, start=1):
            award, _ = awards.add_award(
                session,
                Award(
                    proposal_id=proposal.id,
                    amount_fen=proposal.requested_fen,
                    rank=rank,
                    decided_on=date(2026, 5, 28),
                ),  # type: ignore[arg-type]
            )
            movements = fund.list_movements(session, fund_id=the_fund.id)  # type: ignore[arg-type]
            parts = plan_commitment(
                movements, award.amount_fen, domain_id=proposal.domain_id, award_id=award.id
            )
            pay = plan_payment([*movements, *parts], award.amount_fen // 2, award_id=award.id)  # type: ignore[arg-type]
            for n, part in enumerate([*parts, pay]):
                fund.add_ledger_entry(
                    session,
                    LedgerEntry(
                        fund_id=the_fund.id,  # type: ignore[arg-type]
                        kind=part.kind,
                        amount_fen=part.amount_fen,
                        occurred_on=date(2026, 5, 28),
                        domain_id=part.domain_id,
                        award_id=award.id,
                        idempotency_key=f"test:{award.id}:{n}",
                    ),
                )
            awards.add_project(
                session,
                Project(
                    award_id=award.id,  # type: ignore[arg-type]
                    cycle_id=cycle_id,
                    agency_id=proposal.agency_id,
                    domain_id=proposal.domain_id,
                    community_id=proposal.community_id,
                    title=proposal.title,
                    starts_on=date(2026, 6, 1),
                    ends_on=date(2026, 11, 30),
                    months=6,
                    people_planned=proposal.planned_people,
                ),
            )


def test_donor_statements_trace_every_committed_and_paid_fen_to_a_donor(database_url: str) -> None:
    cycle_id, call_id = demo_call_with_bids()
    _award_and_pay(cycle_id, call_id)
    statements = build_donor_statements.fn(cycle_id, date(2026, 7, 1))

    with session_scope() as session:
        balance = sum_balance(
            fund.list_movements(session, fund_id=fund.get_fund(session, cycle_id=cycle_id).id)
        )  # type: ignore[arg-type]
    assert len(statements) == 25  # 21 cash donors and 4 who gave only in kind
    assert sum(s.committed_fen for s in statements) == balance.committed_fen
    assert sum(s.paid_fen for s in statements) == balance.paid_fen
    assert all(0 <= s.uncommitted_fen <= s.cash_fen for s in statements)
    youth = next(s for s in statements if s.donor_name == "淮滨锦城置业有限公司")
    assert {p.domain_name for p in youth.projects} == {"护航花蕾"}
    assert youth.committed_fen == 3_000_000
    lawyer = next(s for s in statements if s.donor_name == "恒信致远律师事务所")
    assert (lawyer.cash_fen, lawyer.projects, lawyer.gifts[0].kind) == (0, (), "技能")
    outputs = {line.indicator: line.planned for line in youth.projects[0].outputs}
    assert outputs["服务人次"] == 1600


def test_a_statement_for_an_unknown_donor_is_refused(database_url: str) -> None:
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id)
    with pytest.raises(LookupError, match="没有这些捐赠方：无名氏"):
        build_donor_statements.fn(cycle_id, date(2026, 7, 1), ["无名氏"])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_donor_statement_pdf_is_chinese_text_with_an_embedded_font(database_url: str) -> None:
    cycle_id, call_id = demo_call_with_bids()
    _award_and_pay(cycle_id, call_id)
    [path] = render_statements.fn(build_donor_statements.fn(cycle_id, date(2026, 7, 1), ["高家浩"]))

    text = subprocess.run(
        ["pdftotext", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    assert "捐赠资金去向说明" in text and "高家浩" in text and "按比例分摊" in text
    assert "5,200.00" in text
    assert "CJK" in fonts and " yes " in fonts
    assert Path(path).name == "高家浩.pdf"


@pytest.mark.usefixtures("prefect_harness")
def test_fund_flows_run_end_to_end(database_url: str, session: Session) -> None:
    cycle_id = open_demo_cycle()
    summary = raise_fund.raise_fund(
        cycle_id, FUND_NAME, str(DEMO_DIR / "donations.csv"), str(DEMO_DIR / "in_kind.csv")
    )
    assert summary.raised_fen == 26_000_000 and summary.errors == ()

    counter = raise_fund.donate(
        cycle_id, "己先生", "热心人士", "2026-04-30", "88.80", "elderly", "R-001"
    )
    again = raise_fund.donate(
        cycle_id, "己先生", "热心人士", "2026-04-30", "88.80", "elderly", "R-001"
    )
    assert (counter.added, again.added, again.raised_fen) == (1, 0, 26_008_880)
    assert raise_fund.donate(cycle_id, "己先生", "热心人士", "2026-04-30", "8.888").errors == (
        "命令行 第 1 行「金额（元）」：金额最多两位小数：'8.888'",
    )

    raise_fund.close_fund(cycle_id, date(2026, 5, 1), "王科长")
    refused = raise_fund.donate(cycle_id, "庚公司", "爱心企业", "2026-05-02", "100")
    assert refused.errors == (
        "公益基金「淮河路街道专项公益基金」已于 2026-05-01 关闭，不再接受捐赠",
    )
    assert len(session.exec(select(Donation)).all()) == 30
    assert donor_statement(cycle_id, date(2026, 5, 2), ["己先生"])[0].endswith("己先生.pdf")
