"""Flow `final_evaluation`: measure every project's whole period, score it, publish the approved.

The same review cycle as the monthly evaluation:
1. measures each project up to the period's end (`flows.closing.final_measures`);
2. records the evaluators' final score sheet if one is given (草稿 → 待审核):
   columns 评估专家, 项目名称 (title, or the project's number when two projects
   share the title), one per evaluator criterion (default 需求回应),
   评语, and optionally 资金违规 (是 sets the total to 0), all or nothing;
3. `review_final_evaluation` (by the final evaluation's id, through
   `services.evaluations`) — someone other than the scorer approves (已审定) or
   sends back (退回修改) with a comment;
4. the next run publishes what was approved (已发布) and its 结项评估报告, in batches
   of projects (on Dask when there are many: `flows.rendering`).
`close_cycle` then settles the money. Running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from prefect import flow
from sqlmodel import Session

from flows.closing.final_measures import measure_finals, rescore
from flows.closing.final_reports import publish_final_reports
from flows.monitoring.evaluation_review import mark_published
from flows.monitoring.evaluation_scores import SCOREABLE, YES
from flows.runtime import get_now, get_tz, io_task, read_sheet, session_scope
from models.call_rules import read_call_rules
from models.final_evaluation import FinalEvaluation, evaluator_final_criteria, final_criteria
from models.grading import ScoringError
from models.rows import Row, RowError, RowsRejected, read_all
from models.status import (
    EVALUATION_STATUS_LABELS,
    EVALUATION_TRANSITIONS,
    EvaluationStatus,
    Role,
    apply_transition,
)
from reports.errors import BatchFailed
from services import ServiceError, evaluations
from services.evaluations import project_named
from store import awards, calls, closing, users


@dataclass(frozen=True)
class FinalScoreRow:
    """One row of a final score sheet."""

    file: str
    row: int
    evaluator: str
    title: str
    scores: dict[str, int]
    comment: str
    funds_misused: bool


@dataclass(frozen=True)
class FinalSummary:
    """What a run of the final evaluation did, and where each project stands."""

    period_end: date
    measured: int
    scored: int
    published: int
    grades: dict[str, str]
    statuses: dict[str, int]
    errors: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()  # the 项目结项评估报告 of every published final evaluation


def read_final_row(row: Row, *, criteria: list[str]) -> FinalScoreRow:
    """Read one row of a final score sheet, refusing scores outside 0–100."""
    scores = {}
    for name in criteria:
        scores[name] = row.count(name)
        if scores[name] > 100:
            raise row.error(name, f"得分应在 0–100 之间，收到 {scores[name]}")
    return FinalScoreRow(
        file=row.file,
        row=row.number,
        evaluator=row.text("评估专家", max_length=100),
        title=row.text("项目名称", max_length=200),
        scores=scores,
        comment=row.text("评语", required=False, max_length=2000),
        funds_misused=(row.values.get("资金违规") or "").strip() in YES,
    )


@io_task
def read_final_sheet(cycle_id: int, path: str) -> list[FinalScoreRow]:
    """Read a whole final score sheet; raise RowsRejected naming every bad cell."""
    with session_scope() as session:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
    criteria = evaluator_final_criteria(final_criteria(rules))
    rows = read_sheet(Path(path), required=("评估专家", "项目名称", "评语", *criteria))
    sheet = read_all(rows, lambda row: read_final_row(row, criteria=criteria))
    first: dict[str, int] = {}
    repeats = []
    for entry in sheet:
        if entry.title in first:
            message = f"与第 {first[entry.title]} 行是同一个项目"
            repeats.append(RowError(entry.file, entry.row, "项目名称", message))
        first.setdefault(entry.title, entry.row)
    if repeats:
        raise RowsRejected(repeats)
    return sheet


@io_task
def record_final_scores(cycle_id: int, sheet: list[FinalScoreRow]) -> int:
    """Score the final evaluations from a sheet, all or none; return how many changed."""
    with session_scope() as session:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
        planned, problems = [], []
        first_row: dict[int, int] = {}
        for entry in sheet:
            try:
                found = _scoreable(session, cycle_id, entry)
            except (LookupError, ScoringError, ServiceError) as error:
                reason = error.message if isinstance(error, ServiceError) else str(error)
                problems.append(RowError(entry.file, entry.row, "项目名称", reason))
                continue
            if found is not None:
                # One project named twice, once by title and once by number.
                seen = first_row.setdefault(found.id or 0, entry.row)
                if seen != entry.row:
                    message = f"与第 {seen} 行是同一个项目"
                    problems.append(RowError(entry.file, entry.row, "项目名称", message))
                    continue
                planned.append((entry, found))
        if problems:
            raise RowsRejected(problems)
        for entry, evaluation in planned:
            evaluator = users.add_user(session, name=entry.evaluator, role=Role.EVALUATOR)
            evaluation.funds_misused = evaluation.funds_misused or entry.funds_misused
            evaluation.scores = {**evaluation.scores, **entry.scores}
            rescore(evaluation, rules)
            evaluation.evaluator_id, evaluation.comment = evaluator.id, entry.comment
            evaluation.scored_at = get_now()
            if evaluation.status != EvaluationStatus.IN_REVIEW:
                evaluation.status = apply_transition(
                    EVALUATION_TRANSITIONS,
                    EvaluationStatus(evaluation.status),
                    EvaluationStatus.IN_REVIEW,
                    role=Role.SYSTEM,
                )
            closing.set_final_evaluation(session, evaluation)
        return len(planned)


def _scoreable(session: Session, cycle_id: int, entry: FinalScoreRow) -> FinalEvaluation | None:
    # 项目名称 holds the project's title or number; a title two projects share is refused.
    project = project_named(session, cycle_id=cycle_id, text=entry.title)
    evaluation = closing.get_final_evaluation(session, project_id=project.id)  # type: ignore[arg-type]
    if evaluation is None:
        raise LookupError(f"「{project.title}」还没有结项评估，请先运行结项评估测算")
    if evaluation.status in SCOREABLE:
        return evaluation
    given = {k: v for k, v in evaluation.scores.items() if k in entry.scores}
    if given == entry.scores and evaluation.comment == entry.comment:
        return None  # the same scores as the approved evaluation: nothing to do
    raise ScoringError(f"「{project.title}」的结项评估已审定，不能再修改评分")


def review_final(
    session: Session,
    evaluation: FinalEvaluation,
    *,
    reviewer: str,
    approve: bool,
    comment: str,
    now: datetime,
) -> None:
    """Approve or send back one final evaluation in the name of `reviewer` (the demo's driver)."""
    evaluations.review_final_evaluation(
        session,
        actor=evaluations.reviewer_actor(reviewer),
        now=now,
        final_evaluation_id=evaluation.id or 0,
        approve=approve,
        comment=comment,
    )


@io_task
def review_project_final(
    final_evaluation_id: int, reviewer: str, approve: bool, comment: str
) -> str:
    """Review one final evaluation, by its id, in the name of `reviewer`; return what happened."""
    with session_scope() as session:
        return evaluations.review_final_evaluation(
            session,
            actor=evaluations.reviewer_actor(reviewer),
            now=get_now(),
            final_evaluation_id=final_evaluation_id,
            approve=approve,
            comment=comment,
        ).message


@io_task
def publish_approved_finals(cycle_id: int, today: date) -> int:
    """Publish the approved final evaluations; return how many."""
    with session_scope() as session:
        approved = [
            e
            for e in closing.list_final_evaluations(session, cycle_id=cycle_id)
            if e.status == EvaluationStatus.APPROVED
        ]
        for evaluation in approved:
            mark_published(evaluation, today)
            closing.set_final_evaluation(session, evaluation)
        return len(approved)


@io_task
def read_final_outcome(cycle_id: int) -> tuple[dict[str, str], dict[str, int]]:
    """Return the published final grades by title, and how many evaluations are in each status."""
    with session_scope() as session:
        titles = {p.id: p.title for p in awards.list_projects(session, cycle_id=cycle_id)}
        found = closing.list_final_evaluations(session, cycle_id=cycle_id)
    grades = {
        titles[e.project_id]: e.grade for e in found if e.status == EvaluationStatus.PUBLISHED
    }
    statuses: dict[str, int] = {}
    for e in found:
        label = EVALUATION_STATUS_LABELS[EvaluationStatus(e.status)]
        statuses[label] = statuses.get(label, 0) + 1
    return grades, statuses


@flow(name="final_evaluation", log_prints=True)
def final_evaluation(
    cycle_id: int,
    period_end: date,
    scores_path: str | None = None,
    today: date | None = None,
) -> FinalSummary:
    """Measure the whole period, record the final scores, and publish what reviewers approved."""
    today = today or get_now().date()
    try:
        sheet = read_final_sheet(cycle_id, scores_path) if scores_path else None
        measured = measure_finals(cycle_id, period_end, get_tz())
        scored = record_final_scores(cycle_id, sheet) if sheet else 0
    except (RowError, RowsRejected) as rejected:
        errors = rejected.errors if isinstance(rejected, RowsRejected) else [rejected]
        print(f"结项评分表被拒绝，未写入任何评分：{len(errors)} 处错误")
        return FinalSummary(period_end, 0, 0, 0, {}, {}, tuple(str(e) for e in errors))
    published = publish_approved_finals(cycle_id, today)
    written = publish_final_reports(cycle_id)  # in batches, on Dask when there are many
    if written.failures:
        raise BatchFailed(written.failures, ())
    reports = written.paths
    grades, statuses = read_final_outcome(cycle_id)
    print(
        f"结项评估（统计至 {period_end}）：测算 {measured} 个项目，录入评分 {scored} 个，"
        f"发布 {published} 个；状态 {'，'.join(f'{k} {v}' for k, v in statuses.items())}；"
        f"结项评估报告 {len(reports)} 份"
    )
    return FinalSummary(
        period_end, measured, scored, published, grades, statuses, reports=tuple(reports)
    )


@flow(name="review_final_evaluation", log_prints=True)
def review_final_evaluation(
    final_evaluation_id: int, reviewer: str, approve: bool = True, comment: str = ""
) -> tuple[bool, str]:
    """Approve (or send back) one final evaluation, found by its id."""
    try:
        outcome = (
            True,
            review_project_final(final_evaluation_id, reviewer, approve, comment),
        )
    except ServiceError as error:
        outcome = (False, error.message)
    print(outcome[1])
    return outcome
