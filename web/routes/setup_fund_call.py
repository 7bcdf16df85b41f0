"""Setting up a cycle's fund and call in the portal: the fund, gifts, the call rules, publish and close.

The fund is set up by name, then takes cash gifts (`services.fund.donate`, as
`gongyi fund donate`) and in-kind gifts (`services.cycle_setup.give_in_kind`). The
call rules are typed in a form prefilled from `templates/rules/call.toml` or
uploaded, checked as `gongyi call check` does (each refusal names the line) and kept
as the cycle's draft; the call is published and closed by the same flows as `gongyi
call publish/close`, started like every flow of the portal
(`web.routes.officer.start_named_flow`). Setting up the fund, publishing and closing
take the form's 日期（不填为今天）, the act's business date (never after today); a gift
keeps its 捐赠日期. A refusal draws the cycle page again with the message and what was
typed. Its routes hang under `web.routes.setup`'s router.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.status import Role
from services import Actor, Refused, cycle_setup
from services import NotFound as ServiceNotFound
from services import fund as fund_service
from services.business_day import business_day
from store.accounts import SignedIn
from web.deps import NotFound, NowDep, SessionDep, actor_of
from web.pages import redirect, render, tr
from web.routes.officer import start_named_flow
from web.routes.setup_page import (
    SetterForm,
    SetterUser,
    cycle_page_response,
    form_day,
    form_values,
    rules_draft_path,
)

router = APIRouter(include_in_schema=False)
RULES_LIMIT = 200_000


@router.post("/{cycle_id}/fund")
async def set_up_fund(
    cycle_id: int, request: Request, session: SessionDep, user: SetterForm, now: NowDep
) -> Response:
    """Set up the cycle's public-benefit fund under a name."""
    values = await form_values(request, ("fund_name", "on"))
    actor = actor_of(request, user)
    try:
        cycle_setup.set_up_fund(
            session,
            actor=actor,
            now=now,
            cycle_id=cycle_id,
            name=values["fund_name"],
            on=form_day(request, values["on"]),
        )
    except ServiceNotFound:
        raise NotFound() from None
    except Refused as refused:
        typed = {"name": values["fund_name"], "on": values["on"]}
        return _refused(request, session, actor, cycle_id, "fund", refused.message, typed)
    return redirect(f"/officer/cycles/{cycle_id}#fund", message=tr(request, "已设立公益基金。"))


GIFT_FIELDS = ("donor", "donor_type", "donated_on", "amount", "domain", "receipt")
IN_KIND_FIELDS = (
    "donor",
    "donor_type",
    "donated_on",
    "category",
    "description",
    "valuation",
    "receipt",
)


@router.post("/{cycle_id}/donations")
async def donate(
    cycle_id: int, request: Request, session: SessionDep, user: SetterForm, now: NowDep
) -> Response:
    """Record one cash donation, as `gongyi fund donate`."""
    values = await form_values(request, GIFT_FIELDS)
    actor = actor_of(request, user)
    try:
        summary = fund_service.donate(
            session,
            actor=actor,
            now=now,
            cycle_id=cycle_id,
            donor=values["donor"],
            donor_type=values["donor_type"],
            donated_on=values["donated_on"],
            amount_yuan=values["amount"],
            restricted_domain=values["domain"],
            receipt=values["receipt"],
        )
    except (ServiceNotFound, Refused) as refused:
        return _refused(request, session, actor, cycle_id, "cash", refused.message, values)
    word = tr(request, "已登记") if summary.added else tr(request, "已登记过，未重复记账")
    return redirect(f"/officer/cycles/{cycle_id}#fund", message=f"{values['donor']}：{word}")


@router.post("/{cycle_id}/in-kind")
async def give_in_kind(
    cycle_id: int, request: Request, session: SessionDep, user: SetterForm, now: NowDep
) -> Response:
    """Record one in-kind gift (people, skills, goods, a venue)."""
    values = await form_values(request, IN_KIND_FIELDS)
    actor = actor_of(request, user)
    try:
        summary = cycle_setup.give_in_kind(
            session,
            actor=actor,
            now=now,
            cycle_id=cycle_id,
            donor=values["donor"],
            donor_type=values["donor_type"],
            donated_on=values["donated_on"],
            category=values["category"],
            description=values["description"],
            valuation_yuan=values["valuation"],
            receipt=values["receipt"],
        )
    except (ServiceNotFound, Refused) as refused:
        return _refused(request, session, actor, cycle_id, "kind", refused.message, values)
    word = tr(request, "已登记") if summary.added else tr(request, "已登记过，未重复记账")
    return redirect(f"/officer/cycles/{cycle_id}#fund", message=f"{values['donor']}：{word}")


def _refused(
    request: Request,
    session: Session,
    actor: Actor,
    cycle_id: int,
    form: str,
    message: str,
    values: dict[str, str] | None = None,
) -> Response:
    """The cycle page again, with `form`'s refusal and what was typed in it (as `<form>_<field>`)."""
    values = values or {}
    return cycle_page_response(
        request,
        session,
        actor,
        cycle_id,
        errors={form: message},
        values={f"{form}_{k}": v for k, v in values.items()},
        status=400,
    )


def _template_text(request: Request) -> str:
    templates_dir: Path = request.app.state.settings.templates_dir
    return (templates_dir / "rules" / "call.toml").read_text(encoding="utf-8")


