"""Setting up: staff or an admin open a cycle, list the cycles and see where each one stands.

The form posts to `services.cycles.open_cycle`, which checks the fields, refuses a
second cycle for the same office and year, records the event (with its business
date, the form's 日期（不填为今天）) and commits; a refusal shows the form again with
the message and what was typed. Communities are typed one
a line; domains too, or left empty for the four defaults. Each cycle's page shows its
stage tracker (`models.cycle_stages`: done, next, what blocks it) and sets the cycle
up: the issuing office here (`cycles.set_office`), the fund, its gifts and the call
rules in `web.routes.setup_fund_call`, whose routes hang under this router.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from models.categorisation import DEFAULT_DOMAINS
from services import NotFound as ServiceNotFound
from services import Refused
from services import cycles as cycles_service
from web.deps import NotFound, NowDep, SessionDep, actor_of
from web.pages import redirect, render, tr
from web.routes import setup_fund_call
from web.routes.setup_page import (
    SetterForm,
    SetterUser,
    cycle_page_response,
    form_day,
    form_values,
)
from web.security import check_csrf

router = APIRouter(prefix="/officer/cycles", include_in_schema=False)
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
    "on",
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
        opened_on = form_day(request, values["on"])
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
            on=opened_on,
        )
    except Refused as refused:
        return _form(request, values, refused.message, status=400)
    message = tr(request, "已开设创投周期 #{n}，开始需求征集。").format(n=line.cycle_id)
    return redirect(f"/officer/cycles/{line.cycle_id}", message=message)


OFFICE_FIELDS = ("name", "address", "contact", "phone", "email", "seal")


@router.get("/{cycle_id}")
def cycle_page(cycle_id: int, request: Request, session: SessionDep, user: SetterUser) -> Response:
    """One cycle: its stage tracker, office, fund and call, with the forms that set them up."""
    return cycle_page_response(request, session, actor_of(request, user), cycle_id)


@router.post("/{cycle_id}/office")
async def set_office(
    cycle_id: int, request: Request, session: SessionDep, user: SetterForm, now: NowDep
) -> Response:
    """Set the office printed in the 落款 of the cycle's documents."""
    values = await form_values(request, OFFICE_FIELDS)
    actor = actor_of(request, user)
    try:
        cycles_service.set_office(session, actor=actor, now=now, cycle_id=cycle_id, **values)
    except ServiceNotFound:
        raise NotFound() from None
    except Refused as refused:
        return cycle_page_response(
            request,
            session,
            actor,
            cycle_id,
            errors={"office": refused.message},
            values={f"office_{k}": v for k, v in values.items()},
            status=400,
        )
    return redirect(f"/officer/cycles/{cycle_id}#office", message=tr(request, "已保存落款信息。"))


router.include_router(setup_fund_call.router)
