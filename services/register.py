"""Publishing documents through the register: render only what changed, version what was published.

Every document a flow writes goes through here. The flow describes it (a
`DocumentSpec`: kind, subject, period, as-of date, template, context and the
path of its first version); `plan_documents` reads the register and the file
on disk and decides, by `models.register.plan_document`, which documents
need rendering and where; the flow renders those (in this process or a render
pool); `record_documents` writes the register's rows for what was written.
`publish_document` does all three for one document.

So rendering again from the same inputs is a no-op; a document whose file is
missing (a render killed half-way, a file deleted) is rendered again on the
next run of its flow; and a published document whose inputs changed gets a
new version beside the first (第2版, with the reason printed on it), never a
silent overwrite. `verify_documents` checks the output folder against the
register and names every file that is missing or differs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from models.register import (
    Action,
    DocumentRecord,
    Latest,
    Plan,
    check_document_path,
    inputs_digest,
    plan_document,
    version_label,
)
from reports.batch import BatchResult, RenderJob, render_batch
from reports.errors import BatchFailed, DocumentFailure
from services import Actor
from store import register


@dataclass(frozen=True)
class DocumentSpec:
    """One document a flow wants published."""

    kind: str
    subject: str
    period: str
    as_of: date
    template_name: str
    context: Any
    path: str  # of the first version, relative to the output folder
    cycle_id: int | None = None
    title: str = ""
    draft: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Planned:
    """A document with the register's decision about it."""

    spec: DocumentSpec
    plan: Plan
    digest: str

    def target(self, output_dir: Path) -> Path:
        return Path(output_dir) / self.plan.path

    @property
    def edition(self) -> str:
        """The line a later version carries: 第2版（数据已更新）."""
        label = version_label(self.plan.version)
        if not label:
            return ""
        return f"{label}（{self.plan.reason}）" if self.plan.reason else label

    def job(self, output_dir: Path) -> RenderJob:
        return RenderJob(
            self.spec.template_name, self.spec.context, self.target(output_dir), self.edition
        )


@dataclass(frozen=True)
class Published:
    """What a publishing run did: the current file of every document, and each one that failed."""

    paths: tuple[Path, ...]
    rendered: tuple[Path, ...]
    skipped: tuple[Path, ...]
    warnings: tuple[str, ...] = ()
    failures: tuple[DocumentFailure, ...] = ()


def plan_documents(
    session: Session, specs: Iterable[DocumentSpec], *, output_dir: Path
) -> list[Planned]:
    """Decide for each document whether to render it, and at which version and path."""
    planned = []
    for spec in specs:
        path = check_document_path(spec.path)
        digest = inputs_digest(spec.template_name, spec.context)
        row = register.get_latest(session, kind=spec.kind, subject=spec.subject, period=spec.period)
        latest = None
        on_disk = None
        if row is not None:
            latest = Latest(row.version, row.path, row.sha256, row.inputs_digest)
            on_disk = register.file_sha256(Path(output_dir) / row.path)
        plan = plan_document(
            latest,
            path=path,
            digest=digest,
            file_sha256=on_disk,
            draft=spec.draft,
            reason=spec.reason,
        )
        planned.append(Planned(spec, plan, digest))
    return planned


def record_documents(
    session: Session,
    planned: Sequence[Planned],
    *,
    written: Iterable[Path],
    output_dir: Path,
    actor: Actor,
    now: datetime,
) -> list[DocumentRecord]:
    """Write the register's rows for the documents that were written; return them."""
    done = {Path(p).resolve() for p in written}
    rows = []
    for item in planned:
        target = item.target(output_dir)
        if not item.plan.renders or target.resolve() not in done:
            continue
        sha = register.file_sha256(target)
        if sha is None:
            continue
        spec = item.spec
        if item.plan.adds_row:
            rows.append(
                register.add_record(
                    session,
                    DocumentRecord(
                        cycle_id=spec.cycle_id,
                        kind=spec.kind,
                        subject=spec.subject,
                        period=spec.period,
                        as_of=spec.as_of,
                        version=item.plan.version,
                        title=spec.title[:300],
                        path=item.plan.path,
                        sha256=sha,
                        inputs_digest=item.digest,
                        reason=item.plan.reason,
                        published_by=actor.label[:100],
                        published_at=now,
                    ),
                )
            )
            continue
        row = register.get_latest(session, kind=spec.kind, subject=spec.subject, period=spec.period)
        if row is not None:
            if item.plan.action == Action.REWRITE:
                row.inputs_digest = item.digest
                row.as_of = spec.as_of
            register.set_record_sha(session, row, sha)
            rows.append(row)
    return rows


Renderer = Callable[[list[RenderJob]], BatchResult]


def publish_documents(
    session: Session,
    specs: Sequence[DocumentSpec],
    *,
    output_dir: Path,
    templates_dir: Path,
    actor: Actor,
    now: datetime,
    render: Renderer | None = None,
) -> Published:
    """Plan, render what needs it (with `render`, or in this process) and record; see the module."""
    planned = plan_documents(session, specs, output_dir=output_dir)
    jobs = [item.job(output_dir) for item in planned if item.plan.renders]
    if render is None:
        result = render_batch(jobs, templates_dir=templates_dir) if jobs else BatchResult()
    else:
        result = render(jobs) if jobs else BatchResult()
    record_documents(
        session, planned, written=result.written, output_dir=output_dir, actor=actor, now=now
    )
    failed = {f.target for f in result.failures}
    return Published(
        paths=tuple(
            item.target(output_dir) for item in planned if item.target(output_dir) not in failed
        ),
        rendered=tuple(result.written),
        skipped=tuple(item.target(output_dir) for item in planned if not item.plan.renders),
        warnings=result.warnings,
        failures=result.failures,
    )


def publish_document(
    session: Session,
    spec: DocumentSpec,
    *,
    output_dir: Path,
    templates_dir: Path,
    actor: Actor,
    now: datetime,
) -> Path:
    """Publish one document; return the path of its current version.

    A render that fails raises `reports.errors.BatchFailed` naming the document.
    """
    published = publish_documents(
        session, [spec], output_dir=output_dir, templates_dir=templates_dir, actor=actor, now=now
    )
    if published.failures:
        raise BatchFailed(published.failures, ())
    return published.paths[0]


@dataclass(frozen=True)
class Verified:
    """What checking the output folder against the register found."""

    checked: int
    problems: tuple[str, ...]


def verify_documents(session: Session, *, cycle_id: int | None, output_dir: Path) -> Verified:
    """Hash every registered file again; name each one missing or differing from its row."""
    rows = register.list_records(session, cycle_id=cycle_id)
    problems = []
    for row in rows:
        actual = register.file_sha256(Path(output_dir) / row.path)
        if actual is None:
            problems.append(f"缺少文件：{row.path}")
        elif actual != row.sha256:
            problems.append(
                f"文件与登记不符：{row.path}（SHA-256 应为 {row.sha256[:12]}…，实为 {actual[:12]}…）"
            )
    return Verified(len(rows), tuple(problems))
