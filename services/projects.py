"""Projects (服务项目): finding one by id, and the one rule that it is the agency's own.

Every door that acts on a project (the portal's pages, the JSON API, the CLI and
the flows) asks here, so an agency is answered alike everywhere: another agency's
project is "not found", never "forbidden", so its existence is not revealed.
"""

from __future__ import annotations

from sqlmodel import Session

from models.project import Project
from models.status import Role
from services import Actor, Forbidden, NotFound
from store import portal

OFFICE_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.SYSTEM})
"""Who acts on every project of the street office: its staff, its admin and the system."""


def not_found(project_id: int) -> NotFound:
    """The refusal for a project that does not exist or is not the actor's to know of."""
    return NotFound(f"找不到服务项目 #{project_id}，或您的账号无权访问")


def find_project(session: Session, project_id: int) -> Project:
    """Return the project with this id, or raise NotFound (for the office's own tools)."""
    project = portal.get_project(session, project_id)
    if project is None:
        raise NotFound(f"没有编号为 {project_id} 的服务项目")
    return project


def check_own(actor: Actor, project: Project | None, project_id: int) -> Project:
    """Return `project` if the actor may act on it: an agency its own, the office any.

    This is the one ownership rule; `project` is what was read for `project_id`
    (None when there is none), so a batch can read its projects at once.
    """
    if actor.role in OFFICE_ROLES:
        if project is None:
            raise not_found(project_id)
        return project
    if actor.role == Role.AGENCY and actor.agency_id is not None:
        if project is None or project.agency_id != actor.agency_id:
            raise not_found(project_id)
        return project
    raise Forbidden(f"您的账号角色（{actor.role}）不能查看服务项目")


def own_project(session: Session, *, actor: Actor, project_id: int) -> Project:
    """Return the project if it is the actor's to act on; raise NotFound or Forbidden."""
    return check_own(actor, portal.get_project(session, project_id), project_id)
