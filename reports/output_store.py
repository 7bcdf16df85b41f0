"""Output storage for batches rendered on any machine: keys in, keys out, safe to run twice.

A render task on a Dask worker is handed `StoredJob`s (template, context,
the document's key — its path relative to the output storage —, the digest
of its inputs and its edition line; or, for a copy such as the cycle
archive's, the key of the file to copy) and returns `StoredKey`s (the key and
the SHA-256 of what is stored there), never the PDF's bytes. The flow that
planned the batch records those keys in the document register.

`FolderStore` is output storage given by a path: a local folder, or one every
worker mounts at the same place. Each PDF is rendered to a hidden file beside
its key and renamed into place, so a reader never sees half a PDF; before the
rename a small stamp under `.render-keys/` says
which inputs and edition the file was rendered from, and its SHA-256. A batch
that runs again — Dask reschedules the tasks of a worker that died, or the
flow died before recording — finds each PDF an earlier try already wrote,
with the same inputs and an unchanged file, and returns its key without
rendering it again. The flow removes the stamps once the register holds the
keys (`clear_stamps`); from then on the register is what says a file is
current.

The same three steps map onto object storage: render to a local temporary
file, PUT it under the key with the inputs digest and edition as object
metadata (a PUT is atomic: the object is whole or absent), and check with a
HEAD of the key whether an earlier try already stored it.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from reports.batch import (
    RELEASE_AFTER_JOBS,
    BatchResult,
    RenderJob,
    release_memory,
    render_batch,
)
from reports.errors import DocumentFailure

STAMPS = ".render-keys"
# `StoredJob.template_name` of a job that copies the stored file whose key is its context.
COPY = "copy:"


@dataclass(frozen=True)
class StoredJob:
    """One document to store: its template and context, its key and the digest of its inputs.

    A job whose template is `COPY` stores a copy of the file whose key is its context.
    """

    template_name: str
    context: Any
    key: str  # the path relative to the output storage
    inputs_digest: str
    edition: str = ""


@dataclass(frozen=True)
class StoredKey:
    """A stored document: its key, its file's SHA-256, and whether this try rendered it."""

    key: str
    sha256: str
    rendered: bool = True


@dataclass(frozen=True)
class StoredBatch:
    """What a batch stored (keys, never bytes), its warnings and each document that failed."""

    keys: tuple[StoredKey, ...] = ()
    warnings: tuple[str, ...] = ()
    failures: tuple[DocumentFailure, ...] = ()
    worker: str = ""  # the process that rendered it, `host:pid`

    @property
    def rendered(self) -> int:
        return sum(1 for k in self.keys if k.rendered)

    @property
    def reused(self) -> int:
        return sum(1 for k in self.keys if not k.rendered)


