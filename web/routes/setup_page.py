"""What the cycle's set-up pages share: who may use them, and the cycle page drawn again with a refusal.

`cycle_page_response` renders the cycle page (tracker, office, fund, call) for
`web.routes.setup` and `web.routes.setup_fund_call`, with a form's refusal and
what was typed; `form_day` reads a form's 日期（不填为今天） (the act's business date);
`rules_draft_path` is where the portal keeps the cycle's rules draft.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.status import Role
from services import Actor, Refused, cycle_setup
from services import NotFound as ServiceNotFound
from services import cycles as cycles_service
from services import fund as fund_service
from store import cycles as cycle_store
from store.accounts import SignedIn
from web.deps import Forbidden, NotFound, require_roles
from web.pages import render, tr
from web.routes.officer import REFRESH_SECONDS, flow_history
from web.security import FormUser

CALL_RUNS = ("publish_call-", "close_call-")
"""The runs the cycle page shows: publishing and closing its call."""
SetterUser = Annotated[SignedIn, Depends(require_roles(Role.STAFF, Role.ADMIN))]


def get_setter_form(user: FormUser) -> SignedIn:
    """The staff member or admin behind a writing form (its CSRF token already checked)."""
    if user.role not in (Role.STAFF, Role.ADMIN):
        raise Forbidden()
    return user


SetterForm = Annotated[SignedIn, Depends(get_setter_form)]


def cycle_page_response(
    request: Request,
    session: Session,
    actor: Actor,
    cycle_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The cycle's page, with a form's refusal (`errors` by form) and what was typed."""
    try:
        view = cycles_service.cycle_status(session, actor=actor, cycle_id=cycle_id)
    except ServiceNotFound:
        raise NotFound() from None
    try:
        standing: fund_service.FundStanding | None = fund_service.summarise_fund(
            session, cycle_id=cycle_id
        )
    except ServiceNotFound:
        standing = None
    draft = rules_draft_path(request, cycle_id)
    runs = [
        run for run in flow_history(session, actor=actor) if run["run_name"].startswith(CALL_RUNS)
    ][:3]
    return render(
        request,
        "officer/cycle_status.html",
        {
            "view": view,
            "fund": standing,
            "calls": cycle_setup.list_call_lines(session, cycle_id=cycle_id),
            "has_draft": draft.exists(),
            "donor_types": cycle_setup.DONOR_TYPES,
            "categories": cycle_setup.IN_KIND_CATEGORIES,
            "domain_keys": _domain_keys(session, cycle_id),
            "runs": runs,
            "refresh": REFRESH_SECONDS if any(run["active"] for run in runs) else 0,
            "errors": errors or {},
            "values": values or {},
        },
        status=status,
    )


def _domain_keys(session: Session, cycle_id: int) -> list[tuple[str, str]]:
    return [(d.key, d.name) for d in cycle_store.list_domains(session, cycle_id=cycle_id)]


async def form_values(request: Request, keys: tuple[str, ...]) -> dict[str, str]:
    """The form's text fields named by `keys` (missing ones empty)."""
    form = await request.form()
    return {key: str(form.get(key, ""))[:1000] for key in keys}


def form_day(request: Request, text: str) -> date | None:
    """A form's 日期（不填为今天）: None when left empty; a date not written 2027-03-01 is refused.

    The service checks the date itself (default today, never after today).
    """
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = tr(request, "日期：请按 2027-03-01 的格式填写（收到「{text}」）")
        raise Refused(message.format(text=text[:20])) from None


def rules_draft_path(request: Request, cycle_id: int) -> Path:
    """Where the portal keeps the cycle's checked rules draft (under the var folder)."""
    var_dir: Path = request.app.state.settings.var_dir
    return var_dir / "申报指南草稿" / f"cycle-{cycle_id}.toml"
