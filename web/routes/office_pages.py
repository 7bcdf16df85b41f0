"""The office's registry pages: agencies, the fund ledger, monthly and final evaluations, meetings.

Routes only parse the query and render; what is read, and who may read it, is
`services.office_pages` (staff and admins; anyone else gets 403). The final
evaluations' page (`/officer/finals`) also records a batch review in the name of
the evaluator who signed it (`services.final_review_pages`: all or none).
`/officer/templates` offers the blank .xlsx of every sheet the office imports
(`services.sheet_templates`). The agencies' import and the meeting's minutes
forms post to `web.routes.office_forms`, included here.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from services import (
    Refused,
    evaluation_batch,
    final_review_pages,
    ledger_pages,
    office_pages,
    sheet_templates,
)
from store.accounts import SignedIn
from web.deps import CurrentUser, NowDep, SessionDep, actor_of
from web.pages import redirect, render, tr, translator
from web.routes import office_forms
from web.routes.projects import PROJECT_STATUS_LABELS, id_or_none
from web.security import FormUser

router = APIRouter(prefix="/officer", include_in_schema=False)
router.include_router(office_forms.router)


def _bad_input(request: Request, message: str) -> Response:
    return render(
        request,
        "error.html",
        {"status": 400, "title": tr(request, "输入有误"), "message": message, "login": False},
        status=400,
    )


@router.get("/agencies")
def agency_list(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """List the agency registry (contacts masked)."""
    agencies = office_pages.list_agencies(session, actor=actor_of(request, user))
    return render(request, "officer/agencies.html", {"agencies": agencies, "errors": []})


@router.get("/agencies/{agency_id}")
def agency_page(
    request: Request, session: SessionDep, user: CurrentUser, agency_id: int
) -> Response:
    """Show one agency: its record, projects, grades and yellow cards."""
    page = office_pages.show_agency(session, actor=actor_of(request, user), agency_id=agency_id)
    return render(
        request,
        "officer/agency.html",
        {"page": page, "status_labels": PROJECT_STATUS_LABELS},
    )


@router.get("/ledger")
def ledger_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    on: str = "",
    cycle: str = "",
) -> Response:
    """Show the fund as of a day (default today), by donor and by project."""
    try:
        as_of = date.fromisoformat(on.strip()) if on.strip() else now.date()
    except ValueError:
        return _bad_input(request, tr(request, "日期格式应为 2026-06-30，收到：") + on.strip()[:20])
    ledger = ledger_pages.show_ledger(
        session, actor=actor_of(request, user), as_of=as_of, cycle_id=id_or_none(cycle)
    )
    return render(request, "officer/ledger.html", {"ledger": ledger})


@router.get("/evaluations")
def evaluations_page(
    request: Request, session: SessionDep, user: CurrentUser, month: str = "", cycle: str = ""
) -> Response:
    """List a month's evaluations with their status, grade and published PDF."""
    found = office_pages.list_month_evaluations(
        session,
        actor=actor_of(request, user),
        output_dir=request.app.state.output_dir,
        month=month.strip()[:7],
        cycle_id=id_or_none(cycle),
    )
    return render(request, "officer/evaluations.html", {"found": found})


@router.get("/meetings")
def meetings_page(
    request: Request, session: SessionDep, user: CurrentUser, cycle: str = ""
) -> Response:
    """List the weekly meetings, newest first."""
    meetings = office_pages.list_weekly_meetings(
        session, actor=actor_of(request, user), cycle_id=id_or_none(cycle)
    )
    return render(request, "officer/meetings.html", {"meetings": meetings})


