"""Batches of documents as Prefect tasks on a Dask cluster (`prefect-dask`), or in this process.

Every fan-out of the cycle runs here: the month's 项目月度评估报告 and
街道月度汇总报告, the 结项评估报告, the 捐赠资金去向说明 and the copies of the
cycle archive. A batch kind supplies one function, named `module:function`,
that plans one batch in the flow (`PlannedBatch`: the jobs to store — a template
and its context, or a file to copy — and the register's plan, if the register
holds the documents). `publish_in_batches` then hands each batch's jobs to the
`render_pdf_batch` task and records the keys the batch returns, in the flow.
Where the task runs is chosen by `render_task_runner` from settings:

- `GONGYI_DASK_SCHEDULER_ADDRESS` set: Prefect's `DaskTaskRunner` on that
  scheduler; its workers may be on other machines, reading the same output
  folder (`GONGYI_OUTPUT_DIR`, mounted at the same path) and reporting to the
  same Prefect server (`PREFECT_API_URL`);
- no address: a `distributed.LocalCluster` of `GONGYI_DASK_WORKERS` worker
  processes (one thread each), started for the run and stopped after it;
- no address and fewer documents than `GONGYI_DASK_MIN_DOCUMENTS`: this
  process, on its rendering thread, as starting a cluster would cost more
  than the renders (a test, a one-project month).

A worker the scheduler loses (killed, out of memory) has its tasks run again
on another worker; `reports.output_store` makes that second try skip every
document the first one finished, so no document is stored twice.
"""

from __future__ import annotations

import importlib
import logging
import os
import queue
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.runtime import get_now, get_output_dir, get_templates_dir, session_scope
from reports.batch import on_render_thread
from reports.errors import DocumentFailure
from reports.output_store import FolderStore, StoredBatch, StoredJob, render_to_store
from services import SYSTEM
from services.register import Planned, record_documents

BATCH_SIZE = 20
# Batches planned ahead per render worker: enough that a worker never waits for its next
# batch, few enough that the flow never holds a whole month's contexts at once.
BATCHES_AHEAD = 2


def _render_pdf_batch(jobs: list[StoredJob], output_dir: str, templates_dir: str) -> StoredBatch:
    batch = on_render_thread(
        render_to_store,
        jobs,
        store=FolderStore(Path(output_dir)),
        templates_dir=Path(templates_dir),
    )
    return StoredBatch(batch.keys, batch.warnings, batch.failures, worker=worker_name())


# A task run per batch: its parameters are the jobs (templates and contexts), its result the
# stored keys and their SHA-256, never the PDFs' bytes.
render_pdf_batch = task(name="render_pdf_batch", cache_policy=NO_CACHE)(_render_pdf_batch)


