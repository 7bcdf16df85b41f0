"""Flow `monthly_evaluation`: score every project's month and write the PDF reports.

Reporting compliance and service progress are measured from the daily
reports; the evaluator's scores and comments come in as a score sheet. The
call's monthly criteria weigh them into a total and a grade. Each project
gets a 月度评估报告 and the street office a 街道月度汇总报告. Running the same
month again updates the same evaluation rows and rewrites the same PDFs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prefect import flow

from flows.report_contexts import build_assessment_context, build_street_summary_context
from flows.runtime import get_output_dir, get_templates_dir, get_tz, io_task, session_scope
from models.calendar import month_bounds
from models.call_rules import CallRules, read_call_rules
from models.compliance import ReportStamp, due_days, measure_compliance
from models.evaluation import COMPLIANCE, PROGRESS, monthly_plan, score_month
from models.monitoring import MonthlyEvaluation
from models.rows import Row, RowError, RowsRejected, read_all
from models.status import ProjectStatus, Role
from reports.contexts import MonthlyAssessmentContext, StreetSummaryContext
from reports.render import render_monthly_assessment, render_street_summary
from store import awards, calls, monitoring, users
from store.spreadsheets import read_rows


@dataclass(frozen=True)
class EvaluatorScore:
    """The evaluator's scores and comment for one project."""

    evaluator: str
    title: str
    scores: dict[str, int]
    comment: str


@dataclass(frozen=True)
class EvaluationSummary:
    """The month's grades and the PDFs written."""

    month: str
    grades: dict[str, str]
    pdfs: tuple[str, ...]
    errors: tuple[str, ...] = ()


def _evaluator_criteria(rules: CallRules) -> list[str]:
    return [c.name for c in rules.monthly_criteria if c.name not in (COMPLIANCE, PROGRESS)]


def _read_score(row: Row, *, titles: set[str], criteria: list[str]) -> EvaluatorScore:
    title = row.text("项目名称", max_length=200)
    if title not in titles:
        raise row.error("项目名称", f"不是本周期在执行的项目：{title!r}")
    scores = {}
    for name in criteria:
        scores[name] = row.count(name)
        if scores[name] > 100:
            raise row.error(name, "得分应在 0–100 之间")
    return EvaluatorScore(
        row.text("评估专家", max_length=100), title, scores, row.text("评语", max_length=2000)
    )


@io_task
def read_evaluator_scores(cycle_id: int, path: str) -> list[EvaluatorScore]:
    """Read the evaluator's score sheet; every active project must have one row."""
    with session_scope() as session:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
        titles = {
            p.title
            for p in awards.list_projects(session, cycle_id=cycle_id)
            if p.status == ProjectStatus.ACTIVE
        }
    criteria = _evaluator_criteria(rules)
    rows = read_rows(Path(path), required=("评估专家", "项目名称", "评语", *criteria))
    scores = read_all(rows, lambda row: _read_score(row, titles=titles, criteria=criteria))
    missing = sorted(titles - {s.title for s in scores})
    if missing:
        raise RowsRejected(
            [RowError(Path(path).name, 0, "项目名称", f"缺少「{t}」的评分") for t in missing]
        )
    return scores


