"""Task `measure_month`: measure a batch of projects' month from their records.

For each project it counts the month's reports (on time, late, missing) as
the evening check does (`models.compliance`: lateness on the arrival time, the
call's holidays and the project's excused days not due, nor the days from the one
the project stopped on: `models.report_calendar.ProjectRun.due_days`), outputs against the proposal's KPI targets for that project month (falling
back to an even share of the planned 服务人次 when the proposal has none),
new and cumulative beneficiaries by pseudonymous id, volunteer input, budget
execution against the proposal's budget lines (超支 / 执行偏慢 by the call's
`[plausibility]` thresholds), the issues raised and the action items closed
and still open. The numbers go into the month's
evaluation; an approved or published evaluation is frozen and left alone.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, tzinfo

from flows.monitoring.evaluation_scores import apply_scores, evaluator_part
from flows.runtime import get_tz, io_task, session_scope
from models.calendar import month_bounds
from models.call_rules import read_call_rules
from models.compliance import ReportStamp, measure_compliance
from models.evaluation import monthly_plan
from models.indicators import (
    IMPLAUSIBLE,
    SERVICE_VISITS,
    Plausibility,
    ReportFacts,
    budget_state,
    deviation_percent,
    measure_budget,
    measure_outputs,
    month_index,
    sum_spend,
)
from models.monitoring import ActionItem, DailyReport, MonthlyEvaluation
from models.project import Project
from models.report_calendar import ProjectRun
from models.status import ActionItemStatus, EvaluationStatus
from store import awards, calls, days_off, evaluations, meetings, monitoring, plans

FROZEN = (EvaluationStatus.APPROVED, EvaluationStatus.PUBLISHED)


def facts_of(report: DailyReport) -> ReportFacts:
    """Return what the indicator rules read of a stored report."""
    return ReportFacts(
        day=report.day,
        people_served=report.people_served,
        activities=len(report.activities),
        beneficiary_refs=tuple(report.beneficiary_refs),
        service_minutes=report.service_minutes,
        volunteers=report.volunteers,
        volunteer_minutes=report.volunteer_minutes,
        spend_fen=report.spend_fen,
        issues=report.issues,
        risks=report.risks,
    )


def measure_project(
    project: Project,
    reports: Sequence[DailyReport],
    *,
    month: str,
    items: Sequence[ActionItem],
    budget: dict[str, int],
    targets: dict[int, dict[str, int]],
    tz: tzinfo,
    limits: Plausibility = Plausibility(),
    off: Collection[date] = (),
    run: ProjectRun | None = None,
) -> MonthlyEvaluation:
    """Measure one project's month from its reports up to the month's end.

    `off` holds the days that are not due: the call's holidays and the project's excused days;
    `run` (default: the project's own) says until when reports are due.
    """
    first, last = month_bounds(month)
    index = month_index(project.starts_on, month)
    before = [facts_of(r) for r in reports if r.day < first]
    during = [facts_of(r) for r in reports if first <= r.day <= last]
    seen = {ref for r in before for ref in r.beneficiary_refs}
    planned = dict(targets.get(index, {}))
    planned.setdefault(SERVICE_VISITS, monthly_plan(project.people_planned, project.months))
    outputs = measure_outputs(during, targets=planned, seen_before=seen)
    due = (run or ProjectRun.of(project)).due_days(first, last, off=off)
    stamps = [ReportStamp.of(r) for r in reports if first <= r.day <= last]
    compliance = measure_compliance(due, stamps, tz=tz)
    budget_use = measure_budget(
        budget,
        spent_to_date=sum_spend(before + during),
        spent_month=sum_spend(during),
        elapsed_months=index,
        months=project.months,
    )
    return MonthlyEvaluation(
        project_id=project.id,  # type: ignore[arg-type]
        month=month,
        month_index=index,
        reports_expected=compliance.expected,
        reports_submitted=compliance.submitted,
        reports_late=compliance.late,
        people_planned=planned[SERVICE_VISITS],
        people_served=sum(r.people_served for r in during),
        activities=sum(r.activities for r in during),
        beneficiaries_new=outputs[2].actual,
        beneficiaries_to_date=len(seen | {ref for r in during for ref in r.beneficiary_refs}),
        volunteers=sum(r.volunteers for r in during),
        volunteer_minutes=sum(r.volunteer_minutes for r in during),
        service_minutes=sum(r.service_minutes for r in during),
        indicators=[
            {
                "name": o.name,
                "unit": o.unit,
                "planned": o.planned,
                "actual": o.actual,
                "flag": IMPLAUSIBLE if o.is_implausible(limits) else "",
            }
            for o in outputs
        ],
        budget_lines=[_budget_line(line, limits) for line in budget_use.lines],
        spent_month_fen=budget_use.spent_month_fen,
        spent_to_date_fen=budget_use.spent_to_date_fen,
        planned_to_date_fen=budget_use.planned_to_date_fen,
        budget_flagged=bool(budget_use.lines) and bool(budget_use.state(limits)),
        issues_raised=sum(1 for r in during if r.issues or r.risks),
        risks_reported=sum(1 for r in during if r.risks),
        items_closed=sum(
            1
            for i in items
            if i.status == ActionItemStatus.DONE and i.closed_on and first <= i.closed_on <= last
        ),
        items_open=sum(1 for i in items if _open_at(i, last)),
    )


def _open_at(item: ActionItem, day: date) -> bool:
    # Open at the month's end: still open, or closed only after it.
    return item.status == ActionItemStatus.OPEN or bool(item.closed_on and item.closed_on > day)


def _budget_line(line, limits: Plausibility) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return {
        "category": line.category,
        "budget_fen": line.budget_fen,
        "planned_to_date_fen": line.planned_to_date_fen,
        "spent_to_date_fen": line.spent_to_date_fen,
        "spent_month_fen": line.spent_month_fen,
        "deviation_percent": deviation_percent(line.spent_to_date_fen, line.planned_to_date_fen),
        "flagged": bool(
            state := budget_state(line.spent_to_date_fen, line.planned_to_date_fen, limits)
        ),
        "state": state,
    }


@io_task
def measure_month(cycle_id: int, month: str, project_ids: list[int]) -> int:
    """Measure a batch of projects' month and store it; return how many were updated."""
    first, last = month_bounds(month)
    tz, updated = get_tz(), 0
    with session_scope() as session:
        projects = [
            p for p in awards.list_projects(session, cycle_id=cycle_id) if p.id in set(project_ids)
        ]
        reports = monitoring.list_project_reports(
            session, project_ids=project_ids, first=date.min, last=last
        )
        budgets = plans.list_budgets(session, project_ids=project_ids)
        targets = plans.list_month_targets(session, project_ids=project_ids)
        items = meetings.list_action_items(session, cycle_id=cycle_id, raised_by=last)
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
        limits = rules.plausibility
        off = days_off.list_days_off(
            session, cycle_id=cycle_id, project_ids=project_ids, first=first, last=last
        )
        runs = days_off.list_report_runs(session, cycle_id=cycle_id)
        for project in projects:
            current = evaluations.get_evaluation(session, project_id=project.id, month=month)  # type: ignore[arg-type]
            if current is not None and current.status in FROZEN:
                continue
            measured = measure_project(
                project,
                reports.get(project.id, []),  # type: ignore[arg-type]
                month=month,
                items=[i for i in items if i.project_id == project.id],
                budget=budgets.get(project.id, {}),  # type: ignore[arg-type]
                targets=targets.get(project.id, {}),  # type: ignore[arg-type]
                tz=tz,
                limits=limits,
                off=off.get(project.id, frozenset()),  # type: ignore[arg-type]
                run=runs[project.id or 0],
            )
            stored = evaluations.set_measures(session, measured)
            if stored.scores:
                # Scored but not yet approved: the measured criteria follow the new measures.
                apply_scores(stored, evaluator_scores=evaluator_part(stored), rules=rules)
                evaluations.set_evaluation(session, stored)
            updated += 1
    return updated
