"""The agency's pages: its projects, the daily report form (phone first), drafts, proposals,
action items, evaluations, and its contracts and documents (合同与文件, from the document
register by subject id: `services.own_documents`). Every query is limited to the
signed-in user's agency, and every page works on a 390 px phone.

Only a running project asks for daily reports: a project closed at 结项 (or terminated,
or suspended) is listed with its status, never as missing reports, and the form neither
offers it nor takes a report or draft for it (`services.daily_reports.require_reporting`).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from models.money import MoneyError, parse_yuan
from models.monitoring import ACTIVITY_KIND_LABELS
from models.report_input import DailyReportInput, InputError, parse_refs, read_report_payload
from models.reporting import PROJECT_STATUS_LABELS
from models.status import ActionItemStatus, ProjectStatus, Role, asks_for_reports
from services import Refused, daily_reports, own_documents
from services.daily_reports import IntakeSummary, ReportsRejected
from services.projects import own_project
from store import plans, portal
from store.accounts import SignedIn
from web.deps import (
    Forbidden,
    NotFound,
    NowDep,
    SessionDep,
    TodayDep,
    actor_of,
    require_roles,
    writer_turn,
)
from web.flow_runs import close_action_item as close_action_item_and_publish
from web.pages import redirect, render, translator
from web.security import FormUser

router = APIRouter(prefix="/agency", include_in_schema=False)
AgencyUser = Annotated[SignedIn, Depends(require_roles(Role.AGENCY))]
ACTIVITY_ROWS = 3
ATTACHMENT_TYPES = {".jpg", ".jpeg", ".png", ".pdf"}
TEXT_FIELDS = (
    "beneficiaries",
    "service_hours",
    "volunteers",
    "volunteer_hours",
    "issues",
    "risks",
    "summary",
    "no_activity_reason",
)


def _agency_id(user: SignedIn) -> int:
    if user.agency_id is None:
        raise NotFound()
    return user.agency_id


@router.get("")
def agency_home(
    request: Request, session: SessionDep, user: AgencyUser, today: TodayDep
) -> Response:
    """Show the agency's projects, this week's missing reports and recent reports."""
    projects = portal.list_agency_projects(session, agency_id=_agency_id(user))
    running = [p for p in projects if asks_for_reports(p.status)]
    missing = portal.list_missing_days(session, projects=running, today=today)
    titles = {p.id: p.title for p in projects}
    recent = portal.list_recent_reports(session, project_ids=list(titles), limit=10)
    drafts = portal.list_drafts(session, account_id=user.account_id)
    documents = own_documents.list_agency_documents(
        session, actor=actor_of(request, user), output_dir=request.app.state.output_dir
    )
    return render(
        request,
        "agency/home.html",
        {
            "projects": [
                {
                    "id": p.id,
                    "title": p.title,
                    "missing": missing.get(p.id or 0, []),
                    "starts_on": p.starts_on,
                    "ends_on": p.ends_on,
                    "reporting": asks_for_reports(p.status),
                    "status_label": _status_label(p.status),
                }
                for p in projects
            ],
            "any_reporting": bool(running),
            "recent": [
                {
                    "title": titles[r.project_id],
                    "day": r.day,
                    "people": r.people_served,
                    "version": r.version,
                    "source": r.source,
                }
                for r in recent
            ],
            "drafts": [
                {"project_id": d.project_id, "title": titles.get(d.project_id, ""), "day": d.day}
                for d in drafts
                if d.project_id in {p.id for p in running}
            ],
            "today": today,
            "contracts": [
                d
                for sec in documents.sections
                if sec.key == "contract"
                for g in sec.groups
                for d in g.documents
            ],
            "document_count": documents.count,
        },
    )


def _status_label(status: str) -> str:
    return PROJECT_STATUS_LABELS.get(ProjectStatus(status), status)


def _form_context(
    session: Session, user: SignedIn, *, project_id: int | None, day: date, values: dict[str, Any]
) -> dict[str, Any]:
    # Only running projects are offered: a closed one asks for no report.
    projects = [
        p
        for p in portal.list_agency_projects(session, agency_id=_agency_id(user))
        if asks_for_reports(p.status)
    ]
    chosen = next((p for p in projects if p.id == project_id), projects[0] if projects else None)
    budget = (
        plans.list_budgets(session, project_ids=[chosen.id]).get(chosen.id, {}) if chosen else {}
    )
    return {
        "projects": [{"id": p.id, "title": p.title} for p in projects],
        "project_id": chosen.id if chosen else None,
        "day": day,
        "values": values,
        "categories": list(budget),
        "kinds": list(ACTIVITY_KIND_LABELS.values()),
        "rows": range(1, ACTIVITY_ROWS + 1),
        "missing": portal.list_missing_days(
            session, projects=[chosen] if chosen else [], today=day
        ).get(chosen.id if chosen else 0, []),
    }


@router.get("/reports/new")
def report_form(
    request: Request,
    session: SessionDep,
    user: AgencyUser,
    today: TodayDep,
    project: int | None = None,
    day: date | None = None,
) -> Response:
    """Show the daily report form, filled from a saved draft if there is one."""
    day = day or today
    if project is not None:
        found = own_project(session, actor=actor_of(request, user), project_id=project)
        try:
            daily_reports.require_reporting(found)
        except Refused as closed:
            context = _form_context(session, user, project_id=None, day=day, values={})
            return render(
                request,
                "agency/report_form.html",
                context | {"errors": [str(closed)], "closed": True},
                status=409,
            )
    context = _form_context(session, user, project_id=project, day=day, values={})
    if context["project_id"] is not None:
        draft = portal.get_draft(
            session, account_id=user.account_id, project_id=context["project_id"], day=day
        )
        context["values"] = dict(draft.fields) if draft else {}
        context["from_draft"] = draft is not None
    return render(request, "agency/report_form.html", context | {"errors": []})


def _payload(title: str, day: date, fields: dict[str, str], budget: list[str]) -> dict[str, Any]:
    """Turn the form's fields into the intake's JSON shape; raise InputError on bad money/ids."""
    activities = []
    for n in range(1, ACTIVITY_ROWS + 1):
        if fields.get(f"title_{n}", "").strip() or fields.get(f"people_{n}", "").strip():
            activities.append(
                {
                    "kind": fields.get(f"kind_{n}", ""),
                    "title": fields.get(f"title_{n}", ""),
                    "people": fields.get(f"people_{n}", "0") or "0",
                }
            )
    spend = {}
    for category in budget:
        text = fields.get(f"spend_{category}", "").strip()
        if text:
            try:
                spend[category] = parse_yuan(text)
            except MoneyError as error:
                raise InputError(f"支出·{category}", str(error)) from None
    return {
        "project": title,
        "day": day.isoformat(),
        "activities": activities,
        "beneficiaries": list(parse_refs(fields.get("beneficiaries", ""))),
        "service_hours": fields.get("service_hours", "") or "0",
        "volunteers": fields.get("volunteers", "") or "0",
        "volunteer_hours": fields.get("volunteer_hours", "") or "0",
        "spend_fen": spend,
        "issues": fields.get("issues", ""),
        "risks": fields.get("risks", ""),
        "summary": fields.get("summary", ""),
        "no_activity_reason": fields.get("no_activity_reason", ""),
        "revise": fields.get("revise") == "on",
        "attachments": [],
    }


@router.post("/reports")
async def submit_report(
    request: Request,
    session: SessionDep,
    user: FormUser,
    now: NowDep,
    project: Annotated[int, Form()],
    day: Annotated[date, Form()],
    action: Annotated[str, Form()] = "submit",
    attachment: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Save a draft, or submit the report through the same filing as the CLI and the API."""
    if user.role != Role.AGENCY:
        raise Forbidden()
    actor = actor_of(request, user)
    chosen = own_project(session, actor=actor, project_id=project)
    try:
        daily_reports.require_reporting(chosen)
    except Refused as closed:  # nothing is kept: no report, no draft
        context = _form_context(session, user, project_id=None, day=day, values={})
        return render(
            request,
            "agency/report_form.html",
            context | {"errors": [str(closed)], "closed": True},
            status=409,
        )
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    _ = translator(request)
    if action == "draft":
        with writer_turn(session):
            daily_reports.save_draft(
                session,
                actor=actor,
                now=now,
                account_id=user.account_id,
                project_id=project,
                day=day,
                fields=fields,
            )
        return redirect(
            f"/agency/reports/new?project={project}&day={day}", message=_("草稿已保存。")
        )
    budget = list(plans.list_budgets(session, project_ids=[project]).get(project, {}))
    errors: list[str] = []
    stored_name = ""
    try:
        payload = _payload(chosen.title, day, fields, budget)
        if attachment is not None and attachment.filename:
            suffix = Path(attachment.filename).suffix.lower()
            if suffix not in ATTACHMENT_TYPES:
                raise InputError("附件", _("只接受 JPG、PNG 或 PDF 文件"))
            stored_name = f"{project}-{day}-{secrets.token_hex(4)}{suffix}"
            payload["attachments"] = [stored_name]
        report = read_report_payload(payload)
    except InputError as error:
        errors = [str(error)]
    if not errors:
        result = await run_in_threadpool(_file_report, session, request, user, now, project, report)
        errors = list(result.errors)
    if errors:
        context = _form_context(session, user, project_id=project, day=day, values=fields)
        return render(request, "agency/report_form.html", context | {"errors": errors}, status=400)
    if stored_name and attachment is not None:
        await _save_attachment(request, attachment, stored_name)
    message = (
        _("这份日报告已经保存过，内容相同，没有重复保存。")
        if result.unchanged
        else _("日报告已提交：{title} {day}").format(title=chosen.title, day=day)
    )
    return redirect("/agency", message=message)