@io_task
def evaluate_projects(cycle_id: int, month: str, sheet: list[EvaluatorScore]) -> dict[str, str]:
    """Measure each project's month, combine with the evaluator's scores, store the grade."""
    first, last = month_bounds(month)
    by_title = {s.title: s for s in sheet}
    grades = {}
    with session_scope() as session:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
        reports = monitoring.list_daily_reports(session, cycle_id=cycle_id, first=first, last=last)
        for project in awards.list_projects(session, cycle_id=cycle_id):
            if project.title not in by_title:
                continue
            own = [r for r in reports if r.project_id == project.id]
            days = due_days(first, last, starts_on=project.starts_on, ends_on=project.ends_on)
            compliance = measure_compliance(
                days, [ReportStamp(r.day, r.submitted_at) for r in own], tz=get_tz()
            )
            planned = monthly_plan(project.people_planned, project.months)
            served = sum(r.people_served for r in own)
            entry = by_title[project.title]
            result = score_month(
                compliance_percent=compliance.percent,
                people_served=served,
                people_planned=planned,
                evaluator_scores=entry.scores,
                criteria=rules.monthly_criteria,
                bands=rules.grade_bands,
            )
            evaluator = users.add_user(session, name=entry.evaluator, role=Role.EVALUATOR)
            monitoring.set_monthly_evaluation(
                session,
                MonthlyEvaluation(
                    project_id=project.id,
                    month=month,
                    evaluator_id=evaluator.id,  # type: ignore[arg-type]
                    reports_expected=compliance.expected,
                    reports_submitted=compliance.submitted,
                    reports_late=compliance.late,
                    people_planned=planned,
                    people_served=served,
                    scores=result.scores,
                    total_score=result.total,
                    grade=result.grade,
                    comment=entry.comment,
                ),
            )
            grades[project.title] = result.grade
    return grades


@io_task
def list_evaluated_projects(cycle_id: int, month: str) -> list[tuple[int, str]]:
    """List (id, title) of the projects evaluated for the month."""
    with session_scope() as session:
        evaluated = {
            e.project_id
            for e in monitoring.list_monthly_evaluations(session, cycle_id=cycle_id, month=month)
        }
        return [
            (p.id, p.title)
            for p in awards.list_projects(session, cycle_id=cycle_id)
            if p.id in evaluated
        ]  # type: ignore[misc]


@io_task
def read_monthly_weights(cycle_id: int) -> dict[str, int]:
    """Read the call's monthly criteria and weights."""
    with session_scope() as session:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
    return {c.name: c.weight for c in rules.monthly_criteria}


@io_task
def write_assessment_pdf(context: MonthlyAssessmentContext, target: str) -> str:
    """Render one project's 月度评估报告."""
    return str(
        render_monthly_assessment(context, templates_dir=get_templates_dir(), target=Path(target))
    )


@io_task
def write_summary_pdf(context: StreetSummaryContext, target: str) -> str:
    """Render the street office's 街道月度汇总报告."""
    return str(
        render_street_summary(context, templates_dir=get_templates_dir(), target=Path(target))
    )


def _safe_name(text: str) -> str:
    return "".join("_" if ch in '/\\:*?"<>|' else ch for ch in text)


@flow(name="monthly_evaluation", log_prints=True)
def monthly_evaluation(
    cycle_id: int, month: str, scores_path: str, today: date
) -> EvaluationSummary:
    """Evaluate every running project for `month` and write the PDF reports."""
    month_bounds(month)
    try:
        sheet = read_evaluator_scores(cycle_id, scores_path)
    except RowsRejected as rejected:
        print(f"评分表被拒绝：{rejected}")
        return EvaluationSummary(month, {}, (), tuple(str(e) for e in rejected.errors))
    grades = evaluate_projects(cycle_id, month, sheet)
    weights = read_monthly_weights(cycle_id)
    folder = get_output_dir() / month
    pdfs = []
    evaluated = list_evaluated_projects(cycle_id, month)
    for index, (project_id, title) in enumerate(evaluated, start=1):
        context = build_assessment_context(project_id, month, weights, today)
        pdfs.append(
            write_assessment_pdf(
                context, str(folder / f"月度评估-{project_id:02d}-{_safe_name(title)}.pdf")
            )
        )
        print(f"  [{index}/{len(evaluated)}] {title}：{grades.get(title, '')}")
    summary = build_street_summary_context(cycle_id, month, today)
    pdfs.append(write_summary_pdf(summary, str(folder / f"街道月度汇总-{month}.pdf")))
    print(f"{month} 月评估完成：{len(grades)} 个项目，PDF 共 {len(pdfs)} 份，位于 {folder}")
    return EvaluationSummary(month, grades, tuple(pdfs))
