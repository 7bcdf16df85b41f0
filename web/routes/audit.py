"""The audit log (officers and admins filter it), the admin's account list, the donor's page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from models.status import Role
from services import audit, documents
from store import dashboard
from store.accounts import SignedIn, list_accounts
from web.deps import NowDep, SessionDep, actor_of, require_roles
from web.pages import render

router = APIRouter(include_in_schema=False)
AuditReader = Annotated[SignedIn, Depends(require_roles(Role.STAFF, Role.ADMIN))]
AdminUser = Annotated[SignedIn, Depends(require_roles(Role.ADMIN))]
DonorUser = Annotated[SignedIn, Depends(require_roles(Role.DONOR))]


@router.get("/officer/audit")
def audit_log(
    request: Request,
    session: SessionDep,
    user: AuditReader,
    now: NowDep,
    actor: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> Response:
    """Show the audit log, newest first, filtered by who, what and the office dates (logged, masked)."""
    tz = ZoneInfo(request.app.state.settings.timezone)
    entries = audit.read_trail(
        session,
        actor=actor_of(request, user),
        now=now,
        who=actor.strip()[:100],
        action=action.strip()[:60],
        since=datetime.combine(since, time(), tz) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), tz) if until else None,
    )
    return render(
        request,
        "audit.html",
        {
            "events": [
                {
                    "at": e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
                    "actor": e.actor,
                    "action": e.action,
                    "subject": e.subject,
                    "detail": e.detail,
                    "ip": e.ip,
                }
                for e in entries
            ],
            "actions": dashboard.list_audit_actions(session),
            "filters": {
                "actor": actor,
                "action": action,
                "since": since or "",
                "until": until or "",
            },
        },
    )


@router.get("/admin/accounts")
def accounts_page(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """List the portal's accounts (created with `gongyi users add`)."""
    return render(
        request,
        "accounts.html",
        {
            "accounts": [
                {"login": a.login, "name": a.name, "role": a.role, "agency_id": a.agency_id}
                for a in list_accounts(session)
            ]
        },
    )


@router.get("/donor")
def donor_page(request: Request, session: SessionDep, user: DonorUser) -> Response:
    """Show the donor's statements of where their money went."""
    files = documents.list_downloads(
        session, actor=actor_of(request, user), output_dir=request.app.state.output_dir
    )
    return render(request, "donor.html", {"files": files})
