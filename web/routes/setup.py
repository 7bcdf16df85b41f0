"""Setting up: staff or an admin open a cycle, list the cycles and see where each one stands.

The form posts to `services.cycles.open_cycle`, which checks the fields, refuses a
second cycle for the same office and year, records the event and commits; a refusal
shows the form again with the message and what was typed. Communities are typed one
a line; domains too, or left empty for the four defaults. Each cycle's page shows its
stage tracker (`models.cycle_stages`: done, next, what blocks it) and sets the cycle
up: the issuing office (`cycles.set_office`), the fund and its gifts
(`services.fund.donate`, `services.cycle_setup`), and the call rules, typed in a
form prefilled from `templates/rules/call.toml` or uploaded, checked as `gongyi
call check` does and kept as the cycle's rules draft under `var/申报指南草稿/`. The
call is published and closed by the same flows as `gongyi call publish/close`,
started like every flow of the portal (`web.routes.officer.start_named_flow`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.categorisation import DEFAULT_DOMAINS
from models.status import Role
from services import Actor, Refused, cycle_setup
from services import NotFound as ServiceNotFound
from services import cycles as cycles_service
from services import fund as fund_service
from store import cycles as cycle_store
from store.accounts import SignedIn
from web.deps import Forbidden, NotFound, NowDep, SessionDep, actor_of, require_roles
from web.pages import redirect, render, tr
from web.routes.officer import start_named_flow
from web.security import FormUser, check_csrf

router = APIRouter(prefix="/officer/cycles", include_in_schema=False)
SetterUser = Annotated[SignedIn, Depends(require_roles(Role.STAFF, Role.ADMIN))]


def get_setter_form(user: FormUser) -> SignedIn:
    """The staff member or admin behind a writing form (its CSRF token already checked)."""
    if user.role not in (Role.STAFF, Role.ADMIN):
        raise Forbidden()
    return user


SetterForm = Annotated[SignedIn, Depends(get_setter_form)]
FIELDS = (
    "street_office",
    "year",
    "name",
    "starts_on",
    "ends_on",
    "communities",
    "domains",
    "office_contact",
    "office_phone",
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


def _form(
    request: Request, values: dict[str, str], error: str = "", *, status: int = 200
) -> Response:
    return render(
        request,
        "officer/cycle_form.html",
        {
            "values": values,
            "error": error,
            "default_domains": [seed.name for seed in DEFAULT_DOMAINS],
        },
        status=status,
    )


@router.get("")
def cycle_list(request: Request, session: SessionDep, user: SetterUser) -> Response:
    """List the cycles with their status and next step."""
    lines = cycles_service.list_cycles(session, actor=actor_of(request, user))
    return render(request, "officer/cycle_list.html", {"cycles": lines})


@router.get("/new")
def cycle_form(request: Request, user: SetterUser, now: NowDep) -> Response:
    """Show the form to open a cycle, with this year's dates filled in as a start."""
    year = now.year
    return _form(
        request,
        {
            "year": str(year),
            "starts_on": date(year, 3, 1).isoformat(),
            "ends_on": date(year, 12, 31).isoformat(),
        },
    )


@router.post("")
async def open_cycle(
    request: Request, session: SessionDep, user: SetterUser, now: NowDep
) -> Response:
    """Open the cycle, or show the form again with what is wrong."""
    await check_csrf(request)
    form = await request.form()
    values = {key: str(form.get(key, ""))[:4000] for key in FIELDS}
    try:
        year = int(values["year"].strip())
    except ValueError:
        return _form(request, values, tr(request, "年度：请填写四位数的年份，如 2027"), status=400)
    try:
        starts_on = date.fromisoformat(values["starts_on"].strip())
        ends_on = date.fromisoformat(values["ends_on"].strip())
    except ValueError:
        return _form(
            request,
            values,
            tr(request, "开始日期、结束日期：请按 2027-03-01 的格式填写"),
            status=400,
        )
    try:
        line = cycles_service.open_cycle(
            session,
            actor=actor_of(request, user),
            now=now,
            street_office=values["street_office"],
            year=year,
            name=values["name"],
            starts_on=starts_on,
            ends_on=ends_on,
            communities=_lines(values["communities"]),
            domains=_lines(values["domains"]) or None,
            office_contact=values["office_contact"],
            office_phone=values["office_phone"],
        )
    except Refused as refused:
        return _form(request, values, refused.message, status=400)
    message = tr(request, "已开设创投周期 #{n}，开始需求征集。").format(n=line.cycle_id)
    return redirect(f"/officer/cycles/{line.cycle_id}", message=message)


OFFICE_FIELDS = ("name", "address", "contact", "phone", "email", "seal")
RULES_LIMIT = 200_000


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    cycle_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
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
    draft = _draft_path(request, cycle_id)
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
            "errors": errors or {},
            "values": values or {},
        },
        status=status,
    )


def _domain_keys(session: Session, cycle_id: int) -> list[tuple[str, str]]:
    return [(d.key, d.name) for d in cycle_store.list_domains(session, cycle_id=cycle_id)]


@router.get("/{cycle_id}")
def cycle_page(cycle_id: int, request: Request, session: SessionDep, user: SetterUser) -> Response:
    """One cycle: its stage tracker, office, fund and call, with the forms that set them up."""
    return _page(request, session, actor_of(request, user), cycle_id)


