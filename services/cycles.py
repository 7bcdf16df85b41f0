"""Setting up a cycle: a street office opens a year's cycle, lists its cycles, sees where each stands.

`open_cycle` is the one way to open a cycle from the portal and the CLI: staff or
an admin give the street office, the year, the name, the dates, the communities
and (optionally) the domains, which default to the four of DESIGN.md. Bad input
is refused naming the field; a second cycle for the same office and year is
refused (an office runs one cycle a year). `set_up_cycle` is the storing part it
shares with the demo's `open_cycle` flow. `cycle_status` reads the stage a cycle
is at and what comes next from what it already holds (`models.cycle_stages`).
`set_office` sets the issuing office printed in every document's 落款 (a field
left empty there is taken from the call rules' `[office]`). Opening is a dated act:
its business date (`on`, default today, never after today) is kept in the audit
event beside the time of entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from models.categorisation import DEFAULT_DOMAINS, DomainSeed
from models.cycle import Cycle, OfficeIdentity
from models.cycle_stages import StageState, cycle_stages, next_stage, stage_after
from models.office_contact import OFFICE_FIELDS, OfficeFieldError, OfficeFields, check_office_fields
from models.status import CYCLE_TRANSITIONS, CycleStatus, Role, apply_transition
from services import Actor, Forbidden, NotFound, Refused, audit
from services.business_day import business_day
from store import cycle_setup, cycles
from store.database import unit_of_work

SETTERS = frozenset({Role.STAFF, Role.ADMIN})
OPEN_FIRST = "请先用 gongyi cycle open 或门户「创投周期」页开设创投周期"
STATUS_LABELS = {
    CycleStatus.DRAFT: "草稿",
    CycleStatus.COLLECTING: "需求征集",
    CycleStatus.CALL_OPEN: "申报中",
    CycleStatus.SELECTING: "遴选中",
    CycleStatus.RUNNING: "执行中",
    CycleStatus.CLOSED: "已结项",
}


@dataclass(frozen=True)
class CycleLine:
    """One cycle in the list: who, which year, its status and its next step."""

    cycle_id: int
    street_office: str
    year: int
    name: str
    status: str
    starts_on: date
    ends_on: date
    next_step: str

    @property
    def status_label(self) -> str:
        """The cycle's status in Chinese."""
        return STATUS_LABELS.get(CycleStatus(self.status), self.status)


@dataclass(frozen=True)
class CycleView:
    """A cycle with its communities, domains, stages and next step."""

    line: CycleLine
    communities: list[str]
    domains: list[str]
    stages: list[StageState]
    next: StageState | None
    office: OfficeIdentity = field(default_factory=OfficeIdentity)

    @property
    def after(self) -> StageState | None:
        """The stage that follows the next step."""
        return stage_after(self.stages)


def _check_setter(actor: Actor) -> None:
    if actor.role not in SETTERS:
        raise Forbidden("只有街道工作人员和管理员可以开设和查看创投周期")


def _text(value: str, field: str, max_length: int) -> str:
    text = " ".join(value.split())
    if not text:
        raise Refused(f"{field}：不能为空")
    if len(text) > max_length:
        raise Refused(f"{field}：不能超过 {max_length} 个字（收到 {len(text)} 个）")
    return text


def _names(values: Sequence[str], field: str, max_length: int) -> list[str]:
    names: list[str] = []
    for value in values:
        name = " ".join(value.split())
        if not name:
            continue
        if len(name) > max_length:
            raise Refused(f"{field}「{name}」：不能超过 {max_length} 个字")
        if name in names:
            raise Refused(f"{field}「{name}」：重复填写")
        names.append(name)
    return names


def domain_seeds(names: Sequence[str] | None) -> tuple[DomainSeed, ...]:
    """The domains named (a default one by its name or key keeps its keywords), or the four defaults."""
    if not names:
        return DEFAULT_DOMAINS
    known = {seed.name: seed for seed in DEFAULT_DOMAINS} | {s.key: s for s in DEFAULT_DOMAINS}
    seeds = []
    for position, name in enumerate(_names(names, "服务领域", 40), start=1):
        seeds.append(known.get(name) or DomainSeed(f"domain{position}", name, name, ()))
    if len({seed.key for seed in seeds}) < len(seeds):
        raise Refused("服务领域：同一个默认领域填写了两次")
    return tuple(seeds)


