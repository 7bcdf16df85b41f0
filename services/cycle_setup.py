"""Setting up a cycle's fund and call from the portal: the fund, in-kind gifts at the counter, the rules.

The fund is set up by name (`set_up_fund`) before the first gift; a cash gift is
`services.fund.donate`, an in-kind gift typed at the counter is `give_in_kind`,
read like a row of the in-kind file. The call rules (申报指南) are TOML text, typed
in the portal's form (prefilled by `rules_template`) or uploaded: `check_call_rules`
puts them through exactly the checks of `gongyi call check` (`read_rules_text`,
each refusal naming the line) and then the cycle's own (its domains, refused; its
fund's name and what it has raised, reported as what still blocks publishing,
which `publish_call` checks again). Publishing and closing stay flows. Setting up
the fund and taking a gift are dated acts: the audit event keeps the business date
(the fund's `on`, default today and never after today; the gift's 捐赠日期).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from string import Template

from sqlmodel import Session

from models.call_file import locate_error, read_rules_text
from models.call_keys import RulesError
from models.call_rules import check_domains_known, check_rules_fit_fund
from models.cycle import Cycle, office_identity
from models.fund import DONOR_TYPE_LABELS, IN_KIND_LABELS
from models.ledger import sum_balance
from models.status import CallStatus, Role
from services import Actor, Forbidden, NotFound, Refused, audit
from services import fund as fund_service
from services.business_day import business_day
from store import calls, cycles, fund
from store.database import unit_of_work

SETTERS = frozenset({Role.STAFF, Role.ADMIN})
DONOR_TYPES = tuple(DONOR_TYPE_LABELS.values())
IN_KIND_CATEGORIES = tuple(IN_KIND_LABELS.values())


@dataclass(frozen=True)
class CheckedRules:
    """Rules that passed `gongyi call check` and the cycle's domains; what still blocks publishing."""

    title: str
    version: int
    opens_on: str
    deadline: str
    blocking: tuple[str, ...] = ()


@dataclass(frozen=True)
class CallLine:
    """One call version of the cycle, as the cycle page lists it."""

    call_id: int
    version: int
    title: str
    status: str
    deadline: datetime
    published_on: date | None


def _check_setter(actor: Actor) -> None:
    if actor.role not in SETTERS:
        raise Forbidden("只有街道工作人员和管理员可以设立基金和申报指南")


def _cycle(session: Session, cycle_id: int) -> Cycle:
    try:
        return cycles.get_cycle(session, cycle_id)
    except LookupError as missing:
        raise NotFound(str(missing)) from None


def set_up_fund(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    name: str,
    on: date | None = None,
) -> int:
    """Set up the cycle's public-benefit fund under a name (once) on day `on`; return its id."""
    _check_setter(actor)
    opened_on = business_day(on, now=now, what="设立日期")
    _cycle(session, cycle_id)
    title = " ".join(name.split())
    if not title or len(title) > 200:
        raise Refused("基金名称：不能为空，不超过 200 个字")
    with unit_of_work(session):
        try:
            found = fund.get_fund(session, cycle_id=cycle_id)
        except LookupError:
            found = None
        if found is not None:
            raise Refused(f"本周期已设立公益基金「{found.name}」")
        the_fund = fund.add_fund(session, cycle_id=cycle_id, name=title)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="fund_open",
            subject_type="fund",
            subject_id=the_fund.id,
            on=opened_on,
            detail=f"设立公益基金「{title}」",
        )
        fund_id = the_fund.id or 0
    return fund_id


