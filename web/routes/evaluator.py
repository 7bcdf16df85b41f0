"""The evaluator's pages: assigned proposals with the scoring form (blind where the call
says so), and the monthly evaluations waiting for a second evaluator's review.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.call_rules import read_call_rules
from models.grading import ScoringError, weighted_score
from models.panel import ASSIGNMENT_TRANSITIONS, AssignmentStatus
from models.proposal import Review
from models.selection_rules import read_selection_rules
from models.status import EvaluationStatus, Role, Stage, TransitionError, apply_transition
from store import calls, portal, proposals
from store.accounts import SignedIn
from web.audit import record
from web.deps import Forbidden, NotFound, SessionDep, require_roles
from web.flow_runs import run_flow
from web.pages import redirect, render, tr, translator
from web.security import FormUser

router = APIRouter(prefix="/evaluator", include_in_schema=False)
EvaluatorUser = Annotated[SignedIn, Depends(require_roles(Role.EVALUATOR))]


def _seat(session: Session, user: SignedIn, assignment_id: int) -> portal.Seat:
    if user.role != Role.EVALUATOR:
        raise Forbidden()
    try:
        return portal.get_reviewer_seat(
            session, assignment_id=assignment_id, reviewer_id=user.user_id
        )
    except LookupError:
        raise NotFound() from None


def _is_blind(session: Session, seat: portal.Seat) -> bool:
    rules = calls.get_call(session, seat.proposal.call_id).rules
    return (
        seat.assignment.stage == Stage.PRELIMINARY and read_selection_rules(rules).blind_preliminary
    )


@router.get("")
def evaluator_home(request: Request, session: SessionDep, user: EvaluatorUser) -> Response:
    """List the evaluator's assignments."""
    seats = portal.list_reviewer_seats(session, reviewer_id=user.user_id)
    return render(
        request,
        "evaluator/home.html",
        {
            "seats": [
                {
                    "id": s.assignment.id,
                    "title": s.proposal.title,
                    "stage": s.assignment.stage,
                    "status": s.assignment.status,
                    "agency": "" if _is_blind(session, s) else s.agency_name,
                }
                for s in seats
            ]
        },
    )


def _scoring_context(session: Session, seat: portal.Seat, user: SignedIn) -> dict:  # type: ignore[type-arg]
    rules = read_call_rules(calls.get_call(session, seat.proposal.call_id).rules)
    review = portal.get_review(
        session,
        proposal_id=seat.proposal.id or 0,
        stage=seat.assignment.stage,
        reviewer_id=user.user_id,
    )
    p = seat.proposal
    return {
        "seat": {
            "id": seat.assignment.id,
            "stage": seat.assignment.stage,
            "status": seat.assignment.status,
        },
        "proposal": {
            "title": p.title,
            "summary": p.summary,
            "requested_fen": p.requested_fen,
            "planned_people": p.planned_people,
            "months": p.months,
            "target_groups": p.target_groups,
        },
        "agency": "" if _is_blind(session, seat) else seat.agency_name,
        "blind": _is_blind(session, seat),
        "criteria": [
            {"n": n, "name": c.name, "weight": c.weight}
            for n, c in enumerate(rules.review_criteria)
        ],
        "review": {"scores": review.scores, "weighted": review.weighted_score} if review else None,
        "values": {},
        "errors": [],
    }


@router.get("/assignments/{assignment_id}")
def scoring_page(
    assignment_id: int, request: Request, session: SessionDep, user: EvaluatorUser
) -> Response:
    """Show one assigned proposal and its scoring form."""
    seat = _seat(session, user, assignment_id)
    record(
        session,
        request,
        user,
        action="view_proposal",
        subject_type="proposal",
        subject_id=seat.proposal.id,
    )
    session.commit()
    return render(request, "evaluator/score.html", _scoring_context(session, seat, user))


