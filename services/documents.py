"""Generated documents (PDF, XLSX under the output folder): who may download which, and the download.

Downloads are named by their path relative to the output folder and served
only if that exact path is in the actor's listing, so `../` or an absolute path
can never reach another file. Agencies get the files naming one of their
projects; donors the statements naming them; evaluators the evaluation and
review documents; staff and admins every file. Every download is audited, and so
is every refused one (as `download_refused`, never as a download).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from models.status import Role
from services import Actor, NotFound, audit
from store import portal
from store.database import unit_of_work

SUFFIXES = {".pdf", ".xlsx"}


def list_output_files(output_dir: Path) -> list[str]:
    """List the downloadable files under the output folder, newest first."""
    root = Path(output_dir)
    if not root.is_dir():
        return []
    found = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES]
    found.sort(key=lambda p: (p.stat().st_mtime, str(p)), reverse=True)
    return [p.relative_to(root).as_posix() for p in found]


def can_download(name: str, *, role: Role | None, owned_titles: list[str], person: str) -> bool:
    """Tell whether a user of this role, with these projects or this name, may fetch a file."""
    if role in (Role.STAFF, Role.ADMIN):
        return True
    base = Path(name).name
    if role == Role.AGENCY:
        return any(title and title in base for title in owned_titles)
    if role == Role.DONOR:
        return bool(person) and person in base
    if role == Role.EVALUATOR:
        return "月度评估" in base or "评审" in base
    return False


def list_downloads(session: Session, *, actor: Actor, output_dir: Path) -> list[str]:
    """List the files under the output folder this actor may download, newest first."""
    titles = (
        [p.title for p in portal.list_agency_projects(session, agency_id=actor.agency_id)]
        if actor.role == Role.AGENCY and actor.agency_id is not None
        else []
    )
    return [
        name
        for name in list_output_files(output_dir)
        if can_download(name, role=actor.role, owned_titles=titles, person=actor.name)
    ]


def open_download(
    session: Session, *, actor: Actor, now: datetime, output_dir: Path, name: str
) -> Path:
    """Return the path of a file in the actor's listing, and audit the download.

    A name outside the listing (another agency's report, `../…`) is refused with
    NotFound; the refusal is audited as `download_refused` before it is raised.
    """
    if name not in list_downloads(session, actor=actor, output_dir=output_dir):
        with unit_of_work(session):
            audit.record(
                session,
                actor=actor,
                now=now,
                action="download_refused",
                subject_type="file",
                detail=name[:300],
            )
        raise NotFound("找不到这个文件，或您的账号无权下载")
    with unit_of_work(session):
        audit.record(
            session, actor=actor, now=now, action="download", subject_type="file", detail=name
        )
    return Path(output_dir) / name