class FolderStore:
    """Output storage in a folder: documents by key, plus the stamps of finished renders."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        pure = PurePosixPath(key)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise ValueError(f"文档路径不合法：{key!r}")
        return self.root / pure

    def sha256(self, key: str) -> str | None:
        """The SHA-256 of the file stored under `key`, or None when there is none."""
        return file_sha256(self.path(key))

    def _stamp(self, key: str) -> Path:
        return self.root / STAMPS / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()}.json"

    def finished(self, job: StoredJob) -> StoredKey | None:
        """The key of `job` when an earlier try stored it from the same inputs, unchanged since."""
        try:
            stamp = json.loads(self._stamp(job.key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if (stamp.get("key"), stamp.get("inputs"), stamp.get("edition")) != (
            job.key,
            job.inputs_digest,
            job.edition,
        ):
            return None
        sha = self.sha256(job.key)
        if sha is None or sha != stamp.get("sha256"):
            return None
        return StoredKey(job.key, sha, rendered=False)

    def stamp(self, job: StoredJob, sha: str) -> None:
        """Say, atomically, that `job`'s file is in place with this SHA-256."""
        target = self._stamp(job.key)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(
            {"key": job.key, "inputs": job.inputs_digest, "edition": job.edition, "sha256": sha}
        )
        handle, name = tempfile.mkstemp(prefix=".stamp.", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(name, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)

    def clear_stamps(self, keys: Iterable[str]) -> None:
        """Forget the stamps of documents the register now holds."""
        for key in keys:
            self._stamp(key).unlink(missing_ok=True)


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file, or None when it is missing or not a file."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    return digest.hexdigest()


def render_to_store(
    jobs: Sequence[StoredJob], *, store: FolderStore, templates_dir: Path
) -> StoredBatch:
    """Render the batch's documents an earlier try did not finish; return every key.

    Each PDF is rendered to a hidden file beside its key, stamped, and only then
    renamed into place: a try killed at any point leaves either no file under the
    key, or the file together with its stamp, so the next try never renders a PDF
    that is already in place. A document that fails is named in the result and
    the others are still rendered.
    """
    keys: list[StoredKey] = []
    warnings: list[str] = []
    failures: list[DocumentFailure] = []
    rendered = 0
    try:
        for job in jobs:
            done = store.finished(job)
            if done is not None:
                keys.append(done)
                continue
            target = store.path(job.key)
            rendered += 1
            stored, problems = _render_one(job, target, store, templates_dir)
            warnings.extend(problems.warnings)
            failures.extend(problems.failures)
            if stored is not None:
                keys.append(stored)
    finally:
        if rendered >= RELEASE_AFTER_JOBS:
            release_memory()
    return StoredBatch(tuple(keys), tuple(warnings), tuple(failures))


def _render_one(
    job: StoredJob, target: Path, store: FolderStore, templates_dir: Path
) -> tuple[StoredKey | None, StoredBatch]:
    """Render `job` to a hidden file, stamp it, rename it to `target`."""
    _sweep_stale(target)
    hidden = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}{RENDERING}")
    try:
        result = _produce(job, hidden, store, templates_dir)
        named = [w.replace(hidden.name, target.name) for w in result.warnings]
        if not result.written:
            return None, StoredBatch(
                warnings=tuple(named),
                failures=tuple(
                    DocumentFailure(target, f.reason.replace(hidden.name, target.name))
                    for f in result.failures
                ),
            )
        sha = file_sha256(hidden)
        if sha is None:  # pragma: no cover - removed by someone else meanwhile
            return None, StoredBatch(failures=(DocumentFailure(target, "渲染结果丢失"),))
        store.stamp(job, sha)
        try:
            os.replace(hidden, target)
        except OSError as error:  # a folder where the PDF must go, a read-only file system
            store.clear_stamps([job.key])
            reason = f"无法写入输出文件 {target}：{error.strerror}"
            return None, StoredBatch(
                warnings=tuple(named), failures=(DocumentFailure(target, reason),)
            )
        return StoredKey(job.key, sha), StoredBatch(warnings=tuple(named))
    finally:
        hidden.unlink(missing_ok=True)


def _produce(job: StoredJob, hidden: Path, store: FolderStore, templates_dir: Path) -> BatchResult:
    """Write `job`'s file to `hidden`: render its template, or copy the stored file it names."""
    if job.template_name != COPY:
        return render_batch(
            [RenderJob(job.template_name, job.context, hidden, job.edition)],
            templates_dir=templates_dir,
        )
    try:
        hidden.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(store.path(str(job.context)), hidden)
    except OSError as error:
        reason = f"无法复制 {job.context}：{error.strerror or error}"
        return BatchResult(failures=(DocumentFailure(hidden, reason),))
    return BatchResult(written=(hidden,))


# What a render killed half-way leaves beside its key; swept once it is this old.
RENDERING = ".rendering"
STALE_SECONDS = 15 * 60


def _sweep_stale(target: Path) -> None:
    now = time.time()
    for left in target.parent.glob(f".{glob.escape(target.name)}.*{RENDERING}"):
        with contextlib.suppress(FileNotFoundError):
            if now - left.stat().st_mtime > STALE_SECONDS:
                left.unlink()
