"""Task `measure_finals`: measure each project's whole period for its final evaluation (结项评估).

For every project that ran (not terminated) it reads, up to the period's end:
the daily reports (compliance counted as the evening check counts it, with
lateness on the arrival time and the call's holidays and excused days not
due, nor the days from the one a suspended project stopped on:
`models.report_calendar.ProjectRun.due_days`; 服务人次, 活动场次, distinct beneficiaries, volunteer hours, spend), the contract's KPI targets for the project months
in the period, the budget planned to that month, every monthly evaluation
(published totals and grades, months vetoed), its yellow cards, and the
needs its proposal cited with the number of residents who raised each.
An approved or published final evaluation is frozen and left alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import date, tzinfo

from sqlmodel import Session

from flows.monitoring.monthly_measures import facts_of
from flows.runtime import io_task, session_scope
from models.call_rules import CallRules, read_call_rules
from models.compliance import ReportStamp, measure_compliance
from models.demand import rank_groups
from models.evaluation import is_veto, monthly_plan
from models.final_evaluation import (
    FinalEvaluation,
    FinalMeasures,
    evaluator_final_criteria,
    final_criteria,
    score_final,
)
from models.indicators import (
    OUTPUTS,
    SERVICE_VISITS,
    Indicator,
    measure_budget,
    measure_outputs,
    month_index,
    sum_spend,
)
from models.monitoring import DailyReport, MonthlyEvaluation
from models.project import Project
from models.report_calendar import ProjectRun
from models.status import EvaluationStatus, ProjectStatus
from store import awards, calls, closing, days_off, monitoring, needs, notices, plans, proposals

FROZEN = (EvaluationStatus.APPROVED, EvaluationStatus.PUBLISHED)


def period_targets(
    project: Project, targets: dict[int, dict[str, int]], *, months: int
) -> dict[str, int]:
    """Add up the KPI targets of the project's first `months` months (服务人次 by plan if none)."""
    total: Counter[str] = Counter()
    for index in range(1, months + 1):
        planned = dict(targets.get(index, {}))
        planned.setdefault(SERVICE_VISITS, monthly_plan(project.people_planned, project.months))
        total.update(planned)
    return dict(total)


def measure_final(
    project: Project,
    reports: Sequence[DailyReport],
    *,
    period_end: date,
    monthly: Sequence[MonthlyEvaluation],
    budget: dict[str, int],
    targets: dict[int, dict[str, int]],
    cited: list[dict],  # type: ignore[type-arg]
    yellow_cards: int,
    tz: tzinfo,
    off: Collection[date] = (),
    run: ProjectRun | None = None,
) -> FinalEvaluation:
    """Measure one project's whole period up to `period_end`.

    `off` holds the days that are not due: the call's holidays and the project's excused days;
    `run` (default: the project's own) says until when reports are due.
    """
    last = min(project.ends_on, period_end)
    elapsed = max(1, min(project.months, month_index(project.starts_on, last.strftime("%Y-%m"))))
    during = [facts_of(r) for r in reports if project.starts_on <= r.day <= last]
    outputs = measure_outputs(
        during, targets=period_targets(project, targets, months=elapsed), seen_before=set()
    )
    due = (run or ProjectRun.of(project)).due_days(project.starts_on, last, off=off)
    stamps = [ReportStamp.of(r) for r in reports if r.day <= last]
    compliance = measure_compliance(due, stamps, tz=tz)
    spent = sum_spend(during)
    use = measure_budget(
        budget, spent_to_date=spent, spent_month={}, elapsed_months=elapsed, months=project.months
    )
    published = [m for m in monthly if m.status == EvaluationStatus.PUBLISHED]
    totals = [m.total_score for m in published if m.total_score is not None]
    return FinalEvaluation(
        project_id=project.id,  # type: ignore[arg-type]
        period_end=last,
        months_evaluated=len(published),
        monthly_mean=round(sum(totals) / len(totals), 2) if totals else None,
        monthly_grades=[
            {"month": m.month, "grade": m.grade, "total": m.total_score, "veto": m.veto}
            for m in published
        ],
        reports_expected=compliance.expected,
        reports_submitted=compliance.submitted,
        reports_late=compliance.late,
        people_served=sum(r.people_served for r in during),
        activities=sum(r.activities for r in during),
        beneficiaries=len({ref for r in during for ref in r.beneficiary_refs}),
        volunteer_minutes=sum(r.volunteer_minutes for r in during),
        indicators=[
            {"name": o.name, "unit": o.unit, "planned": o.planned, "actual": o.actual}
            for o in outputs
        ],
        budget_fen=use.budget_fen,
        planned_to_date_fen=use.planned_to_date_fen,
        # Spend on categories outside the budget still counts as spent.
        spent_fen=sum(spent.values()),
        cited_needs=cited,
        yellow_cards=yellow_cards,
        # The note on 异常 outputs is kept in `veto` but is not a veto.
        vetoed_months=sum(1 for m in published if is_veto(m.veto)),
        funds_misused=any(m.funds_misused for m in published),
    )


