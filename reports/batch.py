"""Rendering many reports at once, in several processes.

WeasyPrint spends its time in Python, and a process renders one document at a
time (`reports.fonts` holds a lock around its one font configuration), so
threads cannot render in parallel: processes can. `RenderPool` keeps a pool of
worker processes, each with its own fonts and Jinja2 environment, and renders
whole batches of jobs in them. Asked for one process with `spawn=False` (a
small run, where starting a process would cost more than it saves) it renders
in this process and starts nothing. A spawned process, even a single one,
keeps WeasyPrint's memory out of the caller and lets the caller prepare the
next batch while the last one renders. In this process every render runs on one thread: Pango
and fontconfig keep caches per thread, so rendering from Prefect's eight task
threads would hold eight copies (about 1 GiB instead of 330 MiB). Workers are
spawned, not forked, because the caller runs threads (Prefect's) that a fork
would copy in an unknown state.

One document's failure never stops the rest of its batch: `render_batch`
renders every job and returns a `BatchResult` that names each document that
failed and why, with the warnings of those that were written (characters
drawn as a placeholder). `render_jobs` and `RenderPool.render`, which hand
back only the written paths, raise `BatchFailed` after the whole batch has
been tried, so no PDF is left unwritten because an earlier one failed.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any

from reports.errors import BatchFailed, DocumentFailure, ReportError
from reports.fonts import get_font_state
from reports.render import render_document

# A worker that has rendered this many batches is replaced, which bounds the
# memory WeasyPrint's caches can grow to over a long run.
BATCHES_PER_WORKER = 10
# Memory is handed back after batches at least this large; small ones leave little behind.
RELEASE_AFTER_JOBS = 8
LOGGER = logging.getLogger("gongyi.reports")


@dataclass(frozen=True)
class RenderJob:
    """One report to render: the template, its context dataclass, the PDF path and its edition.

    `edition` is the line a later version of a published document carries
    (第2版（数据已更新）); empty for a first version.
    """

    template_name: str
    context: Any
    target: Path
    edition: str = ""


@dataclass(frozen=True)
class BatchResult:
    """What a batch wrote, the warnings of its renders, and each document that failed."""

    written: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()
    failures: tuple[DocumentFailure, ...] = ()

    def paths(self) -> list[Path]:
        """The written PDFs; raise `BatchFailed` naming every failed document, if any."""
        if self.failures:
            raise BatchFailed(self.failures, self.written)
        return list(self.written)


def render_batch(jobs: Sequence[RenderJob], *, templates_dir: Path) -> BatchResult:
    """Render every job in this process, in order; a failed one does not stop the others."""
    written: list[Path] = []
    warnings: list[str] = []
    failures: list[DocumentFailure] = []
    try:
        for job in jobs:
            try:
                rendered = render_document(
                    job.template_name,
                    job.context,
                    templates_dir=templates_dir,
                    target=job.target,
                    edition=job.edition,
                )
            except ReportError as error:
                failures.append(DocumentFailure(job.target, str(error)))
            except Exception as error:  # one document's defect must not sink the batch
                LOGGER.exception("渲染 %s 时出错", job.target)
                failures.append(DocumentFailure(job.target, f"{type(error).__name__}: {error}"))
            else:
                written.append(rendered.path)
                warnings.extend(rendered.warnings)
    finally:
        # A full collection costs a pass over the whole heap, which in a big process (a
        # test run, a long-lived server) is slower than rendering a report or two.
        if len(jobs) >= RELEASE_AFTER_JOBS:
            release_memory()
    return BatchResult(tuple(written), tuple(warnings), tuple(failures))


def render_jobs(jobs: Sequence[RenderJob], *, templates_dir: Path) -> list[Path]:
    """Render each job in this process, in order; raise `BatchFailed` after all if any failed."""
    return render_batch(jobs, templates_dir=templates_dir).paths()


def release_memory() -> None:
    """Hand the memory a batch of layouts used back to the system (glibc keeps it otherwise)."""
    gc.collect()
    # Without glibc there is no malloc_trim: the memory is then reused, just not returned.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@cache
def _render_thread() -> ThreadPoolExecutor:
    # The process's one rendering thread, started on first use.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="gongyi-render")


def _warm_worker() -> None:
    # Import WeasyPrint and build the font configuration before the first job arrives.
    get_font_state()


class RenderPool:
    """Render batches of jobs in `processes` worker processes (1 without `spawn`: in the caller)."""

    def __init__(self, processes: int, *, templates_dir: Path, spawn: bool = False) -> None:
        self.processes = max(processes, 1)
        self.templates_dir = templates_dir
        self.spawn = spawn or self.processes > 1
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> RenderPool:
        if self.spawn:
            self._executor = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_worker,
                max_tasks_per_child=BATCHES_PER_WORKER,
            )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=error is not None)
            self._executor = None

    def submit(self, jobs: Sequence[RenderJob]) -> Future[list[Path]]:
        """Queue a batch for a worker process, or for this process's rendering thread."""
        executor = self._executor or _render_thread()
        return executor.submit(render_jobs, list(jobs), templates_dir=self.templates_dir)

    def render(self, jobs: Sequence[RenderJob]) -> list[Path]:
        """Render a batch and wait for its PDFs (`BatchFailed` if any failed, after all)."""
        return self.submit(jobs).result()

    def submit_batch(self, jobs: Sequence[RenderJob]) -> Future[BatchResult]:
        """Queue a batch like `submit`; its result names failed documents instead of raising."""
        executor = self._executor or _render_thread()
        return executor.submit(render_batch, list(jobs), templates_dir=self.templates_dir)

    def render_batch(self, jobs: Sequence[RenderJob]) -> BatchResult:
        """Render a batch and wait: what was written, its warnings and what failed, and why."""
        return self.submit_batch(jobs).result()


def on_render_thread(function: Any, /, *args: Any, **kwargs: Any) -> Any:
    """Run `function` on this process's one rendering thread and wait for its result.

    A Dask worker or a flow's task thread renders through it, so that Pango's and
    fontconfig's per-thread caches exist once per process however many threads call.
    """
    return _render_thread().submit(function, *args, **kwargs).result()
