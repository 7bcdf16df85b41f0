"""The audit log (officers and admins filter it), the admin's accounts, the donor's page.

The admin creates accounts, gives new passwords, disables and enables them and sets
their roles here, through `services.accounts` (the same use cases as `gongyi users`);
a refusal (the last admin, one's own account, a short password) shows the page again
with the message. Passwords are never shown or logged.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData

from models.status import Role
from services import Refused, accounts, audit, own_documents
from store import agencies, api_tokens, dashboard
from store.accounts import SignedIn
from web.deps import Forbidden, NowDep, SessionDep, actor_of, require_roles
from web.pages import redirect, render, tr
from web.security import FormUser

router = APIRouter(include_in_schema=False)
AuditReader = Annotated[SignedIn, Depends(require_roles(Role.STAFF, Role.ADMIN))]
AdminUser = Annotated[SignedIn, Depends(require_roles(Role.ADMIN))]
DonorUser = Annotated[SignedIn, Depends(require_roles(Role.DONOR))]


def _form_admin(user: FormUser) -> SignedIn:
    if user.role != Role.ADMIN:
        raise Forbidden()
    return user


AdminFormUser = Annotated[SignedIn, Depends(_form_admin)]


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
    """Show the audit log, newest first, filtered by who, what and the office dates (logged, masked).

    Each entry shows its time of entry (录入时间) and, for a dated act, its business date (业务日期).
    """
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
                    # A dated act's business date (`--on`, the form's 日期), beside its entry time.
                    "business_on": e.business_on.isoformat() if e.business_on else "",
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


ACCOUNT_ROLES = (Role.STAFF, Role.AGENCY, Role.EVALUATOR, Role.ADMIN, Role.DONOR, Role.RESIDENT)
NEW_ACCOUNT_FIELDS = ("login", "name", "role", "agency_id")


def _accounts(
    request: Request,
    session: Session,
    user: SignedIn,
    *,
    error: str = "",
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    tz = ZoneInfo(request.app.state.settings.timezone)
    rows = accounts.list_portal_accounts(session, actor=actor_of(request, user))
    return render(
        request,
        "accounts.html",
        {
            "accounts": [
                {
                    "id": a.account_id,
                    "login": a.login,
                    "name": a.name,
                    "role": a.role,
                    "agency_id": a.agency_id,
                    "agency": a.agency_name,
                    "active": a.is_active,
                    "me": a.login == user.login,
                    "last_login": _local(a.last_login_at, tz),
                }
                for a in rows
            ],
            "roles": ACCOUNT_ROLES,
            "agencies": [(a.id, a.name) for a in agencies.list_agencies(session)],
            "error": error,
            "values": values or {},
        },
        status=status,
    )


def _local(at: datetime | None, tz: ZoneInfo) -> str:
    if at is None:
        return ""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _role_and_agency(form: FormData) -> tuple[Role | None, int | None]:
    role = str(form.get("role", ""))
    agency = str(form.get("agency_id", "")).strip()
    chosen = Role(role) if role in {r.value for r in ACCOUNT_ROLES} else None
    return chosen, int(agency) if agency.isdigit() and chosen == Role.AGENCY else None


@router.get("/admin/accounts")
def accounts_page(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """List every account, active or disabled, with the forms to manage them."""
    return _accounts(request, session, user)


@router.post("/admin/accounts")
async def add_account(
    request: Request, session: SessionDep, user: AdminFormUser, now: NowDep
) -> Response:
    """Create an account, or show the page again with what is wrong."""
    form = await request.form()
    values = {key: str(form.get(key, ""))[:200] for key in NEW_ACCOUNT_FIELDS}
    role, agency_id = _role_and_agency(form)
    try:
        if role is None:
            raise Refused(tr(request, "请选择角色"))
        account = accounts.add_portal_account(
            session,
            actor=actor_of(request, user),
            now=now,
            login=values["login"],
            password=str(form.get("password", ""))[:200],
            name=values["name"].strip(),
            role=role,
            agency_id=agency_id,
        )
    except Refused as refused:
        return _accounts(request, session, user, error=refused.message, values=values, status=400)
    message = tr(request, "账号 {login} 已创建。").format(login=account.login)
    return redirect("/admin/accounts", message=message)


@router.post("/admin/accounts/{account_id}/reset")
async def reset_password(
    account_id: int, request: Request, session: SessionDep, user: AdminFormUser, now: NowDep
) -> Response:
    """Give an account a new password (its sessions end)."""
    form = await request.form()
    try:
        row = accounts.reset_password(
            session,
            actor=actor_of(request, user),
            now=now,
            account_id=account_id,
            password=str(form.get("password", ""))[:200],
        )
    except Refused as refused:
        return _accounts(request, session, user, error=refused.message, status=400)
    message = tr(request, "账号 {login} 的密码已重设。").format(login=row.login)
    return redirect("/admin/accounts", message=message)


@router.post("/admin/accounts/{account_id}/disable")
def disable_account(
    account_id: int, request: Request, session: SessionDep, user: AdminFormUser, now: NowDep
) -> Response:
    """Disable an account; its sessions and API tokens stop working at once."""
    try:
        row = accounts.disable_account(
            session, actor=actor_of(request, user), now=now, account_id=account_id
        )
    except Refused as refused:
        return _accounts(request, session, user, error=refused.message, status=409)
    verified = request.app.state.verified_tokens
    for token in api_tokens.list_api_tokens(session, account_id=account_id):
        verified.forget(token.token_hash)
    return redirect(
        "/admin/accounts", message=tr(request, "账号 {login} 已停用。").format(login=row.login)
    )


@router.post("/admin/accounts/{account_id}/enable")
def enable_account(
    account_id: int, request: Request, session: SessionDep, user: AdminFormUser, now: NowDep
) -> Response:
    """Enable a disabled account again."""
    row = accounts.enable_account(
        session, actor=actor_of(request, user), now=now, account_id=account_id
    )
    return redirect(
        "/admin/accounts", message=tr(request, "账号 {login} 已启用。").format(login=row.login)
    )


@router.post("/admin/accounts/{account_id}/role")
async def set_role(
    account_id: int, request: Request, session: SessionDep, user: AdminFormUser, now: NowDep
) -> Response:
    """Give an account another role (an agency account names its agency)."""
    role, agency_id = _role_and_agency(await request.form())
    try:
        if role is None:
            raise Refused(tr(request, "请选择角色"))
        row = accounts.set_role(
            session,
            actor=actor_of(request, user),
            now=now,
            account_id=account_id,
            role=role,
            agency_id=agency_id,
        )
    except Refused as refused:
        return _accounts(request, session, user, error=refused.message, status=400)
    message = tr(request, "账号 {login} 的角色已更改。").format(login=row.login)
    return redirect("/admin/accounts", message=message)


@router.get("/donor")
def donor_page(request: Request, session: SessionDep, user: DonorUser, now: NowDep) -> Response:
    """Show the donor's gifts, where the money went, and its statements by title and date."""
    page = own_documents.read_donor_page(
        session,
        actor=actor_of(request, user),
        output_dir=request.app.state.output_dir,
        today=now.date(),
    )
    return render(request, "donor.html", {"page": page})
