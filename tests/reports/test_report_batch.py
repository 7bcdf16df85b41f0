"""Rendering in batches: several processes, or one rendering thread in this process."""

from __future__ import annotations

import subprocess
import sys
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
    blocker = tmp_path / "blocked"
    blocker.write_text("not a folder", encoding="utf-8")
    bad = [replace(job, target=blocker / job.target.name) for job in jobs(tmp_path, 1)]
    with (
        RenderPool(2, templates_dir=templates_dir) as pool,
        pytest.raises(ReportError, match="无法写入输出文件夹"),  # BatchFailed is a ReportError
    ):
        pool.render(bad)
    assert [path.name for path in tmp_path.iterdir()] == ["blocked"]


def test_renders_in_this_process_all_run_on_one_thread(templates_dir, tmp_path):
    pool = RenderPool(1, templates_dir=templates_dir)
    with ThreadPoolExecutor(max_workers=3) as callers:
        written = list(callers.map(lambda n: pool.render(jobs(tmp_path / str(n), 1)), range(3)))
    assert len(written) == 3
    assert sum(1 for t in threading.enumerate() if t.name.startswith("gongyi-render")) == 1


SPAWNED_ONE = """
import sys
from pathlib import Path
from reports.batch import RenderPool
from tests.reports.test_report_batch import jobs

folder, templates = Path(sys.argv[1]), Path(sys.argv[2])
with RenderPool(1, templates_dir=templates, spawn=True) as pool:
    written = pool.render(jobs(folder, 2))
assert all(path.read_bytes().startswith(b"%PDF-") for path in written), written
print("weasyprint" in sys.modules)
"""


def test_one_spawned_process_renders_outside_the_caller(templates_dir, tmp_path):
    # A fresh interpreter, so that nothing this test process imported counts.
    done = subprocess.run(
        [sys.executable, "-c", SPAWNED_ONE, str(tmp_path), str(templates_dir)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"  # the caller never loaded WeasyPrint
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.pdf", "1.pdf"]
