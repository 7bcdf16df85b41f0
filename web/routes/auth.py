"""Signing in and out, the home redirect by role, and switching the language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from models.status import Role
from services import accounts
from web.deps import (
    SESSION_COOKIE,
    NotSignedIn,
    NowDep,
    SessionDep,
    actor_of,
    get_client_ip,
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
    now: NowDep,
    login: Annotated[str, Form(max_length=60)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Check the password (throttled after repeated failures) and start a session."""
    _ = translator(request)
    form = {"next": next, "login": login}
    try:
        signed_in = accounts.sign_in(
            session,
            login=login,
            password=password,
            address=get_client_ip(request),
            now=now,
            lifetime=request.app.state.session_lifetime,
        )
    except accounts.LockedOut as locked:
        error = _("登录失败次数过多，请 {minutes} 分钟后再试。").format(minutes=locked.minutes)
        return render(request, "login.html", {**form, "error": error}, status=429)
    except accounts.WrongPassword:
        error = _("登录名或密码不正确。")
        return render(request, "login.html", {**form, "error": error}, status=401)
    target = _safe_next(next)
    response = RedirectResponse(
        HOME_BY_ROLE.get(signed_in.user.role, "/") if target == "/" else target, status_code=303
    )
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.secret,
        max_age=int(request.app.state.session_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.web_secure_cookies,
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: FormUser, now: NowDep) -> Response:
    """End the session."""
    accounts.sign_out(
        session,
        actor=actor_of(request, user),
        now=now,
        secret=request.cookies.get(SESSION_COOKIE, ""),
    )
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
