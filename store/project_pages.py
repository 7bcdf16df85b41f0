"""Read queries for the office's pages about projects, agencies, evaluations and meetings.

Each function answers one page's question by id: the projects of a cycle
filtered by domain, community, agency and status; one project with its award,
agency, domain and community; a project's daily reports of a month (every
version) and excused days; a daily report; a project's evaluations and action
items; the meetings of a cycle; an agency's projects and yellow cards. Who may
read them is decided in `services.project_pages`, `services.daily_report_pages`,
`services.ledger_pages` and `services.office_pages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from models.agency import Agency, AgencyTrackRecord
from models.award import Award
from models.cycle import Community, Cycle, Domain
from models.monitoring import (
    ActionItem,
    DailyReport,
    ExcusedDay,
    MonthlyEvaluation,
    WeeklyMeeting,
    YellowCard,
)
from models.project import Project


@dataclass(frozen=True)
class ProjectRow:
    """A project with what its pages name beside it."""

    project: Project
    award: Award
    agency: str
    domain: str
    community: str
    cycle: str


def _project_rows(session: Session, query):  # type: ignore[no-untyped-def]
    return [
        ProjectRow(project, award, agency, domain, community, cycle)
        for project, award, agency, domain, community, cycle in session.exec(query)
    ]


def _project_query():  # type: ignore[no-untyped-def]
    return (
        select(  # type: ignore[call-overload]
            Project, Award, Agency.name, Domain.name, Community.name, Cycle.name
        )
        .join(Award, col(Award.id) == Project.award_id)
        .join(Agency, col(Agency.id) == Project.agency_id)
        .join(Domain, col(Domain.id) == Project.domain_id)
        .join(Community, col(Community.id) == Project.community_id)
        .join(Cycle, col(Cycle.id) == Project.cycle_id)
    )


def list_project_rows(
    session: Session,
    *,
    cycle_id: int | None = None,
    domain_id: int | None = None,
    community_id: int | None = None,
    agency_id: int | None = None,
    status: str = "",
) -> list[ProjectRow]:
    """List projects (of one cycle, domain, community, agency and status when given), by id."""
    query = _project_query()
    for column, value in (
        (Project.cycle_id, cycle_id),
        (Project.domain_id, domain_id),
        (Project.community_id, community_id),
        (Project.agency_id, agency_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if status:
        query = query.where(Project.status == status)
    return _project_rows(session, query.order_by(col(Project.id)))


def get_project_row(session: Session, project_id: int) -> ProjectRow | None:
    """Return one project with its award and names, or None."""
    rows = _project_rows(session, _project_query().where(Project.id == project_id))
    return rows[0] if rows else None


def list_cycles(session: Session) -> list[Cycle]:
    """List every cycle, newest first."""
    return list(session.exec(select(Cycle).order_by(col(Cycle.id).desc())))


def list_cycle_domains(session: Session, *, cycle_id: int) -> list[Domain]:
    """List a cycle's domains in their order."""
    return list(
        session.exec(
            select(Domain).where(Domain.cycle_id == cycle_id).order_by(col(Domain.position))
        )
    )


def list_cycle_communities(session: Session, *, cycle_id: int) -> list[Community]:
    """List the communities of the cycle's street office, by name."""
    office = select(Cycle.street_office).where(Cycle.id == cycle_id).scalar_subquery()
    return list(
        session.exec(
            select(Community).where(Community.street_office == office).order_by(Community.name)
        )
    )


def list_agencies(session: Session) -> list[Agency]:
    """List every agency, by name."""
    return list(session.exec(select(Agency).order_by(Agency.name)))


def count_projects_by_agency(session: Session) -> dict[int, int]:
    """Count each agency's projects in every cycle."""
    rows = session.exec(
        select(col(Project.agency_id), func.count()).group_by(col(Project.agency_id))
    )
    return {agency_id: count for agency_id, count in rows}


def get_agency(session: Session, agency_id: int) -> Agency | None:
    """Return one agency, or None."""
    return session.get(Agency, agency_id)


def list_track_records(session: Session, *, agency_id: int) -> list[AgencyTrackRecord]:
    """List an agency's track records from past cycles, newest year first."""
    return list(
        session.exec(
            select(AgencyTrackRecord)
            .where(AgencyTrackRecord.agency_id == agency_id)
            .order_by(col(AgencyTrackRecord.year).desc())
        )
    )


