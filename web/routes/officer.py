"""The street officer's pages: the dashboard, tranches and the buttons that start flows.

The dashboard shows the cycle's stage, the fund, needs by domain, proposals,
selection progress, a heat-map of daily-report compliance for one month,
the latest grades and the latest PDFs. Long flows (the month's evaluation)
run in a background thread; the flows page shows how they ended. The time is the
request's (`NowDep`, the one clock); starting a flow is recorded by `services.runs`.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.calendar import PeriodError, month_bounds
from models.compliance import ReportStamp, due_days, is_late
from models.status import Role
from services.documents import list_output_files
from services.figures import headline
from services.runs import note_flow_start
from store import calls, dashboard, monitoring
from store.accounts import SignedIn
from web.deps import Forbidden, NotFound, NowDep, SessionDep, actor_of, require_roles
from web.flow_runs import run_flow
from web.i18n import N_
from web.pages import redirect, render, tr, translator
from web.security import FormUser

router = APIRouter(prefix="/officer", include_in_schema=False)
OfficerUser = Annotated[SignedIn, Depends(require_roles(Role.STAFF))]


def _cycle_id(session: Session) -> int:
    cycle = dashboard.get_latest_cycle(session)
    if cycle is None:
        raise NotFound()
    return cycle.id or 0


def build_heatmap(session: Session, *, cycle_id: int, month: str, tz: tzinfo) -> dict[str, Any]:
    """Return each project's row of on-time / late / missing cells for the month's working days."""
    first, last = month_bounds(month)
    projects = dashboard.list_cycle_projects(session, cycle_id=cycle_id)
    days = due_days(first, last, starts_on=first, ends_on=last)
    filed = {
        (r.project_id, r.day): r
        for r in monitoring.list_daily_reports(session, cycle_id=cycle_id, first=first, last=last)
    }
    rows = []
    for project in projects:
        due = set(due_days(first, last, starts_on=project.starts_on, ends_on=project.ends_on))
        cells = []
        for day in days:
            report = filed.get((project.id or 0, day))
            if day not in due:
                cells.append("off")
            elif report is None:
                cells.append("missing")
            else:
                stamp = ReportStamp(day, report.first_submitted_at)
                cells.append("late" if is_late(stamp, tz=tz) else "ontime")
        rows.append(
            {
                "title": project.title,
                "cells": cells,
                "ontime": cells.count("ontime"),
                "due": len(due),
            }
        )
    return {"month": month, "days": days, "rows": rows}


@router.get("")
def dashboard_page(
    request: Request, session: SessionDep, user: OfficerUser, now: NowDep, month: str = ""
) -> Response:
    """Show the cycle at a glance."""
    cycle = dashboard.get_latest_cycle(session)
    if cycle is None:  # an empty database: the first-run page points to opening a cycle
        return render(request, "officer/cycle_first_run.html")
    tz = now.tzinfo or UTC
    last_day = dashboard.get_last_report_day(session, cycle_id=cycle.id or 0)
    try:
        month = month or (last_day or now.date()).strftime("%Y-%m")
        heatmap = build_heatmap(session, cycle_id=cycle.id or 0, month=month, tz=tz)
    except PeriodError as error:
        return render(
            request,
            "error.html",
            {
                "status": 400,
                "title": tr(request, "月份有误"),
                "message": str(error),
                "login": False,
            },
            status=400,
        )
    figures = headline(session, cycle_id=cycle.id or 0, as_of=now.date(), tz=tz)
    has_fund = dashboard.has_fund(session, cycle_id=cycle.id or 0)
    domain_names = dashboard.list_domain_names(session, cycle_id=cycle.id or 0)
    grade_month, grades, grade_counts = dashboard.list_latest_grades(
        session, cycle_id=cycle.id or 0
    )
    projects = dashboard.list_cycle_projects(session, cycle_id=cycle.id or 0)
    return render(
        request,
        "officer/dashboard.html",
        {
            "cycle": {"name": cycle.name, "status": cycle.status, "street": cycle.street_office},
            "balance": figures.money if has_fund else None,
            "needs": [
                (domain_names.get(row.domain_key, row.domain_key), row.groups, row.pending)
                for row in figures.needs.domains
            ]
            + ([("", figures.needs.unsorted.groups, 0)] if figures.needs.unsorted.groups else []),
            "people": figures.people,
            "reports": figures.reports,
            "proposals": dashboard.count_proposals_by_status(session, cycle_id=cycle.id or 0),
            "assignments": dashboard.count_assignments(session, cycle_id=cycle.id or 0),
            "heatmap": heatmap,
            "grade_month": grade_month,
            "grade_counts": sorted(grade_counts.items()),
            "grades": [{"title": p.title, "grade": grades.get(p.id or 0, "")} for p in projects],
            "pdfs": list_output_files(request.app.state.output_dir)[:8],
        },
    )


@router.get("/tranches")
def tranches_page(request: Request, session: SessionDep, user: OfficerUser) -> Response:
    """List the cycle's tranches and what each waits for."""
    rows = dashboard.list_cycle_tranche_rows(session, cycle_id=_cycle_id(session))
    return render(
        request,
        "officer/tranches.html",
        {
            "tranches": [
                {
                    "title": p.title,
                    "seq": t.seq,
                    "amount_fen": t.amount_fen,
                    "status": t.status,
                    "condition": t.condition,
                    "released_on": t.released_on,
                }
                for t, p, _a in rows
            ]
        },
    )


