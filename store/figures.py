"""Queries behind the headline figures: the plain, dated facts `models.figures` adds up.

Each query returns what happened with its date (a ledger entry's business
date, a need's submission day, a daily report's versions and when each
arrived), so the figures can be counted as of any day.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from models.award import Award
from models.compliance import ReportStamp
from models.cycle import Domain
from models.figures import DatedMovement, NeedFact, PlannedKpi, ServiceFact
from models.fund import Fund, LedgerEntry
from models.monitoring import DailyReport
from models.need import Need
from models.project import Project
from models.proposal import KpiTarget
from models.status import NeedStatus

SETTLED_STATUSES = (NeedStatus.CLASSIFIED, NeedStatus.CONFIRMED)


def find_fund_id(session: Session, *, cycle_id: int) -> int | None:
    """Return the id of the cycle's fund, or None when it has none yet."""
    return session.exec(select(Fund.id).where(Fund.cycle_id == cycle_id)).first()


def list_dated_movements(
    session: Session, *, fund_id: int, as_of: date | None = None
) -> list[DatedMovement]:
    """List the fund's ledger in order of entry, with business dates; only up to `as_of` if given."""
    # sqlmodel types select() for at most four columns; SQLAlchemy takes any number.
    query = select(  # type: ignore[call-overload]
        col(LedgerEntry.kind),
        col(LedgerEntry.amount_fen),
        col(LedgerEntry.occurred_on),
        col(LedgerEntry.award_id),
        col(LedgerEntry.domain_id),
    ).where(LedgerEntry.fund_id == fund_id)
    if as_of is not None:
        query = query.where(LedgerEntry.occurred_on <= as_of)
    return [DatedMovement(*row) for row in session.exec(query.order_by(col(LedgerEntry.id)))]


def list_domain_keys(session: Session, *, cycle_id: int) -> list[tuple[int, str, str]]:
    """List the cycle's domains as (id, key, name), in their order."""
    rows = session.exec(
        select(col(Domain.id), col(Domain.key), col(Domain.name))
        .where(Domain.cycle_id == cycle_id)
        .order_by(col(Domain.id))
    )
    return [(domain_id or 0, key, name) for domain_id, key, name in rows]


def list_need_facts(session: Session, *, cycle_id: int) -> list[NeedFact]:
    """List every need of the cycle: its group's lead, domain key, whether settled, and its day."""
    rows = session.exec(
        select(  # type: ignore[call-overload]  # six columns: see list_dated_movements
            col(Need.id),
            col(Need.duplicate_of_id),
            col(Domain.key),
            col(Need.status),
            col(Need.submitted_on),
            col(Need.status_on),
        )
        .outerjoin(Domain, col(Domain.id) == Need.domain_id)
        .where(Need.cycle_id == cycle_id)
        .order_by(col(Need.id))
    )
    return [
        NeedFact(
            need_id or 0,
            lead_id or need_id or 0,
            key or "",
            status in SETTLED_STATUSES,
            day,
            changed_on,
        )
        for need_id, lead_id, key, status, day, changed_on in rows
    ]


def list_project_facts(session: Session, *, cycle_id: int) -> list[Project]:
    """List the cycle's projects by id."""
    return list(
        session.exec(select(Project).where(Project.cycle_id == cycle_id).order_by(col(Project.id)))
    )


def list_service_facts(
    session: Session, *, cycle_id: int, first: date | None, last: date
) -> list[ServiceFact]:
    """List every version of the cycle's daily reports for days in [first, last]."""
    query = (
        select(  # type: ignore[call-overload]  # eight columns: see list_dated_movements
            col(DailyReport.project_id),
            col(DailyReport.day),
            col(DailyReport.version),
            col(DailyReport.submitted_at),
            col(DailyReport.people_served),
            col(DailyReport.beneficiary_refs),
            col(DailyReport.volunteer_minutes),
            col(DailyReport.received_at),
        )
        .join(Project, col(Project.id) == DailyReport.project_id)
        .where(Project.cycle_id == cycle_id, DailyReport.day <= last)
    )
    if first is not None:
        query = query.where(DailyReport.day >= first)
    return [
        ServiceFact(pid, day, version, at, people, tuple(refs or ()), minutes, received)
        for pid, day, version, at, people, refs, minutes, received in session.exec(
            query.order_by(col(DailyReport.project_id), col(DailyReport.day))
        )
    ]


def list_report_stamps(
    session: Session, *, cycle_id: int, first: date, last: date
) -> list[tuple[int, ReportStamp]]:
    """List when each of the cycle's daily reports for days in [first, last] arrived.

    A stamp carries the report's first entry and the arrival time a clerk gave
    (the current version's, so a corrected arrival time counts), as the evening
    check reads them (`models.compliance.ReportStamp.of`).
    """
    rows = session.exec(
        select(
            col(DailyReport.project_id),
            col(DailyReport.day),
            col(DailyReport.first_submitted_at),
            col(DailyReport.received_at),
        )
        .join(Project, col(Project.id) == DailyReport.project_id)
        .where(
            Project.cycle_id == cycle_id,
            DailyReport.day >= first,
            DailyReport.day <= last,
            col(DailyReport.is_current).is_(True),
        )
    )
    return [(pid, ReportStamp(day, at, received)) for pid, day, at, received in rows]


def list_planned_kpis(session: Session, *, cycle_id: int) -> list[PlannedKpi]:
    """List the monthly KPI targets of the cycle's projects (by the project's id)."""
    rows = session.exec(
        select(
            col(Project.id), col(KpiTarget.month), col(KpiTarget.indicator), col(KpiTarget.planned)
        )
        .join(Award, col(Award.id) == Project.award_id)
        .join(KpiTarget, col(KpiTarget.proposal_id) == Award.proposal_id)
        .where(Project.cycle_id == cycle_id)
        .order_by(col(Project.id), col(KpiTarget.month), col(KpiTarget.id))
    )
    return [
        PlannedKpi(pid or 0, month, indicator, planned) for pid, month, indicator, planned in rows
    ]
