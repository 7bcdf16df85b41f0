"""What the office reads of one daily report (日报告): every version of its day, masked.

Staff and admins only (`services.project_pages.check_office`). The page shows
the day's state in the project's calendar (`models.report_calendar`), and each
version newest first: when it was sent and, for paper, when it reached the
office; its activities, figures and spending; its free text masked with the
names the cycle's records know (`models.privacy.mask_text`). Reading it is
logged, as every view of what a report says about people is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.monitoring import ACTIVITY_KIND_LABELS, DailyReport
from models.privacy import mask_text
from services import Actor, NotFound, audit
from services.project_pages import check_office, month_calendar
from store import people
from store import project_pages as pages
from store.database import unit_of_work


@dataclass(frozen=True)
class ReportVersion:
    """One version of a daily report, masked."""

    id: int
    version: int
    is_current: bool
    submitted_at: datetime
    received_at: datetime | None
    source: str
    no_activity_reason: str
    activities: list[tuple[str, str, int]]
    people_served: int
    beneficiaries: int
    service_minutes: int
    volunteers: int
    volunteer_minutes: int
    spend_fen: dict[str, int]
    issues: str
    risks: str
    summary: str
    attachments: list[str]


@dataclass(frozen=True)
class ReportPage:
    """A daily report: its project and day, and every version of that day, newest first."""

    id: int
    project_id: int
    title: str
    agency: str
    day: date
    state: str
    excused_reason: str | None
    versions: list[ReportVersion]


def _version(report: DailyReport, names: tuple[str, ...]) -> ReportVersion:
    def masked(text: str) -> str:
        return mask_text(text, names)

    return ReportVersion(
        id=report.id or 0,
        version=report.version,
        is_current=report.is_current,
        submitted_at=report.submitted_at,
        received_at=report.received_at,
        source=report.source,
        no_activity_reason=masked(report.no_activity_reason),
        activities=[
            (
                ACTIVITY_KIND_LABELS.get(a.get("kind", ""), str(a.get("kind", ""))),
                masked(str(a.get("title", ""))),
                int(a.get("people", 0) or 0),
            )
            for a in report.activities
        ],
        people_served=report.people_served,
        beneficiaries=len(report.beneficiary_refs),
        service_minutes=report.service_minutes,
        volunteers=report.volunteers,
        volunteer_minutes=report.volunteer_minutes,
        spend_fen=dict(report.spend_fen),
        issues=masked(report.issues),
        risks=masked(report.risks),
        summary=masked(report.summary),
        attachments=[masked(a) for a in report.attachments],
    )


def show_daily_report(
    session: Session, *, actor: Actor, now: datetime, report_id: int
) -> ReportPage:
    """Return a daily report with every version of its day (masked); the reading is logged."""
    check_office(actor)
    report = pages.get_daily_report(session, report_id)
    row = pages.get_project_row(session, report.project_id) if report else None
    if report is None or row is None:
        raise NotFound(f"没有编号为 {report_id} 的日报告")
    month = report.day.strftime("%Y-%m")
    cells, excused = month_calendar(session, row, month, now)
    state = next(c.state for c in cells if c.day == report.day)
    versions = pages.list_report_versions_between(
        session, project_id=report.project_id, first=report.day, last=report.day
    )
    names = people.list_known_names(session, cycle_id=row.project.cycle_id)
    with unit_of_work(session):
        audit.record(
            session,
            actor=actor,
            now=now,
            action="view_daily_report",
            subject_type="daily_report",
            subject_id=report_id,
            detail=f"{row.project.title} {report.day.isoformat()}（已脱敏）",
        )
    return ReportPage(
        id=report_id,
        project_id=report.project_id,
        title=row.project.title,
        agency=row.agency,
        day=report.day,
        state=state,
        excused_reason=excused.get(report.day),
        versions=[_version(v, names) for v in reversed(versions)],
    )