def _file_report(
    session: Session,
    request: Request,
    user: SignedIn,
    now: datetime,
    project_id: int,
    report: DailyReportInput,
) -> IntakeSummary:
    """File the report through `services.daily_reports.submit_form`, in this request's session.

    A double tap can reach the server twice at once: on SQLite the writes take turns; when
    the other request stored the day first, reading again finds it and files a duplicate.
    """
    actor = actor_of(request, user)
    with writer_turn(session):
        for attempt in (1, 2):
            try:
                return daily_reports.submit_form(
                    session,
                    actor=actor,
                    now=now,
                    project_id=project_id,
                    report=report,
                    account_id=user.account_id,
                )
            except ReportsRejected as error:
                return IntakeSummary("web", errors=tuple(error.problems))
            except IntegrityError:
                if attempt == 2:
                    raise
    raise AssertionError("unreachable: the second attempt returns or raises")


async def _save_attachment(request: Request, upload: UploadFile, name: str) -> None:
    folder = Path(request.app.state.settings.var_dir) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(await upload.read())


@router.get("/proposals")
def proposals_page(request: Request, session: SessionDep, user: AgencyUser) -> Response:
    """List the agency's proposals: drafts, submitted, and their screening results."""
    rows = portal.list_agency_proposals(session, agency_id=_agency_id(user))
    return render(
        request,
        "agency/proposals.html",
        {
            "proposals": [
                {
                    "id": p.id,
                    "title": p.title,
                    "status": p.status,
                    "stage": p.stage,
                    "requested_fen": p.requested_fen,
                    "note": p.screening_note,
                }
                for p in rows
            ]
        },
    )


