"""The fund, agency and proposal stores on SQLite and PostgreSQL: keyed writes, and a ledger that refuses to overspend."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from models.agency import Agency, AgencyTrackRecord
from models.award import Award
from models.call import Call
from models.categorisation import DEFAULT_DOMAINS
from models.fund import Donation, LedgerEntry, LedgerKind
from models.ledger import FundError
from models.proposal import BudgetLine, KpiTarget, Proposal, ScreeningCheck
from store import agencies, awards, calls, cycles, fund, proposals

CODE = "52340100MJ528112XW"


def _fund(session: Session) -> int:
    cycle = cycles.add_cycle(
        session,
        street_office="淮河路街道办事处",
        year=2026,
        name="2026年度公益创投",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
    )
    cycles.add_domains(session, cycle_id=cycle.id, seeds=DEFAULT_DOMAINS)  # type: ignore[arg-type]
    the_fund = fund.add_fund(session, cycle_id=cycle.id, name="专项公益基金")  # type: ignore[arg-type]
    fund.add_donation(
        session,
        Donation(
            fund_id=the_fund.id,  # type: ignore[arg-type]
            donor_name="爱心企业甲",
            donor_type="company",
            donated_on=date(2026, 4, 1),
            amount_fen=1_000_000,
            source_key="row-1",
        ),
    )
    fund.add_ledger_entry(
        session, _entry(the_fund.id, LedgerKind.DONATION, 1_000_000, "donation:1")
    )  # type: ignore[arg-type]
    session.commit()
    return the_fund.id  # type: ignore[return-value]


def _entry(fund_id: int, kind: str, fen: int, key: str, award_id: int | None = None) -> LedgerEntry:
    return LedgerEntry(
        fund_id=fund_id,
        kind=kind,
        amount_fen=fen,
        occurred_on=date(2026, 5, 1),
        award_id=award_id,
        memo=key,
        idempotency_key=key,
    )


def test_the_ledger_refuses_a_commitment_beyond_what_the_fund_holds_and_keeps_nothing_of_it(
    session: Session,
) -> None:
    fund_id = _fund(session)
    with pytest.raises(FundError, match="台账拒绝「over」：非限定资金承诺超出可用资金"):
        fund.add_ledger_entry(session, _entry(fund_id, LedgerKind.COMMITMENT, 1_000_001, "over"))
    session.commit()
    assert [m.amount_fen for m in fund.list_movements(session, fund_id=fund_id)] == [1_000_000]


def test_the_ledger_refuses_a_payment_nobody_committed(session: Session) -> None:
    fund_id = _fund(session)
    with pytest.raises(FundError, match="第 2 笔拨付没有对应的立项"):
        fund.add_ledger_entry(session, _entry(fund_id, LedgerKind.PAYMENT, 1, "pay", award_id=None))
    session.rollback()
    assert len(fund.list_movements(session, fund_id=fund_id)) == 1


def test_a_gift_is_known_by_its_source_key(session: Session) -> None:
    fund_id = _fund(session)
    assert fund.has_donation(session, fund_id=fund_id, source_key="row-1")
    assert not fund.has_donation(session, fund_id=fund_id, source_key="row-2")


def test_an_agency_is_updated_by_its_credit_code_not_added_twice(session: Session) -> None:
    first, added = agencies.add_agency(
        session,
        Agency(
            name="青禾", org_type="社会服务机构", credit_code=CODE, registered_on=date(2015, 6, 18)
        ),
    )
    again, added_again = agencies.add_agency(
        session,
        Agency(
            name="青禾社会工作服务中心",
            org_type="社会服务机构",
            credit_code=CODE,
            registered_on=date(2015, 6, 18),
            on_serious_violation_list=True,
        ),
    )
    session.commit()
    assert (added, added_again) == (True, False)
    assert again.id == first.id
    stored = agencies.get_agency_by_name(session, "青禾社会工作服务中心")
    assert stored.on_serious_violation_list is True
    assert [a.name for a in calls.list_agencies(session)] == ["青禾社会工作服务中心"]
    with pytest.raises(LookupError, match="未登记的社会组织"):
        agencies.get_agency_by_name(session, "青禾")


def test_a_track_record_is_kept_once_per_agency_and_year(session: Session) -> None:
    agency, _ = agencies.add_agency(
        session,
        Agency(
            name="青禾", org_type="社会服务机构", credit_code=CODE, registered_on=date(2015, 6, 18)
        ),
    )
    for grade, cards in (("良好", 0), ("合格", 2)):
        agencies.set_track_record(
            session,
            AgencyTrackRecord(agency_id=agency.id, year=2025, grade=grade, yellow_cards=cards),  # type: ignore[arg-type]
        )
    session.commit()
    assert [(r.year, r.grade, r.yellow_cards) for r in agencies.list_track_records(session)] == [
        (2025, "合格", 2)
    ]


def _proposal(session: Session) -> Proposal:
    _fund(session)
    cycle_id = 1
    call, _ = calls.add_call(
        session,
        Call(
            cycle_id=cycle_id,
            title="申报指南",
            opens_on=date(2026, 5, 1),
            deadline=datetime(2026, 5, 20, 9, tzinfo=UTC),
        ),
    )
    agency, _ = agencies.add_agency(
        session,
        Agency(
            name="青禾", org_type="社会服务机构", credit_code=CODE, registered_on=date(2015, 6, 18)
        ),
    )
    cycles.add_communities(session, street_office="淮河路街道办事处", names=["长淮社区"])
    proposal = Proposal(
        call_id=call.id,  # type: ignore[arg-type]
        agency_id=agency.id,  # type: ignore[arg-type]
        domain_id=cycles.list_domains(session, cycle_id=cycle_id)[0].id,  # type: ignore[arg-type]
        community_id=cycles.list_communities(session, street_office="淮河路街道办事处")[0].id,  # type: ignore[arg-type]
        title="助餐",
        requested_fen=1_000_000,
        planned_people=100,
        months=2,
    )
    proposals.set_proposal(session, proposal)
    return proposal


def test_saving_a_proposals_lines_again_replaces_them(session: Session) -> None:
    proposal = _proposal(session)
    for amounts in ((600_000, 400_000), (1_000_000,)):
        proposals.set_proposal_lines(
            session,
            proposal.id,  # type: ignore[arg-type]
            budget=[
                BudgetLine(proposal_id=0, category=f"类{i}", amount_fen=a)
                for i, a in enumerate(amounts)
            ],
            kpis=[KpiTarget(proposal_id=0, month=1, indicator="服务人次", planned=100)],
        )
    session.commit()
    lines = proposals.list_budget_lines(session, call_id=proposal.call_id)
    assert [(b.category, b.amount_fen) for b in lines[proposal.id]] == [("类0", 1_000_000)]  # type: ignore[index]
    assert len(proposals.list_kpi_targets(session, call_id=proposal.call_id)[proposal.id]) == 1  # type: ignore[index]
    found = proposals.find_proposal(
        session, call_id=proposal.call_id, agency_id=proposal.agency_id, title="助餐"
    )
    assert found is not None and found.id == proposal.id


def test_a_new_screening_replaces_the_earlier_one(session: Session) -> None:
    proposal = _proposal(session)
    now = datetime(2026, 5, 21, tzinfo=UTC)
    for passed in (False, True):
        proposals.set_screening_checks(
            session,
            proposal.id,  # type: ignore[arg-type]
            [
                ScreeningCheck(
                    proposal_id=0,
                    rule="org_type",
                    label="资助主体·组织类型",
                    passed=passed,
                    reason="x",
                    checked_at=now,
                )
            ],
            checked_at=now,
        )
    session.commit()
    checks = proposals.list_screening_checks(session, call_id=proposal.call_id)
    assert [c.passed for c in checks[proposal.id]] == [True]  # type: ignore[index]


def test_movements_carry_their_award_and_a_payment_follows_its_commitment(session: Session) -> None:
    proposal = _proposal(session)
    award, _ = awards.add_award(
        session,
        Award(proposal_id=proposal.id, amount_fen=600_000, rank=1, decided_on=date(2026, 5, 28)),  # type: ignore[arg-type]
    )
    fund_id = fund.get_fund(session, cycle_id=1).id
    assert fund.add_ledger_entry(
        session, _entry(fund_id, LedgerKind.COMMITMENT, 600_000, "c", award.id)
    )  # type: ignore[arg-type]
    assert fund.add_ledger_entry(
        session, _entry(fund_id, LedgerKind.PAYMENT, 300_000, "p", award.id)
    )  # type: ignore[arg-type]
    assert not fund.add_ledger_entry(
        session, _entry(fund_id, LedgerKind.PAYMENT, 300_000, "p", award.id)
    )  # type: ignore[arg-type]
    with pytest.raises(FundError, match="立项 #1 拨付超过承诺"):
        fund.add_ledger_entry(session, _entry(fund_id, LedgerKind.PAYMENT, 300_001, "p2", award.id))  # type: ignore[arg-type]
    session.commit()
    movements = fund.list_movements(session, fund_id=fund_id)  # type: ignore[arg-type]
    assert [(m.kind, m.award_id) for m in movements] == [
        ("donation", None),
        ("commitment", award.id),
        ("payment", award.id),
    ]


def test_a_batch_of_entries_is_checked_once_and_refused_whole(session: Session) -> None:
    fund_id = _fund(session)
    good = _entry(fund_id, LedgerKind.COMMITMENT, 600_000, "c1")
    bad = _entry(fund_id, LedgerKind.COMMITMENT, 400_001, "c2")
    with pytest.raises(FundError, match="台账拒绝「c1、c2」"):
        fund.add_ledger_entries(session, [good, bad])
    session.commit()
    assert len(fund.list_movements(session, fund_id=fund_id)) == 1
    again = [
        _entry(fund_id, LedgerKind.COMMITMENT, 600_000, "c1"),
        _entry(fund_id, LedgerKind.COMMITMENT, 600_000, "c1"),
    ]
    assert fund.add_ledger_entries(session, again) == 1
    assert (
        fund.add_ledger_entries(session, [_entry(fund_id, LedgerKind.COMMITMENT, 600_000, "c1")])
        == 0
    )
