"""Evaluations (月评估, 结项评估): the review by an evaluator other than the scorer.

Both kinds are reviewed the same way, always by the evaluation's id (a project's
title is display text: two agencies' projects may share one):

1. the evaluation exists (`NotFound`);
2. the reviewer is an evaluator, and not the one who scored it (`Forbidden`);
3. it waits for review, 待审核 (`Refused`, naming the status it is in);
4. sending it back (退回修改) says what to revise (`Refused` without a comment);

then it moves to 已审定 or 退回修改 by the transition table in `models.status`,
records who reviewed it, the time of entry and the business date of the review
(`on`, default today; a date after today is refused), and the audit event. The portal's page, the
JSON API, the flows and the CLI all call these.

People and score sheets name a project by its title or its number;
`project_named` turns that into one project, refusing a title two projects share
and naming their numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.final_evaluation import FinalEvaluation
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.status import (
    EVALUATION_STATUS_LABELS,
    EVALUATION_TRANSITIONS,
    EvaluationStatus,
    Role,
    TransitionError,
    apply_transition,
)
from models.text import text_problem
from services import Actor, Forbidden, NotFound, Refused, audit
from services.business_day import business_day
from store import closing, evaluations, users
from store.database import unit_of_work


@dataclass(frozen=True)
class Reviewed:
    """A reviewed evaluation: where it now stands and what to tell the reviewer."""

    evaluation_id: int
    project_id: int
    title: str
    month: str
    """The evaluated month; empty for a final evaluation."""
    status: str
    message: str


def reviewer_actor(name: str) -> Actor:
    """The evaluator a clerk (or the demo) records a review for, known by name only."""
    return Actor(login=name.strip(), name=name.strip(), role=Role.EVALUATOR)


def project_named(session: Session, *, cycle_id: int, text: str) -> Project:
    """The cycle's project a person or a sheet names by its number or its title.

    A title two projects share is refused, naming their numbers, instead of guessing.
    """
    text = text.strip()
    found = evaluations.list_projects_named(session, cycle_id=cycle_id, text=text)
    if not found:
        raise NotFound(f"本周期没有服务项目「{text}」")
    if len(found) > 1:
        ids = "、".join(str(p.id) for p in found)
        raise Refused(
            f"本周期有 {len(found)} 个服务项目名为「{text}」（编号 {ids}），请改用项目编号"
        )
    return found[0]


def find_monthly_evaluation(session: Session, *, cycle_id: int, project: str, month: str) -> int:
    """Return the id of the month's evaluation of the project named (title or number)."""
    found = project_named(session, cycle_id=cycle_id, text=project)
    evaluation = evaluations.get_evaluation(session, project_id=found.id or 0, month=month)
    if evaluation is None:
        raise NotFound(f"「{found.title}」还没有 {month} 的月评估")
    return evaluation.id or 0


def find_final_evaluation(session: Session, *, cycle_id: int, project: str) -> int:
    """Return the id of the final evaluation of the project named (title or number)."""
    found = project_named(session, cycle_id=cycle_id, text=project)
    evaluation = closing.get_final_evaluation(session, project_id=found.id or 0)
    if evaluation is None:
        raise NotFound(f"「{found.title}」还没有结项评估")
    return evaluation.id or 0


def _check_review(
    session: Session,
    evaluation: MonthlyEvaluation | FinalEvaluation,
    *,
    actor: Actor,
    what: str,
    kind: str,
    approve: bool,
    comment: str,
) -> EvaluationStatus:
    """Refuse a review the rules do not allow; return the status it moves to."""
    if actor.role != Role.EVALUATOR:
        raise Forbidden(f"只有评估专家可以审核{kind}")
    if not actor.label.strip():
        raise Refused("请写明审核人")
    scorer_id = evaluation.evaluator_id
    scorer = evaluations.list_user_names(session, user_ids={scorer_id} if scorer_id else set())
    scorer_name = scorer.get(scorer_id or 0, "").strip()
    by_id = actor.user_id is not None and actor.user_id == scorer_id
    by_name = bool(scorer_name) and scorer_name == (actor.name or actor.login).strip()
    if by_id or by_name:
        raise Forbidden(
            f"不能审核自己评分的{kind}：审核人不能是评分的评估专家本人（{scorer_name or actor.label}），"
            "请由另一位评估专家审核"
        )
    if evaluation.status != EvaluationStatus.IN_REVIEW:
        label = EVALUATION_STATUS_LABELS[EvaluationStatus(evaluation.status)]
        raise Refused(f"{what}{label}，不在待审核状态")
    if not approve and not comment.strip():
        raise Refused("退回修改时请写明需要修改的内容")
    if (problem := text_problem(comment)) is not None:
        raise Refused(f"审核意见{problem}")
    target = EvaluationStatus.APPROVED if approve else EvaluationStatus.NEEDS_REVISION
    try:
        moved = apply_transition(
            EVALUATION_TRANSITIONS,
            EvaluationStatus(evaluation.status),
            target,
            role=Role.EVALUATOR,
        )
    except TransitionError as error:
        raise Refused(str(error)) from None
    return EvaluationStatus(moved)


