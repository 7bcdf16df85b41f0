"""The officer's selection pages: screening overrides (资格审查改判, `services.selection`) with
the proposals' need-citation warnings (引用需求提醒), and the committee's decision at 终审.

The 终审 page shows where selection stands (`services.selection.selection_progress`)
and, once 路演答辩 is closed, the proposed allocation with each finalist's raw mean
and normalised score. The decision is recorded by the same service as `gongyi
selection decide` (`services.committee.record_committee_decision`), whenever the
committee meets; the 公示 PDF is then rendered by the `committee_decision` flow.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from models.status import Role, Stage
from services import Refused, ServiceError
from services.allocation import compute_allocation, stage_scores
from services.committee import record_committee_decision
from services.selection import override_screening, selection_progress
from store import calls, dashboard, selection
from store.accounts import SignedIn
from web.deps import Forbidden, NotFound, NowDep, SessionDep, actor_of, require_roles
from web.flow_runs import run_flow
from web.pages import redirect, render, tr
from web.security import FormUser

router = APIRouter(prefix="/officer", include_in_schema=False)
OfficerUser = Annotated[SignedIn, Depends(require_roles(Role.STAFF))]


def _latest_call_id(session) -> int:  # type: ignore[no-untyped-def]
    cycle = dashboard.get_latest_cycle(session)
    if cycle is None:
        raise NotFound()
    try:
        return calls.get_latest_call(session, cycle_id=cycle.id or 0).id or 0
    except LookupError:
        raise NotFound() from None


@router.get("/screening")
def screening_page(request: Request, session: SessionDep, user: OfficerUser) -> Response:
    """List the call's screening results, with an override form for each."""
    call_id = _latest_call_id(session)
    rows = dashboard.list_call_proposals(session, call_id=call_id, stage=Stage.ELIGIBILITY)
    # Every proposal of the call whose cited needs are of another domain or community,
    # whatever its stage: warned when it was received, never a refusal (models.citation).
    warned = [
        {"id": p.id, "title": p.title, "status": p.status, "warnings": p.citation_warnings}
        for p in dashboard.list_call_proposals(session, call_id=call_id)
        if p.citation_warnings
    ]
    return render(
        request,
        "officer/screening.html",
        {
            "proposals": [
                {
                    "id": p.id,
                    "title": p.title,
                    "status": p.status,
                    "note": p.screening_note,
                    "override_by": p.override_by,
                    "override_reason": p.override_reason,
                    "citation_warnings": p.citation_warnings,
                }
                for p in rows
            ],
            "citation_warnings": warned,
        },
    )


@router.post("/screening/{proposal_id}")
def override(
    proposal_id: int,
    request: Request,
    session: SessionDep,
    user: FormUser,
    now: NowDep,
    eligible: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Override one screening result; the reason and the officer are kept."""
    if user.role != Role.STAFF:
        raise Forbidden()
    call_id = _latest_call_id(session)
    if proposal_id not in {p.id for p in dashboard.list_call_proposals(session, call_id=call_id)}:
        raise NotFound()
    try:
        override_screening(
            session,
            actor=actor_of(request, user),
            now=now,
            proposal_id=proposal_id,
            eligible=eligible == "yes",
            reason=reason,
        )
    except Refused as error:
        return render(
            request,
            "error.html",
            {
                "status": 400,
                "title": tr(request, "未能改判"),
                "message": error.message,
                "login": False,
            },
            status=400,
        )
    return redirect("/officer/screening", message=tr(request, "已改判。"))


def _finalists(session, call_id: int) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    """The proposed allocation, best first: rank, raw mean, normalised score, request, outcome."""
    outcomes, candidates = compute_allocation(session, call_id=call_id)
    titles = {p.id: p.title for p in dashboard.list_call_proposals(session, call_id=call_id)}
    scores = stage_scores(session, call_id=call_id, stage=Stage.DEFENCE)
    return [
        {
            "id": o.proposal_id,
            "rank": o.rank,
            "title": titles.get(o.proposal_id, ""),
            "raw": scores[o.proposal_id].raw_mean,
            "score": scores[o.proposal_id].normalised,
            "requested_fen": candidates[o.proposal_id].requested_fen,
            "funded": o.is_funded,
            "reason": o.reason,
        }
        for o in outcomes
    ]


@router.get("/committee")
def committee_page(request: Request, session: SessionDep, user: OfficerUser) -> Response:
    """Show where selection stands and, when proposed, the allocation the committee decides on."""
    call_id = _latest_call_id(session)
    pending = selection.get_pending_decision(session, call_id=call_id)
    decided = selection.get_decision(session, call_id=call_id)
    return render(
        request,
        "officer/committee.html",
        {
            "call_id": call_id,
            "pending": pending is not None,
            "next_step": selection_progress(session, call_id=call_id).message,
            "decided": {
                "by": decided.decided_by,
                "on": decided.decided_on,
                "at": decided.decided_at,
                "accepted": decided.accepted,
                "reasons": decided.reasons,
            }
            if decided and decided.decided_at
            else None,
            "finalists": _finalists(session, call_id) if pending is not None else [],
        },
    )


@router.post("/committee")
def decide(
    request: Request,
    session: SessionDep,
    user: FormUser,
    now: NowDep,
    include: Annotated[list[int] | None, Form()] = None,
    exclude: Annotated[list[int] | None, Form()] = None,
    reasons: Annotated[str, Form(max_length=2000)] = "",
    on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Record the committee's decision (dated `on`, default today) and publish the 公示."""
    if user.role != Role.STAFF:
        raise Forbidden()
    call_id = _latest_call_id(session)
    include, exclude = include or [], exclude or []
    try:
        day = date.fromisoformat(on) if on else now.date()
        decided = record_committee_decision(
            session,
            actor=actor_of(request, user),
            now=now,
            on=day,
            call_id=call_id,
            include=include,
            exclude=exclude,
            reasons=reasons,
            decided_by=user.name,
        )
    except (ServiceError, ValueError) as error:
        message = (
            error.message
            if isinstance(error, ServiceError)
            else f"决定日期应为 2026-05-22 的格式：{on}"
        )
        return render(
            request,
            "error.html",
            {
                "status": 400,
                "title": tr(request, "终审决定未记录"),
                "message": message,
                "login": False,
            },
            status=400,
        )
    message = tr(request, "终审决定已记录：立项 {n} 个，公示至 {end}。").format(
        n=decided.approved, end=decided.notice_ends_on
    )
    try:
        run_flow("committee_decision", call_id, publish_only=True)
    except Exception as error:  # the decision stands; the notice can be rendered again
        message += tr(request, "公示 PDF 未能生成（{why}），请在「运行流程」重试。").format(
            why=type(error).__name__
        )
    return redirect("/officer/committee", message=message)