async def _values(request: Request, keys: tuple[str, ...]) -> dict[str, str]:
    form = await request.form()
    return {key: str(form.get(key, ""))[:1000] for key in keys}


@router.post("/{cycle_id}/office")
async def set_office(
    cycle_id: int, request: Request, session: SessionDep, user: SetterForm, now: NowDep
) -> Response:
    """Set the office printed in the 落款 of the cycle's documents."""
    values = await _values(request, OFFICE_FIELDS)
    actor = actor_of(request, user)
    try:
        cycles_service.set_office(session, actor=actor, now=now, cycle_id=cycle_id, **values)
    except ServiceNotFound:
        raise NotFound() from None
    except Refused as refused:
        return _page(
            request,
            session,
            actor,
            cycle_id,
            errors={"office": refused.message},
            values={f"office_{k}": v for k, v in values.items()},
            status=400,
        )
    return redirect(f"/officer/cycles/{cycle_id}#office", message=tr(request, "已保存落款信息。"))


@router.post("/{cycle_id}/fund")
async def set_up_fund(
    cycle_id: int, request: Request, session: SessionDep, user: SetterForm, now: NowDep
) -> Response:
    """Set up the cycle's public-benefit fund under a name."""
    values = await _values(request, ("fund_name",))
    actor = actor_of(request, user)
    try:
        cycle_setup.set_up_fund(
            session, actor=actor, now=now, cycle_id=cycle_id, name=values["fund_name"]
        )
    except ServiceNotFound:
        raise NotFound() from None
    except Refused as refused:
        return _page(
            request,
            session,
            actor,
            cycle_id,
            errors={"fund": refused.message},
            values=values,
            status=400,
        )
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
    values = await _values(request, GIFT_FIELDS)
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
    except ServiceNotFound as missing:
        return _gift_refused(request, session, actor, cycle_id, "cash", missing.message, values)
    except Refused as refused:
        return _gift_refused(request, session, actor, cycle_id, "cash", refused.message, values)
    word = tr(request, "已登记") if summary.added else tr(request, "已登记过，未重复记账")
    return redirect(f"/officer/cycles/{cycle_id}#fund", message=f"{values['donor']}：{word}")


@router.post("/{cycle_id}/in-kind")
async def give_in_kind(
    cycle_id: int, request: Request, session: SessionDep, user: SetterForm, now: NowDep
) -> Response:
    """Record one in-kind gift (people, skills, goods, a venue)."""
    values = await _values(request, IN_KIND_FIELDS)
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
    except ServiceNotFound as missing:
        return _gift_refused(request, session, actor, cycle_id, "kind", missing.message, values)
    except Refused as refused:
        return _gift_refused(request, session, actor, cycle_id, "kind", refused.message, values)
    word = tr(request, "已登记") if summary.added else tr(request, "已登记过，未重复记账")
    return redirect(f"/officer/cycles/{cycle_id}#fund", message=f"{values['donor']}：{word}")


def _gift_refused(
    request: Request,
    session: Session,
    actor: Actor,
    cycle_id: int,
    form: str,
    message: str,
    values: dict[str, str],
) -> Response:
    return _page(
        request,
        session,
        actor,
        cycle_id,
        errors={form: message},
        values={f"{form}_{k}": v for k, v in values.items()},
        status=400,
    )


def _draft_path(request: Request, cycle_id: int) -> Path:
    var_dir: Path = request.app.state.settings.var_dir
    return var_dir / "申报指南草稿" / f"cycle-{cycle_id}.toml"


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
    draft = _draft_path(request, cycle_id)
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
    draft = _draft_path(request, cycle_id)
    draft.parent.mkdir(parents=True, exist_ok=True)
    draft.write_text(text, encoding="utf-8")
    return _rules_form(request, cycle_id, text, checked=checked)


@router.post("/{cycle_id}/call/publish")
async def publish_call(
    cycle_id: int, request: Request, session: SessionDep, user: SetterForm, now: NowDep
) -> Response:
    """Publish the saved rules with the flow `gongyi call publish` runs."""
    actor = actor_of(request, user)
    draft = _draft_path(request, cycle_id)
    if not draft.exists():
        return _page(
            request,
            session,
            actor,
            cycle_id,
            errors={"call": tr(request, "还没有申报指南规则：请先编辑或上传规则")},
            status=400,
        )
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
        return _page(
            request, session, actor, cycle_id, errors={"call": refused.message}, status=400
        )
    if checked.blocking:
        return _page(
            request,
            session,
            actor,
            cycle_id,
            errors={"call": "；".join(checked.blocking)},
            status=400,
        )
    label = start_named_flow(
        request,
        session,
        actor=actor,
        now=now,
        name="publish_call",
        args=(cycle_id, str(draft.resolve()), now.date()),
    )
    return redirect(
        f"/officer/cycles/{cycle_id}#call",
        message=tr(request, "已开始：{name}").format(name=label),
    )


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
    label = start_named_flow(
        request, session, actor=actor, now=now, name="close_call", args=(call_id, now.date())
    )
    return redirect(
        f"/officer/cycles/{cycle_id}#call",
        message=tr(request, "已开始：{name}").format(name=label),
    )
