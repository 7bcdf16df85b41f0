"""Documents (报告文件): the register's documents each actor may see, named for people, and their download.

What is listed and served comes from the document register (`models.register.DocumentRecord`):
one row per version of a document, with its kind, subject id, period, title and
path. Who may see a row is decided by its subject id, never by a title or a file
name (a project titled like another agency's file must not reach it):

- staff and admins: every row;
- an agency: rows whose subject is one of its projects (`project:<id>`) or
  proposals (`proposal:<id>`), drafts excepted;
- a donor: rows whose subject is exactly `donor:<its name>`;
- an evaluator: the monthly (and mid-term) assessments, drafts included, of the
  project months it scored, reviewed, or may review now, and the final
  evaluation reports of the projects whose final evaluation it scored or reviewed;
- every signed-in role: the public documents (申报指南, 立项公示).

The page lists the latest version of each document, grouped by kind and period,
with its edition (第2版 and the reason) and links to the earlier versions; a
draft superseded by the published assessment is one of those earlier versions.
Downloads are by the register row's id. Files on disk that no row names (made
before the register) are listed for staff only, under 其他文件, and served by
their path only to staff; copies under `archive/` of listed files are not
listed again.

Every download is audited, and so is every refused one (as `download_refused`,
never as a download).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from sqlmodel import Session

from models.register import DocumentRecord, RegisterError, check_document_path, version_label
from models.status import EvaluationStatus, Role
from services import Actor, NotFound, audit
from store import closing, evaluations, portal, register
from store.database import unit_of_work

SUFFIXES = {".pdf", ".xlsx"}
REFUSED = "找不到这个文件，或您的账号无权下载"

# Kinds in the order of a cycle, with the name people know them by.
KIND_LABELS = {
    "needs_survey": "需求调研报告",
    "call": "申报指南",
    "selection_summary": "遴选汇总",
    "public_notice": "立项公示",
    "contract": "资助协议",
    "weekly_agenda": "周例会议程",
    "weekly_minutes": "周例会纪要",
    "monthly_assessment": "项目月度评估报告",
    "monthly_assessment_draft": "项目月度评估报告（草稿）",
    "street_summary": "街道月度汇总报告",
    "midterm_evaluation": "项目中期评估报告",
    "final_evaluation": "项目结项评估报告",
    "donor_statement": "捐赠资金去向说明",
    "cycle_report": "创投周期总结报告",
}
# The page's sections: some kinds share one (a draft and its published assessment).
SECTIONS = {
    "weekly_agenda": "weekly",
    "weekly_minutes": "weekly",
    "monthly_assessment_draft": "monthly_assessment",
}
SECTION_LABELS = {"weekly": "周例会议程/纪要"}
DRAFT_KINDS = {"monthly_assessment_draft"}
PUBLIC_KINDS = {"call", "public_notice"}
# Kinds an evaluator sees for the project months it is assigned.
EVALUATED_KINDS = {"monthly_assessment", "monthly_assessment_draft", "midterm_evaluation"}
# Kinds listed by period (others: one list per kind).
PERIODIC = {
    "weekly_agenda",
    "weekly_minutes",
    "monthly_assessment",
    "monthly_assessment_draft",
    "street_summary",
    "donor_statement",
}
_MONTH = re.compile(r"\d{4}-\d{2}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SUBJECT = re.compile(r"(?P<type>project|proposal):(?P<id>\d+)")


@dataclass(frozen=True)
class Scope:
    """What an actor may see of the register, by subject ids."""

    everything: bool = False
    signed_in: bool = False
    projects: frozenset[int] = frozenset()
    proposals: frozenset[int] = frozenset()
    evaluations: frozenset[tuple[int, str]] = frozenset()  # (project id, month)
    finals: frozenset[int] = frozenset()  # projects whose final evaluation it scored or reviewed
    donor: str = ""


@dataclass(frozen=True)
class Version:
    """One version of a document, as the page links it."""

    id: int
    label: str  # 第1版, 第2版, 草稿
    reason: str
    as_of: date


@dataclass(frozen=True)
class Document:
    """A document: its latest version, and the earlier ones."""

    id: int  # the latest version's register row
    kind: str
    subject: str
    period: str
    title: str
    edition: str  # "" for a first version, 第2版（数据已更新）, 草稿
    as_of: date
    path: str
    earlier: tuple[Version, ...] = ()


@dataclass(frozen=True)
class PeriodGroup:
    """The documents of one section in one period."""

    period: str
    label: str  # 2026年6月, or "" for a section not listed by period
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class Section:
    """The documents of one kind (or of kinds shown together)."""

    key: str
    label: str
    groups: tuple[PeriodGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(g.documents) for g in self.groups)


@dataclass(frozen=True)
class Listing:
    """What the documents page shows one actor."""

    sections: tuple[Section, ...]
    others: tuple[str, ...] = ()  # unregistered files, staff only

    @property
    def count(self) -> int:
        return sum(s.count for s in self.sections)


def list_output_files(output_dir: Path) -> list[str]:
    """List the files under the output folder, newest first (relative paths)."""
    root = Path(output_dir)
    if not root.is_dir():
        return []
    found = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES]
    found.sort(key=lambda p: (p.stat().st_mtime, str(p)), reverse=True)
    return [p.relative_to(root).as_posix() for p in found]


def _subject(row: DocumentRecord) -> tuple[str, int] | None:
    found = _SUBJECT.fullmatch(row.subject)
    return (found["type"], int(found["id"])) if found else None


def scope_of(session: Session, *, actor: Actor, rows: Iterable[DocumentRecord] = ()) -> Scope:
    """The subject ids whose documents this actor may see (read by id from the store).

    For an evaluator, only the project months among `rows` are looked up.
    """
    if actor.role in (Role.STAFF, Role.ADMIN):
        return Scope(everything=True, signed_in=True)
    signed_in = actor.role is not None
    if actor.role == Role.AGENCY and actor.agency_id is not None:
        projects = portal.list_agency_projects(session, agency_id=actor.agency_id)
        proposals = portal.list_agency_proposals(session, agency_id=actor.agency_id)
        return Scope(
            signed_in=True,
            projects=frozenset(p.id for p in projects if p.id is not None),
            proposals=frozenset(p.id for p in proposals if p.id is not None),
        )
    if actor.role == Role.DONOR and actor.name.strip():
        return Scope(signed_in=True, donor=actor.name.strip())
    if actor.role == Role.EVALUATOR and actor.user_id is not None:
        rows = list(rows)
        return Scope(
            signed_in=True,
            evaluations=_assigned(session, actor.user_id, rows),
            finals=_finals(session, actor.user_id, rows),
        )
    return Scope(signed_in=signed_in)


def _assigned(
    session: Session, user_id: int, rows: Iterable[DocumentRecord]
) -> frozenset[tuple[int, str]]:
    """The (project, month) evaluations among these rows the evaluator scored, reviewed or may review now."""
    wanted = set()
    for row in rows:
        subject = _subject(row)
        if row.kind in EVALUATED_KINDS and subject and subject[0] == "project":
            wanted.add((subject[1], row.period))
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


def _finals(session: Session, user_id: int, rows: Iterable[DocumentRecord]) -> frozenset[int]:
    """The projects among these rows' final evaluation reports that the evaluator scored or reviewed."""
    projects = set()
    for row in rows:
        subject = _subject(row)
        if row.kind == "final_evaluation" and subject and subject[0] == "project":
            projects.add(subject[1])
    found = set()
    for project_id in sorted(projects):
        final = closing.get_final_evaluation(session, project_id=project_id)
        if final is not None and user_id in (final.evaluator_id, final.reviewer_id):
            found.add(project_id)
    return frozenset(found)


