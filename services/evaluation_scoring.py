"""Scoring a monthly evaluation (月评估评分): one rule for the score sheet and the portal's form.

An evaluator scores the criteria the call leaves to them (all monthly criteria
but the measured 日报告合规 and 服务进度), each a whole number from 0 to 100,
with a comment (评语), optionally the satisfaction survey's result (满意度（%）)
and whether money was misused (资金违规, which sets the total to 0). The sheet
given to `gongyi monitor month --scores` (`flows.monitoring.evaluation_scores`)
and the form at `/evaluator/evaluations/{id}/score` read their cells with
`read_score_cells`, check the evaluation with `check_scoreable` and write with
`write_scores`, so the same scores give the same total, grade and veto whichever
door they came through.

Scoring moves an evaluation from 草稿 or 退回修改 to 待审核 (an evaluation in review
may be scored again); an approved one can no longer be re-scored. The evaluator
who scores is recorded, and `services.evaluations.review_evaluation` refuses
that evaluator as its reviewer: one evaluator scores, another approves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from models.call_rules import CallRules, read_call_rules
from models.compliance import Compliance
from models.evaluation import MEASURED, evaluator_criteria, is_month_missing, score_month
from models.grading import ScoringError
from models.indicators import Indicator, implausible_outputs, progress_percent
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.rows import Row, RowError, RowsRejected
from models.status import EVALUATION_TRANSITIONS, EvaluationStatus, Role, apply_transition
from services import Actor, Forbidden, NotFound, Refused, audit
from store import calls, evaluations
from store.database import unit_of_work

YES = ("是", "Y", "y", "yes", "1")
SCOREABLE = (EvaluationStatus.DRAFT, EvaluationStatus.IN_REVIEW, EvaluationStatus.NEEDS_REVISION)
SATISFACTION = "满意度（%）"
MISUSE = "资金违规"
COMMENT = "评语"


@dataclass(frozen=True)
class ScoreCells:
    """What an evaluator gives for one evaluation: scores, comment, survey result, misuse."""

    scores: dict[str, int]
    comment: str
    satisfaction: int | None
    funds_misused: bool


@dataclass(frozen=True)
class Scored:
    """A scored evaluation: its total, grade and any veto, and what to tell the evaluator."""

    evaluation_id: int
    title: str
    month: str
    total: float | None
    grade: str
    veto: str
    changed: bool
    message: str


def read_score_cells(row: Row, *, criteria: Sequence[str]) -> ScoreCells:
    """Read a row's scores (0–100), 评语, 满意度（%） and 资金违规; raise RowsRejected naming each bad cell."""
    errors: list[RowError] = []
    scores: dict[str, int] = {}
    for name in criteria:
        try:
            scores[name] = _percent(row, name, "得分")
        except RowError as error:
            errors.append(error)
    satisfaction, comment = None, ""
    try:
        if (row.values.get(SATISFACTION) or "").strip():
            satisfaction = _percent(row, SATISFACTION, "")
    except RowError as error:
        errors.append(error)
    try:
        comment = row.text(COMMENT, required=False, max_length=2000)
    except RowError as error:
        errors.append(error)
    if errors:
        raise RowsRejected(errors)
    return ScoreCells(
        scores=scores,
        comment=comment,
        satisfaction=satisfaction,
        funds_misused=(row.values.get(MISUSE) or "").strip() in YES,
    )


def _percent(row: Row, column: str, what: str) -> int:
    value = row.count(column)
    if value > 100:
        raise row.error(column, f"{what}应在 0–100 之间，收到 {value}")
    return value


def evaluator_part(evaluation: MonthlyEvaluation) -> dict[str, float]:
    """Return the scores the evaluator gave (without the measured ones)."""
    return {name: value for name, value in evaluation.scores.items() if name not in MEASURED}


def check_scoreable(evaluation: MonthlyEvaluation, *, title: str, cells: ScoreCells) -> bool:
    """Tell whether the scores change the evaluation; refuse new scores for an approved one."""
    if evaluation.status in SCOREABLE:
        return True
    if evaluator_part(evaluation) == cells.scores and evaluation.comment == cells.comment:
        return False  # the same scores as the approved evaluation: nothing to do
    raise Refused(f"「{title}」{evaluation.month} 的月评估已审定，不能再修改评分")


