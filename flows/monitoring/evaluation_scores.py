"""Evaluator score sheets for 月评估: read them all or nothing, then score the month.

A sheet has one row per project: 评估专家, 项目名称 (the project's title, or its
number when two projects share the title: such a title is refused naming the
numbers), one column per criterion
the evaluator scores (the call's monthly criteria other than the measured
日报告合规 and 服务进度), 评语, and optionally 满意度（%） (a survey result)
and 资金违规 (是 when money was misused, which sets the total to 0). Scores
are whole numbers from 0 to 100. Scoring moves an evaluation from draft, or
from needs-revision, to review; an approved one can no longer be re-scored. The cells, the checks and the
write are `services.evaluation_scoring`'s, which the portal's scoring form uses
too, so a row and the form give the same grade.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from flows.runtime import get_now, io_task, read_sheet, session_scope
from models.call_rules import CallRules, read_call_rules
from models.grading import ScoringError
from models.monitoring import MonthlyEvaluation
from models.rows import Row, RowError, RowsRejected, read_all
from models.status import Role
from services import ServiceError
from services.evaluation_scoring import SCOREABLE as SCOREABLE
from services.evaluation_scoring import YES as YES
from services.evaluation_scoring import (
    ScoreCells,
    check_scoreable,
    read_score_cells,
    scoring_criteria,
    write_scores,
)
from services.evaluation_scoring import apply_scores as apply_scores
from services.evaluation_scoring import evaluator_part as evaluator_part
from services.evaluations import project_named
from store import calls, evaluations, users


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
    """Read one row of a score sheet, refusing scores outside 0–100 (its first bad cell)."""
    try:
        cells = read_score_cells(row, criteria=criteria)
    except RowsRejected as rejected:
        raise rejected.errors[0] from None
    return EvaluatorScore(
        file=row.file,
        row=row.number,
        evaluator=row.text("评估专家", max_length=100),
        title=row.text("项目名称", max_length=200),
        scores=cells.scores,
        comment=cells.comment,
        satisfaction=cells.satisfaction,
        funds_misused=cells.funds_misused,
    )


@io_task
def read_score_sheet(cycle_id: int, path: str) -> list[EvaluatorScore]:
    """Read a whole score sheet; raise RowsRejected naming every bad cell or repeated project."""
    with session_scope() as session:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
    criteria = scoring_criteria(rules)
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
    return (
        evaluation
        if check_scoreable(evaluation, title=project.title, cells=_cells(entry))
        else None
    )


def _reason(error: Exception) -> str:
    return error.message if isinstance(error, ServiceError) else str(error)


def _cells(entry: EvaluatorScore) -> ScoreCells:
    return ScoreCells(entry.scores, entry.comment, entry.satisfaction, entry.funds_misused)


def _score(
    session: Session, evaluation: MonthlyEvaluation, entry: EvaluatorScore, rules: CallRules
) -> None:
    evaluator = users.add_user(session, name=entry.evaluator, role=Role.EVALUATOR)
    write_scores(
        session,
        evaluation,
        evaluator_id=evaluator.id,
        cells=_cells(entry),
        rules=rules,
        now=get_now(),
    )
