"""Queries for awards, their tranches, and the projects they fund."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from models.award import Award, Tranche
from models.project import Project
from models.status import ProjectStatus


def add_award(session: Session, award: Award) -> tuple[Award, bool]:
    """Add the award of a proposal unless it has one; say whether it was new."""
    found = session.exec(select(Award).where(Award.proposal_id == award.proposal_id)).first()
    if found:
        return found, False
    session.add(award)
    session.flush()
    return award, True


def add_tranche(session: Session, tranche: Tranche) -> Tranche:
    """Add a planned tranche unless the award already has that step."""
    found = session.exec(
        select(Tranche).where(Tranche.award_id == tranche.award_id, Tranche.seq == tranche.seq)
    ).first()
    if found:
        return found
    session.add(tranche)
    session.flush()
    return tranche


def list_tranches(session: Session, *, award_id: int) -> list[Tranche]:
    """List an award's tranches in order."""
    return list(
        session.exec(select(Tranche).where(Tranche.award_id == award_id).order_by(col(Tranche.seq)))
    )


def add_project(session: Session, project: Project) -> Project:
    """Add the project of an award, or return the one already there."""
    found = session.exec(select(Project).where(Project.award_id == project.award_id)).first()
    if found:
        return found
    session.add(project)
    session.flush()
    return project


def list_projects(session: Session, *, cycle_id: int) -> list[Project]:
    """List a cycle's projects by id."""
    return list(
        session.exec(select(Project).where(Project.cycle_id == cycle_id).order_by(col(Project.id)))
    )


def get_project(session: Session, project_id: int) -> Project:
    """Return a project by id, or raise LookupError."""
    project = session.get(Project, project_id)
    if project is None:
        raise LookupError(f"找不到服务项目 #{project_id}")
    return project


def find_project(session: Session, project_id: int) -> Project | None:
    """Return a project by id, or None."""
    return session.get(Project, project_id)


def find_award_project(session: Session, *, award_id: int) -> Project | None:
    """Return the project an award funds, or None before it is opened."""
    return session.exec(select(Project).where(Project.award_id == award_id)).first()


def find_tranche(session: Session, tranche_id: int) -> Tranche | None:
    """Return a tranche by id, or None."""
    return session.get(Tranche, tranche_id)


def list_awards(session: Session, *, proposal_ids: list[int]) -> list[Award]:
    """List the awards of the given proposals."""
    if not proposal_ids:
        return []
    return list(
        session.exec(
            select(Award).where(col(Award.proposal_id).in_(proposal_ids)).order_by(col(Award.id))
        )
    )


def get_award(session: Session, award_id: int) -> Award:
    """Return an award by id, or raise LookupError."""
    award = session.get(Award, award_id)
    if award is None:
        raise LookupError(f"找不到立项 #{award_id}")
    return award


def list_awards_by_id(session: Session, *, award_ids: list[int]) -> dict[int, Award]:
    """Return the awards with these ids, by id."""
    if not award_ids:
        return {}
    return {a.id: a for a in session.exec(select(Award).where(col(Award.id).in_(award_ids)))}  # type: ignore[misc]


def list_cycle_tranches(session: Session, *, cycle_id: int) -> list[tuple[Tranche, Project]]:
    """List every tranche of the cycle's projects with its project, by project and step."""
    return [
        (tranche, project)
        for tranche, project in session.exec(
            select(Tranche, Project)
            .join(Project, col(Project.award_id) == Tranche.award_id)
            .where(Project.cycle_id == cycle_id)
            .order_by(col(Project.id), col(Tranche.seq))
        )
    ]


def list_projects_by_id(session: Session, *, project_ids: Iterable[int]) -> list[Project]:
    """List these projects by id (ids without a project are left out)."""
    ids = sorted(set(project_ids))
    return [
        project
        for chunk in range(0, len(ids), 500)
        for project in session.exec(
            select(Project)
            .where(col(Project.id).in_(ids[chunk : chunk + 500]))
            .order_by(col(Project.id))
        )
    ]


def list_project_tranches(session: Session, *, award_ids: list[int]) -> list[Tranche]:
    """List the tranches of these awards, by award and step."""
    if not award_ids:
        return []
    return list(
        session.exec(
            select(Tranche)
            .where(col(Tranche.award_id).in_(award_ids))
            .order_by(col(Tranche.award_id), col(Tranche.seq))
        )
    )


def set_tranche_status(
    session: Session, tranche: Tranche, *, status: str, released_on: date | None = None
) -> None:
    """Store a tranche status that `models.status.apply_transition` allowed."""
    tranche.status = status
    if released_on is not None:
        tranche.released_on = released_on
    session.add(tranche)
    session.flush()


def get_project_by_title(session: Session, *, cycle_id: int, title: str) -> Project:
    """Return the cycle's project with this title (or this id, written as a number)."""
    query = select(Project).where(Project.cycle_id == cycle_id)
    if title.isdigit():
        found = session.exec(query.where(Project.id == int(title))).first()
    else:
        found = session.exec(query.where(Project.title == title)).first()
    if found is None:
        raise LookupError(f"本周期没有服务项目「{title}」")
    return found


def get_monitored_cycle_id(session: Session) -> int:
    """Return the newest cycle that has running projects, or raise LookupError."""
    found = session.exec(
        select(Project.cycle_id)
        .where(Project.status == ProjectStatus.ACTIVE)
        .order_by(col(Project.cycle_id).desc())
    ).first()
    if found is None:
        raise LookupError("没有执行中的服务项目：请先完成遴选与签约")
    return found