def final_measures(evaluation: FinalEvaluation) -> FinalMeasures:
    """Return what the measured criteria read of a stored final evaluation."""
    outputs = [
        Indicator(i["name"], i["unit"], i["planned"], i["actual"]) for i in evaluation.indicators
    ]
    completion = tuple(
        o.completion for o in outputs if o.name in OUTPUTS and o.completion is not None
    )
    expected = evaluation.reports_expected
    on_time = evaluation.reports_submitted - evaluation.reports_late
    return FinalMeasures(
        monthly_totals=tuple(
            float(m["total"]) for m in evaluation.monthly_grades if m["total"] is not None
        ),
        output_completion=completion,
        planned_to_date_fen=evaluation.planned_to_date_fen,
        spent_fen=evaluation.spent_fen,
        compliance_percent=round(100 * on_time / expected) if expected else 100,
        reports_expected=expected,
        reports_submitted=evaluation.reports_submitted,
        funds_misused=evaluation.funds_misused,
    )


def rescore(evaluation: FinalEvaluation, rules: CallRules) -> None:
    """Score the measured criteria again from new measures, keeping the evaluator's scores."""
    criteria = final_criteria(rules)
    own = set(evaluator_final_criteria(criteria))
    result = score_final(
        final_measures(evaluation),
        evaluator_scores={k: v for k, v in evaluation.scores.items() if k in own},
        criteria=criteria,
        bands=rules.grade_bands,
    )
    evaluation.scores, evaluation.total_score = result.scores, result.total
    evaluation.grade, evaluation.veto = result.grade, result.veto


def cited_needs(session: Session, cycle_id: int) -> dict[int, list[dict]]:  # type: ignore[type-arg]
    """Return, per proposal id, the need groups it cited with how many residents raised each."""
    demand = needs.list_demand_needs(session, cycle_id=cycle_id)
    lead_of = {n.need_id: n.lead_id for n in demand}
    groups = {g.lead_id: g for g in rank_groups(demand)}
    found: dict[int, list[dict]] = {}  # type: ignore[type-arg]
    for call in calls.list_calls(session, cycle_id=cycle_id):
        for proposal in proposals.list_proposals(session, call_id=call.id):  # type: ignore[arg-type]
            leads = dict.fromkeys(lead_of[i] for i in proposal.cited_need_ids or () if i in lead_of)
            found[proposal.id] = [  # type: ignore[index]
                {
                    "lead_id": lead,
                    "text": groups[lead].text,
                    "community": groups[lead].community,
                    "residents": groups[lead].residents,
                }
                for lead in leads
                if lead in groups
            ]
    return found


@io_task
def measure_finals(cycle_id: int, period_end: date, tz: tzinfo) -> int:
    """Measure every project's whole period and store its final evaluation; return how many."""
    updated = 0
    with session_scope() as session:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
        projects = [
            p
            for p in awards.list_projects(session, cycle_id=cycle_id)
            if p.status != ProjectStatus.TERMINATED
        ]
        ids = [p.id for p in projects]
        reports = monitoring.list_project_reports(
            session, project_ids=ids, first=date.min, last=period_end
        )  # type: ignore[arg-type]
        budgets = plans.list_budgets(session, project_ids=ids)  # type: ignore[arg-type]
        targets = plans.list_month_targets(session, project_ids=ids)  # type: ignore[arg-type]
        monthly = closing.list_cycle_monthly(session, cycle_id=cycle_id)
        cards = Counter(c.project_id for c in notices.list_yellow_cards(session, cycle_id=cycle_id))
        cited = cited_needs(session, cycle_id)
        proposal_of = {a.id: a.proposal_id for a in _awards(session, projects)}
        off = days_off.list_days_off(session, cycle_id=cycle_id, project_ids=ids, last=period_end)  # type: ignore[arg-type]
        runs = days_off.list_report_runs(session, cycle_id=cycle_id)
        for project in projects:
            current = closing.get_final_evaluation(session, project_id=project.id)  # type: ignore[arg-type]
            if current is not None and current.status in FROZEN:
                continue
            measured = measure_final(
                project,
                reports.get(project.id, []),  # type: ignore[arg-type]
                period_end=period_end,
                monthly=[m for m in monthly if m.project_id == project.id],
                budget=budgets.get(project.id, {}),  # type: ignore[arg-type]
                targets=targets.get(project.id, {}),  # type: ignore[arg-type]
                cited=cited.get(proposal_of[project.award_id], []),
                yellow_cards=cards[project.id],
                tz=tz,
                off=off.get(project.id, frozenset()),  # type: ignore[arg-type]
                run=runs[project.id or 0],
            )
            stored = closing.set_final_measures(session, measured)
            if stored.scores:
                rescore(stored, rules)
                closing.set_final_evaluation(session, stored)
            updated += 1
    return updated


def _awards(session: Session, projects: list[Project]):  # type: ignore[no-untyped-def]
    return awards.list_awards_by_id(session, award_ids=[p.award_id for p in projects]).values()
