"""The officer's 公示 page: the notice's dates, objections taken and resolved, then signing.

The same services as `gongyi selection object` / `resolve` (`services.objections`); a
refusal is one red line on the page. Concluding the 公示 (候补递补, 签约) is the
`conclude_publicity` flow, offered on 运行流程 (/officer/flows). Staff and admin only.

URLs and form fields (kept stable for the browser journey):
- GET  /officer/publicity — the notice's dates, the objections, the way to conclude.
- POST /officer/publicity/objections — `proposal_id`, `submitter`, `contact`, `text`, `on`
  (`gongyi selection object`, services.objections.lodge_objection).
- POST /officer/publicity/objections/{objection_id}/resolve — `outcome` (uphold | dismiss),
  `reason`, `on` (`gongyi selection resolve`, services.objections.resolve_objection).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from services import ServiceError
from services.objections import lodge_objection, publicity_view, resolve_objection
from services.selection import selection_progress
from web.deps import NowDep, SessionDep, TodayDep, actor_of
from web.forms import (
    BadInput,
    DateField,
    Officer,
    OfficerForm,
    read_day,
)
from web.pages import redirect, render, tr
from web.routes.selection_steps import latest_call_id

router = APIRouter(prefix="/officer", include_in_schema=False)


def _publicity_page(
    request: Request, session: Session, today: date, *, error: str = "", status: int = 200
) -> Response:
    session.rollback()
    call_id = latest_call_id(session)
    context: dict[str, Any] = {"call_id": call_id, "error": error, "today": today}
    if call_id is not None:
        context |= {
            "view": publicity_view(session, call_id=call_id),
            "step": selection_progress(session, call_id=call_id),
        }
    return render(request, "officer/publicity.html", context, status=status)


@router.get("/publicity")
def publicity(request: Request, session: SessionDep, user: Officer, today: TodayDep) -> Response:
    """Show the 公示: its dates, the objections received, the way to conclude it."""
    return _publicity_page(request, session, today)


@router.post("/publicity/objections")
def lodge(
    request: Request,
    session: SessionDep,
    user: OfficerForm,
    now: NowDep,
    today: TodayDep,
    proposal_id: Annotated[int, Form()] = 0,
    submitter: Annotated[str, Form(max_length=100)] = "",
    contact: Annotated[str, Form(max_length=100)] = "",
    text: Annotated[str, Form(max_length=1800)] = "",
    on: DateField = "",
) -> Response:
    """Record a written objection received on `on`."""
    call_id = latest_call_id(session)
    try:
        if call_id is None:
            raise BadInput(tr(request, "还没有申报指南。"))
        objection_id = lodge_objection(
            session,
            actor=actor_of(request, user),
            now=now,
            call_id=call_id,
            proposal_id=proposal_id,
            submitter=submitter,
            contact=contact,
            text=text,
            on=read_day(request, on, today),
        )
    except (BadInput, ServiceError) as error:
        message = error.message if isinstance(error, ServiceError) else str(error)
        return _publicity_page(request, session, today, error=message, status=400)
    message = tr(request, "异议已登记，编号 {n}。").format(n=objection_id)
    return redirect("/officer/publicity", message=message)


@router.post("/publicity/objections/{objection_id}/resolve")
def resolve(
    objection_id: int,
    request: Request,
    session: SessionDep,
    user: OfficerForm,
    now: NowDep,
    today: TodayDep,
    outcome: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    on: DateField = "",
) -> Response:
    """Uphold or dismiss an objection with a reason, dated `on`."""
    call_id = latest_call_id(session)
    try:
        if outcome not in ("uphold", "dismiss"):
            raise BadInput(tr(request, "请选择异议成立或不成立。"))
        if call_id is None:
            raise BadInput(tr(request, "还没有申报指南。"))
        result = resolve_objection(
            session,
            actor=actor_of(request, user),
            now=now,
            call_id=call_id,
            objection_id=objection_id,
            uphold=outcome == "uphold",
            reason=reason,
            on=read_day(request, on, today),
        )
    except (BadInput, ServiceError) as error:
        message = error.message if isinstance(error, ServiceError) else str(error)
        return _publicity_page(request, session, today, error=message, status=400)
    word = tr(request, "成立") if result == "upheld" else tr(request, "不成立")
    message = tr(request, "异议 {n} 已处理：{outcome}。").format(n=objection_id, outcome=word)
    return redirect("/officer/publicity", message=message)
