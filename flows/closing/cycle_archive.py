"""The cycle archive on disk: copy every PDF of the cycle, write the manifest, verify it.

A cycle's PDFs are those its flows wrote under the output folder: the needs
survey (`needs/…-<cycle>.pdf`), each call version's 申报指南, the selection
folder of each call, the month folders of the months its projects ran
(evaluations, summaries, meeting minutes), the donor statements dated within
the cycle, and the close (`结项/<cycle>/`). They are copied into
`archive/<year>-<cycle>/` under the same relative paths — so a monthly run
repeated later never changes what was archived — next to `manifest.json`
(`models.archive`). The copies are made and hashed in batches, on Dask when
there are enough of them (`flows.rendering`, `plan_archive_batch`): each is
written beside its place and renamed into it, so a batch run again after its
worker died copies only what the first try did not finish. Verifying hashes
every file again.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flows.rendering import PlannedBatch, dask_worker_count, plan_batches, publish_in_batches
from models.archive import (
    MANIFEST_NAME,
    ArchivedFile,
    build_manifest,
    manifest_text,
    read_manifest,
    sha256_bytes,
    verify_files,
)
from models.cycle import Cycle
from reports.errors import BatchFailed
from reports.output_store import COPY, StoredJob, file_sha256

ARCHIVE_BATCH = "flows.closing.cycle_archive:plan_archive_batch"


def archive_folder(output: Path, cycle: Cycle) -> Path:
    """Return the folder a cycle's archive lives in."""
    return output / "archive" / f"{cycle.year}-{cycle.id}"


def closing_folder(output: Path, cycle: Cycle) -> Path:
    """Return the folder the close writes its own PDFs to."""
    return output / "结项" / f"{cycle.year}-{cycle.id}"


def _months(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = year + (month == 12), month % 12 + 1
    return months


def cycle_pdfs(
    output: Path,
    cycle: Cycle,
    *,
    call_pdfs: list[Path],
    call_ids: list[int],
    first: date,
    last: date,
) -> list[Path]:
    """List every PDF under `output` that belongs to the cycle, sorted and without repeats."""
    found: set[Path] = {p for p in call_pdfs if p.is_file()}
    found.update((output / "needs").glob(f"*-{cycle.id}.pdf"))
    for call_id in call_ids:
        found.update((output / "selection" / f"call-{call_id}").rglob("*.pdf"))
    for month in _months(first, last):
        found.update((output / month).rglob("*.pdf"))
    statements = output / "捐赠资金去向说明"
    if statements.is_dir():
        for folder in statements.iterdir():
            if folder.is_dir() and first.isoformat() <= folder.name <= last.isoformat():
                found.update(folder.rglob("*.pdf"))
    found.update(closing_folder(output, cycle).rglob("*.pdf"))
    return sorted(p for p in found if p.is_file())


def write_archive(
    output: Path,
    cycle: Cycle,
    files: list[Path],
    *,
    rules_version: int,
    rules_sha256: str,
    created_on: date,
) -> tuple[Path, str]:
    """Copy the files into the archive folder and write its manifest; return the folder and its hash."""
    folder = archive_folder(output, cycle)
    entries = [
        ArchivedFile(relative, (folder / relative).stat().st_size, sha)
        for relative, sha in copy_into_archive(output, folder, files).items()
    ]
    manifest = build_manifest(
        entries,
        cycle={
            "id": cycle.id,
            "name": cycle.name,
            "street_office": cycle.street_office,
            "year": cycle.year,
        },
        rules_version=rules_version,
        rules_sha256=rules_sha256,
        created_on=created_on,
    )
    text = manifest_text(manifest)
    (folder / MANIFEST_NAME).write_text(text, encoding="utf-8")
    return folder, sha256_bytes(text.encode("utf-8"))


def copy_into_archive(output: Path, folder: Path, files: list[Path]) -> dict[str, str]:
    """Copy the files into the archive folder in batches; return each one's SHA-256 by path."""
    relative = [source.resolve().relative_to(output.resolve()).as_posix() for source in files]
    batches = plan_batches(relative, processes=dask_worker_count(), keep_order=True)
    prefix = folder.resolve().relative_to(output.resolve()).as_posix()
    params = {"output": str(output), "prefix": prefix}
    copied = publish_in_batches(
        ARCHIVE_BATCH, batches, params, documents=len(relative), output_dir=output
    )
    if copied.failures:
        raise BatchFailed(copied.failures, ())
    return {
        path: copied.sha256.get(str(output / prefix / path)) or file_sha256(folder / path) or ""
        for path in relative
    }


def plan_archive_batch(paths: list[str], *, output: str, prefix: str) -> PlannedBatch:
    """Plan the copies of these files (relative to `output`) under the archive's `prefix`."""
    jobs = []
    for path in paths:
        source = (Path(output) / path).stat()
        inputs = f"{source.st_size}:{source.st_mtime_ns}"  # an earlier try copied this very file
        jobs.append(StoredJob(COPY, path, f"{prefix}/{path}", inputs))
    return PlannedBatch(tuple(jobs))


def verify_archive(folder: Path) -> tuple[dict, list[str]]:  # type: ignore[type-arg]
    """Hash every file of an archive again; return its manifest and every problem found."""
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        return {}, [f"找不到归档清单 {manifest_path}"]
    manifest = read_manifest(manifest_path.read_text(encoding="utf-8"))
    listed = {entry["path"] for entry in manifest.get("files", [])}
    found = {
        path: sha256_bytes((folder / path).read_bytes()) if (folder / path).is_file() else None
        for path in listed
    }
    extra = [
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file()
        and p.name != MANIFEST_NAME
        and p.relative_to(folder).as_posix() not in listed
    ]
    return manifest, verify_files(manifest, found=found, extra=extra)