def worker_name() -> str:
    """This process, as `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def dask_worker_count() -> int:
    """The worker processes of a LocalCluster (settings; 0 there means one per CPU core)."""
    from settings import get_settings

    return get_settings().dask_workers or os.cpu_count() or 1


def render_task_runner(documents: int) -> Any:
    """The task runner a run that renders `documents` PDFs uses (see the module)."""
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from settings import get_settings

    settings = get_settings()
    if settings.dask_scheduler_address:
        return DaskTaskRunner(address=settings.dask_scheduler_address)
    if documents < settings.dask_min_documents:
        return ThreadPoolTaskRunner(max_workers=1)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs=local_cluster_options(dask_worker_count()),
    )


def local_cluster_options(workers: int) -> dict[str, Any]:
    """A LocalCluster of `workers` processes, one rendering thread each, quiet, on 127.0.0.1."""
    return {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": ":0",
        "silence_logs": logging.ERROR,
    }


def uses_dask(runner: Any) -> bool:
    """Tell whether `runner` sends the tasks to a Dask cluster."""
    from prefect_dask import DaskTaskRunner

    return isinstance(runner, DaskTaskRunner)


@contextmanager
def api_for_workers() -> Iterator[None]:
    """Point the task runs on Dask workers at this flow's Prefect API.

    With a configured server (`PREFECT_API_URL`) the workers are handed it with the
    run's settings. In the embedded mode the flow talks to a temporary server whose
    address is in no setting; without this each worker process would start a
    temporary server of its own (5 s or more each).
    """
    from prefect.context import FlowRunContext
    from prefect.settings import PREFECT_API_URL, temporary_settings

    context = FlowRunContext.get()
    client = getattr(context, "client", None)
    url = str(getattr(client, "api_url", "") or "")
    if PREFECT_API_URL.value() or not url.startswith("http://127.0.0.1"):
        yield
        return
    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield


def plan_batches(ids: list[Any], *, processes: int, keep_order: bool = False) -> list[list[Any]]:
    """Split items (sorted, unless asked not to) into batches: every process busy, none over BATCH_SIZE."""
    ids = list(ids) if keep_order else sorted(ids)
    size = min(BATCH_SIZE, max(1, -(-len(ids) // max(processes, 1))))
    return [ids[start : start + size] for start in range(0, len(ids), size)]


@dataclass(frozen=True)
class PlannedBatch:
    """One batch as planned in the flow: the jobs to store, and the register's plan of them.

    `planned` is empty for outputs the register does not hold (the archive's copies).
    """

    jobs: tuple[StoredJob, ...] = ()
    planned: tuple[Planned, ...] = ()


def register_batch(planned: list[Planned]) -> PlannedBatch:
    """The documents the register says need rendering, as jobs keyed by their path."""
    jobs = tuple(
        StoredJob(
            item.spec.template_name, item.spec.context, item.plan.path, item.digest, item.edition
        )
        for item in planned
        if item.plan.renders
    )
    return PlannedBatch(jobs, tuple(planned))


@dataclass(frozen=True)
class Published:
    """What a fan-out stored: each item's current files, the failures, who rendered them."""

    files: tuple[tuple[str, ...], ...] = ()  # per batch item, in the items' order
    failures: tuple[DocumentFailure, ...] = ()
    workers: tuple[str, ...] = ()  # the processes that rendered (`host:pid`)
    reused: int = 0  # documents a retried batch found already stored and did not store again
    sha256: dict[str, str] = field(default_factory=dict)  # file -> SHA-256, of what was stored

    @property
    def paths(self) -> list[str]:
        """Every current file, batch after batch."""
        return [path for files in self.files for path in files]


def planner(kind: str) -> Callable[..., PlannedBatch]:
    """The function `module:function` that plans one batch of `kind`."""
    module, _, name = kind.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return,unused-ignore]


def record_stored(
    batch: PlannedBatch, stored: StoredBatch | None, output: Path
) -> tuple[list[Path], tuple[DocumentFailure, ...]]:
    """Record the keys a batch stored; return the batch's current files and its failures.

    The register is read and written in one short unit of work, never held open
    while the batch renders, so parallel batches never wait on each other.
    """
    failures = stored.failures if stored is not None else ()
    if stored is not None:
        if batch.planned:
            with session_scope() as session:
                record_documents(
                    session,
                    list(batch.planned),
                    written=[output / key.key for key in stored.keys],
                    output_dir=output,
                    actor=SYSTEM,
                    now=get_now(),
                )
        # The register (or the caller) holds the keys now: the stamps can go.
        FolderStore(output).clear_stamps(key.key for key in stored.keys)
        for warning in stored.warnings:
            print(f"警告：{warning}")
        for failure in failures:
            print(f"未能生成：{failure}")
    failed = {f.target for f in failures}
    if batch.planned:
        current = [item.target(output) for item in batch.planned]
    else:
        current = [output / job.key for job in batch.jobs]
    return [path for path in current if path not in failed], failures


