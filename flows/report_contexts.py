"""Tasks that read the database and build the documented report contexts.

Every figure a PDF shows is read here from stored rows; the contexts carry
plain values only. Contact details of residents are never read into a
report context.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlmodel import Session

from flows.runtime import io_task, session_scope
from models.calendar import month_bounds, month_label
from models.fund import DONOR_TYPE_LABELS, GiftKind
from models.ledger import sum_balance
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.status import TrancheStatus
from models.user import User
from reports.contexts import (
    CriterionScore,
    DailyNote,
    DocumentHeader,
    DomainRow,
    DonorTypeRow,
    GradeCount,
    IndicatorRow,
    MonthlyAssessmentContext,
    ProjectRow,
    StreetSummaryContext,
)
from store import awards, calls, cycles, fund, monitoring, needs

NOTES_IN_REPORT = 6


def _header(session: Session, cycle_id: int, title: str, today: date) -> DocumentHeader:
    cycle = cycles.get_cycle(session, cycle_id)
    return DocumentHeader(cycle.street_office, cycle.name, title, today)


def _paid_fen(session: Session, award_id: int) -> int:
    return sum(
        t.amount_fen
        for t in awards.list_tranches(session, award_id=award_id)
        if t.status == TrancheStatus.RELEASED
    )


@io_task
def build_assessment_context(
    project_id: int, month: str, weights: dict[str, int], today: date
) -> MonthlyAssessmentContext:
    """Build one project's 月度评估报告 context from stored rows."""
    first, last = month_bounds(month)
    with session_scope() as session:
        project = awards.get_project(session, project_id)
        evaluation = _evaluation(session, project, month)
        reports = [
            r
            for r in monitoring.list_daily_reports(
                session, cycle_id=project.cycle_id, first=first, last=last
            )
            if r.project_id == project_id
        ]
        award = session.get_one(awards.Award, project.award_id)
        evaluator = session.get(User, evaluation.evaluator_id) if evaluation.evaluator_id else None
        planned = evaluation.people_planned
        return MonthlyAssessmentContext(
            header=_header(session, project.cycle_id, "月度评估报告", today),
            month=month_label(month),
            project_title=project.title,
            agency_name=_agency_name(session, project.agency_id),
            domain_name=_domain_name(session, project),
            community_name=_community_name(session, project),
            award_fen=award.amount_fen,
            paid_fen=_paid_fen(session, award.id),  # type: ignore[arg-type]
            reports_expected=evaluation.reports_expected,
            reports_submitted=evaluation.reports_submitted,
            reports_late=evaluation.reports_late,
            people_planned=planned,
            people_served=evaluation.people_served,
            indicators=(
                IndicatorRow(
                    "日报告", "份", evaluation.reports_expected, evaluation.reports_submitted
                ),
                IndicatorRow(
                    "按时日报告",
                    "份",
                    evaluation.reports_expected,
                    evaluation.reports_submitted - evaluation.reports_late,
                ),
            ),
            criteria=tuple(
                CriterionScore(name, weight, evaluation.scores[name])
                for name, weight in weights.items()
            ),
            total_score=evaluation.total_score,
            grade=evaluation.grade,
            evaluator_name=evaluator.name if evaluator else "",
            comment=evaluation.comment,
            open_action_items=tuple(
                f"{i.text}（责任方：{i.owner}，{i.due_on:%m月%d日}前）"
                for i in monitoring.list_open_action_items(
                    session, project_id=project_id, until=last
                )
            ),
            notes=tuple(DailyNote(r.day, r.people_served, r.summary) for r in reports if r.summary)[
                -NOTES_IN_REPORT:
            ],
        )


def _evaluation(session: Session, project: Project, month: str) -> MonthlyEvaluation:
    for evaluation in monitoring.list_monthly_evaluations(
        session, cycle_id=project.cycle_id, month=month
    ):
        if evaluation.project_id == project.id:
            return evaluation
    raise LookupError(f"项目「{project.title}」还没有 {month} 的月评估")


def _agency_name(session: Session, agency_id: int) -> str:
    return next(a.name for a in calls.list_agencies(session) if a.id == agency_id)


def _domain_name(session: Session, project: Project) -> str:
    return next(
        d.name
        for d in cycles.list_domains(session, cycle_id=project.cycle_id)
        if d.id == project.domain_id
    )


