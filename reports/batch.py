"""Rendering many reports at once, in several processes.

WeasyPrint spends its time in Python, and a process renders one document at a
time (`reports.fonts` holds a lock around its one font configuration), so
threads cannot render in parallel: processes can. `RenderPool` keeps a pool of
worker processes, each with its own fonts and Jinja2 environment, and renders
whole batches of jobs in them; with one process it renders in the calling
process and starts nothing. Workers are spawned, not forked, because the
caller runs threads (Prefect's) that a fork would copy in an unknown state.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from reports.fonts import get_font_state
from reports.render import render_report

# A worker that has rendered this many batches is replaced, which bounds the
# memory WeasyPrint's caches can grow to over a long run.
BATCHES_PER_WORKER = 40


@dataclass(frozen=True)
class RenderJob:
    """One report to render: the template, its context dataclass and the PDF path."""

    template_name: str
    context: Any
    target: Path


def render_jobs(jobs: Sequence[RenderJob], *, templates_dir: Path) -> list[Path]:
    """Render each job in this process, in order."""
    return [
        render_report(
            job.template_name, job.context, templates_dir=templates_dir, target=job.target
        )
        for job in jobs
    ]


def _warm_worker() -> None:
    # Import WeasyPrint and build the font configuration before the first job arrives.
    get_font_state()


class RenderPool:
    """Render batches of jobs in `processes` worker processes (1: in the caller)."""

    def __init__(self, processes: int, *, templates_dir: Path) -> None:
        self.processes = max(processes, 1)
        self.templates_dir = templates_dir
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> RenderPool:
        if self.processes > 1:
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
        """Queue a batch for a worker; with one process, render it now."""
        if self._executor is None:
            done: Future[list[Path]] = Future()
            try:
                done.set_result(render_jobs(jobs, templates_dir=self.templates_dir))
            except Exception as error:
                done.set_exception(error)
            return done
        return self._executor.submit(render_jobs, list(jobs), templates_dir=self.templates_dir)

    def render(self, jobs: Sequence[RenderJob]) -> list[Path]:
        """Render a batch and wait for its PDFs."""
        return self.submit(jobs).result()
