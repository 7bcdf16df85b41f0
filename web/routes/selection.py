"""The officer's selection pages: screening overrides (资格审查改判, `services.selection`) with
the proposals' need-citation warnings (引用需求提醒), and
the committee's decision at 终审, which resumes the waiting selection flow (`web.flow_runs`)
and goes on the audit trail through `services.selection.note_committee_decision`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from models.status import Role, Stage
from services import Refused
from services.selection import note_committee_decision, override_screening
from store import calls, dashboard, selection
from store.accounts import SignedIn
from web.deps import Forbidden, NotFound, NowDep, SessionDep, actor_of, require_roles
from web.flow_runs import record_committee_decision
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


@router.get("/committee")
def committee_page(request: Request, session: SessionDep, user: OfficerUser) -> Response:
    """Show whether a selection run waits for the committee, and the final list to decide on."""
    call_id = _latest_call_id(session)
    pending = selection.get_pending_decision(session, call_id=call_id)
    decided = selection.get_decision(session, call_id=call_id)
    scores = dashboard.list_average_scores(session, call_id=call_id, stage=Stage.DEFENCE)
    finalists = dashboard.list_call_proposals(session, call_id=call_id, stage=Stage.FINAL)
    return render(
        request,
        "officer/committee.html",
        {
            "call_id": call_id,
            "pending": pending is not None,
            "decided": {
                "by": decided.decided_by,
                "at": decided.decided_at,
                "accepted": decided.accepted,
                "reasons": decided.reasons,
            }
            if decided and decided.decided_at
            else None,
            "finalists": sorted(
                (
                    {
                        "id": p.id,
                        "title": p.title,
                        "score": scores.get(p.id or 0),
                        "requested_fen": p.requested_fen,
                    }
                    for p in finalists
                ),
                key=lambda r: -(r["score"] or 0),
            ),
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
) -> Response:
    """Record the committee's decision and resume the waiting selection run."""
    if user.role != Role.STAFF:
        raise Forbidden()
    call_id = _latest_call_id(session)
    include, exclude = include or [], exclude or []
    try:
        run_id = record_committee_decision(
            call_id,
            accepted=not (include or exclude),
            include=include,
            exclude=exclude,
            reasons=reasons,
            decided_by=user.name,
        )
    except (ValueError, LookupError) as error:
        return render(
            request,
            "error.html",
            {
                "status": 400,
                "title": tr(request, "终审决定未记录"),
                "message": str(error),
                "login": False,
            },
            status=400,
        )
    note_committee_decision(
        session,
        actor=actor_of(request, user),
        now=now,
        call_id=call_id,
        include=include,
        exclude=exclude,
        reasons=reasons,
    )
    return redirect(
        "/officer/committee",
        message=tr(request, "终审决定已记录，遴选流程 {run} 继续运行。").format(run=run_id),
    )
