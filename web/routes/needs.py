"""Residents' needs: the public form (no sign-in, rate-limited, consent for contact details)
and the officer's review queue (contacts masked, every view logged).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from models.intake import MAX_TEXT, SOURCES, read_need_row
from models.privacy import mask_name, mask_phone, mask_text
from models.rows import Row, RowError
from models.status import Role
from store import cycles, dashboard, needs
from store.accounts import SignedIn
from store.need_review import set_need_confirmed
from web.audit import record
from web.deps import (
    Forbidden,
    NotFound,
    OptionalUser,
    SessionDep,
    get_client_ip,
    require_roles,
)
from web.pages import redirect, render, tr, translator
from web.security import FormUser, check_csrf

router = APIRouter(include_in_schema=False)
OfficerUser = Annotated[SignedIn, Depends(require_roles(Role.STAFF))]
FORM_NAME = "需求表单"


def _communities(session) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    cycle = dashboard.get_latest_cycle(session)
    if cycle is None:
        raise NotFound()
    names = [c.name for c in cycles.list_communities(session, street_office=cycle.street_office)]
    return cycle.id or 0, names


@router.get("/needs/new")
def need_form(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """Show the public need form."""
    _cycle, communities = _communities(session)
    return render(
        request,
        "needs/form.html",
        {
            "communities": communities,
            "sources": SOURCES,
            "values": {},
            "errors": [],
            "max_text": MAX_TEXT,
        },
    )


@router.post("/needs/new")
async def submit_need(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """Check and store one need, all or nothing; a few per address every ten minutes."""
    await check_csrf(request)
    request.app.state.need_form_limit.take(get_client_ip(request))
    form = await request.form()
    values = {
        k: str(v).strip() for k, v in form.items() if k != "csrf_token" and isinstance(v, str)
    }
    cycle_id, communities = _communities(session)
    _ = translator(request)
    tz = ZoneInfo(request.app.state.settings.timezone)
    today = datetime.now(tz).date()
    errors = []
    has_contact = bool(values.get("contact_name") or values.get("contact_phone"))
    if has_contact and values.get("consent") != "on":
        errors.append(_("填写了联系人或电话时，请勾选同意保存联系方式；不同意可以不填。"))
    row = Row(
        FORM_NAME,
        1,
        {
            "需求内容": values.get("text", ""),
            "社区": values.get("community", ""),
            "服务对象": values.get("target_group", ""),
            "来源": values.get("source", "居民"),
            "提交日期": today.isoformat(),
            "联系人": values.get("contact_name", ""),
            "联系电话": values.get("contact_phone", ""),
        },
    )
    try:
        need = read_need_row(row, communities=communities, today=today)
    except RowError as error:
        errors.append(str(error))
    if errors:
        return render(
            request,
            "needs/form.html",
            {
                "communities": communities,
                "sources": SOURCES,
                "values": values,
                "errors": errors,
                "max_text": MAX_TEXT,
            },
            status=400,
        )
    community_ids = {
        c.name: c.id or 0
        for c in cycles.list_communities(
            session, street_office=dashboard.get_latest_cycle(session).street_office
        )
    }  # type: ignore[union-attr]
    added, _already = needs.add_needs(
        session, cycle_id=cycle_id, rows=[need], community_ids=community_ids
    )
    record(
        session,
        request,
        user,
        action="need_submit",
        subject_type="cycle",
        subject_id=cycle_id,
        detail=f"{need.community}：{need.text[:60]}" + ("（重复，未新增）" if not added else ""),
    )
    session.commit()
    return redirect("/needs/thanks", message=_("需求已收到，谢谢！街道会在归类后转给相关项目。"))


@router.get("/needs/thanks")
def need_thanks(request: Request, user: OptionalUser) -> Response:
    """Thank the resident."""
    return render(request, "needs/thanks.html")


@router.get("/officer/needs")
def review_queue(request: Request, session: SessionDep, user: OfficerUser) -> Response:
    """List the needs waiting for staff to confirm a domain; contacts are masked."""
    cycle = dashboard.get_latest_cycle(session)
    if cycle is None:
        raise NotFound()
    domains = cycles.list_domains(session, cycle_id=cycle.id or 0)
    names = {d.id: d.name for d in domains}
    queue = needs.list_review_queue(session, cycle_id=cycle.id or 0)
    record(
        session,
        request,
        user,
        action="view_needs_review",
        subject_type="cycle",
        subject_id=cycle.id,
        detail=f"查看待确认需求 {len(queue)} 条（联系人已脱敏）",
    )
    session.commit()
    return render(
        request,
        "needs/queue.html",
        {
            "domains": [{"key": d.key, "name": d.name} for d in domains],
            "needs": [
                {
                    "id": n.id,
                    "text": mask_text(n.text),
                    "target_group": n.target_group,
                    "suggested": names.get(n.domain_id, "") if n.domain_id else "",
                    "confidence": n.confidence,
                    "weight": n.weight,
                    "contact": f"{mask_name(n.contact_name)} {mask_phone(n.contact_phone)}".strip(),
                }
                for n in queue
            ],
        },
    )


@router.post("/officer/needs/{need_id}")
def confirm_need(
    need_id: int,
    request: Request,
    session: SessionDep,
    user: FormUser,
    domain: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Confirm the suggested domain or choose another; kept as a correction for the classifier."""
    if user.role != Role.STAFF:
        raise Forbidden()
    now = datetime.now(ZoneInfo(request.app.state.settings.timezone))
    try:
        line = set_need_confirmed(session, need_id, domain, user.name, now)
    except LookupError:
        raise NotFound() from None
    except ValueError as error:
        session.rollback()
        return render(
            request,
            "error.html",
            {
                "status": 400,
                "title": tr(request, "未能确认"),
                "message": str(error),
                "login": False,
            },
            status=400,
        )
    record(
        session,
        request,
        user,
        action="need_confirm",
        subject_type="need",
        subject_id=need_id,
        detail=line,
    )
    session.commit()
    return redirect("/officer/needs", message=line)