def list_yellow_cards(session: Session, *, agency_id: int) -> list[YellowCard]:
    """List an agency's yellow cards, newest first."""
    return list(
        session.exec(
            select(YellowCard)
            .where(YellowCard.agency_id == agency_id)
            .order_by(col(YellowCard.issued_on).desc(), col(YellowCard.id).desc())
        )
    )


def list_report_versions_between(
    session: Session, *, project_id: int, first: date, last: date
) -> list[DailyReport]:
    """List every version of a project's reports for days in [first, last], by day and version."""
    return list(
        session.exec(
            select(DailyReport)
            .where(
                DailyReport.project_id == project_id,
                DailyReport.day >= first,
                DailyReport.day <= last,
            )
            .order_by(col(DailyReport.day), col(DailyReport.version))
        )
    )


def list_excused_days(
    session: Session, *, project_id: int, first: date, last: date
) -> list[ExcusedDay]:
    """List the days in [first, last] an officer excused the project from reporting."""
    return list(
        session.exec(
            select(ExcusedDay)
            .where(
                ExcusedDay.project_id == project_id,
                ExcusedDay.day >= first,
                ExcusedDay.day <= last,
            )
            .order_by(col(ExcusedDay.day))
        )
    )


def get_daily_report(session: Session, report_id: int) -> DailyReport | None:
    """Return one version of a daily report, or None."""
    return session.get(DailyReport, report_id)


def list_evaluations_of(session: Session, *, project_id: int) -> list[MonthlyEvaluation]:
    """List a project's monthly evaluations by month."""
    return list(
        session.exec(
            select(MonthlyEvaluation)
            .where(MonthlyEvaluation.project_id == project_id)
            .order_by(col(MonthlyEvaluation.month))
        )
    )


def list_items_of(session: Session, *, project_id: int) -> list[tuple[ActionItem, WeeklyMeeting]]:
    """List a project's action items with the meeting that raised each, oldest first."""
    return list(
        session.exec(
            select(ActionItem, WeeklyMeeting)
            .join(WeeklyMeeting, col(WeeklyMeeting.id) == ActionItem.meeting_id)
            .where(ActionItem.project_id == project_id)
            .order_by(col(WeeklyMeeting.held_on), col(ActionItem.seq))
        )
    )


def list_meetings(session: Session, *, cycle_id: int) -> list[WeeklyMeeting]:
    """List a cycle's weekly meetings, newest first."""
    return list(
        session.exec(
            select(WeeklyMeeting)
            .where(WeeklyMeeting.cycle_id == cycle_id)
            .order_by(col(WeeklyMeeting.held_on).desc(), col(WeeklyMeeting.id).desc())
        )
    )


def count_items_by_meeting(session: Session, *, cycle_id: int) -> dict[int, dict[str, int]]:
    """Count each meeting's action items by status."""
    rows = session.exec(
        select(ActionItem.meeting_id, ActionItem.status, func.count())
        .join(WeeklyMeeting, col(WeeklyMeeting.id) == ActionItem.meeting_id)
        .where(WeeklyMeeting.cycle_id == cycle_id)
        .group_by(col(ActionItem.meeting_id), col(ActionItem.status))
    )
    counts: dict[int, dict[str, int]] = {}
    for meeting_id, status, count in rows:
        counts.setdefault(meeting_id, {})[status] = count
    return counts


def get_meeting(session: Session, meeting_id: int) -> WeeklyMeeting | None:
    """Return one weekly meeting, or None."""
    return session.get(WeeklyMeeting, meeting_id)


def list_project_titles(session: Session, *, project_ids: list[int]) -> dict[int, str]:
    """Return these projects' titles by id."""
    if not project_ids:
        return {}
    rows = session.exec(select(Project.id, Project.title).where(col(Project.id).in_(project_ids)))
    return {project_id: title for project_id, title in rows if project_id is not None}


def list_evaluation_months(session: Session, *, cycle_id: int) -> list[str]:
    """List the months the cycle's projects have evaluations in, newest first."""
    rows = session.exec(
        select(MonthlyEvaluation.month)
        .join(Project, col(Project.id) == MonthlyEvaluation.project_id)
        .where(Project.cycle_id == cycle_id)
        .distinct()
    )
    return sorted(rows, reverse=True)
