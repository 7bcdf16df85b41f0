"""Building the 街道月度汇总报告 context: every project of the cycle for one month.

Grades count only once an evaluation is published; until then a project
shows its review status. Projects at risk are named with their reasons
(`models.indicators.risk_reasons`), and fund use sets what the fund raised,
committed and paid beside what the projects report having spent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlmodel import Session

from flows.monitoring.report_contexts import load_names
from models.calendar import month_bounds, month_label
from models.compliance import Compliance
from models.fund import DONOR_TYPE_LABELS, Donation, GiftKind
from models.indicators import Indicator, progress_percent, risk_reasons
from models.ledger import sum_balance
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.status import EVALUATION_STATUS_LABELS, EvaluationStatus, TrancheStatus
from reports.contexts import (
    DocumentHeader,
    DomainRow,
    DonorTypeRow,
    GradeCount,
    ProjectRow,
    RiskRow,
    StreetSummaryContext,
)
from store import awards, evaluations, fund, meetings, needs, notices

GRADE_ORDER = ("优秀", "良好", "合格", "不合格")


def _grade_counts(grades: list[str]) -> tuple[GradeCount, ...]:
    counts = Counter(grades)
    ordered = [g for g in GRADE_ORDER if g in counts] + sorted(set(counts) - set(GRADE_ORDER))
    return tuple(GradeCount(grade, counts[grade]) for grade in ordered)


def _compliance(evaluation: MonthlyEvaluation) -> int:
    return Compliance(
        evaluation.reports_expected, evaluation.reports_submitted, evaluation.reports_late, ()
    ).percent


def _published_grade(evaluation: MonthlyEvaluation | None) -> str:
    if evaluation is None or evaluation.status != EvaluationStatus.PUBLISHED:
        return ""
    return evaluation.grade


def _donor_rows(gifts: list[Donation]) -> tuple[DonorTypeRow, ...]:
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


def _risks(
    session: Session, cycle_id: int, month: str, projects: list[Project], found: dict, names
) -> tuple[RiskRow, ...]:  # type: ignore[no-untyped-def, type-arg]
    _, last = month_bounds(month)
    cards = Counter(
        c.project_id for c in notices.list_yellow_cards(session, cycle_id=cycle_id, month=month)
    )
    overdue = Counter(
        i.project_id
        for i in meetings.list_action_items(
            session, cycle_id=cycle_id, raised_by=last, status="open"
        )
        if i.due_on < last
    )
    rows = []
    for project in projects:
        evaluation = found.get(project.id)
        if evaluation is None:
            continue
        outputs = [
            Indicator(i["name"], i["unit"], i["planned"], i["actual"])
            for i in evaluation.indicators
        ]
        reasons = risk_reasons(
            compliance_percent=_compliance(evaluation),
            progress=progress_percent(outputs),
            budget_flagged=evaluation.budget_flagged,
            yellow_cards=cards[project.id],
            overdue_items=overdue[project.id],
            risks_reported=evaluation.risks_reported,
        )
        if reasons:
            rows.append(RiskRow(project.title, names.agencies.get(project.agency_id, ""), reasons))
    return tuple(rows)


def street_summary_context(
    session: Session, *, cycle_id: int, month: str, today: date
) -> StreetSummaryContext:
    """Build the 街道月度汇总报告 context of the cycle for `month`."""
    projects = awards.list_projects(session, cycle_id=cycle_id)
    found = {
        e.project_id: e
        for e in evaluations.list_monthly_evaluations(session, cycle_id=cycle_id, month=month)
    }
    projects = [p for p in projects if p.id in found]
    names = load_names(session, cycle_id, user_ids=set())
    the_fund = fund.get_fund(session, cycle_id=cycle_id)
    balance = sum_balance(fund.list_movements(session, fund_id=the_fund.id))  # type: ignore[arg-type]
    gifts = fund.list_donations(session, fund_id=the_fund.id)  # type: ignore[arg-type]
    paid, award_fen = _money(session, cycle_id, projects)
    published = [e for e in found.values() if e.status == EvaluationStatus.PUBLISHED]
    return StreetSummaryContext(
        header=DocumentHeader(names.street_office, names.cycle_name, "街道月度汇总报告", today),
        month=month_label(month),
        domains=len({p.domain_id for p in projects}),
        agencies=len({p.agency_id for p in projects}),
        projects=len(projects),
        people_reached=sum(e.people_served for e in found.values()),
        beneficiaries_new=sum(e.beneficiaries_new for e in found.values()),
        volunteer_minutes=sum(e.volunteer_minutes for e in found.values()),
        published=len(published),
        fund_raised_fen=balance.raised_fen,
        committed_fen=balance.committed_fen,
        paid_fen=balance.paid_fen,
        balance_fen=balance.available_fen,
        spent_to_date_fen=sum(e.spent_to_date_fen for e in found.values()),
        in_kind_gifts=sum(1 for g in gifts if g.kind == GiftKind.IN_KIND),
        yellow_cards=len(notices.list_yellow_cards(session, cycle_id=cycle_id, month=month)),
        donor_types=_donor_rows(gifts),
        domain_rows=_domain_rows(session, cycle_id, names, projects, found, paid, award_fen),
        project_rows=_project_rows(projects, found, names),
        grade_counts=_grade_counts([e.grade for e in published]),
        at_risk=_risks(session, cycle_id, month, projects, found, names),
    )


def _money(
    session: Session, cycle_id: int, projects: list[Project]
) -> tuple[dict[int, int], dict[int, int]]:
    paid: dict[int, int] = defaultdict(int)
    for tranche, project in awards.list_cycle_tranches(session, cycle_id=cycle_id):
        if tranche.status == TrancheStatus.RELEASED:
            paid[project.id] += tranche.amount_fen  # type: ignore[index]
    found = awards.list_awards_by_id(session, award_ids=[p.award_id for p in projects])
    return paid, {p.id: found[p.award_id].amount_fen for p in projects}  # type: ignore[misc]


def _domain_rows(
    session, cycle_id, names, projects, found, paid, award_fen
) -> tuple[DomainRow, ...]:  # type: ignore[no-untyped-def]
    leads = needs.list_needs(session, cycle_id=cycle_id, leads_only=True)
    rows = []
    for domain_id, domain_name in names.domains.items():
        own = [p for p in projects if p.domain_id == domain_id]
        rows.append(
            DomainRow(
                domain_name=domain_name,
                needs=sum(1 for n in leads if n.domain_id == domain_id),
                needs_weight=sum(n.weight for n in leads if n.domain_id == domain_id),
                projects=len(own),
                award_fen=sum(award_fen[p.id] for p in own),
                paid_fen=sum(paid[p.id] for p in own),
                spent_to_date_fen=sum(found[p.id].spent_to_date_fen for p in own),
                people_served=sum(found[p.id].people_served for p in own),
                grades=_grade_counts([g for p in own if (g := _published_grade(found[p.id]))]),
            )
        )
    return tuple(rows)


def _project_rows(projects, found, names) -> tuple[ProjectRow, ...]:  # type: ignore[no-untyped-def]
    rows = []
    for p in projects:
        evaluation = found[p.id]
        grade = _published_grade(evaluation)
        rows.append(
            ProjectRow(
                project_title=p.title,
                agency_name=names.agencies.get(p.agency_id, ""),
                domain_name=names.domains.get(p.domain_id, ""),
                status_label=EVALUATION_STATUS_LABELS[EvaluationStatus(evaluation.status)],
                total_score=evaluation.total_score if grade else None,
                grade=grade,
                compliance_percent=_compliance(evaluation),
                people_served=evaluation.people_served,
                spent_to_date_fen=evaluation.spent_to_date_fen,
                budget_flagged=evaluation.budget_flagged,
            )
        )
    return tuple(sorted(rows, key=lambda r: (-(r.total_score or -1), r.project_title)))
