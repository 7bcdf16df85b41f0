"""Queries for cycles, communities and domains."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from models.categorisation import DomainSeed
from models.cycle import Community, Cycle, Domain


def add_cycle(
    session: Session, *, street_office: str, year: int, name: str, starts_on: date, ends_on: date
) -> Cycle:
    """Add the office's cycle for `year`, or return the one already there."""
    found = session.exec(
        select(Cycle).where(Cycle.street_office == street_office, Cycle.year == year)
    ).first()
    if found:
        return found
    cycle = Cycle(
        street_office=street_office, year=year, name=name, starts_on=starts_on, ends_on=ends_on
    )
    session.add(cycle)
    session.flush()
    return cycle


def get_cycle(session: Session, cycle_id: int) -> Cycle:
    """Return a cycle by id, or raise LookupError."""
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise LookupError(f"找不到创投周期 #{cycle_id}")
    return cycle


def set_cycle_status(session: Session, cycle: Cycle, status: str) -> None:
    """Store a status that `models.status.apply_transition` allowed."""
    cycle.status = status
    session.add(cycle)


def add_communities(session: Session, *, street_office: str, names: Iterable[str]) -> None:
    """Add the office's communities that are not there yet."""
    known = set(
        session.exec(select(Community.name).where(Community.street_office == street_office))
    )
    for name in names:
        if name not in known:
            session.add(Community(street_office=street_office, name=name))
            known.add(name)
    session.flush()


def list_communities(session: Session, *, street_office: str) -> list[Community]:
    """List the office's communities by id."""
    return list(
        session.exec(
            select(Community)
            .where(Community.street_office == street_office)
            .order_by(col(Community.id))
        )
    )


def add_domains(session: Session, *, cycle_id: int, seeds: Iterable[DomainSeed]) -> None:
    """Give a cycle its domains, keeping any that staff already edited."""
    known = {d.key for d in list_domains(session, cycle_id=cycle_id)}
    for position, seed in enumerate(seeds):
        if seed.key in known:
            continue
        session.add(
            Domain(
                cycle_id=cycle_id,
                key=seed.key,
                name=seed.name,
                theme=seed.theme,
                position=position,
                keywords=list(seed.keywords),
            )
        )
    session.flush()


def list_domains(session: Session, *, cycle_id: int) -> list[Domain]:
    """List a cycle's domains in their set order."""
    return list(
        session.exec(
            select(Domain).where(Domain.cycle_id == cycle_id).order_by(col(Domain.position))
        )
    )
