"""What the office reads about agencies, monthly evaluations and weekly meetings.

Staff and admins only (`services.project_pages.check_office`). The agency
registry shows each agency's contact masked; an agency's page adds its track
record, its projects in every cycle with their latest grade, and its yellow
cards. The evaluations of a month and the weekly meetings link their registered
PDFs. The fund ledger is `services.ledger_pages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from models.contract import mask_email
from models.privacy import mask_name, mask_person, mask_phone, mask_text
from services import Actor, NotFound, documents
from services.project_pages import Choice, EvaluationLine, check_office, evaluation_line
from store import evaluations, meetings, people
from store import project_pages as pages

# --- agencies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyLine:
    """One agency of the registry, its contact masked."""

    id: int
    name: str
    org_type: str
    credit_code: str
    contact: str
    phone: str
    email: str
    projects: int
    flagged: bool


@dataclass(frozen=True)
class AgencyPage:
    """One agency: its registry entry, track record, projects and yellow cards."""

    agency: AgencyLine
    registered_on: date
    annual_inspection: str
    inspection_year: int | None
    records: list[dict[str, Any]]
    projects: list[dict[str, Any]]
    cards: list[dict[str, Any]]


def _agency_line(agency: Any, count: int) -> AgencyLine:
    return AgencyLine(
        id=agency.id or 0,
        name=agency.name,
        org_type=agency.org_type,
        credit_code=agency.credit_code,
        contact=mask_name(agency.contact_name),
        phone=mask_phone(agency.contact_phone) if agency.contact_phone else "",
        email=mask_email(agency.contact_email) if agency.contact_email else "",
        projects=count,
        flagged=agency.on_abnormal_list or agency.on_serious_violation_list,
    )


def list_agencies(session: Session, *, actor: Actor) -> list[AgencyLine]:
    """List the agency registry with each agency's number of projects; contacts masked."""
    check_office(actor)
    counts = pages.count_projects_by_agency(session)
    return [_agency_line(a, counts.get(a.id or 0, 0)) for a in pages.list_agencies(session)]


def show_agency(session: Session, *, actor: Actor, agency_id: int) -> AgencyPage:
    """Return one agency's page: registry entry, track record, projects and yellow cards."""
    check_office(actor)
    agency = pages.get_agency(session, agency_id)
    if agency is None:
        raise NotFound(f"没有编号为 {agency_id} 的社会组织")
    rows = pages.list_project_rows(session, agency_id=agency_id)
    grades = {}
    for row in rows:
        done = pages.list_evaluations_of(session, project_id=row.project.id or 0)
        graded = [e for e in done if e.grade]
        grades[row.project.id] = (graded[-1].month, graded[-1].grade) if graded else ("", "")
    titles = {row.project.id: row.project.title for row in rows}
    return AgencyPage(
        agency=_agency_line(agency, len(rows)),
        registered_on=agency.registered_on,
        annual_inspection=agency.annual_inspection,
        inspection_year=agency.inspection_year,
        records=[
            {
                "year": r.year,
                "grade": r.grade,
                "yellow_cards": r.yellow_cards,
                "breaches": r.breaches,
                "note": mask_text(r.note),
            }
            for r in pages.list_track_records(session, agency_id=agency_id)
        ],
        projects=[
            {
                "id": row.project.id,
                "title": row.project.title,
                "cycle": row.cycle,
                "domain": row.domain,
                "status": row.project.status,
                "amount_fen": row.award.amount_fen,
                "grade_month": grades[row.project.id][0],
                "grade": grades[row.project.id][1],
            }
            for row in rows
        ],
        cards=[
            {
                "month": c.month,
                "issued_on": c.issued_on,
                "project_id": c.project_id,
                "title": titles.get(c.project_id, ""),
                "reason": mask_text(c.reason),
            }
            for c in pages.list_yellow_cards(session, agency_id=agency_id)
        ],
    )


# --- monthly evaluations -------------------------------------------------------------------


@dataclass(frozen=True)
class MonthEvaluations:
    """A cycle's evaluations of one month."""

    cycle_id: int
    cycles: list[Choice]
    month: str
    months: list[str]
    evaluations: list[EvaluationLine]


