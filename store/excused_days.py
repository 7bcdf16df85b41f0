"""Queries for excused days (免交日): days an officer excused a project from its daily report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from models.monitoring import ExcusedDay


def list_excused_days(
    session: Session,
    *,
    project_ids: Iterable[int],
    first: date | None = None,
    last: date | None = None,
) -> dict[int, set[date]]:
    """Return each project's excused days, within [first, last] when given."""
    ids = list(project_ids)
    if not ids:
        return {}
    query = select(col(ExcusedDay.project_id), col(ExcusedDay.day)).where(
        col(ExcusedDay.project_id).in_(ids)
    )
    if first is not None:
        query = query.where(ExcusedDay.day >= first)
    if last is not None:
        query = query.where(ExcusedDay.day <= last)
    found: dict[int, set[date]] = defaultdict(set)
    for project_id, day in session.exec(query):
        found[project_id].add(day)
    return dict(found)


def list_project_excuses(session: Session, *, project_id: int) -> list[ExcusedDay]:
    """Return one project's excused days, oldest first."""
    return list(
        session.exec(
            select(ExcusedDay)
            .where(ExcusedDay.project_id == project_id)
            .order_by(col(ExcusedDay.day))
        )
    )


def add_excused_days(session: Session, rows: Iterable[ExcusedDay]) -> None:
    """Add excused days (the caller leaves out those already stored)."""
    for row in rows:
        session.add(row)
    session.flush()