def review_day(on: date | None, now: datetime) -> date:
    """The business date of a review: `on`, else today; a date after today is refused."""
    return business_day(on, now=now, what="审核日期")


def _record_review(
    session: Session,
    evaluation: MonthlyEvaluation | FinalEvaluation,
    *,
    actor: Actor,
    now: datetime,
    on: date,
    status: EvaluationStatus,
    comment: str,
) -> None:
    """Write the review onto the evaluation (the caller stores it in its unit of work)."""
    reviewer_id = actor.user_id
    if reviewer_id is None:
        reviewer_id = users.add_user(session, name=actor.label.strip(), role=Role.EVALUATOR).id
    evaluation.status = status
    evaluation.reviewer_id, evaluation.reviewed_at = reviewer_id, now
    evaluation.reviewed_on = on
    evaluation.review_comment = comment.strip()


def review_evaluation(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    evaluation_id: int,
    approve: bool,
    comment: str,
    on: date | None = None,
) -> Reviewed:
    """Approve (已审定) or send back (退回修改) one monthly evaluation, found by its id.

    `on` is the review's business date (default today); a date after today is refused.
    """
    on = review_day(on, now)
    found = evaluations.get_evaluation_by_id(session, evaluation_id)
    if found is None:
        raise NotFound(f"找不到月度评估 #{evaluation_id}")
    evaluation, project = found
    status = _check_review(
        session,
        evaluation,
        actor=actor,
        what=f"「{project.title}」{evaluation.month} 的月度评估",
        kind="月度评估",
        approve=approve,
        comment=comment,
    )
    message = f"「{project.title}」{evaluation.month} 月评估已{'审定' if approve else '退回修改'}"
    with unit_of_work(session):
        _record_review(
            session, evaluation, actor=actor, now=now, on=on, status=status, comment=comment
        )
        evaluations.set_evaluation(session, evaluation)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="evaluation_review",
            subject_type="monthlyevaluation",
            subject_id=evaluation_id,
            detail=message + (f"：{comment.strip()}" if comment.strip() else ""),
        )
    return Reviewed(
        evaluation_id, project.id or 0, project.title, evaluation.month, status, message
    )


def review_final_evaluation(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    final_evaluation_id: int,
    approve: bool,
    comment: str,
    on: date | None = None,
) -> Reviewed:
    """Approve (已审定) or send back (退回修改) one final evaluation, found by its id.

    `on` is the review's business date (default today); a date after today is refused.
    """
    on = review_day(on, now)
    found = evaluations.get_final_by_id(session, final_evaluation_id)
    if found is None:
        raise NotFound(f"找不到结项评估 #{final_evaluation_id}")
    evaluation, project = found
    status = _check_review(
        session,
        evaluation,
        actor=actor,
        what=f"「{project.title}」的结项评估",
        kind="结项评估",
        approve=approve,
        comment=comment,
    )
    message = f"「{project.title}」结项评估已{'审定' if approve else '退回修改'}"
    with unit_of_work(session):
        _record_review(
            session, evaluation, actor=actor, now=now, on=on, status=status, comment=comment
        )
        evaluations.set_final_evaluation(session, evaluation)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="final_evaluation_review",
            subject_type="finalevaluation",
            subject_id=final_evaluation_id,
            detail=message + (f"：{comment.strip()}" if comment.strip() else ""),
        )
    return Reviewed(final_evaluation_id, project.id or 0, project.title, "", status, message)