def give_in_kind(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    donor: str,
    donor_type: str,
    donated_on: str,
    category: str,
    description: str,
    valuation_yuan: str = "",
    receipt: str = "",
) -> fund_service.FundSummary:
    """Record one in-kind gift typed at the counter, checked like a row of the in-kind file."""
    _check_setter(actor)
    gifts = fund_service.read_counter_gift(
        fund_service.IN_KIND_COLUMNS,
        (donor, donor_type, donated_on, category, description, valuation_yuan),
        receipt=receipt,
        reader=fund_service.read_in_kind,
    )
    try:
        the_fund = fund.get_fund(session, cycle_id=cycle_id)
    except LookupError as missing:
        raise NotFound(f"{missing}：请先设立公益基金") from None
    summary = fund_service.store_gifts(
        session, actor=actor, now=now, cycle_id=cycle_id, fund_name=the_fund.name, gifts=gifts
    )
    with unit_of_work(session):
        audit.record(
            session,
            actor=actor,
            now=now,
            action="fund_in_kind",
            subject_type="fund",
            subject_id=the_fund.id,
            on=gifts[0].donated_on,
            detail=f"{gifts[0].donor_name} 实物/服务捐赠：{category}（{donated_on}）"
            + ("" if summary.added else "，已登记过"),
        )
    return summary


def list_call_lines(session: Session, *, cycle_id: int) -> list[CallLine]:
    """The cycle's call versions, oldest first."""
    return [
        CallLine(c.id or 0, c.version, c.title, c.status, c.deadline, c.published_on)
        for c in calls.list_calls(session, cycle_id=cycle_id)
    ]


def check_call_rules(
    session: Session, *, actor: Actor, cycle_id: int, text: str, file_name: str
) -> CheckedRules:
    """Check rules text as `gongyi call check` does, then against the cycle; refuse naming the line."""
    _check_setter(actor)
    _cycle(session, cycle_id)
    try:
        rules, data = read_rules_text(text, file_name=file_name)
    except RulesError as error:
        raise Refused(str(error)) from None
    try:
        check_domains_known(rules, {d.key for d in cycles.list_domains(session, cycle_id=cycle_id)})
    except RulesError as error:
        raise Refused(str(locate_error(error, text=text, file_name=file_name))) from None
    blocking: list[str] = []
    try:
        the_fund = fund.get_fund(session, cycle_id=cycle_id)
    except LookupError:
        blocking.append("还没有设立公益基金：发布前请先设立基金并登记捐赠")
    else:
        raised = sum_balance(fund.list_movements(session, fund_id=the_fund.id or 0)).raised_fen
        try:
            check_rules_fit_fund(rules, fund_name=the_fund.name, raised_fen=raised)
        except RulesError as error:
            blocking.append(str(locate_error(error, text=text, file_name=file_name)))
    published = {c.version: c for c in calls.list_calls(session, cycle_id=cycle_id)}
    same = published.get(rules.version)
    if same is not None and same.status != CallStatus.DRAFT and same.rules != data:
        blocking.append(
            f"第 {rules.version} 版申报指南已发布，内容与此不同；修改后请把 version 改为 "
            f"{max(published) + 1}"
        )
    return CheckedRules(
        title=rules.title,
        version=rules.version,
        opens_on=str(data["opens_on"]),
        deadline=str(data["deadline"]),
        blocking=tuple(blocking),
    )


def rules_template(session: Session, *, cycle_id: int, template: str, today: date) -> str:
    """Fill the rules template (`$title`, `$fund`, `$domains`, `$office_lines`…) for this cycle."""
    cycle = _cycle(session, cycle_id)
    try:
        fund_name = fund.get_fund(session, cycle_id=cycle_id).name
    except LookupError:
        fund_name = f"{cycle.street_office}公益创投基金"
    office = office_identity(cycle)
    domains = ", ".join(f'"{d.key}"' for d in cycles.list_domains(session, cycle_id=cycle_id))
    opens = max(today, cycle.starts_on)
    return Template(template).safe_substitute(
        title=_toml(f"{cycle.name}申报指南"),
        version=str(1 + len(calls.list_calls(session, cycle_id=cycle_id))),
        opens_on=opens.isoformat(),
        deadline=f"{(opens + timedelta(days=20)).isoformat()} 17:00",
        domains=domains,
        fund=_toml(fund_name),
        office_lines="\n".join(
            f'{key} = "{_toml(value)}"'
            for key, value in (
                ("name", office.name),
                ("address", office.address),
                ("contact", office.contact),
                ("phone", office.phone),
                ("email", office.email),
            )
            if value
        ),
    )


def _toml(value: str) -> str:
    """A TOML basic string's content: backslashes and quotes escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"')