def may_see(row: DocumentRecord, scope: Scope) -> bool:
    """Tell whether a register row, by its kind and subject id, is one this scope may see."""
    if scope.everything:
        return True
    if row.kind in PUBLIC_KINDS:
        return scope.signed_in
    if scope.donor and row.kind == "donor_statement":
        return row.subject == f"donor:{scope.donor}"
    subject = _subject(row)
    if subject is None:
        return False
    kind, number = subject
    if kind == "project" and (number, row.period) in scope.evaluations:
        return row.kind in EVALUATED_KINDS
    if kind == "project" and number in scope.finals and row.kind == "final_evaluation":
        return True
    if row.kind in DRAFT_KINDS:
        return False
    if kind == "project":
        return number in scope.projects
    return number in scope.proposals


def _on_disk(output_dir: Path, path: str) -> Path | None:
    """The file of a registered path, if it is inside the output folder and there."""
    try:
        relative = check_document_path(path)
    except RegisterError:
        return None
    target = Path(output_dir) / relative
    return target if target.is_file() else None


def _label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def _section(kind: str) -> str:
    return SECTIONS.get(kind, kind)


def _section_label(key: str, documents: Iterable[Document] = ()) -> str:
    """A kind's name; for a kind this module does not know, its documents' title before " · "."""
    known = SECTION_LABELS.get(key) or KIND_LABELS.get(key)
    if known:
        return known
    prefixes = sorted({d.title.split(" · ")[0] for d in documents if d.title})
    return prefixes[0] if len(prefixes) == 1 else key


