"""Store functions add each thing once, so flows can run again safely."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from models.categorisation import DEFAULT_DOMAINS
from models.fund import Donation, LedgerEntry, LedgerKind
from models.intake import NeedRow
from models.need import Need
from store import cycles, fund, needs


def _cycle(session: Session) -> int:
    cycle = cycles.add_cycle(
        session,
        street_office="淮河路街道办事处",
        year=2026,
        name="2026年度公益创投",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
    )
    cycles.add_communities(session, street_office="淮河路街道办事处", names=["长淮社区"])
    cycles.add_domains(session, cycle_id=cycle.id, seeds=DEFAULT_DOMAINS)  # type: ignore[arg-type]
    session.commit()
    return cycle.id  # type: ignore[return-value]


def test_adding_the_same_cycle_twice_returns_the_first(session: Session) -> None:
    first = _cycle(session)
    assert _cycle(session) == first
    assert [d.key for d in cycles.list_domains(session, cycle_id=first)] == [
        "elderly",
        "youth",
        "special",
        "community",
    ]


def test_needs_with_a_known_fingerprint_are_not_added_again(session: Session) -> None:
    cycle_id = _cycle(session)
    community = cycles.list_communities(session, street_office="淮河路街道办事处")[0]
    row = NeedRow(
        "路灯坏了", "长淮社区", "全体居民", "居民", date(2026, 3, 2), "张三", "13812345678"
    )
    ids = {"长淮社区": community.id}
    assert needs.add_needs(session, cycle_id=cycle_id, rows=[row], community_ids=ids) == (1, 0)  # type: ignore[dict-item]
    assert needs.add_needs(session, cycle_id=cycle_id, rows=[row], community_ids=ids) == (0, 1)  # type: ignore[dict-item]
    session.commit()
    assert len(session.exec(select(Need)).all()) == 1


def test_ledger_entry_with_a_used_key_is_not_added_again(session: Session) -> None:
    cycle_id = _cycle(session)
    the_fund = fund.add_fund(session, cycle_id=cycle_id, name="专项公益基金")
    gift, _ = fund.add_donation(
        session,
        Donation(
            fund_id=the_fund.id,
            donor_name="爱心企业甲",
            donor_type="company",  # type: ignore[arg-type]
            donated_on=date(2026, 4, 1),
            amount_fen=1_000_000,
            source_key="row-1",
        ),
    )
    entry = dict(
        fund_id=the_fund.id,
        kind=LedgerKind.DONATION,
        amount_fen=1_000_000,
        occurred_on=date(2026, 4, 1),
        donation_id=gift.id,
        idempotency_key="donation:1",
    )
    assert fund.add_ledger_entry(session, LedgerEntry(**entry)) is True  # type: ignore[arg-type]
    assert fund.add_ledger_entry(session, LedgerEntry(**entry)) is False  # type: ignore[arg-type]
    session.commit()
    movements = fund.list_movements(session, fund_id=the_fund.id)  # type: ignore[arg-type]
    assert [(m.kind, m.amount_fen) for m in movements] == [("donation", 1_000_000)]


def test_donation_with_a_known_source_key_is_not_added_again(session: Session) -> None:
    cycle_id = _cycle(session)
    the_fund = fund.add_fund(session, cycle_id=cycle_id, name="专项公益基金")
    gift = dict(
        fund_id=the_fund.id,
        donor_name="热心人士乙",
        donor_type="individual",
        donated_on=date(2026, 4, 2),
        amount_fen=50_000,
        source_key="row-2",
    )
    _, first_is_new = fund.add_donation(session, Donation(**gift))  # type: ignore[arg-type]
    _, second_is_new = fund.add_donation(session, Donation(**gift))  # type: ignore[arg-type]
    assert (first_is_new, second_is_new) == (True, False)
