"""The office's registry pages: agencies, the fund ledger, monthly evaluations, weekly meetings.

Routes only parse the query and render; what is read, and who may read it, is
`services.office_pages` (staff and admins; anyone else gets 403).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services import ledger_pages, office_pages
from web.deps import CurrentUser, NowDep, SessionDep, actor_of
from web.pages import render, tr
from web.routes.projects import PROJECT_STATUS_LABELS, id_or_none

router = APIRouter(prefix="/officer", include_in_schema=False)


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
    return render(request, "officer/agencies.html", {"agencies": agencies})


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
    return render(request, "officer/meeting.html", {"meeting": meeting})
