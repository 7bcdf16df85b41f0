"""Queries for notices (reminders, escalations, held tranches) and yellow cards.

A notice is claimed by its key before it is sent: `add_notice` returns the
stored one when the key is taken, so however often a flow runs, a project
gets one reminder a day and a held tranche one notice. A yellow card is kept
once per project and month.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, func, select

from models.monitoring import Notice, YellowCard
from models.project import Project


def add_notice(session: Session, notice: Notice) -> tuple[Notice, bool]:
    """Claim a notice's key; return the stored notice and whether it is new."""
    found = session.exec(select(Notice).where(Notice.key == notice.key)).first()
    if found is not None:
        return found, False
    # Two runs racing for one key: the unique key makes the second one's transaction fail.
    session.add(notice)
    session.flush()
    return notice, True


def list_notices(
    session: Session, *, keys: list[str] | None = None, status: str | None = None
) -> list[Notice]:
    """List notices, optionally only these keys or one status, oldest first."""
    query = select(Notice)
    if keys is not None:
        query = query.where(col(Notice.key).in_(keys))
    if status is not None:
        query = query.where(Notice.status == status)
    return list(session.exec(query.order_by(col(Notice.id))))


def set_notice_status(
    session: Session, notice: Notice, *, status: str, at: datetime | None, error: str = ""
) -> None:
    """Record whether a notice went out."""
    notice.status, notice.sent_at, notice.error = status, at, error[:500]
    session.add(notice)
    session.flush()


def count_notices(session: Session, *, project_id: int, kind: str, first: date, last: date) -> int:
    """Count a project's notices of one kind dated within [first, last]."""
    return session.exec(
        select(func.count()).where(
            Notice.project_id == project_id,
            Notice.kind == kind,
            Notice.day >= first,
            Notice.day <= last,
        )
    ).one()


def add_yellow_card(session: Session, card: YellowCard) -> tuple[YellowCard, bool]:
    """Add a project's yellow card for a month unless it has one; say whether it was new."""
    found = session.exec(
        select(YellowCard).where(
            YellowCard.project_id == card.project_id, YellowCard.month == card.month
        )
    ).first()
    if found is not None:
        return found, False
    session.add(card)
    session.flush()
    return card, True


def list_yellow_cards(
    session: Session, *, cycle_id: int, month: str | None = None
) -> list[YellowCard]:
    """List the yellow cards of the cycle's projects, optionally of one month."""
    query = (
        select(YellowCard)
        .join(Project, col(Project.id) == YellowCard.project_id)
        .where(Project.cycle_id == cycle_id)
    )
    if month is not None:
        query = query.where(YellowCard.month == month)
    return list(session.exec(query.order_by(col(YellowCard.id))))


def list_escalated_gaps(
    session: Session, *, project_ids: list[int], kind: str, before: date
) -> dict[int, set[date]]:
    """Return, per project, the oldest missing days the officer was told of before `before`."""
    gaps: dict[int, set[date]] = {}
    for project_id, since in session.exec(
        select(col(Notice.project_id), col(Notice.overdue_since)).where(
            col(Notice.project_id).in_(project_ids),
            Notice.kind == kind,
            Notice.day < before,
            col(Notice.overdue_since).is_not(None),
        )
    ):
        if project_id is not None and since is not None:  # both are in the WHERE clause
            gaps.setdefault(project_id, set()).add(since)
    return gaps