def _community_name(session: Session, project: Project) -> str:
    cycle = cycles.get_cycle(session, project.cycle_id)
    return next(
        c.name
        for c in cycles.list_communities(session, street_office=cycle.street_office)
        if c.id == project.community_id
    )


@io_task
def build_street_summary_context(cycle_id: int, month: str, today: date) -> StreetSummaryContext:
    """Build the street-wide 街道月度汇总报告 context from stored rows."""
    with session_scope() as session:
        projects = awards.list_projects(session, cycle_id=cycle_id)
        evaluations = {
            e.project_id: e
            for e in monitoring.list_monthly_evaluations(session, cycle_id=cycle_id, month=month)
        }
        the_fund = fund.get_fund(session, cycle_id=cycle_id)
        balance = sum_balance(fund.list_movements(session, fund_id=the_fund.id))  # type: ignore[arg-type]
        gifts = fund.list_donations(session, fund_id=the_fund.id)  # type: ignore[arg-type]
        agencies = {a.id: a.name for a in calls.list_agencies(session)}
        domains = cycles.list_domains(session, cycle_id=cycle_id)
        award_fen = {p.id: session.get_one(awards.Award, p.award_id).amount_fen for p in projects}
        return StreetSummaryContext(
            header=_header(session, cycle_id, "街道月度汇总报告", today),
            month=month_label(month),
            domains=len({p.domain_id for p in projects}),
            agencies=len({p.agency_id for p in projects}),
            projects=len(projects),
            people_reached=sum(e.people_served for e in evaluations.values()),
            fund_raised_fen=balance.raised_fen,
            committed_fen=balance.committed_fen,
            paid_fen=balance.paid_fen,
            balance_fen=balance.available_fen,
            in_kind_gifts=sum(1 for g in gifts if g.kind == GiftKind.IN_KIND),
            donor_types=_donor_rows(gifts),
            domain_rows=_domain_rows(session, cycle_id, domains, projects, evaluations, award_fen),
            project_rows=_project_rows(session, projects, evaluations, agencies, domains),
            grade_counts=tuple(
                GradeCount(grade, count)
                for grade, count in Counter(e.grade for e in evaluations.values()).most_common()
            ),
        )


def _donor_rows(gifts: list) -> tuple[DonorTypeRow, ...]:  # type: ignore[type-arg]
    donors: dict[str, set[str]] = defaultdict(set)
    amounts: dict[str, int] = defaultdict(int)
    for gift in gifts:
        if gift.kind == GiftKind.CASH:
            donors[gift.donor_type].add(gift.donor_name)
            amounts[gift.donor_type] += gift.amount_fen
    return tuple(
        DonorTypeRow(label, len(donors[key]), amounts[key])
        for key, label in DONOR_TYPE_LABELS.items()
        if key in donors
    )


def _domain_rows(
    session, cycle_id, domains, projects, evaluations, award_fen
) -> tuple[DomainRow, ...]:  # type: ignore[no-untyped-def]
    leads = needs.list_needs(session, cycle_id=cycle_id, leads_only=True)
    rows = []
    for domain in domains:
        own = [p for p in projects if p.domain_id == domain.id]
        rows.append(
            DomainRow(
                domain_name=domain.name,
                needs=sum(1 for n in leads if n.domain_id == domain.id),
                needs_weight=sum(n.weight for n in leads if n.domain_id == domain.id),
                projects=len(own),
                award_fen=sum(award_fen[p.id] for p in own),
                people_served=sum(
                    evaluations[p.id].people_served for p in own if p.id in evaluations
                ),
            )
        )
    return tuple(rows)


def _project_rows(session, projects, evaluations, agencies, domains) -> tuple[ProjectRow, ...]:  # type: ignore[no-untyped-def]
    names = {d.id: d.name for d in domains}
    rows = [
        ProjectRow(
            project_title=p.title,
            agency_name=agencies[p.agency_id],
            domain_name=names[p.domain_id],
            total_score=evaluations[p.id].total_score,
            grade=evaluations[p.id].grade,
            compliance_percent=round(
                100
                * (evaluations[p.id].reports_submitted - evaluations[p.id].reports_late)
                / max(evaluations[p.id].reports_expected, 1)
            ),
            people_served=evaluations[p.id].people_served,
        )
        for p in projects
        if p.id in evaluations
    ]
    return tuple(sorted(rows, key=lambda r: (-r.total_score, r.project_title)))
