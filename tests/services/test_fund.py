"""The fund through `services.fund` on a real session: gifts all or nothing, one close, the summary."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.categorisation import DEFAULT_DOMAINS
from models.fund import Donation, FundClosedError, LedgerEntry
from models.rows import RowsRejected
from models.status import Role
from models.user import AuditEvent
from services import SYSTEM, Actor, Forbidden, NotFound, Refused
from services import fund as service
from services.fund import DONATION_COLUMNS, FundClosed, GiftsRejected
from store import cycles
from tests.builders import DEMO_DIR, write_csv

STREET = "淮河路街道办事处"
NOW = datetime(2026, 4, 30, 9, 0, tzinfo=UTC)
CLERK = Actor(login="王科长", name="王科长", role=Role.STAFF)
AGENCY = Actor(login="agency1", name="机构一", role=Role.AGENCY, user_id=2, agency_id=1)
FUND = "淮河路街道专项公益基金"


@pytest.fixture
def cycle_id(session: Session) -> int:
    cycle = cycles.add_cycle(
        session,
        street_office=STREET,
        year=2026,
        name="2026年度公益创投",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
    )
    cycles.add_domains(session, cycle_id=cycle.id or 0, seeds=DEFAULT_DOMAINS)
    session.commit()
    return cycle.id or 0


def _raise(session: Session, cycle_id: int, donations: Path, in_kind: Path | None = None):  # type: ignore[no-untyped-def]
    return service.raise_fund(
        session,
        actor=SYSTEM,
        now=NOW,
        cycle_id=cycle_id,
        fund_name=FUND,
        donations=donations,
        in_kind=in_kind,
    )


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return len(session.exec(select(model)).all())


def test_a_batch_with_bad_cells_names_each_row_and_field_and_writes_nothing(
    session: Session, cycle_id: int, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "gifts.csv",
        DONATION_COLUMNS,
        [
            ["甲公司", "爱心企业", "2026-04-01", "500", ""],
            ["乙先生", "热心人士", "2026-04-01", "0", ""],
            ["丙单位", "机关事业单位", "2026-04-01", "100", "health"],
        ],
    )
    with pytest.raises(GiftsRejected) as rejected:
        _raise(session, cycle_id, path)

    found = [(e.row, e.column) for e in rejected.value.errors]
    assert found == [(3, "金额（元）"), (4, "限定领域")]
    assert isinstance(rejected.value, Refused) and isinstance(rejected.value, RowsRejected)
    assert "gifts.csv 第 3 行「金额（元）」：现金捐赠金额必须大于 0" in rejected.value.message
    assert (_count(session, Donation), _count(session, LedgerEntry)) == (0, 0)


def test_gifts_are_stored_once_with_a_ledger_entry_for_cash_only(
    session: Session, cycle_id: int
) -> None:
    first = _raise(session, cycle_id, DEMO_DIR / "donations.csv", DEMO_DIR / "in_kind.csv")
    again = _raise(session, cycle_id, DEMO_DIR / "donations.csv", DEMO_DIR / "in_kind.csv")

    assert (first.added, again.added, again.raised_fen, again.in_kind_gifts) == (
        29,
        0,
        26_000_000,
        8,
    )
    assert (_count(session, Donation), _count(session, LedgerEntry)) == (29, 21)


def test_a_counter_donation_is_checked_like_a_row_logged_and_refused_once_closed(
    session: Session, cycle_id: int
) -> None:
    with pytest.raises(NotFound, match="还没有公益基金"):
        service.donate(
            session,
            actor=CLERK,
            now=NOW,
            cycle_id=cycle_id,
            donor="己先生",
            donor_type="热心人士",
            donated_on="2026-04-30",
            amount_yuan="88.80",
        )
    _raise(session, cycle_id, DEMO_DIR / "donations.csv")

    def give(amount: str, day: str = "2026-04-30"):  # type: ignore[no-untyped-def]
        return service.donate(
            session,
            actor=CLERK,
            now=NOW,
            cycle_id=cycle_id,
            donor="己先生",
            donor_type="热心人士",
            donated_on=day,
            amount_yuan=amount,
            restricted_domain="elderly",
            receipt="R-001",
        )

    counter, again = give("88.80"), give("88.80")
    assert (counter.added, again.added, again.raised_fen) == (1, 0, 26_008_880)
    with pytest.raises(GiftsRejected) as rejected:
        give("8.888")
    assert [str(e) for e in rejected.value.errors] == [
        "命令行 第 1 行「金额（元）」：金额最多两位小数：'8.888'"
    ]

    service.close_fund(session, actor=CLERK, now=NOW, cycle_id=cycle_id, closed_on=date(2026, 5, 1))
    with pytest.raises(FundClosed, match="已于 2026-05-01 关闭，不再接受捐赠") as closed:
        give("100", "2026-05-02")
    assert isinstance(closed.value, FundClosedError)
    assert give("88.80").added == 0  # a gift already stored is no new gift
    session.expire_all()
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor) for e in events] == [
        ("fund_donate", "王科长"),
        ("fund_donate", "王科长"),
        ("fund_close", "王科长"),
        ("fund_donate", "王科长"),
    ]


def test_a_closed_fund_refuses_a_batch_with_one_new_gift_whole(
    session: Session, cycle_id: int, tmp_path: Path
) -> None:
    _raise(session, cycle_id, DEMO_DIR / "donations.csv")
    service.close_fund(session, actor=CLERK, now=NOW, cycle_id=cycle_id)
    late = write_csv(
        tmp_path / "late.csv", DONATION_COLUMNS, [["戊公司", "爱心企业", "2026-05-02", "500", ""]]
    )
    old = service.read_gifts(session, cycle_id=cycle_id, donations=DEMO_DIR / "donations.csv")
    new = service.read_gifts(session, cycle_id=cycle_id, donations=late)

    with pytest.raises(FundClosed):
        service.store_gifts(
            session, actor=SYSTEM, now=NOW, cycle_id=cycle_id, fund_name=FUND, gifts=old + new
        )
    assert _count(session, Donation) == 21


def test_the_fund_is_closed_once_by_staff_and_a_second_close_is_refused(
    session: Session, cycle_id: int
) -> None:
    _raise(session, cycle_id, DEMO_DIR / "donations.csv")
    with pytest.raises(Forbidden):
        service.close_fund(session, actor=AGENCY, now=NOW, cycle_id=cycle_id)

    closed = service.close_fund(session, actor=CLERK, now=NOW, cycle_id=cycle_id)
    with pytest.raises(Refused, match="已于 2026-04-30 关闭，不必再关闭"):
        service.close_fund(
            session, actor=CLERK, now=NOW, cycle_id=cycle_id, closed_on=date(2026, 6, 1)
        )

    assert (closed.status, closed.closed_on) == ("closed", NOW.date())
    session.expire_all()
    assert [e.action for e in session.exec(select(AuditEvent)).all()] == ["fund_close"]
    with pytest.raises(NotFound):
        service.close_fund(session, actor=CLERK, now=NOW, cycle_id=cycle_id + 1)


def test_the_fund_summary_sums_the_ledger_by_pool(session: Session, cycle_id: int) -> None:
    with pytest.raises(NotFound):
        service.summarise_fund(session, cycle_id=cycle_id)
    _raise(session, cycle_id, DEMO_DIR / "donations.csv")

    standing = service.summarise_fund(session, cycle_id=cycle_id)

    assert (standing.name, standing.is_open, standing.problems) == (FUND, True, [])
    assert standing.balance.raised_fen == 26_000_000 == standing.balance.available_fen
    pools = {p.name: (p.available_fen, p.held_fen) for p in standing.pools}
    assert sum(a for a, _ in pools.values()) == 26_000_000
    assert pools["非限定"][0] == pools["非限定"][1] > 0
    assert set(pools) <= {"非限定", "情暖夕阳", "护航花蕾", "爱在淮河", "绿色生活"}


def test_only_the_office_records_a_counter_donation(session: Session, cycle_id: int) -> None:
    _raise(session, cycle_id, DEMO_DIR / "donations.csv")
    with pytest.raises(Forbidden, match="只有街道工作人员可以登记捐赠"):
        service.donate(
            session,
            actor=AGENCY,
            now=NOW,
            cycle_id=cycle_id,
            donor="某机构",
            donor_type="爱心企业",
            donated_on="2026-04-08",
            amount_yuan="100",
        )
