"""A small cycle for the figures tests: needs, three projects, June and July reports, June's
evaluations, and money that moves after June (mid-term tranches paid on 2026-09-05, a June
report corrected in September).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.award import Tranche
from models.fund import LedgerEntry, LedgerKind
from models.monitoring import DailyReport, MonthlyEvaluation
from models.need import Need
from models.project import Project
from models.status import EvaluationStatus, NeedStatus
from services import clerk
from services.tranches import pay_tranche
from store import cycles
from tests.monitoring_builders import (
    SHANGHAI,
    STREET,
    build_running_cycle,
    evening,
    store_report,
    working_days,
)

JUNE = "2026-06"
JUNE_END = date(2026, 6, 30)
SUMMARY_DAY = date(2026, 7, 5)
STATEMENT_DAY = date(2026, 7, 1)
MIDTERM_PAID = date(2026, 9, 5)


@dataclass(frozen=True)
class FiguresWorld:
    """Ids of the small cycle."""

    cycle_id: int
    fund_id: int
    project_ids: tuple[int, ...]


def _needs(session: Session, cycle_id: int) -> None:
    domains = {d.key: d.id for d in cycles.list_domains(session, cycle_id=cycle_id)}
    place = cycles.list_communities(session, street_office=STREET)[0].id

    def need(n: int, key: str | None, status: str, lead: Need | None = None) -> Need:
        row = Need(
            cycle_id=cycle_id,
            community_id=place,  # type: ignore[arg-type]
            text=f"居民需求第{n}条：希望社区多开展活动",
            target_group="老年人",
            source="居民",
            submitted_on=date(2026, 3, 10),
            fingerprint=f"need-{n}",
            status=status,
            domain_id=domains[key] if key else None,
            duplicate_of_id=lead.id if lead else None,
        )
        session.add(row)
        session.flush()
        return row

    lead = need(1, "elderly", NeedStatus.CONFIRMED)
    need(2, "elderly", NeedStatus.MERGED, lead)
    need(3, "elderly", NeedStatus.CLASSIFIED)
    need(4, "youth", NeedStatus.CONFIRMED)
    need(5, "youth", NeedStatus.IN_REVIEW)  # the classifier's suggestion, not confirmed
    need(6, "special", NeedStatus.IN_REVIEW)
    need(7, None, NeedStatus.IN_REVIEW)  # no domain at all
    session.commit()


def _reports(session: Session, project_ids: tuple[int, ...]) -> None:
    for k, project_id in enumerate(project_ids):
        for n, day in enumerate(working_days(date(2026, 6, 1), date(2026, 7, 31))):
            sent = evening(day) if n % 9 else evening(day + timedelta(days=1), 9)
            store_report(
                session,
                project_id,
                day,
                people=8 + k,
                sent=sent,
                refs=(f"P{k}-{n % 5:03d}", f"P{k}-{n % 11:03d}"),
                spend={"活动费": 3_000},
            )
    # A June report corrected in September: the June documents keep the first version.
    first = session.exec(
        select(DailyReport).where(
            DailyReport.project_id == project_ids[0], DailyReport.day == date(2026, 6, 2)
        )
    ).one()
    first.is_current = False
    session.add(first)
    session.add(
        DailyReport(
            project_id=first.project_id,
            day=first.day,
            version=2,
            first_submitted_at=first.first_submitted_at,
            submitted_at=datetime(2026, 9, 10, 10, tzinfo=SHANGHAI),
            activities=first.activities,
            people_served=first.people_served + 40,
            beneficiary_refs=[*first.beneficiary_refs, "P0-LATE"],
            volunteer_minutes=first.volunteer_minutes,
            spend_fen=first.spend_fen,
            summary=first.summary,
        )
    )
    session.commit()


def _june_evaluations(session: Session, project_ids: tuple[int, ...]) -> None:
    for project_id in project_ids:
        served = session.exec(
            select(func.sum(DailyReport.people_served)).where(
                DailyReport.project_id == project_id,
                col(DailyReport.day) <= JUNE_END,
                DailyReport.version == 1,
            )
        ).one()
        session.add(
            MonthlyEvaluation(
                project_id=project_id,
                month=JUNE,
                status=EvaluationStatus.PUBLISHED,
                reports_expected=22,
                reports_submitted=22,
                people_served=int(served or 0),
                spent_to_date_fen=66_000,
                planned_to_date_fen=200_000,
                total_score=82.0,
                grade="良好",
            )
        )
    session.commit()


def _pay_midterm(session: Session, project_ids: tuple[int, ...]) -> None:
    for project_id in project_ids:
        project = session.get(Project, project_id)
        tranche = session.exec(
            select(Tranche).where(Tranche.award_id == project.award_id, Tranche.seq == 2)  # type: ignore[union-attr]
        ).one()
        pay_tranche(
            session,
            actor=clerk(),
            now=datetime(2026, 9, 5, 10, tzinfo=SHANGHAI),
            tranche_id=tranche.id or 0,
            on=MIDTERM_PAID,
        )


def build_figures_world(session: Session) -> FiguresWorld:
    """Store the small cycle and commit."""
    running = build_running_cycle(session, projects=3)
    _needs(session, running.cycle_id)
    _reports(session, running.project_ids)
    _june_evaluations(session, running.project_ids)
    _pay_midterm(session, running.project_ids)
    return FiguresWorld(running.cycle_id, running.fund_id, running.project_ids)


def ledger_sum(session: Session, fund_id: int, kind: str, as_of: date) -> int:
    """Sum one kind of the fund's ledger entries dated by `as_of`, straight from the table."""
    total = session.exec(
        select(func.sum(LedgerEntry.amount_fen)).where(
            LedgerEntry.fund_id == fund_id,
            LedgerEntry.kind == kind,
            col(LedgerEntry.occurred_on) <= as_of,
        )
    ).one()
    return int(total or 0)


PAYMENT = LedgerKind.PAYMENT
