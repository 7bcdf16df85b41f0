"""The evaluator's pages: assigned proposals with the scoring form (blind where the call
says so), and the monthly evaluations waiting for a second evaluator's review.

The scoring page reads the whole proposal (`services.proposal_view`: budget, KPIs,
cited needs, schedule, attachments), blind at 初审 where the call says so. An
attachment is downloaded through the seat (`/evaluator/assignments/{id}/attachments/{aid}`),
under a neutral name at a blind 初审; each download is audited. Each monthly
evaluation waiting for review shows every criterion beside what was measured for it
and its plausibility flags: outputs implausibly far above plan (异常) and a budget
that is 超支 or 执行偏慢 (`services.evaluation_view`), so the reviewer checks them first.

Scoring calls `services.reviews` and reviewing calls `services.evaluations`, the same
use cases as the JSON API and the flows: a refusal there (stage closed, seat not held,
one's own scores) is the same 404 / 403 / 409 with the same message here.

An evaluator scores a monthly evaluation at `/evaluator/evaluations/{id}/score`: each
criterion with its weight beside what was measured for it, a score for each criterion
the evaluator gives, a comment, the satisfaction survey's result and 资金违规. The form's
cells are read and stored by `services.evaluation_scoring`, exactly as a row of the
score sheet given to `gongyi monitor month --scores`, so they give the same grade. The
list selects several evaluations in review and approves them, or sends them back with
one comment, in one action (`services.evaluation_batch`): all of them or none.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.call_rules import read_call_rules
from models.rows import Row, RowsRejected
from models.status import Role
from services import (
    Refused,
    evaluation_batch,
    evaluation_scoring,
    evaluation_scoring_pages,
    evaluation_view,
    evaluations,
    proposal_view,
    reviews,
)
from store import calls, portal
from store.accounts import SignedIn
from web.attachment_files import attachment_folder, send_attachment
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


@router.get("/assignments/{assignment_id}/attachments/{attachment_id}")
def download_attachment(
    assignment_id: int,
    attachment_id: int,
    request: Request,
    session: SessionDep,
    user: EvaluatorUser,
    now: NowDep,
) -> Response:
    """Send an attachment of the seat's proposal (only a seated evaluator; audited)."""
    found = proposal_view.read_seat_attachment(
        session,
        actor=actor_of(request, user),
        now=now,
        folder=attachment_folder(request),
        assignment_id=assignment_id,
        attachment_id=attachment_id,
    )
    return send_attachment(found)


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


def _evaluations_context(
    request: Request, session: Session, user: SignedIn, *, selected: set[int] | None = None
) -> dict[str, Any]:
    actor = actor_of(request, user)
    readings = evaluation_view.list_for_review(session, actor=actor)
    if selected is None:
        selected = {r.id for r in readings} if request.query_params.get("all") == "1" else set()
    return {
        "evaluations": readings,
        "to_score": evaluation_scoring_pages.list_to_score(session, actor=actor),
        "selected": selected,
        "batch_errors": [],
        "batch_comment": "",
    }


@router.get("/evaluations")
def evaluations_page(request: Request, session: SessionDep, user: EvaluatorUser) -> Response:
    """List the evaluations to score, and those waiting for review beside their measures."""
    return render(
        request, "evaluator/evaluations.html", _evaluations_context(request, session, user)
    )


@router.post("/evaluations/batch")
async def review_batch(
    request: Request, session: SessionDep, user: FormUser, now: NowDep
) -> Response:
    """Approve, or send back with one comment, the selected evaluations: all or none."""
    if user.role != Role.EVALUATOR:
        raise Forbidden()
    _ = translator(request)
    form = await request.form()
    ids = [int(v) for v in form.getlist("ids") if isinstance(v, str) and v.isdigit()]
    approve = form.get("decision", "approve") == "approve"
    comment = str(form.get("comment", ""))[:1000]
    try:
        reviewed = evaluation_batch.review_evaluations(
            session,
            actor=actor_of(request, user),
            now=now,
            evaluation_ids=ids,
            approve=approve,
            comment=comment,
        )
    except Refused as refused:
        context = _evaluations_context(request, session, user, selected=set(ids))
        errors = (
            [str(p) for p in refused.problems]
            if isinstance(refused, evaluation_batch.BatchRefused)
            else [refused.message]
        )
        context |= {"batch_errors": errors, "batch_comment": comment}
        return render(request, "evaluator/evaluations.html", context, status=409)
    done = _("已审定") if approve else _("已退回修改")
    return redirect(
        "/evaluator/evaluations",
        message=_("{done} {n} 份月评估：{titles}").format(
            done=done, n=len(reviewed), titles="、".join(f"{r.title} {r.month}" for r in reviewed)
        ),
    )


def _score_form_context(sheet: evaluation_scoring_pages.ScoringSheet) -> dict[str, Any]:
    return {
        "sheet": sheet,
        "e": sheet.reading,
        "fields": {name: f"score_{n}" for n, name in enumerate(sheet.criteria)},
        "values": dict(sheet.values),
        "errors": [],
    }


@router.get("/evaluations/{evaluation_id}/score")
def score_evaluation_page(
    evaluation_id: int, request: Request, session: SessionDep, user: EvaluatorUser
) -> Response:
    """Show one monthly evaluation's scoring form, each criterion beside its measures."""
    sheet = evaluation_scoring_pages.read_for_scoring(
        session, actor=actor_of(request, user), evaluation_id=evaluation_id
    )
    return render(request, "evaluator/score_evaluation.html", _score_form_context(sheet))


@router.post("/evaluations/{evaluation_id}/score")
async def score_evaluation(
    evaluation_id: int, request: Request, session: SessionDep, user: FormUser, now: NowDep
) -> Response:
    """Store the evaluator's scores as a score-sheet row would be; show each bad cell."""
    actor = actor_of(request, user)
    sheet = evaluation_scoring_pages.read_for_scoring(
        session, actor=actor, evaluation_id=evaluation_id
    )
    context = _score_form_context(sheet)
    form = await request.form()
    values = {name: str(form.get(field, "")) for name, field in context["fields"].items()}
    values[evaluation_scoring.COMMENT] = str(form.get("comment", ""))
    values[evaluation_scoring.SATISFACTION] = str(form.get("satisfaction", ""))
    values[evaluation_scoring.MISUSE] = "是" if form.get("funds_misused") else ""
    try:
        cells = evaluation_scoring.read_score_cells(
            Row("评分表", 0, values), criteria=sheet.criteria
        )
    except RowsRejected as rejected:
        errors = [f"「{e.column}」{e.message}" for e in rejected.errors]
        context |= {"values": values, "errors": errors}
        return render(request, "evaluator/score_evaluation.html", context, status=400)
    try:
        scored = evaluation_scoring.score_evaluation(
            session, actor=actor, now=now, evaluation_id=evaluation_id, cells=cells
        )
    except Refused as refused:
        context |= {"values": values, "errors": [refused.message]}
        return render(request, "evaluator/score_evaluation.html", context, status=409)
    return redirect("/evaluator/evaluations", message=scored.message)


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
