"""Evaluator score sheets for 月评估: read them all or nothing, then score the month.

A sheet has one row per project: 评估专家, 项目名称 (the project's title, or its
number when two projects share the title: such a title is refused naming the
numbers), one column per criterion
the evaluator scores (the call's monthly criteria other than the measured
日报告合规 and 服务进度), 评语, and optionally 满意度（%） (a survey result)
and 资金违规 (是 when money was misused, which sets the total to 0). Scores
are whole numbers from 0 to 100. Scoring moves an evaluation from draft, or
from needs-revision, to review; an approved one can no longer be re-scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from flows.runtime import get_now, io_task, read_sheet, session_scope
from models.call_rules import CallRules, read_call_rules
from models.compliance import Compliance
from models.evaluation import MEASURED, evaluator_criteria, is_month_missing, score_month
from models.grading import ScoringError
from models.indicators import Indicator, implausible_outputs, progress_percent
from models.monitoring import MonthlyEvaluation
from models.rows import Row, RowError, RowsRejected, read_all
from models.status import EVALUATION_TRANSITIONS, EvaluationStatus, Role, apply_transition
from services import ServiceError
from services.evaluations import project_named
from store import calls, evaluations, users

YES = ("是", "Y", "y", "yes", "1")
SCOREABLE = (EvaluationStatus.DRAFT, EvaluationStatus.IN_REVIEW, EvaluationStatus.NEEDS_REVISION)


@dataclass(frozen=True)
class EvaluatorScore:
    """One row of a score sheet."""

    file: str
    row: int
    evaluator: str
    title: str
    scores: dict[str, int]
    comment: str
    satisfaction: int | None
    funds_misused: bool


def read_score_row(row: Row, *, criteria: list[str]) -> EvaluatorScore:
    """Read one row of a score sheet, refusing scores outside 0–100."""
    scores = {}
    for name in criteria:
        scores[name] = row.count(name)
        if scores[name] > 100:
            raise row.error(name, f"得分应在 0–100 之间，收到 {scores[name]}")
    satisfaction = None
    if (row.values.get("满意度（%）") or "").strip():
        satisfaction = row.count("满意度（%）")
        if satisfaction > 100:
            raise row.error("满意度（%）", f"应在 0–100 之间，收到 {satisfaction}")
    return EvaluatorScore(
        file=row.file,
        row=row.number,
        evaluator=row.text("评估专家", max_length=100),
        title=row.text("项目名称", max_length=200),
        scores=scores,
        comment=row.text("评语", required=False, max_length=2000),
        satisfaction=satisfaction,
        funds_misused=(row.values.get("资金违规") or "").strip() in YES,
    )


@io_task
def read_score_sheet(cycle_id: int, path: str) -> list[EvaluatorScore]:
    """Read a whole score sheet; raise RowsRejected naming every bad cell or repeated project."""
    with session_scope() as session:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
    criteria = evaluator_criteria(rules.monthly_criteria)
    rows = read_sheet(Path(path), required=("评估专家", "项目名称", "评语", *criteria))
    sheet = read_all(rows, lambda row: read_score_row(row, criteria=criteria))
    first_row: dict[str, int] = {}
    repeats = []
    for row, entry in zip(rows, sheet, strict=True):
        if entry.title in first_row:
            message = f"与第 {first_row[entry.title]} 行是同一个项目"
            repeats.append(RowError(row.file, row.number, "项目名称", message))
        first_row.setdefault(entry.title, row.number)
    if repeats:
        raise RowsRejected(repeats)
    return sheet


def apply_scores(
    evaluation: MonthlyEvaluation, *, evaluator_scores: dict[str, float], rules: CallRules
) -> None:
    """Score an evaluation's month: measured criteria from its measures, the rest as given.

    Outputs above the call's plausible multiple of plan (异常) count at 100 %
    of plan and keep the grade below the top band (`models.evaluation`).
    """
    compliance = Compliance(
        evaluation.reports_expected, evaluation.reports_submitted, evaluation.reports_late, ()
    )
    outputs = [
        Indicator(i["name"], i["unit"], i["planned"], i["actual"]) for i in evaluation.indicators
    ]
    result = score_month(
        compliance_percent=compliance.percent,
        progress_percent=progress_percent(outputs),
        evaluator_scores=evaluator_scores,
        criteria=rules.monthly_criteria,
        bands=rules.grade_bands,
        funds_misused=evaluation.funds_misused,
        month_missing=is_month_missing(
            expected=evaluation.reports_expected, submitted=evaluation.reports_submitted
        ),
        implausible=[i.name for i in implausible_outputs(outputs, rules.plausibility)],
    )
    evaluation.scores, evaluation.total_score = result.scores, result.total
    evaluation.grade, evaluation.veto = result.grade, result.veto


def evaluator_part(evaluation: MonthlyEvaluation) -> dict[str, float]:
    """Return the scores the evaluator gave (without the measured ones)."""
    return {name: value for name, value in evaluation.scores.items() if name not in MEASURED}


@io_task
def record_scores(cycle_id: int, month: str, sheet: list[EvaluatorScore]) -> int:
    """Score the month's evaluations from a sheet, all or none; return how many changed."""
    with session_scope() as session:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
        planned, problems = [], []  # type: ignore[var-annotated]
        first_row: dict[int, int] = {}
        for entry in sheet:
            try:
                evaluation = _scoreable(session, cycle_id, month, entry)
            except (LookupError, ScoringError, ServiceError) as error:
                problems.append(RowError(entry.file, entry.row, "项目名称", _reason(error)))
                continue
            if evaluation is not None:
                # One project named twice, once by title and once by number.
                seen = first_row.setdefault(evaluation.id or 0, entry.row)
                if seen != entry.row:
                    message = f"与第 {seen} 行是同一个项目"
                    problems.append(RowError(entry.file, entry.row, "项目名称", message))
                    continue
                planned.append((entry, evaluation))
        if problems:
            raise RowsRejected(problems)
        for entry, evaluation in planned:
            _score(session, evaluation, entry, rules)
        return len(planned)


