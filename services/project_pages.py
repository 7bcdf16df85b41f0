"""What the office reads about its projects (服务项目): the list and one project.

Only street-office staff and admins read these pages; anyone else is refused
(`Forbidden`). Each function returns plain values for a page: the project list
filtered by cycle, domain, community, agency and status; a project with its
contract (资助协议), tranches, money as of today (`services.figures`), a month
of its daily-report calendar (`models.report_calendar`), its evaluations,
action items and documents (`services.documents`), and the funded proposal's
attachments (`services.attachments`). Free text is masked
(`models.privacy.mask_text`, with the names the cycle's records know). A daily
report and its versions are `services.daily_report_pages`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from models.calendar import PeriodError, month_bounds
from models.compliance import arrival
from models.privacy import mask_person, mask_text
from models.report_calendar import DayCell, ProjectRun, count_states, day_cells
from models.status import ProjectStatus, Role
from services import Actor, Forbidden, NotFound, Refused, attachments, documents, figures
from store import awards, days_off, people
from store import project_pages as pages

OFFICE_ROLES = (Role.STAFF, Role.ADMIN)
PROJECT_STATUSES = tuple(ProjectStatus)


def check_office(actor: Actor) -> None:
    """Refuse anyone but street-office staff and admins."""
    if actor.role not in OFFICE_ROLES:
        raise Forbidden("只有街道工作人员可以查看这一页")


@dataclass(frozen=True)
class Choice:
    """One option of a filter."""

    id: int
    name: str


@dataclass(frozen=True)
class ProjectLine:
    """One project in the list."""

    id: int
    title: str
    cycle: str
    agency_id: int
    agency: str
    domain: str
    community: str
    status: str
    contract_no: str
    amount_fen: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class ProjectList:
    """The project list with its filters' options and what was chosen."""

    cycles: list[Choice]
    domains: list[Choice]
    communities: list[Choice]
    agencies: list[Choice]
    chosen: dict[str, Any]
    projects: list[ProjectLine]


def _line(row: pages.ProjectRow) -> ProjectLine:
    p = row.project
    return ProjectLine(
        id=p.id or 0,
        title=p.title,
        cycle=row.cycle,
        agency_id=p.agency_id,
        agency=row.agency,
        domain=row.domain,
        community=row.community,
        status=p.status,
        contract_no=row.award.contract_no,
        amount_fen=row.award.amount_fen,
        starts_on=p.starts_on,
        ends_on=p.ends_on,
    )


def list_projects(
    session: Session,
    *,
    actor: Actor,
    cycle_id: int | None = None,
    domain_id: int | None = None,
    community_id: int | None = None,
    agency_id: int | None = None,
    status: str = "",
) -> ProjectList:
    """List the projects of a cycle (the newest by default), filtered as asked."""
    check_office(actor)
    cycles = pages.list_cycles(session)
    if cycle_id is None and cycles:
        cycle_id = cycles[0].id
    if status and status not in PROJECT_STATUSES:
        raise Refused(f"项目状态只能是 {'/'.join(PROJECT_STATUSES)}，收到 {status!r}")
    rows = pages.list_project_rows(
        session,
        cycle_id=cycle_id,
        domain_id=domain_id,
        community_id=community_id,
        agency_id=agency_id,
        status=status,
    )
    return ProjectList(
        cycles=[Choice(c.id or 0, c.name) for c in cycles],
        domains=[
            Choice(d.id or 0, d.name)
            for d in (pages.list_cycle_domains(session, cycle_id=cycle_id) if cycle_id else [])
        ],
        communities=[
            Choice(c.id or 0, c.name)
            for c in (pages.list_cycle_communities(session, cycle_id=cycle_id) if cycle_id else [])
        ],
        agencies=[Choice(a.id or 0, a.name) for a in pages.list_agencies(session)],
        chosen={
            "cycle_id": cycle_id,
            "domain_id": domain_id,
            "community_id": community_id,
            "agency_id": agency_id,
            "status": status,
        },
        projects=[_line(row) for row in rows],
    )


@dataclass(frozen=True)
class TrancheLine:
    """One tranche of the contract."""

    seq: int
    amount_fen: int
    condition: str
    status: str
    released_on: date | None


@dataclass(frozen=True)
class ItemLine:
    """One action item, with the meeting that raised it."""

    id: int
    meeting_id: int
    held_on: date
    seq: int
    text: str
    owner: str
    due_on: date
    status: str
    closed_on: date | None
    closing_note: str


@dataclass(frozen=True)
class MeetingLine:
    """A weekly meeting held while the project ran, and the project's items raised at it."""

    id: int
    week_start: date
    held_on: date
    items: int


@dataclass(frozen=True)
class EvaluationLine:
    """One monthly evaluation, as its lists show it."""

    id: int
    project_id: int
    title: str
    month: str
    status: str
    total_score: float | None
    grade: str
    scored: bool
    reviewed: bool
    published_on: date | None
    reports: str
    pdf_id: int | None = None


@dataclass(frozen=True)
class ProjectPage:
    """Everything the project page shows."""

    project: ProjectLine
    proposal_id: int
    people_planned: int
    committed_fen: int
    paid_fen: int
    as_of: date
    contract_id: int | None
    tranches: list[TrancheLine]
    month: str
    months: list[str]
    cells: list[DayCell]
    counts: dict[str, int]
    evaluations: list[EvaluationLine]
    items: list[ItemLine]
    documents: documents.Listing
    excused: dict[date, str] = field(default_factory=dict)
    meetings: list[MeetingLine] = field(default_factory=list)
    attachments: list[attachments.AttachmentLine] = field(default_factory=list)
    """The funded proposal's 附件 (downloads at /agency/proposals/{proposal_id}/attachments/{id})."""


