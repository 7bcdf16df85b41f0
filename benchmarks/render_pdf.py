"""How long one 月度评估报告 PDF takes to render, and how much memory it needs.

Renders the sample monthly assessment N times into a temporary folder and
prints the first render (which pays for importing WeasyPrint and building the
font configuration), the median of the warm renders, and the peak RSS of the
process. Run from the repository root:

    PYTHONPATH=. python benchmarks/render_pdf.py [N]
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reports.environment import build_environment
from reports.render import render_monthly_assessment
from reports.samples import build_sample_monthly_assessment

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
DEFAULT_RUNS = 10


def time_renders(runs: int, *, out_dir: Path) -> list[float]:
    """Render the sample monthly assessment `runs` times; return each time in seconds."""
    ctx = build_sample_monthly_assessment()
    env = build_environment(TEMPLATES_DIR)
    seconds = []
    for run in range(runs):
        start = time.perf_counter()
        render_monthly_assessment(
            ctx, templates_dir=TEMPLATES_DIR, target=out_dir / f"{run:02d}.pdf", env=env
        )
        seconds.append(time.perf_counter() - start)
    return seconds


def peak_rss_mib() -> float:
    """Return this process's peak resident set size in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(runs: int = DEFAULT_RUNS) -> None:
    """Print first-render and median warm-render seconds, and peak RSS."""
    with tempfile.TemporaryDirectory() as folder:
        seconds = time_renders(runs, out_dir=Path(folder))
        size_kib = (Path(folder) / "00.pdf").stat().st_size / 1024
    warm = seconds[1:] or seconds
    print(f"月度评估报告 × {runs}")
    print(f"  first render (cold: import + fonts): {seconds[0]:.3f} s")
    print(f"  median warm render:                  {statistics.median(warm):.3f} s")
    print(f"  min / max warm render:               {min(warm):.3f} / {max(warm):.3f} s")
    print(f"  PDF size:                            {size_kib:.0f} KiB")
    print(f"  peak RSS:                            {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_RUNS)