def apply_scores(
    evaluation: MonthlyEvaluation, *, evaluator_scores: Mapping[str, float], rules: CallRules
) -> None:
    """Score an evaluation's month: measured criteria from its measures, the rest as given.

    Outputs above the call's plausible multiple of plan (异常) count at 100 % of
    plan and keep the grade below the top band (`models.evaluation`).
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


def write_scores(
    session: Session,
    evaluation: MonthlyEvaluation,
    *,
    evaluator_id: int | None,
    cells: ScoreCells,
    rules: CallRules,
    now: datetime,
) -> None:
    """Store an evaluator's scores on the evaluation and send it to review (in the caller's unit of work)."""
    evaluation.funds_misused = cells.funds_misused
    evaluation.satisfaction_percent = cells.satisfaction
    apply_scores(evaluation, evaluator_scores=dict(cells.scores), rules=rules)
    evaluation.evaluator_id, evaluation.comment = evaluator_id, cells.comment
    evaluation.scored_at = now
    if evaluation.status != EvaluationStatus.IN_REVIEW:
        evaluation.status = apply_transition(
            EVALUATION_TRANSITIONS,
            EvaluationStatus(evaluation.status),
            EvaluationStatus.IN_REVIEW,
            role=Role.SYSTEM,
        )
    evaluations.set_evaluation(session, evaluation)


def monthly_rules(session: Session, project: Project) -> CallRules:
    """The rules of the call the project's cycle runs under (its latest call)."""
    return read_call_rules(calls.get_latest_call(session, cycle_id=project.cycle_id).rules)


def scoring_criteria(rules: CallRules) -> list[str]:
    """Name the criteria an evaluator scores under these rules."""
    return evaluator_criteria(rules.monthly_criteria)


def find_for_scoring(
    session: Session, *, actor: Actor, evaluation_id: int
) -> tuple[MonthlyEvaluation, Project]:
    """Return the evaluation an evaluator may score, or refuse who is not an evaluator."""
    if actor.role != Role.EVALUATOR or actor.user_id is None:
        raise Forbidden("只有评估专家可以为月评估评分")
    found = evaluations.get_evaluation_by_id(session, evaluation_id)
    if found is None:
        raise NotFound(f"找不到月度评估 #{evaluation_id}")
    return found


def score_evaluation(
    session: Session, *, actor: Actor, now: datetime, evaluation_id: int, cells: ScoreCells
) -> Scored:
    """Score one monthly evaluation in the portal, by its id, as its sheet row would; audited."""
    evaluation, project = find_for_scoring(session, actor=actor, evaluation_id=evaluation_id)
    rules = monthly_rules(session, project)
    wanted = set(scoring_criteria(rules))
    if set(cells.scores) != wanted:
        missing = "、".join(sorted(wanted - set(cells.scores))) or "（无）"
        raise Refused(f"请为每个专家评分指标打分，缺少：{missing}")
    what = f"「{project.title}」{evaluation.month} 月评估"
    if not check_scoreable(evaluation, title=project.title, cells=cells):
        return _scored(evaluation, project, changed=False, message=f"{what}的评分没有变化")
    try:
        with unit_of_work(session):
            write_scores(
                session, evaluation, evaluator_id=actor.user_id, cells=cells, rules=rules, now=now
            )
            message = f"{what}已评分：总分 {evaluation.total_score:g}，等级 {evaluation.grade}"
            audit.record(
                session,
                actor=actor,
                now=now,
                action="evaluation_score",
                subject_type="monthlyevaluation",
                subject_id=evaluation_id,
                detail=message + (f"（{evaluation.veto}）" if evaluation.veto else ""),
            )
    except ScoringError as error:
        raise Refused(str(error)) from None
    return _scored(evaluation, project, changed=True, message=message)


def _scored(
    evaluation: MonthlyEvaluation, project: Project, *, changed: bool, message: str
) -> Scored:
    return Scored(
        evaluation_id=evaluation.id or 0,
        title=project.title,
        month=evaluation.month,
        total=evaluation.total_score,
        grade=evaluation.grade,
        veto=evaluation.veto,
        changed=changed,
        message=message,
    )