def _order(key: str) -> int:
    sections = list(dict.fromkeys(_section(k) for k in KIND_LABELS))
    return sections.index(key) if key in sections else len(sections)


def _group_period(row: DocumentRecord) -> str:
    if row.kind not in PERIODIC:
        return ""
    if row.kind in ("weekly_agenda", "weekly_minutes"):
        return row.period[:7]
    return row.period


def period_label(period: str) -> str:
    """2026-06 as 2026年6月, 2026-07-01 as 2026年7月1日; anything else as it is."""
    if _MONTH.fullmatch(period):
        return f"{period[:4]}年{int(period[5:7])}月"
    if _DAY.fullmatch(period):
        return f"{period[:4]}年{int(period[5:7])}月{int(period[8:10])}日"
    return period


def _version_label(row: DocumentRecord) -> str:
    if row.kind in DRAFT_KINDS:
        return "草稿"
    return version_label(row.version) or "第1版"


def _edition(row: DocumentRecord) -> str:
    if row.kind in DRAFT_KINDS:
        return "草稿"
    label = version_label(row.version)
    if not label:
        return ""
    return f"{label}（{row.reason}）" if row.reason else label


def _title(row: DocumentRecord) -> str:
    if row.title:
        return row.title
    parts = [_label(row.kind), row.subject, row.period]
    return " · ".join(p for p in parts if p)


def _rank(row: DocumentRecord) -> tuple[bool, int, int]:
    """Versions in order: drafts first, then by version."""
    return (row.kind not in DRAFT_KINDS, row.version, row.id or 0)


def _document(versions: list[DocumentRecord]) -> Document:
    """The document of its visible versions, the latest first."""
    ordered = sorted(versions, key=_rank)
    latest = ordered[-1]
    return Document(
        id=latest.id or 0,
        kind=latest.kind,
        subject=latest.subject,
        period=latest.period,
        title=_title(latest),
        edition=_edition(latest),
        as_of=latest.as_of,
        path=latest.path,
        earlier=tuple(
            Version(r.id or 0, _version_label(r), r.reason, r.as_of) for r in reversed(ordered[:-1])
        ),
    )


def _visible_rows(
    session: Session, *, actor: Actor, output_dir: Path
) -> tuple[list[DocumentRecord], list[DocumentRecord], Scope]:
    """Every register row, and those this actor may see whose file is on disk."""
    rows = register.list_records(session)
    scope = scope_of(session, actor=actor, rows=rows)
    visible = [r for r in rows if may_see(r, scope) and _on_disk(output_dir, r.path) is not None]
    return rows, visible, scope


def _others(output_dir: Path, registered: set[str]) -> tuple[str, ...]:
    """Files on disk that no register row names, without the archive's copies of known files."""
    files = list_output_files(output_dir)
    known = registered | {f for f in files if not f.startswith("archive/")}
    others = []
    for name in files:
        if name in registered:
            continue
        parts = PurePosixPath(name).parts
        if parts[0] == "archive" and len(parts) > 2 and "/".join(parts[2:]) in known:
            continue
        others.append(name)
    return tuple(sorted(others))