def _scoreable(
    session: Session, cycle_id: int, month: str, entry: EvaluatorScore
) -> MonthlyEvaluation | None:
    # 项目名称 holds the project's title or number; a title two projects share is refused.
    project = project_named(session, cycle_id=cycle_id, text=entry.title)
    evaluation = evaluations.get_evaluation(session, project_id=project.id, month=month)  # type: ignore[arg-type]
    if evaluation is None:
        raise LookupError(f"「{project.title}」还没有 {month} 的月评估，请先运行月评估")
    if evaluation.status in SCOREABLE:
        return evaluation
    if evaluator_part(evaluation) == entry.scores and evaluation.comment == entry.comment:
        return None  # the same scores as the approved evaluation: nothing to do
    raise ScoringError(f"「{project.title}」{month} 的月评估已审定，不能再修改评分")


def _reason(error: Exception) -> str:
    return error.message if isinstance(error, ServiceError) else str(error)


def _score(
    session: Session, evaluation: MonthlyEvaluation, entry: EvaluatorScore, rules: CallRules
) -> None:
    evaluator = users.add_user(session, name=entry.evaluator, role=Role.EVALUATOR)
    evaluation.funds_misused = entry.funds_misused
    evaluation.satisfaction_percent = entry.satisfaction
    apply_scores(evaluation, evaluator_scores=dict(entry.scores), rules=rules)
    evaluation.evaluator_id, evaluation.comment = evaluator.id, entry.comment
    evaluation.scored_at = get_now()
    if evaluation.status != EvaluationStatus.IN_REVIEW:
        evaluation.status = apply_transition(
            EVALUATION_TRANSITIONS,
            EvaluationStatus(evaluation.status),
            EvaluationStatus.IN_REVIEW,
            role=Role.SYSTEM,
        )
    evaluations.set_evaluation(session, evaluation)