def list_month_evaluations(
    session: Session,
    *,
    actor: Actor,
    output_dir: Path,
    month: str = "",
    cycle_id: int | None = None,
) -> MonthEvaluations:
    """List a month's evaluations (the latest month by default) with their published PDFs."""
    check_office(actor)
    cycles = pages.list_cycles(session)
    cycle = next((c for c in cycles if cycle_id is None or c.id == cycle_id), None)
    if cycle is None:
        raise NotFound("还没有创投周期")
    months = pages.list_evaluation_months(session, cycle_id=cycle.id or 0)
    month = month or (months[0] if months else "")
    found = (
        evaluations.list_monthly_evaluations(session, cycle_id=cycle.id or 0, month=month)
        if month
        else []
    )
    titles = pages.list_project_titles(session, project_ids=[e.project_id for e in found])
    listing = documents.list_documents(
        session,
        actor=actor,
        output_dir=output_dir,
        subjects={f"project:{e.project_id}" for e in found},
    )
    pdfs = {
        d.subject: d.id
        for s in listing.sections
        for g in s.groups
        for d in g.documents
        if d.kind == "monthly_assessment" and d.period == month
    }
    return MonthEvaluations(
        cycle_id=cycle.id or 0,
        cycles=[Choice(c.id or 0, c.name) for c in cycles],
        month=month,
        months=months,
        evaluations=[
            evaluation_line(e, titles.get(e.project_id, ""), pdfs.get(f"project:{e.project_id}"))
            for e in found
        ],
    )


# --- weekly meetings -----------------------------------------------------------------------


def list_weekly_meetings(
    session: Session, *, actor: Actor, cycle_id: int | None = None
) -> list[dict[str, Any]]:
    """List a cycle's weekly meetings (the newest cycle by default) with their action items' counts."""
    check_office(actor)
    cycles = pages.list_cycles(session)
    cycle = next((c for c in cycles if cycle_id is None or c.id == cycle_id), None)
    if cycle is None:
        return []
    counts = pages.count_items_by_meeting(session, cycle_id=cycle.id or 0)
    return [
        {
            "id": m.id,
            "week_start": m.week_start,
            "held_on": m.held_on,
            "host": m.host,
            "headline": m.agenda.get("headline", ""),
            "has_minutes": bool(m.minutes),
            "open": counts.get(m.id or 0, {}).get("open", 0),
            "items": sum(counts.get(m.id or 0, {}).values()),
        }
        for m in pages.list_meetings(session, cycle_id=cycle.id or 0)
    ]


def show_meeting(
    session: Session, *, actor: Actor, meeting_id: int, output_dir: Path
) -> dict[str, Any]:
    """Return one weekly meeting: agenda, minutes, host, attendees, action items and PDFs (masked)."""
    check_office(actor)
    meeting = pages.get_meeting(session, meeting_id)
    if meeting is None:
        raise NotFound(f"没有编号为 {meeting_id} 的周例会")
    names = people.list_known_names(session, cycle_id=meeting.cycle_id)
    agenda = meeting.agenda or {}
    items = meetings.list_meeting_items(session, meeting_id=meeting_id)
    titles = pages.list_project_titles(
        session, project_ids=[i.project_id for i in items if i.project_id is not None]
    )
    listing = documents.list_documents(
        session, actor=actor, output_dir=output_dir, subjects={f"cycle:{meeting.cycle_id}"}
    )
    pdfs = [
        {"id": d.id, "kind": d.kind, "title": d.title, "edition": d.edition}
        for s in listing.sections
        for g in s.groups
        for d in g.documents
        if d.period == meeting.week_start.isoformat()
        and d.kind in ("weekly_agenda", "weekly_minutes")
    ]
    return {
        "id": meeting.id,
        "cycle_id": meeting.cycle_id,
        "week_start": meeting.week_start,
        "held_on": meeting.held_on,
        "host": meeting.host,
        "recorder": meeting.recorder,
        "attendees": mask_text(meeting.attendees, names),
        "minutes": mask_text(meeting.minutes, names),
        "headline": agenda.get("headline", ""),
        "progress": agenda.get("progress", []),
        "issues": [
            {**i, "text": mask_text(str(i.get("text", "")), names)}
            for i in agenda.get("issues", [])
        ],
        "at_risk": agenda.get("at_risk", []),
        "items": [
            {
                "id": i.id,
                "seq": i.seq,
                "project_id": i.project_id,
                "title": titles.get(i.project_id or 0, ""),
                "text": mask_text(i.text, names),
                "owner": mask_person(i.owner),
                "due_on": i.due_on,
                "status": i.status,
                "closed_on": i.closed_on,
                "closing_note": mask_text(i.closing_note, names),
            }
            for i in items
        ],
        "pdfs": pdfs,
    }
