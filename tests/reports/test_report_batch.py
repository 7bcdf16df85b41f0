"""Rendering in batches: several processes, or one rendering thread in this process."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from reports.batch import RenderJob, RenderPool
from reports.errors import ReportError
from reports.render import MONTHLY_ASSESSMENT_TEMPLATE
from reports.samples import build_sample_monthly_assessment


def jobs(folder: Path, count: int, *, title: str = "项目") -> list[RenderJob]:
    ctx = build_sample_monthly_assessment()
    return [
        RenderJob(
            MONTHLY_ASSESSMENT_TEMPLATE,
            replace(ctx, project_title=f"{title}{n}"),
            folder / f"{n}.pdf",
        )
        for n in range(count)
    ]


def test_a_pool_of_processes_renders_every_job_of_every_batch(templates_dir, tmp_path):
    with RenderPool(2, templates_dir=templates_dir) as pool:
        futures = [pool.submit(jobs(tmp_path / str(batch), 2)) for batch in range(3)]
        written = [path for future in futures for path in future.result()]
    assert len(written) == 6 and all(path.read_bytes().startswith(b"%PDF-") for path in written)


def test_an_error_in_a_render_process_reaches_the_caller_as_a_report_error(templates_dir, tmp_path):
    bad = jobs(tmp_path, 1, title="\ue000")
    with (
        RenderPool(2, templates_dir=templates_dir) as pool,
        pytest.raises(ReportError, match="U\\+E000"),
    ):
        pool.render(bad)
    assert list(tmp_path.iterdir()) == []


def test_renders_in_this_process_all_run_on_one_thread(templates_dir, tmp_path):
    pool = RenderPool(1, templates_dir=templates_dir)
    with ThreadPoolExecutor(max_workers=3) as callers:
        written = list(callers.map(lambda n: pool.render(jobs(tmp_path / str(n), 1)), range(3)))
    assert len(written) == 3
    assert sum(1 for t in threading.enumerate() if t.name.startswith("gongyi-render")) == 1