class _Fanout:
    """The flow's side of a fan-out: what is submitted and waiting, and what came back."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.finished: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.waiting: dict[Any, tuple[int, PlannedBatch]] = {}
        self.files: dict[int, list[Path]] = {}
        self.failures: list[DocumentFailure] = []
        self.workers: set[str] = set()
        self.reused = 0
        self.sha256: dict[str, str] = {}

    def submit(self, n: int, batch: PlannedBatch, templates: str) -> None:
        if not batch.jobs:
            self.files[n] = record_stored(batch, None, self.output)[0]
            return
        future = render_pdf_batch.submit(list(batch.jobs), str(self.output), templates)
        self.waiting[future] = (n, batch)
        self.files[n] = []
        future.add_done_callback(lambda done: self.finished.put(done))

    def record_next(self) -> None:
        future = self.finished.get()
        n, batch = self.waiting.pop(future)
        self.record(n, batch, _stored(future, batch.jobs, self.output))
        _release(future)

    def record(self, n: int, batch: PlannedBatch, stored: StoredBatch) -> None:
        self.workers.add(stored.worker)
        self.reused += stored.reused
        self.sha256.update({str(self.output / k.key): k.sha256 for k in stored.keys})
        self.files[n], failed = record_stored(batch, stored, self.output)
        self.failures.extend(failed)

    def published(self, count: int) -> Published:
        return Published(
            tuple(tuple(str(p) for p in self.files[n]) for n in range(count)),
            tuple(self.failures),
            tuple(sorted(self.workers - {""})),
            self.reused,
            self.sha256,
        )


@flow(name="render_documents", log_prints=True)
def render_documents(
    kind: str, items: list[Any], params: dict[str, Any], output_dir: str, ahead: int = 4
) -> Published:
    """Plan each batch of `kind` here, store it as a `render_pdf_batch` task, record it here.

    The task runner (Dask, or this process for a small run) is chosen by the
    caller. Batches are submitted in the items' order; at most `ahead` are
    planned and waiting, so the flow never holds a whole month's contexts.
    """
    plan, templates = planner(kind), str(get_templates_dir())
    fanout = _Fanout(Path(output_dir))
    todo = list(enumerate(items))
    while todo or fanout.waiting:
        while todo and len(fanout.waiting) < ahead + 1:
            n, item = todo.pop(0)
            fanout.submit(n, plan(item, **params), templates)
        if fanout.waiting:
            fanout.record_next()
    return fanout.published(len(items))


def publish_in_batches(
    kind: str,
    items: list[Any],
    params: dict[str, Any],
    *,
    documents: int,
    output_dir: Path | None = None,
) -> Published:
    """Store every batch of `kind` (see the module), on Dask when a flow runs and it is worth it.

    Outside a flow run (a task called by `.fn()`, a command's own code) the
    batches are stored in this process, one after the other, the same way.
    """
    from prefect.context import FlowRunContext

    output = Path(output_dir or get_output_dir())
    if not items:
        return Published()
    if FlowRunContext.get() is None:
        return publish_here(kind, items, params, output_dir=output)
    runner = render_task_runner(documents)
    if uses_dask(runner):
        print(f"{documents} 份文档分 {len(items)} 批在 Dask 上生成")
    with api_for_workers():
        return render_documents.with_options(task_runner=runner)(
            kind, items, params, str(output), ahead=BATCHES_AHEAD * dask_worker_count()
        )


def publish_here(
    kind: str, items: list[Any], params: dict[str, Any], *, output_dir: Path | None = None
) -> Published:
    """Store every batch of `kind` in this process, one after the other (see the module)."""
    output = Path(output_dir or get_output_dir())
    plan, templates = planner(kind), str(get_templates_dir())
    fanout = _Fanout(output)
    for n, item in enumerate(items):
        batch = plan(item, **params)
        if batch.jobs:
            fanout.files[n] = []
            fanout.record(n, batch, _render_pdf_batch(list(batch.jobs), str(output), templates))
        else:
            fanout.submit(n, batch, templates)
    return fanout.published(len(items))


def _release(future: Any) -> None:
    """Let the cluster forget a batch's result once it is recorded.

    A result still referenced is one Dask computes again if the worker holding it
    dies — after the flow removed its stamps, so its PDFs would be rendered twice.
    """
    wrapped = getattr(future, "wrapped_future", None)
    release = getattr(wrapped, "release", None)
    if callable(release):
        release()


def _stored(future: Any, jobs: tuple[StoredJob, ...], output: Path) -> StoredBatch:
    """The batch's result; a task that failed as a whole fails each of its documents."""
    try:
        return future.result()  # type: ignore[no-any-return,unused-ignore]
    except Exception as error:  # the engine's failure (a worker lost too often): name each one
        store = FolderStore(output)
        reason = f"渲染任务失败（{type(error).__name__}: {error}）"
        return StoredBatch(failures=tuple(DocumentFailure(store.path(j.key), reason) for j in jobs))