def _rules_form(
    request: Request,
    cycle_id: int,
    text: str,
    *,
    error: str = "",
    checked: Any = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "officer/cycle_rules.html",
        {"cycle_id": cycle_id, "text": text, "error": error, "checked": checked},
        status=status,
    )


@router.get("/{cycle_id}/rules")
def rules_form(
    cycle_id: int, request: Request, session: SessionDep, user: SetterUser, now: NowDep
) -> Response:
    """The call rules form: the saved draft, or the template filled in for this cycle."""
    draft = rules_draft_path(request, cycle_id)
    try:
        text = (
            draft.read_text(encoding="utf-8")
            if draft.exists()
            else cycle_setup.rules_template(
                session, cycle_id=cycle_id, template=_template_text(request), today=now.date()
            )
        )
    except ServiceNotFound:
        raise NotFound() from None
    return _rules_form(request, cycle_id, text)


@router.post("/{cycle_id}/rules")
async def save_rules(
    cycle_id: int, request: Request, session: SessionDep, user: SetterForm
) -> Response:
    """Check the typed or uploaded rules as `gongyi call check` does; keep them as the draft."""
    form = await request.form()
    upload = form.get("rules_file")
    text = str(form.get("rules_text", ""))
    file_name = "申报指南规则"
    if upload is not None and not isinstance(upload, str) and upload.filename:
        raw = await upload.read(RULES_LIMIT + 1)
        file_name = Path(upload.filename).name[:100]
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _rules_form(
                request,
                cycle_id,
                text,
                error=tr(request, "{name} 不是 UTF-8 文本，请另存为 UTF-8").format(name=file_name),
                status=400,
            )
    text = text.replace("\r\n", "\n")
    if len(text) > RULES_LIMIT:
        return _rules_form(
            request, cycle_id, text[:RULES_LIMIT], error=tr(request, "规则文件过大"), status=400
        )
    try:
        checked = cycle_setup.check_call_rules(
            session,
            actor=actor_of(request, user),
            cycle_id=cycle_id,
            text=text,
            file_name=file_name,
        )
    except ServiceNotFound:
        raise NotFound() from None
    except Refused as refused:
        return _rules_form(request, cycle_id, text, error=refused.message, status=400)
    draft = rules_draft_path(request, cycle_id)
    draft.parent.mkdir(parents=True, exist_ok=True)
    draft.write_text(text, encoding="utf-8")
    return _rules_form(request, cycle_id, text, checked=checked)


@router.post("/{cycle_id}/call/publish")
async def publish_call(
    cycle_id: int, request: Request, session: SessionDep, user: SetterForm, now: NowDep
) -> Response:
    """Publish the saved rules with the flow `gongyi call publish` runs, on the form's date."""
    actor = actor_of(request, user)
    values = await form_values(request, ("on",))
    try:
        published_on = business_day(form_day(request, values["on"]), now=now, what="发布日期")
    except Refused as refused:
        return _refused(request, session, actor, cycle_id, "call", refused.message, values)
    draft = rules_draft_path(request, cycle_id)
    if not draft.exists():
        missing = tr(request, "还没有申报指南规则：请先编辑或上传规则")
        return _refused(request, session, actor, cycle_id, "call", missing, values)
    try:
        checked = cycle_setup.check_call_rules(
            session,
            actor=actor,
            cycle_id=cycle_id,
            text=draft.read_text(encoding="utf-8"),
            file_name=draft.name,
        )
    except ServiceNotFound:
        raise NotFound() from None
    except Refused as refused:
        return _refused(request, session, actor, cycle_id, "call", refused.message, values)
    if checked.blocking:
        blocking = "；".join(checked.blocking)
        return _refused(request, session, actor, cycle_id, "call", blocking, values)
    label = start_named_flow(
        request,
        session,
        actor=actor,
        now=now,
        name="publish_call",
        args=(cycle_id, str(draft.resolve()), published_on),
        on=published_on,
    )
    return _started(request, user, cycle_id, label)


@router.post("/{cycle_id}/call/{call_id}/close")
async def close_call(
    cycle_id: int,
    call_id: int,
    request: Request,
    session: SessionDep,
    user: SetterForm,
    now: NowDep,
) -> Response:
    """Close the call and screen its proposals with the flow `gongyi call close` runs."""
    actor = actor_of(request, user)
    if call_id not in {c.call_id for c in cycle_setup.list_call_lines(session, cycle_id=cycle_id)}:
        raise NotFound()
    values = await form_values(request, ("on",))
    try:
        closed_on = business_day(form_day(request, values["on"]), now=now, what="截止日期")
    except Refused as refused:
        return _refused(request, session, actor, cycle_id, "close", refused.message, values)
    label = start_named_flow(
        request,
        session,
        actor=actor,
        now=now,
        name="close_call",
        args=(call_id, closed_on),
        on=closed_on,
    )
    return _started(request, user, cycle_id, label)


def _started(request: Request, user: SignedIn, cycle_id: int, label: str) -> Response:
    """Staff follow the run on 运行流程 (it reloads while the run goes); an admin returns to the cycle."""
    where = "/officer/flows" if user.role == Role.STAFF else f"/officer/cycles/{cycle_id}#call"
    message = tr(request, "已开始：{name}（进度见「运行流程」）").format(name=label)
    return redirect(where, message=message)