def set_up_cycle(
    session: Session,
    *,
    street_office: str,
    year: int,
    name: str,
    starts_on: date,
    ends_on: date,
    communities: Sequence[str],
    domains: Sequence[DomainSeed] = DEFAULT_DOMAINS,
) -> Cycle:
    """Store the cycle (or find the office's one for the year), its communities and domains.

    A new cycle starts collecting needs. No check, no audit, no commit: `open_cycle`
    does those; the demo's flow calls this directly and finds its cycle on a second run.
    """
    cycle = cycles.add_cycle(
        session,
        street_office=street_office,
        year=year,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    cycles.add_communities(session, street_office=street_office, names=communities)
    assert cycle.id is not None
    cycles.add_domains(session, cycle_id=cycle.id, seeds=domains)
    if cycle.status == CycleStatus.DRAFT:
        status = apply_transition(
            CYCLE_TRANSITIONS, CycleStatus.DRAFT, CycleStatus.COLLECTING, role=Role.SYSTEM
        )
        cycles.set_cycle_status(session, cycle, status)
    return cycle


def open_cycle(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    street_office: str,
    year: int,
    name: str,
    starts_on: date,
    ends_on: date,
    communities: Sequence[str],
    domains: Sequence[str] | None = None,
    office_contact: str = "",
    office_phone: str = "",
    on: date | None = None,
) -> CycleLine:
    """Open the office's cycle for a year, collecting needs from its communities; return it.

    `on` is the day it was opened (default today; a date after today is refused).
    """
    _check_setter(actor)
    opened_on = business_day(on, now=now, what="开设日期")
    office = _text(street_office, "街道办名称", 100)
    title = _text(name, "周期名称", 200)
    if not 2000 <= year <= 2100:
        raise Refused(f"年度：应为 2000–2100 之间的年份（收到 {year}）")
    if ends_on <= starts_on:
        raise Refused(f"结束日期：应晚于开始日期 {starts_on}（收到 {ends_on}）")
    places = _names(communities, "社区", 100)
    if not places:
        raise Refused("社区：至少填写一个社区")
    seeds = domain_seeds(domains)
    try:
        given = check_office_fields(OfficeFields(contact=office_contact, phone=office_phone))
    except OfficeFieldError as bad:
        raise Refused(str(bad)) from None
    contact, phone = given.contact, given.phone
    with unit_of_work(session):
        found = cycle_setup.find_cycle(session, street_office=office, year=year)
        if found is not None:
            raise Refused(
                f"{office} {year} 年度已有创投周期 #{found.id}「{found.name}」："
                "每个街道每年开设一个创投周期"
            )
        cycle = set_up_cycle(
            session,
            street_office=office,
            year=year,
            name=title,
            starts_on=starts_on,
            ends_on=ends_on,
            communities=places,
            domains=seeds,
        )
        if contact or phone:
            cycle.office_contact, cycle.office_phone = contact, phone
            session.add(cycle)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="cycle_open",
            subject_type="cycle",
            subject_id=cycle.id,
            on=opened_on,
            detail=f"{office} {year} 年度「{title}」：{len(places)} 个社区，"
            f"服务领域 {'、'.join(s.name for s in seeds)}",
        )
        line = _line(session, cycle)
    return line


def _line(session: Session, cycle: Cycle) -> CycleLine:
    cycle_id = cycle.id or 0
    step = next_stage(
        cycle_stages(cycle_setup.cycle_facts(session, cycle_id=cycle_id), cycle_id=cycle_id)
    )
    return CycleLine(
        cycle_id=cycle_id,
        street_office=cycle.street_office,
        year=cycle.year,
        name=cycle.name,
        status=cycle.status,
        starts_on=cycle.starts_on,
        ends_on=cycle.ends_on,
        next_step=step.name if step else "已结项",
    )


def list_cycles(session: Session, *, actor: Actor) -> list[CycleLine]:
    """Every cycle, newest first, with its status and next step."""
    _check_setter(actor)
    return [_line(session, cycle) for cycle in cycle_setup.list_cycles(session)]


def cycle_status(session: Session, *, actor: Actor, cycle_id: int) -> CycleView:
    """The cycle with its communities, domains, and each stage done, next or not started."""
    _check_setter(actor)
    try:
        cycle = cycles.get_cycle(session, cycle_id)
    except LookupError as missing:
        raise NotFound(f"{missing}：{OPEN_FIRST}") from None
    stages = cycle_stages(cycle_setup.cycle_facts(session, cycle_id=cycle_id), cycle_id=cycle_id)
    return CycleView(
        line=_line(session, cycle),
        communities=[
            c.name for c in cycles.list_communities(session, street_office=cycle.street_office)
        ],
        domains=[d.name for d in cycles.list_domains(session, cycle_id=cycle_id)],
        stages=stages,
        next=next_stage(stages),
        office=_office(cycle),
    )


def _office(cycle: Cycle) -> OfficeIdentity:
    return OfficeIdentity(
        name=cycle.office_name,
        address=cycle.office_address,
        contact=cycle.office_contact,
        phone=cycle.office_phone,
        email=cycle.office_email,
        seal=cycle.office_seal,
    )


def set_office(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    name: str | None = None,
    address: str | None = None,
    contact: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    seal: str | None = None,
) -> OfficeIdentity:
    """Set the office that issues the cycle's documents (None: keep that part); return it."""
    _check_setter(actor)
    try:
        cycle = cycles.get_cycle(session, cycle_id)
    except LookupError as missing:
        raise NotFound(f"{missing}：{OPEN_FIRST}") from None
    old = _office(cycle)
    typed = OfficeFields(
        name=old.name if name is None else name,
        address=old.address if address is None else address,
        contact=old.contact if contact is None else contact,
        phone=old.phone if phone is None else phone,
        email=old.email if email is None else email,
        seal=old.seal if seal is None else seal,
    )
    try:
        new = check_office_fields(typed)
    except OfficeFieldError as bad:
        raise Refused(str(bad)) from None
    changed = [key for key in OFFICE_FIELDS if getattr(new, key) != getattr(old, key)]
    with unit_of_work(session):
        for key in changed:
            setattr(cycle, f"office_{key}", getattr(new, key))
        session.add(cycle)
        if changed:
            audit.record(
                session,
                actor=actor,
                now=now,
                action="cycle_office",
                subject_type="cycle",
                subject_id=cycle_id,
                detail="落款：" + "、".join(OFFICE_FIELDS[key][0] for key in changed),
            )
        office = _office(cycle)
    return office
