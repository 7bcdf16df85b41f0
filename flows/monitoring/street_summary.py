"""Building the 街道月度汇总报告 context: every project of the cycle for one month.

Grades count only once an evaluation is published; until then a project
shows its review status. Projects that need attention are ranked by
severity with their reasons (`models.attention`), and fund use sets what the
fund raised, committed and paid beside what the projects report having spent.
Every headline figure comes from `services.figures`, as of the month's end.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, tzinfo

from sqlmodel import Session

from flows.fund.fund_reports import issuing_office
from flows.monitoring.report_contexts import load_names
from flows.runtime import get_tz
from models.attention import facts_of_evaluation, rank_attention
from models.calendar import month_bounds, month_label
from models.compliance import Compliance
from models.fund import DONOR_TYPE_LABELS, Donation, GiftKind
from models.indicators import read_plausibility
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.status import EVALUATION_STATUS_LABELS, EvaluationStatus
from reports.contexts import (
    DocumentHeader,
    DomainRow,
    DonorTypeRow,
    GradeCount,
    ProjectRow,
    RiskRow,
    StreetSummaryContext,
)
from reports.figures import (
    StreetSummaryAsOf,
    money_block,
    needs_rows,
    people_block,
    reports_block,
)
from services import figures
from store import awards, calls, evaluations, fund, meetings, notices
from store import figures as store_figures

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
    """List the projects that need attention, most severe first (`models.attention`)."""
    _, last = month_bounds(month)
    cards = Counter(
        c.project_id for c in notices.list_yellow_cards(session, cycle_id=cycle_id, month=month)
    )
    # Open at the month's end: still open, or closed only after it (the close's date is kept).
    overdue = Counter(
        i.project_id
        for i in meetings.list_action_items(session, cycle_id=cycle_id, raised_by=last)
        if i.due_on < last
        and (i.status == "open" or (i.closed_on is not None and i.closed_on > last))
    )
    try:
        limits = read_plausibility(calls.get_latest_call(session, cycle_id=cycle_id).rules)
    except LookupError:
        limits = read_plausibility(None)
    ranked = rank_attention(
        facts_of_evaluation(
            found[p.id],
            project_title=p.title,
            agency_name=names.agencies.get(p.agency_id, ""),
            yellow_cards=cards[p.id],
            overdue_items=overdue[p.id],
            limits=limits,
        )
        for p in projects
        if p.id in found
    )
    # The level leads the first reason: 【严重】日报告按时率 55%；本月黄牌 1 张.
    return tuple(
        RiskRow(
            r.project_title,
            r.agency_name,
            (f"【{r.level}】{r.reasons[0]}", *r.reasons[1:]) if r.reasons else (f"【{r.level}】",),
        )
        for r in ranked
    )


def street_summary_context(
    session: Session, *, cycle_id: int, month: str, today: date, tz: tzinfo | None = None
) -> StreetSummaryContext:
    """Build the 街道月度汇总报告 context of the cycle for `month`, as of the month's end.

    Money, needs and gifts are counted as of the month's last day (or `today`
    if the month has not ended); the month's daily reports count in the
    version that had reached the office by `today`, the report's date. So the
    June summary shows June's figures however late it is rendered.
    """
    first, last = month_bounds(month)
    as_of = min(last, today)
    projects = awards.list_projects(session, cycle_id=cycle_id)
    found = {
        e.project_id: e
        for e in evaluations.list_monthly_evaluations(session, cycle_id=cycle_id, month=month)
    }
    projects = [p for p in projects if p.id in found]
    names = load_names(session, cycle_id, user_ids=set())
    the_fund = fund.get_fund(session, cycle_id=cycle_id)
    money = figures.money_as_of(session, cycle_id=cycle_id, as_of=as_of)
    gifts = [
        g
        for g in fund.list_donations(session, fund_id=the_fund.id)  # type: ignore[arg-type]
        if g.donated_on <= as_of
    ]
    paid = {
        award_id: m.paid_fen
        for award_id, m in figures.award_money_as_of(
            session, cycle_id=cycle_id, as_of=as_of
        ).items()
    }
    award_fen = _award_fen(session, projects)
    people = figures.people_reached(
        session,
        cycle_id=cycle_id,
        first=first,
        last=as_of,
        known_by=today,
        project_ids={p.id for p in projects},  # type: ignore[misc]
    )
    served = {
        pid: p.service_visits
        for pid, p in figures.people_by_project(
            session, cycle_id=cycle_id, first=first, last=as_of, known_by=today
        ).items()
    }
    reports = figures.reports_due(
        session, cycle_id=cycle_id, first=first, last=as_of, tz=tz or get_tz(), known_by=today
    )
    needs_now = figures.needs_by_domain(session, cycle_id=cycle_id, as_of=as_of)
    keys = {
        d_id: key for d_id, key, _ in store_figures.list_domain_keys(session, cycle_id=cycle_id)
    }
    published = [e for e in found.values() if e.status == EvaluationStatus.PUBLISHED]
    return StreetSummaryAsOf(
        header=DocumentHeader(names.street_office, names.cycle_name, "街道月度汇总报告", today),
        month=month_label(month),
        domains=len({p.domain_id for p in projects}),
        agencies=len({p.agency_id for p in projects}),
        projects=len(projects),
        people_reached=people.service_visits,
        beneficiaries_new=sum(e.beneficiaries_new for e in found.values()),
        volunteer_minutes=people.volunteer_minutes,
        published=len(published),
        fund_raised_fen=money.raised_fen,
        committed_fen=money.committed_fen,
        paid_fen=money.paid_fen,
        balance_fen=money.available_fen,
        spent_to_date_fen=sum(e.spent_to_date_fen for e in found.values()),
        in_kind_gifts=sum(1 for g in gifts if g.kind == GiftKind.IN_KIND),
        yellow_cards=len(notices.list_yellow_cards(session, cycle_id=cycle_id, month=month)),
        donor_types=_donor_rows(gifts),
        domain_rows=_domain_rows(names, keys, needs_now, projects, found, paid, award_fen, served),
        project_rows=_project_rows(projects, found, names, served),
        grade_counts=_grade_counts([e.grade for e in published]),
        at_risk=_risks(session, cycle_id, month, projects, found, names),
        names=names.people,
        as_of=as_of,
        money=money_block(money),
        people=people_block(people),
        reports=reports_block(reports),
        needs=needs_rows(needs_now, {keys[d]: n for d, n in names.domains.items() if d in keys}),
        office=issuing_office(session, cycle_id),
    )


def _award_fen(session: Session, projects: list[Project]) -> dict[int, int]:
    found = awards.list_awards_by_id(session, award_ids=[p.award_id for p in projects])
    return {p.id: found[p.award_id].amount_fen for p in projects}  # type: ignore[misc]


def _domain_rows(
    names, keys, needs_now, projects, found, paid, award_fen, served
) -> tuple[DomainRow, ...]:  # type: ignore[no-untyped-def]
    rows = []
    for domain_id, domain_name in names.domains.items():
        own = [p for p in projects if p.domain_id == domain_id]
        demand = needs_now.of(keys.get(domain_id, ""))
        rows.append(
            DomainRow(
                domain_name=domain_name,
                needs=demand.groups,
                needs_weight=demand.residents,
                projects=len(own),
                award_fen=sum(award_fen[p.id] for p in own),
                paid_fen=sum(paid.get(p.award_id, 0) for p in own),
                spent_to_date_fen=sum(found[p.id].spent_to_date_fen for p in own),
                people_served=sum(served.get(p.id, 0) for p in own),
                grades=_grade_counts([g for p in own if (g := _published_grade(found[p.id]))]),
            )
        )
    return tuple(rows)


def _project_rows(projects, found, names, served) -> tuple[ProjectRow, ...]:  # type: ignore[no-untyped-def]
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
                people_served=served.get(p.id, 0),
                spent_to_date_fen=evaluation.spent_to_date_fen,
                budget_flagged=evaluation.budget_flagged,
            )
        )
    return tuple(sorted(rows, key=lambda r: (-(r.total_score or -1), r.project_title)))
