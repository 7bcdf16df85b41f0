"""Tranches through `services.tranches`: pay, hold, withhold and refund on a real session.

The cycle comes from `build_running_cycle`: each award of 12,000.00 元 is committed,
its first tranche (50 %) paid on signing, the mid-term (30 %) and final (20 %) planned.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from models.award import Tranche
from models.fund import LedgerEntry, LedgerKind
from models.monitoring import Notice
from models.status import Role
from models.user import AuditEvent
from services import SYSTEM, Actor, Forbidden, NotFound, Refused, tranches
from tests.monitoring_builders import AWARD_FEN, build_running_cycle

NOW = datetime(2026, 9, 5, 10, 30, tzinfo=UTC)
DAY = date(2026, 9, 5)
CLERK = Actor(login="staff", name="街道专干", role=Role.STAFF, user_id=1)


def _tranche(session: Session, project_index: int, seq: int) -> Tranche:
    session.expire_all()
    return session.exec(
        select(Tranche).where(Tranche.award_id == project_index, Tranche.seq == seq)
    ).one()


def _entries(session: Session, kind: str) -> list[LedgerEntry]:
    session.expire_all()
    return list(
        session.exec(
            select(LedgerEntry).where(LedgerEntry.kind == kind).order_by(LedgerEntry.id)  # type: ignore[arg-type]
        )
    )


def _events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_paying_the_midterm_tranche_books_one_payment_and_its_audit_event(
    session: Session,
) -> None:
    build_running_cycle(session, projects=1)
    midterm = _tranche(session, 1, 2)

    paid = tranches.pay_tranche(session, actor=CLERK, now=NOW, tranche_id=midterm.id, on=DAY)  # type: ignore[arg-type]

    assert (paid.status, paid.released_on) == ("released", DAY)
    stored = _tranche(session, 1, 2)
    assert (stored.status, stored.released_on) == ("released", DAY)
    payment = _entries(session, LedgerKind.PAYMENT)[-1]
    assert (payment.amount_fen, payment.award_id, payment.tranche_id, payment.occurred_on) == (
        AWARD_FEN * 30 // 100,
        1,
        midterm.id,
        DAY,
    )
    assert payment.idempotency_key == f"payment:tranche:{midterm.id}"
    assert payment.memo == "第 2 期拨付（中期评估合格）：测试项目1"
    [event] = _events(session, "tranche_pay")
    assert (event.actor, event.subject_type, event.subject_id) == (
        "staff（街道专干）",
        "tranche",
        midterm.id,
    )
    assert "3,600.00" in event.detail


def test_a_tranche_is_never_paid_twice(session: Session) -> None:
    build_running_cycle(session, projects=1)
    first, midterm = _tranche(session, 1, 1), _tranche(session, 1, 2)
    tranches.pay_tranche(session, actor=SYSTEM, now=NOW, tranche_id=midterm.id, on=DAY)  # type: ignore[arg-type]
    before = len(_entries(session, LedgerKind.PAYMENT))

    for tranche in (first, midterm):
        with pytest.raises(Refused, match="不能重复拨付"):
            tranches.pay_tranche(
                session,
                actor=SYSTEM,
                now=NOW,
                tranche_id=tranche.id,  # type: ignore[arg-type]
                on=date(2026, 9, 6),
            )

    assert len(_entries(session, LedgerKind.PAYMENT)) == before == 2
    assert len(_events(session, "tranche_pay")) == 1
    assert _tranche(session, 1, 2).released_on == DAY


def test_a_payment_the_fund_cannot_hold_is_refused_and_changes_nothing(
    session: Session,
) -> None:
    build_running_cycle(session, projects=1)
    donation = _entries(session, LedgerKind.DONATION)[0]
    donation.amount_fen = 700_000  # 600,000 went out as the first tranche
    session.add(donation)
    session.commit()
    midterm = _tranche(session, 1, 2)

    with pytest.raises(Refused, match="基金现金不足"):
        tranches.pay_tranche(session, actor=SYSTEM, now=NOW, tranche_id=midterm.id, on=DAY)  # type: ignore[arg-type]

    assert _tranche(session, 1, 2).status == "planned"
    assert len(_entries(session, LedgerKind.PAYMENT)) == 1
    assert _events(session, "tranche_pay") == []


def test_holding_a_tranche_tells_the_agency_once_and_a_held_tranche_can_be_paid_later(
    session: Session,
) -> None:
    build_running_cycle(session, projects=1)
    midterm = _tranche(session, 1, 2)

    key = tranches.hold_tranche(
        session,
        actor=SYSTEM,
        now=NOW,
        tranche_id=midterm.id,  # type: ignore[arg-type]
        on=DAY,
        grade="不合格",
        month="2026-08",
        officer_email="officer@street.example",
    )

    assert key == f"tranche-held:{midterm.id}"
    assert _tranche(session, 1, 2).status == "withheld"
    [notice] = session.exec(select(Notice)).all()
    assert (notice.key, notice.day) == (key, DAY)
    assert notice.recipients == ["agency1@example.org", "officer@street.example"]
    assert "不合格" in notice.body
    [event] = _events(session, "tranche_hold")
    assert (event.actor, event.subject_id) == ("系统", midterm.id)
    with pytest.raises(Refused, match="不能暂缓拨付"):
        tranches.hold_tranche(
            session,
            actor=SYSTEM,
            now=NOW,
            tranche_id=midterm.id,  # type: ignore[arg-type]
            on=DAY,
            grade="不合格",
            month="2026-08",
        )
    assert _entries(session, LedgerKind.PAYMENT)[1:] == []

    tranches.pay_tranche(session, actor=SYSTEM, now=NOW, tranche_id=midterm.id, on=DAY)  # type: ignore[arg-type]
    assert _tranche(session, 1, 2).status == "released"
    assert len(session.exec(select(Notice)).all()) == 1


def test_withholding_the_last_tranche_keeps_it_unpaid_and_writes_one_notice(
    session: Session,
) -> None:
    build_running_cycle(session, projects=1)
    last = _tranche(session, 1, 3)

    for _ in range(2):
        key = tranches.withhold_last_tranche(
            session,
            actor=SYSTEM,
            now=NOW,
            tranche_id=last.id,  # type: ignore[arg-type]
            on=DAY,
            grade="不合格",
            refund_fen=1_000,
        )

    assert key == "final-fail:1"
    assert _tranche(session, 1, 3).status == "withheld"
    assert len(session.exec(select(Notice)).all()) == 1
    assert len(_events(session, "tranche_withhold")) == 2
    assert _entries(session, LedgerKind.PAYMENT)[1:] == []


def test_a_refund_over_what_was_paid_is_refused_and_a_refund_is_booked_once(
    session: Session,
) -> None:
    cycle = build_running_cycle(session, projects=1)
    project_id = cycle.project_ids[0]
    paid = AWARD_FEN * 50 // 100

    with pytest.raises(Refused, match="超过已拨付未退回"):
        tranches.record_refund(
            session, actor=CLERK, now=NOW, project_id=project_id, amount_fen=paid + 1, on=DAY
        )
    assert _entries(session, LedgerKind.REFUND) == []

    booked = tranches.record_refund(
        session, actor=CLERK, now=NOW, project_id=project_id, amount_fen=1_000, on=DAY
    )
    again = tranches.record_refund(
        session, actor=CLERK, now=NOW, project_id=project_id, amount_fen=1_000, on=DAY
    )

    assert (booked, again) == (1_000, 0)
    refunds = _entries(session, LedgerKind.REFUND)
    assert sum(r.amount_fen for r in refunds) == 1_000
    assert all(r.award_id == 1 and r.occurred_on == DAY for r in refunds)
    [event] = _events(session, "refund_record")
    assert (event.actor, event.subject_type, event.subject_id) == (
        "staff（街道专干）",
        "project",
        project_id,
    )
    with pytest.raises(Refused, match="超过已拨付未退回"):
        tranches.record_refund(
            session, actor=CLERK, now=NOW, project_id=project_id, amount_fen=paid, on=DAY
        )


def test_the_unspent_balance_at_the_close_goes_back_to_the_pools_it_was_paid_from(
    session: Session,
) -> None:
    cycle = build_running_cycle(session, projects=1)
    payment = _entries(session, LedgerKind.PAYMENT)[0]

    booked = tranches.refund_unspent(
        session, actor=SYSTEM, now=NOW, project_id=cycle.project_ids[0], amount_fen=5_000, on=DAY
    )

    assert booked == 5_000
    [refund] = _entries(session, LedgerKind.REFUND)
    assert (refund.amount_fen, refund.award_id, refund.memo) == (5_000, 1, "结余退回：测试项目1")
    assert refund.idempotency_key == "refund:final:1:0:0"
    assert refund.domain_id is None and payment.award_id == 1  # committed from the open pool
    [event] = _events(session, "refund_record")
    assert event.actor == "系统"


def test_only_the_office_moves_money_and_unknown_ids_are_not_found(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    midterm = _tranche(session, 1, 2)
    agency = Actor(login="agency1", name="机构一用户", role=Role.AGENCY, user_id=3, agency_id=1)

    with pytest.raises(Forbidden):
        tranches.pay_tranche(session, actor=agency, now=NOW, tranche_id=midterm.id, on=DAY)  # type: ignore[arg-type]
    with pytest.raises(Forbidden):
        tranches.record_refund(
            session, actor=agency, now=NOW, project_id=cycle.project_ids[0], amount_fen=1, on=DAY
        )
    with pytest.raises(NotFound, match="拨付批次"):
        tranches.pay_tranche(session, actor=SYSTEM, now=NOW, tranche_id=9_999, on=DAY)
    with pytest.raises(NotFound, match="服务项目"):
        tranches.record_refund(
            session, actor=SYSTEM, now=NOW, project_id=9_999, amount_fen=1, on=DAY
        )
    assert _tranche(session, 1, 2).status == "planned"
    assert len(_entries(session, LedgerKind.PAYMENT)) == 1


CLOSE = date(2026, 12, 10)


def test_the_close_releases_a_held_and_an_undecided_tranche_by_new_entries_once(
    session: Session,
) -> None:
    cycle = build_running_cycle(session, projects=1)
    project_id = cycle.project_ids[0]
    midterm, final = _tranche(session, 1, 2), _tranche(session, 1, 3)
    tranches.hold_tranche(
        session,
        actor=SYSTEM,
        now=NOW,
        tranche_id=midterm.id,
        on=DAY,
        grade="不合格",
        month="2026-08",
    )  # type: ignore[arg-type]
    commitments = [(e.id, e.amount_fen) for e in _entries(session, LedgerKind.COMMITMENT)]

    released = tranches.release_unpaid(
        session, actor=SYSTEM, now=NOW, project_id=project_id, on=CLOSE
    )
    again = tranches.release_unpaid(session, actor=SYSTEM, now=NOW, project_id=project_id, on=CLOSE)

    assert (released, again) == (AWARD_FEN * 50 // 100, 0)
    entries = _entries(session, LedgerKind.RELEASE)
    assert [(e.tranche_id, e.amount_fen, e.occurred_on) for e in entries] == [
        (midterm.id, AWARD_FEN * 30 // 100, CLOSE),
        (final.id, AWARD_FEN * 20 // 100, CLOSE),
    ]
    assert [e.idempotency_key for e in entries] == [
        f"release:tranche:{midterm.id}:0",
        f"release:tranche:{final.id}:0",
    ]
    assert "中期评估不合格暂缓" in entries[0].memo and "至结项未决定" in entries[1].memo
    # The commitment itself is untouched; the tranches keep their statuses.
    assert [(e.id, e.amount_fen) for e in _entries(session, LedgerKind.COMMITMENT)] == commitments
    assert (_tranche(session, 1, 2).status, _tranche(session, 1, 3).status) == (
        "withheld",
        "planned",
    )
    assert _tranche(session, 1, 2).withheld_on == DAY  # the business date it was held
    [event] = _events(session, "commitment_release")
    assert "释放未拨付承诺 6,000.00 元" in event.detail and str(CLOSE) in event.detail
    with pytest.raises(Refused, match="第 3 期的资金承诺已于 2026-12-10 释放，不能再拨付"):
        tranches.pay_tranche(session, actor=CLERK, now=NOW, tranche_id=final.id, on=CLOSE)  # type: ignore[arg-type]


def test_only_staff_and_flows_release_commitments(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    agency = Actor(login="a", role=Role.AGENCY, user_id=5, agency_id=cycle.agency_ids[0])
    with pytest.raises(Forbidden):
        tranches.release_unpaid(
            session, actor=agency, now=NOW, project_id=cycle.project_ids[0], on=CLOSE
        )
    assert _entries(session, LedgerKind.RELEASE) == []
