"""Generated documents (PDF, XLSX under the output folder): who may download which, and the download.

Downloads are named by their path relative to the output folder and served
only if that exact path is in the actor's listing, so `../` or an absolute path
can never reach another file. Who may fetch a file is decided by the subject
ids its path carries, never by matching a title in the name (a project titled
like another agency's file name must not reach it):

- `<month>/[草稿/]月度评估-<project id>-<title>.pdf`: the project's agency, and
  the evaluators of that project's month (who scored or reviewed it, or may review it now);
- `selection/call-<call>/资助协议/<contract no>-<proposal id>.pdf`: the proposal's agency;
- `捐赠资金去向说明/<day>/<donor>.pdf`: the donor whose (file-safe) name is exactly the stem.

Staff and admins get every file. Every download is audited, and so is every
refused one (as `download_refused`, never as a download).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from models.status import EvaluationStatus, Role
from services import Actor, NotFound, audit
from store import evaluations, portal
from store.database import unit_of_work

SUFFIXES = {".pdf", ".xlsx"}
_MONTHLY = re.compile(r"(?P<month>\d{4}-\d{2})/(?:草稿/)?月度评估-(?P<project>\d+)-[^/]*\.pdf")
_CONTRACT = re.compile(r"selection/call-\d+/资助协议/[^/]*-(?P<proposal>\d+)\.pdf")
_STATEMENT = re.compile(r"捐赠资金去向说明/[^/]+/(?P<donor>[^/]+)\.pdf")
# How flows.fund.donor_statement writes a donor's name into a file name.
_UNSAFE = re.compile(r"[\\/:*?\"<>|\s]+")


@dataclass(frozen=True)
class Subjects:
    """The subject ids an actor may download the documents of."""

    everything: bool = False
    projects: frozenset[int] = frozenset()
    proposals: frozenset[int] = frozenset()
    evaluations: frozenset[tuple[int, str]] = frozenset()  # (project id, month)
    donor: str = ""


def list_output_files(output_dir: Path) -> list[str]:
    """List the downloadable files under the output folder, newest first."""
    root = Path(output_dir)
    if not root.is_dir():
        return []
    found = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES]
    found.sort(key=lambda p: (p.stat().st_mtime, str(p)), reverse=True)
    return [p.relative_to(root).as_posix() for p in found]


def may_download(name: str, subjects: Subjects) -> bool:
    """Tell whether a file, by the subject ids in its path, is one of these subjects' documents."""
    if subjects.everything:
        return True
    if monthly := _MONTHLY.fullmatch(name):
        project = int(monthly["project"])
        return project in subjects.projects or (project, monthly["month"]) in subjects.evaluations
    if contract := _CONTRACT.fullmatch(name):
        return int(contract["proposal"]) in subjects.proposals
    if statement := _STATEMENT.fullmatch(name):
        return bool(subjects.donor) and statement["donor"] == subjects.donor
    return False


def subjects_of(session: Session, *, actor: Actor, files: list[str]) -> Subjects:
    """The subject ids whose documents this actor may download (read by id from the store)."""
    if actor.role in (Role.STAFF, Role.ADMIN):
        return Subjects(everything=True)
    if actor.role == Role.AGENCY and actor.agency_id is not None:
        projects = portal.list_agency_projects(session, agency_id=actor.agency_id)
        proposals = portal.list_agency_proposals(session, agency_id=actor.agency_id)
        return Subjects(
            projects=frozenset(p.id for p in projects if p.id is not None),
            proposals=frozenset(p.id for p in proposals if p.id is not None),
        )
    if actor.role == Role.DONOR and actor.name.strip():
        return Subjects(donor=_UNSAFE.sub("_", actor.name.strip()))
    if actor.role == Role.EVALUATOR and actor.user_id is not None:
        return Subjects(evaluations=_assigned_evaluations(session, actor.user_id, files))
    return Subjects()


def _assigned_evaluations(
    session: Session, user_id: int, files: list[str]
) -> frozenset[tuple[int, str]]:
    """The (project, month) evaluations among these files that the evaluator scored, reviewed or may review."""
    wanted = {(int(m["project"]), m["month"]) for m in map(_MONTHLY.fullmatch, files) if m}
    found = evaluations.list_project_evaluations(
        session,
        project_ids=sorted({project for project, _ in wanted}),
        months=sorted({month for _, month in wanted}),
    )
    return frozenset(
        key
        for key, evaluation in found.items()
        if user_id in (evaluation.evaluator_id, evaluation.reviewer_id)
        or (
            evaluation.status == EvaluationStatus.IN_REVIEW
            and evaluation.evaluator_id not in (None, user_id)
        )
    )


def list_downloads(session: Session, *, actor: Actor, output_dir: Path) -> list[str]:
    """List the files under the output folder this actor may download, newest first."""
    files = list_output_files(output_dir)
    subjects = subjects_of(session, actor=actor, files=files)
    return [name for name in files if may_download(name, subjects)]


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
