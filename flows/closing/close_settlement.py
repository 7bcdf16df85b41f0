"""Tasks that settle a closing cycle's money and write the agencies' track record.

`settle_projects` decides each project from its published final evaluation:
a passing grade pays the `final_pass` tranche, a failing one withholds it
and writes one notice to the agency and the street officer; then whatever
the award was paid and not spent (the final evaluation's reported spend) is
booked as a refund back to the pools it came from. Ledger keys make every
movement happen once. `write_track_records` stores one entry per agency for
the cycle's year (`models.track_record`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from flows.runtime import get_mail_settings, io_task, session_scope
from models.agency import AgencyTrackRecord
from models.award import Tranche, TrancheCondition
from models.call_rules import read_call_rules
from models.final_evaluation import (
    FINAL_FAIL_NOTICE,
    FinalEvaluation,
    check_refund,
    compose_final_fail,
    is_final_passing,
    settle,
)
from models.fund import LedgerEntry, LedgerKind
from models.ledger import FundError, award_money, plan_payment, plan_refund
from models.money import format_fen
from models.monitoring import Notice
from models.project import Project
from models.status import TRANCHE_TRANSITIONS, Role, TrancheStatus, apply_transition
from models.track_record import ProjectOutcome, build_track_entries
from store import agencies, awards, calls, closing, cycles, fund, notices


@dataclass(frozen=True)
class Settled:
    """Which last tranches were paid or withheld, the notices owed, and any refusal."""

    paid: tuple[str, ...]
    withheld: tuple[str, ...]
    refunded_fen: int
    notice_keys: list[str]
    errors: tuple[str, ...]
    already_settled: bool


def _last_tranche(session: Session, award_id: int) -> Tranche | None:
    steps = awards.list_tranches(session, award_id=award_id)
    finals = [t for t in steps if t.condition == TrancheCondition.FINAL_PASS]
    return finals[-1] if finals else None


def _ledger_entry(fund_id: int, kind: str, amount: int, **values) -> LedgerEntry:  # type: ignore[no-untyped-def]
    return LedgerEntry(fund_id=fund_id, kind=kind, amount_fen=amount, **values)


def _pay_last(
    session: Session, fund_id: int, tranche: Tranche, project: Project, day: date
) -> None:
    plan_payment(
        fund.list_movements(session, fund_id=fund_id), tranche.amount_fen, award_id=tranche.award_id
    )
    status = apply_transition(
        TRANCHE_TRANSITIONS, TrancheStatus(tranche.status), TrancheStatus.RELEASED, role=Role.SYSTEM
    )
    awards.set_tranche_status(session, tranche, status=status, released_on=day)
    fund.add_ledger_entry(
        session,
        _ledger_entry(
            fund_id,
            LedgerKind.PAYMENT,
            tranche.amount_fen,
            occurred_on=day,
            domain_id=project.domain_id,
            award_id=tranche.award_id,
            tranche_id=tranche.id,
            memo=f"第 {tranche.seq} 期拨付（结项评估合格）：{project.title}"[:200],
            idempotency_key=f"payment:tranche:{tranche.id}",
        ),
    )


def _withhold(
    session: Session,
    tranche: Tranche,
    project: Project,
    final: FinalEvaluation,
    refund: int,
    day: date,
) -> str:
    if tranche.status == TrancheStatus.PLANNED:
        status = apply_transition(
            TRANCHE_TRANSITIONS, TrancheStatus.PLANNED, TrancheStatus.WITHHELD, role=Role.SYSTEM
        )
        awards.set_tranche_status(session, tranche, status=status)
    agency = agencies.get_agency(session, project.agency_id)
    subject, body = compose_final_fail(
        project_title=project.title,
        agency_name=agency.name,
        grade=final.grade,
        withheld=format_fen(tranche.amount_fen),
        refund=format_fen(refund),
    )
    key = f"final-fail:{project.id}"
    recipients = [a for a in (agency.contact_email, get_mail_settings().officer_email) if a]
    notices.add_notice(
        session,
        Notice(
            key=key,
            kind=FINAL_FAIL_NOTICE,
            project_id=project.id,
            day=day,
            recipients=recipients,
            subject=subject,
            body=body,
        ),
    )
    return key


def book_refund(
    session: Session, *, fund_id: int, project: Project, amount: int, day: date, key: str
) -> int:
    """Book money an agency returns; refuse more than it was paid and kept."""
    movements = fund.list_movements(session, fund_id=fund_id)
    money = award_money(movements, award_id=project.award_id)
    check_refund(amount, paid_fen=money.paid_fen, refunded_fen=money.refunded_fen)
    parts = plan_refund(movements, amount, award_id=project.award_id)
    entries = [
        _ledger_entry(
            fund_id,
            LedgerKind.REFUND,
            part.amount_fen,
            occurred_on=day,
            domain_id=part.domain_id,
            award_id=project.award_id,
            memo=f"结余退回：{project.title}"[:200],
            idempotency_key=f"{key}:{n}",
        )
        for n, part in enumerate(parts)
    ]
    return fund.add_ledger_entries(session, entries) and amount


@io_task
def settle_projects(cycle_id: int, today: date) -> Settled:
    """Pay or withhold each last tranche and book each project's unspent balance as a refund."""
    paid, withheld, keys, errors = [], [], [], []
    refunded = 0
    fresh = False
    with session_scope() as session:
        bands = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules).grade_bands
        fund_id = fund.get_fund(session, cycle_id=cycle_id).id
        fund.lock_fund(session, fund_id=fund_id)  # type: ignore[arg-type]
        finals = {
            e.project_id: e for e in closing.list_final_evaluations(session, cycle_id=cycle_id)
        }
        for project in awards.list_projects(session, cycle_id=cycle_id):
            final = finals.get(project.id)  # type: ignore[arg-type]
            if final is None:
                continue
            tranche = _last_tranche(session, project.award_id)
            money = award_money(
                fund.list_movements(session, fund_id=fund_id), award_id=project.award_id
            )  # type: ignore[arg-type]
            passed = is_final_passing(final.grade, bands)
            plan = settle(
                passed=passed,
                last_tranche_fen=tranche.amount_fen if tranche else 0,
                last_tranche_paid=tranche is None or tranche.status == TrancheStatus.RELEASED,
                paid_fen=money.paid_fen,
                refunded_fen=money.refunded_fen,
                spent_fen=final.spent_fen,
            )
            try:
                if plan.pay_fen and tranche is not None:
                    _pay_last(session, fund_id, tranche, project, today)  # type: ignore[arg-type]
                    paid.append(project.title)
                    fresh = True
                elif (
                    not passed and tranche is not None and tranche.status != TrancheStatus.RELEASED
                ):
                    keys.append(_withhold(session, tranche, project, final, plan.refund_fen, today))
                    withheld.append(project.title)
                if plan.refund_fen:
                    refunded += book_refund(
                        session,
                        fund_id=fund_id,  # type: ignore[arg-type]
                        project=project,
                        amount=plan.refund_fen,
                        day=today,
                        key=f"refund:final:{project.award_id}:{money.refunded_fen}",
                    )
                    fresh = True
            except (FundError, ValueError) as error:
                errors.append(f"「{project.title}」结算未完成：{error}")
    return Settled(tuple(paid), tuple(withheld), refunded, keys, tuple(errors), not fresh)


