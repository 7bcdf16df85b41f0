"""The evaluator's pages: assigned proposals with the scoring form (blind where the call
says so), and the monthly evaluations waiting for a second evaluator's review.

The scoring page reads the whole proposal (`services.proposal_view`: budget, KPIs,
cited needs, schedule), blind at 初审 where the call says so. Each monthly
evaluation waiting for review shows every criterion beside what was measured for it
and its plausibility flags: outputs implausibly far above plan (异常) and a budget
that is 超支 or 执行偏慢 (`services.evaluation_view`), so the reviewer checks them first.

Scoring calls `services.reviews` and reviewing calls `services.evaluations`, the same
use cases as the JSON API and the flows: a refusal there (stage closed, seat not held,
one's own scores) is the same 404 / 403 / 409 with the same message here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.call_rules import read_call_rules
from models.status import Role
from services import evaluation_view, evaluations, proposal_view, reviews
from store import calls, portal
from store.accounts import SignedIn
from web.deps import Forbidden, NowDep, SessionDep, actor_of, require_roles
from web.pages import redirect, render, translator
from web.security import FormUser

router = APIRouter(prefix="/evaluator", include_in_schema=False)
EvaluatorUser = Annotated[SignedIn, Depends(require_roles(Role.EVALUATOR))]


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
                    "agency": "" if proposal_view.is_blind(session, s) else s.agency_name,
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
    view = proposal_view.read_seat(session, seat=seat)
    return {
        "seat": {
            "id": seat.assignment.id,
            "stage": seat.assignment.stage,
            "status": seat.assignment.status,
        },
        "proposal": view,
        "agency": view.agency or "",
        "blind": view.blind,
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
    assignment_id: int, request: Request, session: SessionDep, user: EvaluatorUser, now: NowDep
) -> Response:
    """Show one assigned proposal and its scoring form (the view is audited)."""
    seat = reviews.open_seat(
        session, actor=actor_of(request, user), now=now, assignment_id=assignment_id
    )
    return render(request, "evaluator/score.html", _scoring_context(session, seat, user))


@router.post("/assignments/{assignment_id}")
async def score(
    assignment_id: int, request: Request, session: SessionDep, user: FormUser, now: NowDep
) -> Response:
    """Store the evaluator's weighted scores and mark the assignment scored."""
    actor = actor_of(request, user)
    seat = reviews.seat_of(session, actor=actor, assignment_id=assignment_id)
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
    if not errors:
        try:
            scored = reviews.score_proposal(
                session,
                actor=actor,
                now=now,
                assignment_id=assignment_id,
                scores=scores,
                replace=False,
            )
        except reviews.ScoresRejected as rejected:
            errors += [
                f"「{name}」{message}" if name else message
                for name, message in rejected.problems.items()
            ]
        except reviews.AlreadyScored as refused:
            errors.append(_(refused.message))
    if errors:
        return render(
            request,
            "evaluator/score.html",
            context | {"values": values, "errors": errors},
            status=400,
        )
    return redirect(
        "/evaluator",
        message=_("评分已提交：{title}，加权得分 {total}").format(
            title=scored.title, total=scored.weighted_score
        ),
    )


@router.get("/evaluations")
def evaluations_page(request: Request, session: SessionDep, user: EvaluatorUser) -> Response:
    """List the monthly evaluations waiting for review, each criterion beside its measures."""
    readings = evaluation_view.list_for_review(session, actor=actor_of(request, user))
    return render(request, "evaluator/evaluations.html", {"evaluations": readings})


@router.post("/evaluations/{evaluation_id}")
def review_evaluation(
    evaluation_id: int,
    request: Request,
    session: SessionDep,
    user: FormUser,
    now: NowDep,
    decision: Annotated[str, Form()] = "approve",
    comment: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Approve or send back one evaluation (by its id); a refusal is the API's 404/403/409."""
    if user.role != Role.EVALUATOR:
        raise Forbidden()
    reviewed = evaluations.review_evaluation(
        session,
        actor=actor_of(request, user),
        now=now,
        evaluation_id=evaluation_id,
        approve=decision == "approve",
        comment=comment,
    )
    return redirect("/evaluator/evaluations", message=reviewed.message)
