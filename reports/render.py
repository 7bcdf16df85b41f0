"""Turn a report context into HTML, and HTML into a PDF file.

`render_html` fills a template with one context dataclass, passed as `ctx`.
`write_pdf` is the only function in gongyi that calls WeasyPrint. It reads
nothing outside the templates folder, uses the process's one font
configuration, fails if any character would print as an empty box, writes
PDF/A-3u for archiving, and writes atomically: a failed render leaves no
half-written PDF behind. `render_report` and the named helpers do both steps
for a flow task; `reports.batch` renders many in several processes.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment

from reports.contexts import (
    MonthlyAssessmentContext,
    StreetSummaryContext,
    WeeklyMinutesContext,
)
from reports.environment import build_environment
from reports.errors import ReportError
from reports.fonts import get_font_state, watch_missing_glyphs

MONTHLY_ASSESSMENT_TEMPLATE = "reports/monthly_assessment.html"
STREET_SUMMARY_TEMPLATE = "reports/street_summary.html"
WEEKLY_MINUTES_TEMPLATE = "reports/weekly_minutes.html"
STYLESHEET_FOLDER = "reports"
# PDF/A-3u: the archival form street offices file; "u" keeps every character's Unicode.
PDF_VARIANT = "pdf/a-3u"


def render_html(env: Environment, template_name: str, context: Any) -> str:
    """Render one report template with its context dataclass as `ctx`."""
    return env.get_template(template_name).render(ctx=context)


def write_pdf(html: str, *, target: Path, templates_dir: Path) -> Path:
    """Write `html` as a PDF at `target`, reading only files under `templates_dir`."""
    # Imported here: importing WeasyPrint loads fontconfig, which takes half a second.
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from reports.fetcher import TemplatesOnlyFetcher

    state = get_font_state()
    base_url = (templates_dir / STYLESHEET_FOLDER).resolve().as_uri() + "/"
    fetcher = TemplatesOnlyFetcher(templates_dir)
    with _atomic_target(target) as partial, state.lock, watch_missing_glyphs():
        try:
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            document.write_pdf(partial, font_config=state.font_config, pdf_variant=PDF_VARIANT)
        except FatalURLFetchingError as error:
            raise _fetch_error(error) from error
    return target


def render_report(
    template_name: str,
    context: Any,
    *,
    templates_dir: Path,
    target: Path,
    env: Environment | None = None,
) -> Path:
    """Render one report template with `context` to a PDF at `target`."""
    env = env if env is not None else _cached_environment(templates_dir.resolve())
    html = render_html(env, template_name, context)
    return write_pdf(html, target=target, templates_dir=templates_dir)


def render_monthly_assessment(
    ctx: MonthlyAssessmentContext,
    *,
    templates_dir: Path,
    target: Path,
    env: Environment | None = None,
) -> Path:
    """Render a project's 月度评估报告 to a PDF at `target`."""
    return render_report(
        MONTHLY_ASSESSMENT_TEMPLATE, ctx, templates_dir=templates_dir, target=target, env=env
    )


def render_street_summary(
    ctx: StreetSummaryContext,
    *,
    templates_dir: Path,
    target: Path,
    env: Environment | None = None,
) -> Path:
    """Render the street office's 街道月度汇总报告 to a PDF at `target`."""
    return render_report(
        STREET_SUMMARY_TEMPLATE, ctx, templates_dir=templates_dir, target=target, env=env
    )


def render_weekly_minutes(
    ctx: WeeklyMinutesContext,
    *,
    templates_dir: Path,
    target: Path,
    env: Environment | None = None,
) -> Path:
    """Render a street office's 周例会纪要 to a PDF at `target`."""
    return render_report(
        WEEKLY_MINUTES_TEMPLATE, ctx, templates_dir=templates_dir, target=target, env=env
    )


@cache
def _cached_environment(templates_dir: Path) -> Environment:
    # One environment per folder keeps Jinja2's compiled-template cache across reports.
    return build_environment(templates_dir)


@contextmanager
def _atomic_target(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; move it into place only on success."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    except OSError as error:
        raise ReportError(f"无法写入输出文件夹 {folder}：{error.strerror}") from error
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        # mkstemp makes the file private (0600); a report is as readable as any output file.
        partial.chmod(0o644)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _fetch_error(error: BaseException) -> ReportError:
    # WeasyPrint wraps the fetcher's own ReportError; show that one line, not the wrapper.
    cause = error.__cause__
    if isinstance(cause, ReportError):
        return cause
    return ReportError(f"报告模板引用的资源无法读取：{cause or error}")
