"""Rendering portal pages: one Jinja2 environment (autoescaped), the language, the menu.

Every page gets `_` (the request's translation), `user`, `csrf_token`, `lang`
and `menu`; routes add their own context as plain values, never ORM objects
that a template could lazy-load from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from models.status import Role
from store.accounts import SignedIn
from web.i18n import LANGUAGES, N_, Translate, get_translate, pick_language
from web.labels import label_msgid
from web.security import CSRF_COOKIE, get_csrf_token

FLASH_COOKIE = "gongyi_flash"

HOME_BY_ROLE = {
    Role.STAFF: "/officer",
    Role.ADMIN: "/officer/audit",
    Role.AGENCY: "/agency",
    Role.EVALUATOR: "/evaluator",
    Role.RESIDENT: "/needs/new",
    Role.DONOR: "/donor",
}

# (path, label) per role; labels are msgids translated at render time.
MENUS = {
    Role.STAFF: [
        ("/officer", N_("工作台")),
        ("/officer/cycles", N_("创投周期")),
        ("/officer/needs", N_("需求审核")),
        ("/officer/screening", N_("资格审查")),
        ("/officer/selection", N_("遴选")),
        ("/officer/committee", N_("终审决定")),
        ("/officer/projects", N_("项目")),
        ("/officer/agencies", N_("社会组织")),
        ("/officer/ledger", N_("基金台账")),
        ("/officer/evaluations", N_("月评估")),
        ("/officer/finals", N_("结项评估")),
        ("/officer/meetings", N_("周例会")),
        ("/officer/tranches", N_("拨付")),
        ("/officer/flows", N_("运行流程")),
        ("/officer/templates", N_("表格模板")),
        ("/officer/audit", N_("审计日志")),
        ("/files", N_("报告文件")),
    ],
    Role.ADMIN: [
        ("/officer/audit", N_("审计日志")),
        ("/officer/cycles", N_("创投周期")),
        ("/officer/selection", N_("遴选")),
        ("/admin/accounts", N_("账号")),
    ],
    Role.AGENCY: [
        ("/agency", N_("我的项目")),
        ("/agency/reports/new", N_("填日报告")),
        ("/agency/proposals", N_("申报书")),
        ("/agency/actions", N_("待办事项")),
        ("/agency/evaluations", N_("月评估")),
        ("/agency/documents", N_("合同与文件")),
        ("/files", N_("报告文件")),
    ],
    Role.EVALUATOR: [
        ("/evaluator", N_("评审任务")),
        ("/evaluator/evaluations", N_("月评估审核")),
        ("/files", N_("报告文件")),
    ],
    Role.RESIDENT: [("/needs/new", N_("提交需求"))],
    Role.DONOR: [("/donor", N_("捐赠去向")), ("/files", N_("报告文件"))],
}


def build_templates(templates_dir: Path) -> Environment:
    """Build the portal's Jinja2 environment over templates/web."""
    return Environment(
        loader=FileSystemLoader(templates_dir / "web"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def translator(request: Request) -> Translate:
    """Return `_` for the request's language."""
    state = request.app.state
    return get_translate(state.translations, language(request))


def tr(request: Request, message: str) -> str:
    """Translate one message for the request (extracted with `-k tr:2`)."""
    return translator(request)(message)


def language(request: Request) -> str:
    """Return the request's language code."""
    return pick_language(request, default=request.app.state.settings.language)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """Render a page with the shared context."""
    user: SignedIn | None = getattr(request.state, "user", None)
    _ = translator(request)
    page = {
        "_": _,
        "label": lambda kind, value: _(label_msgid(kind, value)),
        "lang": language(request),
        "languages": LANGUAGES,
        "user": user,
        "csrf_token": get_csrf_token(request),
        "menu": MENUS.get(user.role, []) if user else [],
        "path": request.url.path,
        "flash": unquote(request.cookies.get(FLASH_COOKIE, ""))[:300],
    }
    html = request.app.state.templates.get_template(template).render(page | (context or {}))
    response = HTMLResponse(html, status_code=status)
    add_pending_cookies(request, response)
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE)
    return response


def add_pending_cookies(request: Request, response: HTMLResponse | RedirectResponse) -> None:
    """Set the anonymous CSRF cookie minted while rendering, if any."""
    token = getattr(request.state, "new_csrf_cookie", None)
    if token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.app.state.settings.web_secure_cookies,
        )


def redirect(path: str, *, message: str = "") -> RedirectResponse:
    """Redirect after a POST (303), with an optional message shown once on the next page."""
    response = RedirectResponse(path, status_code=303)
    if message:
        response.set_cookie(FLASH_COOKIE, quote(message), httponly=True, samesite="lax")
    return response
