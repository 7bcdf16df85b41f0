"""Residents' needs: the public form (no sign-in, rate-limited, consent for contact details),
the officer's review queue (contacts masked, every view logged) and its upload of a survey
sheet (POST /officer/needs/import: `needs_file` .csv/.xlsx, `today` the day the dates are
checked against, empty: today), the import `gongyi needs import` runs, all or nothing.

Each page parses its input and calls `services.needs`, which checks, stores, merges and
classifies a form need exactly as an imported one, logs it, and commits.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from models.intake import MAX_TEXT, SOURCES
from models.rows import RowError
from models.status import Role
from services import Actor, Refused
from services import needs as needs_service
from services.needs import Classifying, NeedsRejected
from store.accounts import SignedIn
from web.deps import (
    Forbidden,
    NowDep,
    OptionalUser,
    SessionDep,
    actor_of,
    get_client_ip,
    require_roles,
)
from web.pages import redirect, render, tr, translator
from web.security import FormUser, check_csrf

router = APIRouter(include_in_schema=False)
OfficerUser = Annotated[SignedIn, Depends(require_roles(Role.STAFF))]


def classifying(request: Request) -> Classifying:
    """What sorting a need reads from settings: the labelled set, the threshold, the cache folder."""
    settings = request.app.state.settings
    return Classifying(
        settings.needs_training_file,
        settings.needs_review_threshold,
        settings.var_dir / "classifier",
    )


@router.get("/needs/new")
def need_form(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """Show the public need form."""
    form = needs_service.need_form(session)
    return render(
        request,
        "needs/form.html",
        {
            "communities": form.communities,
            "sources": SOURCES,
            "values": {},
            "errors": [],
            "max_text": MAX_TEXT,
        },
    )


@router.post("/needs/new")
async def submit_need(
    request: Request, session: SessionDep, user: OptionalUser, now: NowDep
) -> Response:
    """Check and store one need, all or nothing; a few per address every ten minutes."""
    await check_csrf(request)
    request.app.state.need_form_limit.take(get_client_ip(request))
    form = await request.form()
    # Not stripped here: the need's rule refuses a control character before it trims
    # (str.strip would silently drop a trailing U+0085).
    values = {k: str(v) for k, v in form.items() if k != "csrf_token" and isinstance(v, str)}
    _ = translator(request)
    target = needs_service.need_form(session)
    actor = actor_of(request, user) if user else Actor(login="", address=get_client_ip(request))
    try:
        needs_service.submit_need(
            session,
            actor=actor,
            now=now,
            cycle_id=target.cycle_id,
            text=values.get("text", ""),
            community=values.get("community", ""),
            target_group=values.get("target_group", ""),
            source=values.get("source", "居民"),
            contact_name=values.get("contact_name", ""),
            contact_phone=values.get("contact_phone", ""),
            consent=values.get("consent") == "on",
            classifying=classifying(request),
        )
    except NeedsRejected as rejected:
        return render(
            request,
            "needs/form.html",
            {
                "communities": target.communities,
                "sources": SOURCES,
                "values": values,
                "errors": [_form_error(_, error) for error in rejected.errors],
                "max_text": MAX_TEXT,
            },
            status=400,
        )
    return redirect("/needs/thanks", message=_("需求已收到，谢谢！街道会在归类后转给相关项目。"))


def _form_error(_, error: RowError) -> str:  # type: ignore[no-untyped-def]
    # A rule about the whole form (consent) reads as itself; a bad field names its field.
    return _(error.message) if error.row <= 0 else str(error)


@router.get("/needs/thanks")
def need_thanks(request: Request, user: OptionalUser) -> Response:
    """Thank the resident."""
    return render(request, "needs/thanks.html")


@router.get("/officer/needs")
def review_queue(request: Request, session: SessionDep, user: OfficerUser, now: NowDep) -> Response:
    """List the needs waiting for staff to confirm a domain; contacts are masked."""
    return _queue(request, session, user, now)


def _queue(
    request: Request,
    session: SessionDep,
    user: SignedIn,
    now: datetime,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    queue = needs_service.review_queue(session, actor=actor_of(request, user), now=now)
    return render(
        request,
        "needs/queue.html",
        {
            "errors": errors or [],
            "domains": [{"key": key, "name": name} for key, name in queue.domains],
            "needs": [
                {
                    "id": n.need_id,
                    "text": n.text,
                    "target_group": n.target_group,
                    "suggested": n.domain_name,
                    "confidence": n.confidence,
                    "weight": n.weight,
                    "contact": f"{n.contact_name} {n.contact_phone}".strip(),
                }
                for n in queue.needs
            ],
        },
        status=status,
    )


@router.post("/officer/needs/import")
async def import_needs(
    request: Request,
    session: SessionDep,
    user: FormUser,
    now: NowDep,
    needs_file: Annotated[UploadFile, File()],
    today: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Import a survey sheet of needs, all or nothing, then merge and classify them."""
    if user.role != Role.STAFF:
        raise Forbidden()
    name = Path(needs_file.filename or "").name[:100]
    suffix = Path(name).suffix.lower()
    try:
        day = date.fromisoformat(today) if today else None
    except ValueError:
        return _queue(
            request,
            session,
            user,
            now,
            [tr(request, "日期应为 2027-03-20 的格式：{value}").format(value=today)],
            400,
        )
    if suffix not in (".csv", ".xlsx"):
        return _queue(
            request,
            session,
            user,
            now,
            [tr(request, "请上传 .xlsx 或 .csv 需求表：{name}").format(name=name)],
            400,
        )
    target = needs_service.need_form(session)
    with tempfile.TemporaryDirectory(prefix="gongyi-needs-") as folder:
        path = Path(folder) / (name or f"needs{suffix}")
        path.write_bytes(await needs_file.read())
        try:
            summary = needs_service.import_needs(
                session,
                actor=actor_of(request, user),
                now=now,
                cycle_id=target.cycle_id,
                path=path,
                classifying=classifying(request),
                today=day,
            )
        except NeedsRejected as rejected:
            return _queue(request, session, user, now, [str(e) for e in rejected.errors], 400)
        except (RowError, Refused) as error:
            return _queue(request, session, user, now, [str(error)], 400)
    message = tr(
        request, "需求表已导入：新增 {added} 条，已导入过 {known} 条，待人工确认 {review} 条。"
    )
    return redirect(
        "/officer/needs",
        message=message.format(
            added=summary.added,
            known=summary.already_there,
            review=summary.categorisation.in_review,
        ),
    )


@router.post("/officer/needs/{need_id}")
def confirm_need(
    need_id: int,
    request: Request,
    session: SessionDep,
    user: FormUser,
    now: NowDep,
    domain: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Confirm the suggested domain or choose another; kept as a correction for the classifier."""
    try:
        line = needs_service.confirm_need(
            session, actor=actor_of(request, user), now=now, need_id=need_id, domain_key=domain
        )
    except Refused as refused:
        return render(
            request,
            "error.html",
            {
                "status": 400,
                "title": tr(request, "未能确认"),
                "message": refused.message,
                "login": False,
            },
            status=400,
        )
    return redirect("/officer/needs", message=line)
