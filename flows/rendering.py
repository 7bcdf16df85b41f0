"""Batches of PDFs as Prefect tasks on a Dask cluster (`prefect-dask`), or in this process.

A flow plans its documents against the register, hands each batch's jobs to
`render_pdf_batch` and records the keys the batch returns. Where the task
runs is chosen by `render_task_runner` from settings:

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
PDF the first one finished, so no document is stored twice.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from reports.batch import on_render_thread
from reports.output_store import FolderStore, StoredBatch, StoredJob, render_to_store


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