# name -> label msgid; the flows page offers one form per entry.
FLOW_BUTTONS = {
    "close_call": N_("截止申报并资格审查"),
    "monthly_evaluation": N_("运行月评估"),
    "release_tranches": N_("按条件拨付"),
}


@router.get("/flows")
def flows_page(request: Request, session: SessionDep, user: OfficerUser) -> Response:
    """Offer the buttons that start flows, and show how the last runs ended."""
    cycle_id = _cycle_id(session)
    call_list = calls.list_calls(session, cycle_id=cycle_id)
    return render(
        request,
        "officer/flows.html",
        {
            "buttons": FLOW_BUTTONS,
            "calls": [{"id": c.id, "title": c.title, "status": c.status} for c in call_list],
            "jobs": list(reversed(request.app.state.flow_jobs[-10:])),
        },
    )


def _start_in_background(
    request: Request, name: str, label: str, started: datetime, *args: Any
) -> None:
    jobs: list[dict[str, Any]] = request.app.state.flow_jobs
    job: dict[str, Any] = {
        "name": label,
        "started": started.astimezone(UTC),
        "state": N_("运行中"),
        "result": "",
    }
    jobs.append(job)

    def work() -> None:
        try:
            result = run_flow(name, *args)
            job["state"], job["result"] = N_("已完成"), _summarise(result)
        except Exception as error:  # shown to the officer, not raised into a request
            job["state"], job["result"] = N_("失败"), str(error)[:300]

    threading.Thread(target=work, daemon=True).start()


def _summarise(result: Any) -> str:
    """Say in one line what a flow run did (its summary's figures, and errors if any)."""
    parts = []
    if hasattr(result, "eligible"):
        parts.append(f"资格审查通过 {result.eligible} 份，未通过 {len(result.ineligible)} 份")
    if hasattr(result, "month"):
        parts.append(
            f"{result.month} 已测算 {result.measured} 个，发布 {result.published} 个，"
            f"PDF {len(result.pdfs)} 份"
        )
    if hasattr(result, "released"):
        parts.append(
            f"拨付 {len(result.released)} 个，暂缓 {len(result.held)} 个，"
            f"待中期评估 {result.waiting} 个"
        )
    errors = getattr(result, "errors", ())
    if errors:
        parts.append(f"{len(errors)} 处错误：{errors[0]}")
    return "；".join(parts) or str(result)[:300]


@router.post("/flows/{name}")
def start_flow(
    name: str,
    request: Request,
    session: SessionDep,
    user: FormUser,
    now: NowDep,
    call_id: Annotated[int | None, Form()] = None,
    month: Annotated[str, Form(max_length=7)] = "",
) -> Response:
    """Start one of the offered flows with the given call or month."""
    if user.role != Role.STAFF:
        raise Forbidden()
    if name not in FLOW_BUTTONS:
        raise NotFound()
    _ = translator(request)
    cycle_id = _cycle_id(session)
    today = now.date()
    if name == "close_call":
        if call_id is None or call_id not in {
            c.id for c in calls.list_calls(session, cycle_id=cycle_id)
        }:
            raise NotFound()
        args: tuple[Any, ...] = (call_id, today)
    elif name == "monthly_evaluation":
        try:
            month_bounds(month)
        except PeriodError as error:
            return render(
                request,
                "error.html",
                {"status": 400, "title": _("月份有误"), "message": str(error), "login": False},
                status=400,
            )
        args = (cycle_id, month)
    else:
        args = (cycle_id, today)
    note_flow_start(
        session, actor=actor_of(request, user), now=now, name=name, detail=f"{name} {args}"
    )
    _start_in_background(request, name, _(FLOW_BUTTONS[name]), now, *args)
    return redirect(
        "/officer/flows", message=_("已开始：{name}").format(name=_(FLOW_BUTTONS[name]))
    )