def _months(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def evaluation_line(evaluation: Any, title: str, pdf_id: int | None = None) -> EvaluationLine:
    """An evaluation as the lists show it."""
    return EvaluationLine(
        id=evaluation.id or 0,
        project_id=evaluation.project_id,
        title=title,
        month=evaluation.month,
        status=evaluation.status,
        total_score=evaluation.total_score,
        grade=evaluation.grade,
        scored=evaluation.scored_at is not None,
        reviewed=evaluation.reviewed_at is not None,
        published_on=evaluation.published_on,
        reports=f"{evaluation.reports_submitted}/{evaluation.reports_expected}",
        pdf_id=pdf_id,
    )


def _latest(listing: documents.Listing, kind: str, period: str = "") -> int | None:
    for section in listing.sections:
        for group in section.groups:
            for document in group.documents:
                if document.kind == kind and (not period or document.period == period):
                    return document.id
    return None


def month_calendar(
    session: Session, row: pages.ProjectRow, month: str, now: datetime
) -> tuple[list[DayCell], dict[date, str]]:
    """A project's calendar cells of a month, and the reasons of its excused days."""
    p = row.project
    first, last = month_bounds(month)
    versions = pages.list_report_versions_between(
        session, project_id=p.id or 0, first=first, last=last
    )
    arrivals: dict[date, tuple[int, datetime]] = {}
    for day in sorted({v.day for v in versions}):
        of_day = [v for v in versions if v.day == day]
        current = next((v for v in of_day if v.is_current), of_day[-1])
        arrivals[day] = (current.id or 0, arrival(of_day[0]))
    excused = {
        e.day: e.reason
        for e in pages.list_excused_days(session, project_id=p.id or 0, first=first, last=last)
    }
    cells = day_cells(
        ProjectRun(p.starts_on, p.ends_on, p.status, p.status_on),
        month,
        arrivals=arrivals,
        excused=excused,
        today=now.date(),
        tz=now.tzinfo or UTC,
        holidays=days_off.list_holidays(session, cycle_id=p.cycle_id),
    )
    return cells, excused


def show_project(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    project_id: int,
    output_dir: Path,
    month: str = "",
) -> ProjectPage:
    """Return one project's page, its calendar at `month` (default: this month within its run)."""
    check_office(actor)
    row = pages.get_project_row(session, project_id)
    if row is None:
        raise NotFound(f"没有编号为 {project_id} 的服务项目")
    p = row.project
    months = _months(p.starts_on, p.ends_on)
    today = now.date().strftime("%Y-%m")
    month = month or (
        today if today in months else (months[-1] if today > months[-1] else months[0])
    )
    try:
        month_bounds(month)
    except PeriodError as error:
        raise Refused(str(error)) from None
    cells, excused = month_calendar(session, row, month, now)
    names = people.list_known_names(session, cycle_id=p.cycle_id)
    items = pages.list_items_of(session, project_id=project_id)
    money = figures.award_money_as_of(session, cycle_id=p.cycle_id, as_of=now.date())
    award_money = money.get(row.award.id or 0)
    listing = documents.list_documents(
        session,
        actor=actor,
        output_dir=output_dir,
        subjects={f"project:{project_id}", f"proposal:{row.award.proposal_id}"},
    )
    return ProjectPage(
        project=_line(row),
        proposal_id=row.award.proposal_id,
        people_planned=p.people_planned,
        committed_fen=award_money.committed_fen if award_money else 0,
        paid_fen=award_money.net_paid_fen if award_money else 0,
        as_of=now.date(),
        contract_id=_latest(listing, "contract"),
        tranches=[
            TrancheLine(t.seq, t.amount_fen, t.condition, t.status, t.released_on)
            for t in awards.list_tranches(session, award_id=row.award.id or 0)
        ],
        month=month,
        months=months,
        cells=cells,
        counts=count_states(cells),
        evaluations=[
            evaluation_line(e, p.title, _latest(listing, "monthly_assessment", e.month))
            for e in pages.list_evaluations_of(session, project_id=project_id)
        ],
        items=[_item(item, meeting, names) for item, meeting in items],
        documents=listing,
        excused=excused,
        meetings=_meetings(session, row, items),
        attachments=attachments.list_attachments(
            session, actor=actor, proposal_id=row.award.proposal_id
        ),
    )


def _meetings(
    session: Session, row: pages.ProjectRow, items: list[tuple[Any, Any]]
) -> list[MeetingLine]:
    """The cycle's weekly meetings about a week of the project's run (each covers every running project)."""
    p = row.project
    raised: dict[int, int] = {}
    for _, meeting in items:
        raised[meeting.id or 0] = raised.get(meeting.id or 0, 0) + 1
    return [
        MeetingLine(m.id or 0, m.week_start, m.held_on, raised.get(m.id or 0, 0))
        for m in pages.list_meetings(session, cycle_id=p.cycle_id)
        if (m.week_start <= p.ends_on and m.week_start + timedelta(days=6) >= p.starts_on)
        or (m.id or 0) in raised
    ]


def _item(item: Any, meeting: Any, names: tuple[str, ...]) -> ItemLine:
    return ItemLine(
        id=item.id or 0,
        meeting_id=meeting.id or 0,
        held_on=meeting.held_on,
        seq=item.seq,
        text=mask_text(item.text, names),
        owner=mask_person(item.owner),
        due_on=item.due_on,
        status=item.status,
        closed_on=item.closed_on,
        closing_note=mask_text(item.closing_note, names),
    )