@io_task
def write_track_records(cycle_id: int) -> int:
    """Write each agency's grade, yellow cards and breaches for the cycle's year; return how many."""
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
        bands = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules).grade_bands
        finals = {
            e.project_id: e for e in closing.list_final_evaluations(session, cycle_id=cycle_id)
        }
        outcomes = []
        for project in awards.list_projects(session, cycle_id=cycle_id):
            final = finals.get(project.id)  # type: ignore[arg-type]
            if final is None:
                continue
            held = sum(
                1
                for t in awards.list_tranches(session, award_id=project.award_id)
                if t.status == TrancheStatus.WITHHELD
            )
            outcomes.append(
                ProjectOutcome(
                    project.agency_id,
                    project.title,
                    final.grade,
                    final.yellow_cards,
                    final.vetoed_months + (1 if final.veto else 0),
                    held,
                )
            )
        entries = build_track_entries(outcomes, year=cycle.year, bands=bands, cycle_name=cycle.name)
        for entry in entries:
            agencies.set_track_record(
                session,
                AgencyTrackRecord(
                    agency_id=entry.agency_id,
                    year=entry.year,
                    grade=entry.grade,
                    yellow_cards=entry.yellow_cards,
                    breaches=entry.breaches,
                    note=entry.note,
                ),
            )
        return len(entries)


@io_task
def record_refund(cycle_id: int, project: str, amount_fen: int, day: date) -> int:
    """Book money an agency returns outside the close; refuse more than it was paid and kept."""
    with session_scope() as session:
        found = awards.get_project_by_title(session, cycle_id=cycle_id, title=project)
        fund_id = fund.get_fund(session, cycle_id=cycle_id).id
        fund.lock_fund(session, fund_id=fund_id)  # type: ignore[arg-type]
        return book_refund(
            session,
            fund_id=fund_id,  # type: ignore[arg-type]
            project=found,
            amount=amount_fen,
            day=day,
            key=f"refund:manual:{found.award_id}:{day.isoformat()}:{amount_fen}",
        )
