"""Signing in and out, the home redirect by role, and switching the language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from models.status import Role
from store.accounts import add_web_session, check_login, get_login_lockout, set_web_session_ended
from web.audit import record
from web.deps import (
    SESSION_COOKIE,
    NotSignedIn,
    SessionDep,
    get_client_ip,
    get_now,
    get_signed_in_user,
)
from web.i18n import LANG_COOKIE, LANGUAGES
from web.pages import HOME_BY_ROLE, redirect, render, tr, translator
from web.security import AnonymousForm, FormUser

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # Only our own paths: "//evil.example" or "https://…" would leave the site.
    # Browsers read "/\\host" like "//host", so a backslash is refused too.
    safe = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if safe else "/"


@router.get("/")
def home(request: Request, session: SessionDep) -> Response:
    """Send a signed-in user to their role's start page, anyone else to sign in."""
    try:
        user = get_signed_in_user(request, session)
    except NotSignedIn:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME_BY_ROLE.get(user.role, "/login"), status_code=303)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    """Show the sign-in form."""
    return render(request, "login.html", {"next": _safe_next(next), "error": "", "login": ""})


@router.post("/login", dependencies=[AnonymousForm])
def login(
    request: Request,
    session: SessionDep,
    login: Annotated[str, Form(max_length=60)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Check the password (throttled after repeated failures) and start a session."""
    _ = translator(request)
    now, ip = get_now(request), get_client_ip(request)
    locked = get_login_lockout(session, login=login, ip=ip, now=now)
    if locked is not None:
        minutes = max(1, int((locked - now).total_seconds() // 60) + 1)
        record(session, request, None, action="login_locked", subject_type="account", detail=login)
        session.commit()
        error = _("登录失败次数过多，请 {minutes} 分钟后再试。").format(minutes=minutes)
        return render(
            request, "login.html", {"next": next, "error": error, "login": login}, status=429
        )
    user = check_login(session, login=login, password=password, ip=ip, now=now)
    if user is None:
        record(session, request, None, action="login_failed", subject_type="account", detail=login)
        session.commit()
        error = _("登录名或密码不正确。")
        return render(
            request, "login.html", {"next": next, "error": error, "login": login}, status=401
        )
    secret, _row = add_web_session(
        session,
        account_id=user.account_id,
        ip=ip,
        now=now,
        lifetime=request.app.state.session_lifetime,
    )
    record(
        session, request, user, action="login", subject_type="account", subject_id=user.account_id
    )
    session.commit()
    target = _safe_next(next)
    response = RedirectResponse(
        HOME_BY_ROLE.get(user.role, "/") if target == "/" else target, status_code=303
    )
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(request.app.state.session_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.web_secure_cookies,
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: FormUser) -> Response:
    """End the session."""
    set_web_session_ended(session, request.cookies.get(SESSION_COOKIE, ""))
    record(
        session, request, user, action="logout", subject_type="account", subject_id=user.account_id
    )
    session.commit()
    response = redirect("/login", message=tr(request, "已退出登录。"))
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> Response:
    """Remember the chosen language in a cookie and go back."""
    response = RedirectResponse(_safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax")
    return response


def role_label(role: Role) -> str:
    """Return the msgid naming a role."""
    return {
        Role.STAFF: "街道工作人员",
        Role.AGENCY: "社会组织",
        Role.EVALUATOR: "评估专家",
        Role.RESIDENT: "居民/网格员",
        Role.DONOR: "捐赠方",
        Role.ADMIN: "管理员",
        Role.SYSTEM: "系统",
    }[role]