@router.get("/meetings/{meeting_id}")
def meeting_page(
    request: Request, session: SessionDep, user: CurrentUser, meeting_id: int
) -> Response:
    """Show one weekly meeting: agenda, minutes, action items and its PDFs."""
    meeting = office_pages.show_meeting(
        session,
        actor=actor_of(request, user),
        meeting_id=meeting_id,
        output_dir=request.app.state.output_dir,
    )
    # The form starts from what is recorded, so saving it again keeps what was there.
    form = {key: meeting[key] or "" for key in ("minutes", "attendees", "host", "recorder")}
    return render(request, "officer/meeting.html", {"meeting": meeting, "errors": [], "form": form})


def _finals_context(
    request: Request, session: Session, user: SignedIn, *, cycle_id: int | None
) -> dict[str, Any]:
    found = final_review_pages.list_cycle_finals(
        session, actor=actor_of(request, user), cycle_id=cycle_id
    )
    everything = request.query_params.get("all") == "1"
    return {
        "found": found,
        "selected": {f.id for f in found.in_review} if everything else set(),
        "batch_errors": [],
        "form": {"reviewer": "", "comment": "", "on": ""},
    }


@router.get("/finals")
def finals_page(
    request: Request, session: SessionDep, user: CurrentUser, cycle: str = ""
) -> Response:
    """List a cycle's final evaluations, with a batch review of those waiting for it."""
    context = _finals_context(request, session, user, cycle_id=id_or_none(cycle))
    return render(request, "officer/finals.html", context)


@router.post("/finals/batch")
async def review_finals(
    request: Request, session: SessionDep, user: FormUser, now: NowDep
) -> Response:
    """Approve, or send back with one comment, the selected final evaluations: all or none."""
    _ = translator(request)
    form = await request.form()
    cycle_id = id_or_none(str(form.get("cycle", "")))
    ids = [int(v) for v in form.getlist("ids") if isinstance(v, str) and v.isdigit()]
    approve = form.get("decision", "approve") == "approve"
    fields = {k: str(form.get(k, "")).strip()[:1000] for k in ("reviewer", "comment", "on")}
    try:
        on = date.fromisoformat(fields["on"]) if fields["on"] else None
    except ValueError:
        return _bad_input(
            request, tr(request, "日期格式应为 2026-06-30，收到：") + fields["on"][:20]
        )
    try:
        reviewed = final_review_pages.record_batch_review(
            session,
            actor=actor_of(request, user),
            now=now,
            reviewer=fields["reviewer"][:100],
            final_evaluation_ids=ids,
            approve=approve,
            comment=fields["comment"],
            on=on,
        )
    except Refused as refused:
        context = _finals_context(request, session, user, cycle_id=cycle_id)
        errors = (
            [str(p) for p in refused.problems]
            if isinstance(refused, evaluation_batch.BatchRefused)
            else [refused.message]
        )
        context |= {"selected": set(ids), "batch_errors": errors, "form": fields}
        return render(request, "officer/finals.html", context, status=409)
    done = _("已审定") if approve else _("已退回修改")
    return redirect(
        f"/officer/finals?cycle={cycle_id or ''}",
        message=_("{done} {n} 份结项评估：{titles}").format(
            done=done, n=len(reviewed), titles="、".join(r.title for r in reviewed)
        ),
    )


@router.get("/templates")
def templates_page(
    request: Request, session: SessionDep, user: CurrentUser, cycle: str = ""
) -> Response:
    """List the blank templates of the sheets the office imports, each a download."""
    found = sheet_templates.list_downloads(session, actor=actor_of(request, user))
    return render(
        request, "officer/sheet_templates.html", {"found": found, "cycle": id_or_none(cycle)}
    )


@router.get("/templates/{key}.xlsx")
def template_download(
    request: Request, session: SessionDep, user: CurrentUser, key: str, cycle: str = ""
) -> Response:
    """Send one blank template (.xlsx); a score sheet carries the cycle's criteria."""
    template = sheet_templates.find_download(
        session, actor=actor_of(request, user), key=key, cycle_id=id_or_none(cycle)
    )
    return Response(
        sheet_templates.workbook_bytes(template),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename*=utf-8''{quote(template.file_name)}"
        },
    )
