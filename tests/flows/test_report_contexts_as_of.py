"""The 项目月度评估报告 context tells its month as it was, however late it is built."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from flows.monitoring.report_contexts import _contracts, action_row, document_date
from models.award import Tranche
from models.fund import LedgerEntry, LedgerKind
from models.monitoring import ActionItem, MonthlyEvaluation
from models.project import Project
from models.status import EvaluationStatus, TrancheStatus
from tests.monitoring_builders import build_running_cycle

JUNE_END = date(2026, 6, 30)


def pay_tranche(session: Session, fund_id: int, project, tranche: Tranche, on: date) -> None:  # type: ignore[no-untyped-def]
    """Pay a tranche as the ledger records it: the tranche released and a dated payment."""
    tranche.status, tranche.released_on = TrancheStatus.RELEASED, on
    session.add(tranche)
    session.add(
        LedgerEntry(
            fund_id=fund_id,
            kind=LedgerKind.PAYMENT,
            amount_fen=tranche.amount_fen,
            occurred_on=on,
            domain_id=project.domain_id,
            award_id=tranche.award_id,
            tranche_id=tranche.id,
            idempotency_key=f"payment:tranche:{tranche.id}",
        )
    )
    session.commit()


def test_money_paid_after_the_months_end_is_not_in_its_report(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    project = session.get(Project, cycle.project_ids[0])
    first, second = session.exec(select(Tranche).order_by(Tranche.seq)).all()[:2]
    pay_tranche(session, cycle.fund_id, project, second, date(2026, 9, 5))
    june = _contracts(session, [project], cycle_id=cycle.cycle_id, paid_by=JUNE_END)  # type: ignore[list-item]
    sept = _contracts(session, [project], cycle_id=cycle.cycle_id, paid_by=date(2026, 9, 30))  # type: ignore[list-item]
    [(_, award, paid_june)] = june.values()
    [(_, _, paid_sept)] = sept.values()
    assert paid_june == first.amount_fen < award
    assert paid_sept == first.amount_fen + second.amount_fen


def test_an_item_closed_after_the_month_is_still_open_in_its_report() -> None:
    item = ActionItem(
        meeting_id=1,
        seq=1,
        text="补交日报告，联系孙建国 13955501235",
        owner="孙建国",
        due_on=date(2026, 6, 19),
        status="done",
        closed_on=date(2026, 7, 3),
    )
    june = action_row(item, "测试项目1", ("孙建国",), as_of=JUNE_END)
    july = action_row(item, "测试项目1", ("孙建国",), as_of=date(2026, 7, 31))
    assert (june.status_label, june.closed_on) == ("未完成", None)
    assert (july.status_label, july.closed_on) == ("已完成", date(2026, 7, 3))
    assert june.text == "补交日报告，联系孙** 139****1235"
    assert june.owner_shown == "孙**"


def test_a_published_report_carries_its_publication_date_a_draft_the_runs() -> None:
    evaluation = MonthlyEvaluation(
        project_id=1,
        month="2026-06",
        month_index=1,
        status=EvaluationStatus.PUBLISHED,
        published_on=date(2026, 7, 5),
    )
    assert document_date(evaluation, date(2026, 12, 2)) == date(2026, 7, 5)
    evaluation.status = EvaluationStatus.IN_REVIEW
    assert document_date(evaluation, date(2026, 7, 1)) == date(2026, 7, 1)