@router.get("/actions")
def actions_page(request: Request, session: SessionDep, user: AgencyUser) -> Response:
    """List the action items on the agency's projects."""
    rows = portal.list_agency_action_items(session, agency_id=_agency_id(user))
    return render(
        request,
        "agency/actions.html",
        {
            "items": [
                {
                    "id": i.id,
                    "title": title,
                    "text": i.text,
                    "owner": i.owner,
                    "due_on": i.due_on,
                    "status": i.status,
                    "open": i.status == ActionItemStatus.OPEN,
                    "closed_on": i.closed_on,
                    "closing_note": i.closing_note,
                }
                for i, title in rows
            ]
        },
    )


@router.post("/actions/{item_id}")
def close_action_item(
    item_id: int,
    request: Request,
    user: FormUser,
    now: NowDep,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Mark an action item on one of the agency's projects done, with what was done."""
    if user.role != Role.AGENCY:
        raise Forbidden()
    _ = translator(request)
    # The same flow as `gongyi monitor action close`: the item closes, and its meeting's
    # minutes are published again with the item's new status.
    try:
        closed = close_action_item_and_publish(
            item_id, note=note, dropped=False, on=now.date(), actor=actor_of(request, user)
        )
    except Refused as refused:
        return redirect("/agency/actions", message=refused.message)
    if not closed.changed:
        return redirect("/agency/actions", message=_("这项待办已经完成，未重复记录。"))
    return redirect("/agency/actions", message=_("已标记完成：{text}").format(text=closed.text))


@router.get("/documents")
def documents_page(request: Request, session: SessionDep, user: AgencyUser) -> Response:
    """List the agency's contracts and its projects' documents, by kind and period."""
    listing = own_documents.list_agency_documents(
        session, actor=actor_of(request, user), output_dir=request.app.state.output_dir
    )
    return render(request, "agency/documents.html", {"listing": listing})


@router.get("/evaluations")
def evaluations_page(request: Request, session: SessionDep, user: AgencyUser) -> Response:
    """List the monthly evaluations of the agency's projects, with links to their PDFs."""
    rows = portal.list_agency_evaluations(session, agency_id=_agency_id(user))
    return render(
        request,
        "agency/evaluations.html",
        {
            "evaluations": [
                {
                    "title": title,
                    "month": e.month,
                    "status": e.status,
                    "grade": e.grade,
                    "score": e.total_score,
                    "comment": e.comment,
                }
                for e, title in rows
            ]
        },
    )
