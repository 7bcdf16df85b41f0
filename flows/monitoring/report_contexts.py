"""Building the 项目月度评估报告 contexts from stored rows, a batch of projects at a time.

Every figure a PDF shows is read here from the evaluation the monthly flow
stored and from the daily reports; the contexts carry plain values only. The
queries cover the whole batch at once, so a thousand projects cost a few
dozen queries, not thousands. Contact details of residents are never read
into a report context, and beneficiaries appear as counts only. Every user
text (issues, notes, action items, 评语) is masked here, as the context is
built, with the names of the people the cycle knows (`known_names`): the
context carries no whole phone, ID number or known person's name, and not
the list of names either, so a name learnt later (a new 责任人) changes a
report only where its text names that person.

A report tells its month as it was: money paid by the month's end, action
items as they stood that day, and the date of its publication (a draft
carries the run's date), so rendering it again later changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from sqlmodel import Session

from flows.fund.fund_reports import issuing_office
from models.calendar import month_bounds, month_label
from models.compliance import ReportStamp, is_late
from models.cycle import OfficeIdentity
from models.monitoring import ActionItem, DailyReport, MonthlyEvaluation
from models.privacy import mask_text
from models.project import Project
from models.report_calendar import ProjectRun
from models.status import (
    EVALUATION_STATUS_LABELS,
    ActionItemStatus,
    EvaluationStatus,
)
from reports.contexts import (
    ActionRow,
    BudgetRow,
    CriterionScore,
    DailyNote,
    DayPoint,
    DocumentHeader,
    IssueRow,
    MonthlyAssessmentContext,
    OutputRow,
)
from services import figures
from store import agencies, awards, closing, cycles, days_off, evaluations, meetings, monitoring
from store import people as people_store

NOTES_IN_REPORT = 6
ACTION_STATUS_LABELS = {
    ActionItemStatus.OPEN: "未完成",
    ActionItemStatus.DONE: "已完成",
    ActionItemStatus.DROPPED: "已取消",
}


@dataclass(frozen=True)
class Names:
    """The names a batch of reports shows, looked up once."""

    street_office: str
    cycle_name: str
    agencies: dict[int, str]
    domains: dict[int, str]
    communities: dict[int, str]
    users: dict[int, str]
    # The people the cycle knows (`known_names`): masked in every user text.
    people: tuple[str, ...] = ()


def known_names(session: Session, cycle_id: int) -> tuple[str, ...]:
    """The names of the people the cycle knows, masked in every user text (`store.people`)."""
    return people_store.list_known_names(session, cycle_id=cycle_id)


def mask_all(text: str, names: Sequence[str]) -> str:
    """Mask phones, ID numbers and the known people's names in one user text."""
    return mask_text(text, names=names)


def load_names(
    session: Session, cycle_id: int, *, user_ids: set[int], agency_ids: set[int] | None = None
) -> Names:
    """Look up the office, cycle, agency (these, or all), domain, community and user names once."""
    cycle = cycles.get_cycle(session, cycle_id)
    found = (
        agencies.list_agencies(session)
        if agency_ids is None
        else agencies.list_agencies_by_id(session, agency_ids=sorted(agency_ids))
    )
    return Names(
        cycle.street_office,
        cycle.name,
        {a.id: a.name for a in found},  # type: ignore[misc]
        {d.id: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)},  # type: ignore[misc]
        {
            c.id: c.name  # type: ignore[misc]
            for c in cycles.list_communities(session, street_office=cycle.street_office)
        },
        evaluations.list_user_names(session, user_ids=user_ids),
        known_names(session, cycle_id),
    )


def day_points(
    project: Project,
    reports: Sequence[DailyReport],
    *,
    month: str,
    tz: tzinfo,
    off: Collection[date] = (),
    run: ProjectRun | None = None,
) -> tuple[DayPoint, ...]:
    """Describe each day of the month for the daily trend chart.

    A day off (`off`: the call's holidays, the project's excused days) is not due, nor a
    day from the one the project stopped on (`run`, default: the project's own), and
    lateness is judged on the report's arrival, as the evening check judges them.
    """
    first, last = month_bounds(month)
    due = set((run or ProjectRun.of(project)).due_days(first, last, off=off))
    by_day = {r.day: r for r in reports}
    points = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        report = by_day.get(day)
        if day not in due:
            state = "not_due"
        elif report is None:
            state = "missing"
        elif report.no_activity_reason:
            state = "no_activity"
        else:
            state = "late" if is_late(ReportStamp.of(report), tz=tz) else "on_time"
        points.append(DayPoint(day, report.people_served if report else 0, state))
    return tuple(points)