def list_documents(
    session: Session, *, actor: Actor, output_dir: Path, subjects: Collection[str] | None = None
) -> Listing:
    """The documents this actor may see, grouped by kind and period, latest versions first.

    With `subjects` (e.g. `{"project:12", "proposal:40"}` for a project page),
    only the documents of those subjects, and no unregistered files.
    """
    rows, visible, scope = _visible_rows(session, actor=actor, output_dir=output_dir)
    if subjects is not None:
        wanted = set(subjects)
        visible = [r for r in visible if r.subject in wanted]
    documents: dict[tuple[str, str, str], list[DocumentRecord]] = defaultdict(list)
    for row in visible:
        documents[(_section(row.kind), row.subject, row.period)].append(row)
    grouped: dict[str, dict[str, list[Document]]] = defaultdict(lambda: defaultdict(list))
    for (section, _, _), versions in documents.items():
        document = _document(versions)
        latest = max(versions, key=_rank)
        grouped[section][_group_period(latest)].append(document)
    sections = tuple(
        Section(
            key=key,
            label=_section_label(key, (d for docs in periods.values() for d in docs)),
            groups=tuple(
                PeriodGroup(
                    period=period,
                    label=period_label(period),
                    documents=tuple(sorted(periods[period], key=lambda d: (d.title, d.id))),
                )
                for period in sorted(periods, reverse=True)
            ),
        )
        for key, periods in sorted(grouped.items(), key=lambda item: (_order(item[0]), item[0]))
    )
    listed = scope.everything and subjects is None
    others = _others(output_dir, {r.path for r in rows}) if listed else ()
    return Listing(sections, others)


def list_downloads(session: Session, *, actor: Actor, output_dir: Path) -> list[str]:
    """The paths of the latest versions this actor may download (and, for staff, unregistered files).

    Kept for pages that still link files by path; newest first.
    """
    listing = list_documents(session, actor=actor, output_dir=output_dir)
    latest = [d for s in listing.sections for g in s.groups for d in g.documents]
    latest.sort(key=lambda d: (d.as_of, d.id), reverse=True)
    return [d.path for d in latest] + list(listing.others)


def _refuse(
    session: Session, *, actor: Actor, now: datetime, detail: str, row_id: int | None
) -> None:
    with unit_of_work(session):
        audit.record(
            session,
            actor=actor,
            now=now,
            action="download_refused",
            subject_type="document" if row_id is not None else "file",
            subject_id=row_id,
            detail=detail[:300],
        )


def _served(
    session: Session, *, actor: Actor, now: datetime, path: str, row_id: int | None
) -> None:
    with unit_of_work(session):
        audit.record(
            session,
            actor=actor,
            now=now,
            action="download",
            subject_type="document" if row_id is not None else "file",
            subject_id=row_id,
            detail=path,
        )


def open_document(
    session: Session, *, actor: Actor, now: datetime, output_dir: Path, record_id: int
) -> tuple[Path, DocumentRecord]:
    """Return the file of one register row this actor may see, and the row; audit the download.

    A row the actor may not see, an unknown id, or a file that is not there is
    refused with NotFound; the refusal is audited as `download_refused` first.
    """
    row = session.get(DocumentRecord, record_id)
    target = None
    if row is not None and may_see(row, scope_of(session, actor=actor, rows=[row])):
        target = _on_disk(output_dir, row.path)
    if row is None or target is None:
        detail = f"#{record_id}" + (f" {row.path}" if row is not None else "")
        _refuse(session, actor=actor, now=now, detail=detail, row_id=record_id)
        raise NotFound(REFUSED)
    _served(session, actor=actor, now=now, path=row.path, row_id=record_id)
    return target, row


def open_download(
    session: Session, *, actor: Actor, now: datetime, output_dir: Path, name: str
) -> Path:
    """Return the file at a path, if a register row this actor may see names it; audit the download.

    A path no row names is served only to staff and admins, and only if it is
    one of the files under the output folder (so `../` never leaves it). Anything
    else is refused with NotFound, audited as `download_refused`.
    """
    rows = [r for r in register.list_records(session) if r.path == name]
    scope = scope_of(session, actor=actor, rows=rows)
    target = None
    row_id = None
    seen = [r for r in rows if may_see(r, scope)]
    if seen:
        row_id = seen[-1].id
        target = _on_disk(output_dir, name)
    elif not rows and scope.everything and name in set(list_output_files(output_dir)):
        target = Path(output_dir) / name
    if target is None:
        _refuse(session, actor=actor, now=now, detail=name, row_id=None)
        raise NotFound(REFUSED)
    _served(session, actor=actor, now=now, path=name, row_id=row_id)
    return target