@router.post("/assignments/{assignment_id}")
async def score(
    assignment_id: int, request: Request, session: SessionDep, user: FormUser
) -> Response:
    """Store the evaluator's weighted scores and mark the assignment scored."""
    seat = _seat(session, user, assignment_id)
    _ = translator(request)
    form = await request.form()
    context = _scoring_context(session, seat, user)
    criteria = context["criteria"]
    values = {f"score_{c['n']}": str(form.get(f"score_{c['n']}", "")).strip() for c in criteria}
    errors = []
    scores: dict[str, int] = {}
    for c in criteria:
        text = values[f"score_{c['n']}"]
        if not text.isdigit():
            errors.append(
                _("「{name}」应填 0–100 的整数，收到 {value!r}").format(name=c["name"], value=text)
            )
        else:
            scores[c["name"]] = int(text)
    total = 0.0
    if not errors:
        try:
            total = weighted_score(scores, {c["name"]: c["weight"] for c in criteria})
            seat.assignment.status = apply_transition(
                ASSIGNMENT_TRANSITIONS,
                AssignmentStatus(seat.assignment.status),
                AssignmentStatus.SCORED,
                role=Role.EVALUATOR,
            )
        except ScoringError as error:
            errors.append(str(error))
        except TransitionError:
            errors.append(_("这项评审已经评过分，不能重复提交。"))
    if errors:
        session.rollback()
        return render(
            request,
            "evaluator/score.html",
            context | {"values": values, "errors": errors},
            status=400,
        )
    proposals.set_review(
        session,
        Review(
            proposal_id=seat.proposal.id or 0,
            reviewer_id=user.user_id,
            stage=seat.assignment.stage,
            scores=scores,
            weighted_score=total,
            submitted_at=datetime.now(UTC),
        ),
    )
    session.add(seat.assignment)
    record(
        session,
        request,
        user,
        action="review_score",
        subject_type="proposal",
        subject_id=seat.proposal.id,
        detail=f"{seat.assignment.stage} 加权 {total}",
    )
    session.commit()
    return redirect(
        "/evaluator",
        message=_("评分已提交：{title}，加权得分 {total}").format(
            title=seat.proposal.title, total=total
        ),
    )


@router.get("/evaluations")
def evaluations_page(request: Request, session: SessionDep, user: EvaluatorUser) -> Response:
    """List the monthly evaluations waiting for review by an evaluator who did not score them."""
    rows = portal.list_evaluations_to_review(
        session, reviewer_id=user.user_id, status=EvaluationStatus.IN_REVIEW
    )
    return render(
        request,
        "evaluator/evaluations.html",
        {
            "evaluations": [
                {
                    "id": e.id,
                    "title": p.title,
                    "month": e.month,
                    "score": e.total_score,
                    "grade": e.grade,
                    "comment": e.comment,
                    "reports": f"{e.reports_submitted}/{e.reports_expected}",
                    "people": f"{e.people_served}/{e.people_planned}",
                }
                for e, p in rows
            ]
        },
    )


@router.post("/evaluations/{evaluation_id}")
def review_evaluation(
    evaluation_id: int,
    request: Request,
    session: SessionDep,
    user: FormUser,
    decision: Annotated[str, Form()] = "approve",
    comment: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Approve or send back one evaluation through the review flow."""
    if user.role != Role.EVALUATOR:
        raise Forbidden()
    try:
        evaluation, project = portal.get_evaluation_with_project(session, evaluation_id)
    except LookupError:
        raise NotFound() from None
    outcome = run_flow(
        "review_evaluation",
        project.title,
        evaluation.month,
        user.name,
        decision == "approve",
        comment,
        project.cycle_id,
    )
    record(
        session,
        request,
        user,
        action="evaluation_review",
        subject_type="monthlyevaluation",
        subject_id=evaluation_id,
        detail=outcome.message,
    )
    session.commit()
    if not outcome.ok:
        return render(
            request,
            "error.html",
            {
                "status": 400,
                "title": tr(request, "未能审核"),
                "message": outcome.message,
                "login": False,
            },
            status=400,
        )
    return redirect("/evaluator/evaluations", message=outcome.message)