def _issues(
    project: Project, reports: Sequence[DailyReport], names: Sequence[str]
) -> tuple[IssueRow, ...]:
    rows = []
    for report in reports:
        if report.issues:
            rows.append(IssueRow(project.title, report.day, "问题", mask_all(report.issues, names)))
        if report.risks:
            rows.append(IssueRow(project.title, report.day, "风险", mask_all(report.risks, names)))
    return tuple(rows)


def action_row(
    item: ActionItem, project_title: str, names: Sequence[str] = (), *, as_of: date | None = None
) -> ActionRow:
    """Describe an action item for a report, its text masked (the 责任人 is masked as printed).

    With `as_of`, the item is shown as it stood that day: one closed later is still 未完成.
    """
    closed_later = as_of is not None and item.closed_on is not None and item.closed_on > as_of
    status = ActionItemStatus.OPEN if closed_later else ActionItemStatus(item.status)
    return ActionRow(
        item.seq,
        project_title,
        mask_all(item.text, names),
        item.owner,
        item.due_on,
        ACTION_STATUS_LABELS[status],
        None if closed_later else item.closed_on,
    )


def document_date(evaluation: MonthlyEvaluation, today: date) -> date:
    """The date a monthly report carries: its publication's once published, else the run's."""
    published = evaluation.status == EvaluationStatus.PUBLISHED and evaluation.published_on
    return evaluation.published_on if published else today  # type: ignore[return-value]


def _month_items(items: Sequence[ActionItem], *, first: date, last: date) -> list[ActionItem]:
    # The month's items: those still open at its end and those closed during it.
    return [
        i
        for i in items
        if i.status == ActionItemStatus.OPEN or (i.closed_on is not None and first <= i.closed_on)
    ]


def assessment_context(
    project: Project,
    evaluation: MonthlyEvaluation,
    reports: Sequence[DailyReport],
    *,
    contract: tuple[str, int, int],
    items: Sequence[ActionItem],
    weights: dict[str, int],
    names: Names,
    today: date,
    tz: tzinfo,
    office: OfficeIdentity | None = None,
    off: Collection[date] = (),
    run: ProjectRun | None = None,
) -> MonthlyAssessmentContext:
    """Build one project's 项目月度评估报告 context; `office` signs it (its 落款).

    `off` holds the project's days off and `run` (default: the project's own) its due
    days, shown as not due on the daily chart outside them.
    """
    first, last = month_bounds(evaluation.month)
    contract_no, award_fen, paid_fen = contract
    users = names.users
    people = names.people
    return MonthlyAssessmentContext(
        header=DocumentHeader(
            names.street_office,
            names.cycle_name,
            "项目月度评估报告",
            document_date(evaluation, today),
        ),
        month=month_label(evaluation.month),
        status_label=EVALUATION_STATUS_LABELS[EvaluationStatus(evaluation.status)],
        is_final=evaluation.status == EvaluationStatus.PUBLISHED,
        project_title=project.title,
        agency_name=names.agencies.get(project.agency_id, ""),
        domain_name=names.domains.get(project.domain_id, ""),
        community_name=names.communities.get(project.community_id, ""),
        contract_no=contract_no,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        month_index=evaluation.month_index,
        months=project.months,
        award_fen=award_fen,
        paid_fen=paid_fen,
        reports_expected=evaluation.reports_expected,
        reports_submitted=evaluation.reports_submitted,
        reports_late=evaluation.reports_late,
        outputs=tuple(OutputRow(**row) for row in evaluation.indicators),
        beneficiaries_new=evaluation.beneficiaries_new,
        beneficiaries_to_date=evaluation.beneficiaries_to_date,
        volunteers=evaluation.volunteers,
        volunteer_minutes=evaluation.volunteer_minutes,
        service_minutes=evaluation.service_minutes,
        satisfaction_percent=evaluation.satisfaction_percent,
        budget_rows=tuple(BudgetRow(**row) for row in evaluation.budget_lines),
        budget_flagged=evaluation.budget_flagged,
        daily_points=day_points(project, reports, month=evaluation.month, tz=tz, off=off, run=run),
        issues=_issues(project, reports, people),
        items_closed=evaluation.items_closed,
        items_open=evaluation.items_open,
        action_items=tuple(
            action_row(i, project.title, people, as_of=last)
            for i in _month_items(items, first=first, last=last)
        ),
        criteria=tuple(
            CriterionScore(name, weight, evaluation.scores[name])
            for name, weight in weights.items()
            if name in evaluation.scores
        ),
        total_score=evaluation.total_score,
        grade=evaluation.grade,
        veto=mask_all(evaluation.veto, people),
        evaluator_name=users.get(evaluation.evaluator_id or 0, ""),
        comment=mask_all(evaluation.comment, people),
        reviewer_name=users.get(evaluation.reviewer_id or 0, ""),
        review_comment=mask_all(evaluation.review_comment, people),
        published_on=evaluation.published_on,
        notes=tuple(
            DailyNote(r.day, r.people_served, mask_all(r.summary, people))
            for r in reports
            if r.summary
        )[-NOTES_IN_REPORT:],
        office=office,
    )


