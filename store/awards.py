"""Queries for awards, their tranches, and the projects they fund."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.award import Award, Tranche
from models.project import Project


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
        session.exec(select(Tranche).where(Tranche.award_id == award_id).order_by(Tranche.seq))
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
        session.exec(select(Project).where(Project.cycle_id == cycle_id).order_by(Project.id))
    )


def get_project(session: Session, project_id: int) -> Project:
    """Return a project by id, or raise LookupError."""
    project = session.get(Project, project_id)
    if project is None:
        raise LookupError(f"找不到服务项目 #{project_id}")
    return project


def list_awards(session: Session, *, proposal_ids: list[int]) -> list[Award]:
    """List the awards of the given proposals."""
    if not proposal_ids:
        return []
    return list(
        session.exec(
            select(Award).where(col(Award.proposal_id).in_(proposal_ids)).order_by(Award.id)
        )
    )
