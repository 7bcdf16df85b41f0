"""Tasks that settle a closing cycle's money and write the agencies' track record.

`settle_projects` decides each project from its published final evaluation:
a passing grade pays the `final_pass` tranche, a failing one withholds it
and writes one notice to the agency and the street officer; then whatever
the award was paid and not spent (the final evaluation's reported spend) is
booked as a refund back to the pools it came from. Last, every tranche of
the cycle that was refused or never decided (a terminated project's too) has
its commitment freed by a release entry dated the close, so nothing stays
committed that will never be paid. Ledger keys make every movement happen
once; paying, withholding, refunding and releasing are `services.tranches`.
`write_track_records` stores one entry per agency for
the cycle's year (`models.track_record`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from flows.runtime import get_mail_settings, get_now, io_task, session_scope
from models.agency import AgencyTrackRecord
from models.award import Tranche, TrancheCondition
from models.call_rules import read_call_rules
from models.final_evaluation import (
    is_final_passing,
    settle,
)
from models.ledger import award_money
from models.status import TrancheStatus
from models.track_record import ProjectOutcome, build_track_entries
from services import SYSTEM, ServiceError, tranches
from store import agencies, awards, calls, closing, cycles, fund


@dataclass(frozen=True)
class Settled:
    """Which last tranches were paid or withheld, the notices owed, and any refusal."""

    paid: tuple[str, ...]
    withheld: tuple[str, ...]
    refunded_fen: int
    notice_keys: list[str]
    errors: tuple[str, ...]
    already_settled: bool
    released_fen: int = 0


def _last_tranche(session: Session, award_id: int) -> Tranche | None:
    steps = awards.list_tranches(session, award_id=award_id)
    finals = [t for t in steps if t.condition == TrancheCondition.FINAL_PASS]
    return finals[-1] if finals else None


@io_task
def settle_projects(cycle_id: int, today: date) -> Settled:
    """Pay or withhold each last tranche and book each project's unspent balance as a refund."""
    paid, withheld, keys, errors = [], [], [], []
    refunded = 0
    fresh = False
    now, officer_email = get_now(), get_mail_settings().officer_email
    with session_scope() as session:
        bands = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules).grade_bands
        fund_id = fund.get_fund(session, cycle_id=cycle_id).id or 0
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
            )
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
                    tranches.pay_tranche(
                        session,
                        actor=SYSTEM,
                        now=now,
                        tranche_id=tranche.id,  # type: ignore[arg-type]
                        on=today,
                    )
                    paid.append(project.title)
                    fresh = True
                elif (
                    not passed and tranche is not None and tranche.status != TrancheStatus.RELEASED
                ):
                    keys.append(
                        tranches.withhold_last_tranche(
                            session,
                            actor=SYSTEM,
                            now=now,
                            tranche_id=tranche.id,  # type: ignore[arg-type]
                            on=today,
                            grade=final.grade,
                            refund_fen=plan.refund_fen,
                            officer_email=officer_email,
                        )
                    )
                    withheld.append(project.title)
                if plan.refund_fen:
                    refunded += tranches.refund_unspent(
                        session,
                        actor=SYSTEM,
                        now=now,
                        project_id=project.id,  # type: ignore[arg-type]
                        amount_fen=plan.refund_fen,
                        on=today,
                    )
                    fresh = True
            except ServiceError as error:
                errors.append(f"「{project.title}」结算未完成：{error}")
        released = 0
        for project in awards.list_projects(session, cycle_id=cycle_id):
            try:
                released += tranches.release_unpaid(
                    session,
                    actor=SYSTEM,
                    now=now,
                    project_id=project.id,  # type: ignore[arg-type]
                    on=today,
                )
            except ServiceError as error:
                errors.append(f"「{project.title}」未拨付承诺未能释放：{error}")
    fresh = fresh or released > 0
    return Settled(tuple(paid), tuple(withheld), refunded, keys, tuple(errors), not fresh, released)


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
    """Book money an agency returns outside the close (`services.tranches.record_refund`).

    Kept for `gongyi cycle refund` until it calls the service itself: `project` is the
    project's id, or (as the command has always taken it) its title in the cycle.
    """
    with session_scope() as session:
        found = awards.get_project_by_title(session, cycle_id=cycle_id, title=project)
        return tranches.record_refund(
            session,
            actor=SYSTEM,
            now=get_now(),
            project_id=found.id,  # type: ignore[arg-type]
            amount_fen=amount_fen,
            on=day,
        )