def assessment_contexts(
    session: Session,
    *,
    cycle_id: int,
    month: str,
    project_ids: list[int],
    weights: dict[str, int],
    today: date,
    tz: tzinfo,
) -> list[tuple[int, MonthlyAssessmentContext]]:
    """Build (project id, context) for a batch of projects' evaluations for a month."""
    first, last = month_bounds(month)
    # Only the batch's own rows: a batch's work must not grow with the size of the cycle.
    projects = [
        p
        for p in awards.list_projects_by_id(session, project_ids=project_ids)
        if p.cycle_id == cycle_id
    ]
    found = evaluations.list_project_evaluations(session, project_ids=project_ids, months=[month])
    reports = monitoring.list_project_reports(
        session, project_ids=project_ids, first=first, last=last
    )
    contracts = _contracts(session, projects, cycle_id=cycle_id, paid_by=last)
    items = meetings.list_action_items(session, cycle_id=cycle_id, raised_by=last)
    user_ids = {u for e in found.values() for u in (e.evaluator_id, e.reviewer_id) if u}
    names = load_names(
        session, cycle_id, user_ids=user_ids, agency_ids={p.agency_id for p in projects}
    )
    office = issuing_office(session, cycle_id)
    off = days_off.list_days_off(
        session, cycle_id=cycle_id, project_ids=project_ids, first=first, last=last
    )
    closed = closing.get_closing(session, cycle_id=cycle_id)
    closed_on = closed.closed_on if closed else None
    return [
        (
            project.id,  # type: ignore[misc]
            assessment_context(
                project,
                found[(project.id, month)],  # type: ignore[index]
                reports.get(project.id, []),  # type: ignore[arg-type]
                contract=contracts[project.id],  # type: ignore[index]
                items=[i for i in items if i.project_id == project.id],
                weights=weights,
                names=names,
                today=today,
                tz=tz,
                office=office,
                off=off.get(project.id, frozenset()),  # type: ignore[arg-type]
                # The batch's own runs: its work must not grow with the size of the cycle.
                run=ProjectRun.of(project, closed_on=closed_on),
            ),
        )
        for project in projects
        if (project.id, month) in found
    ]


def _contracts(
    session: Session, projects: Sequence[Project], *, cycle_id: int, paid_by: date
) -> dict[int, tuple[str, int, int]]:
    """Each project's contract number, award and what was paid by `paid_by` (the month's end).

    The paid figure is the ledger's as of that day (`services.figures`), the one every
    document and the dashboard print.
    """
    award_ids = [p.award_id for p in projects]
    money = figures.award_money_as_of(session, cycle_id=cycle_id, as_of=paid_by)
    found = awards.list_awards_by_id(session, award_ids=award_ids)
    return {
        p.id: (  # type: ignore[misc]
            found[p.award_id].contract_no,
            found[p.award_id].amount_fen,
            money[p.award_id].paid_fen if p.award_id in money else 0,
        )
        for p in projects
    }
