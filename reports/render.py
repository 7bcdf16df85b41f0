"""Turn a report context into HTML, and HTML into a PDF file.

`render_html` fills a template with one context dataclass, passed as `ctx`.
`write_pdf` is the only function in gongyi that calls WeasyPrint. It reads
nothing outside the templates folder, uses the process's one font
configuration, writes PDF/A-3u for archiving, and writes atomically: a failed
render leaves no half-written PDF behind. A character that no installed font
can draw never fails a render: the document is drawn again with that
character as a visible placeholder (〓), and the result carries a warning
that names it (`Rendered.warnings`, also logged). `render_report` and the
named helpers do both steps for a flow task; `reports.batch` renders many in
several processes.
"""

from __future__ import annotations

import glob
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
from reports.fonts import (
    FontState,
    get_font_state,
    missing_glyphs_warning,
    watch_missing_glyphs,
    with_placeholders,
)
from reports.privacy_scan import refuse_personal_numbers

MONTHLY_ASSESSMENT_TEMPLATE = "reports/monthly_assessment.html"
STREET_SUMMARY_TEMPLATE = "reports/street_summary.html"
WEEKLY_MINUTES_TEMPLATE = "reports/weekly_minutes.html"
STYLESHEET_FOLDER = "reports"
# PDF/A-3u: the archival form street offices file; "u" keeps every character's Unicode.
PDF_VARIANT = "pdf/a-3u"
LOGGER = logging.getLogger("gongyi.reports")


@dataclass(frozen=True)
class Rendered:
    """A written PDF and the warnings of its render (characters drawn as the placeholder)."""

    path: Path
    warnings: tuple[str, ...] = ()


def render_html(env: Environment, template_name: str, context: Any, *, edition: str = "") -> str:
    """Render one report template with its context dataclass as `ctx`.

    `edition` (第2版（数据已更新）) is printed by the base template on a later
    version of a published document; it is empty on a first version.
    """
    return env.get_template(template_name).render(ctx=context, edition=edition)


def write_pdf(html: str, *, target: Path, templates_dir: Path) -> Path:
    """Write `html` as a PDF at `target`, reading only files under `templates_dir`."""
    return write_pdf_reporting(html, target=target, templates_dir=templates_dir).path


def write_pdf_reporting(html: str, *, target: Path, templates_dir: Path) -> Rendered:
    """Write `html` as a PDF at `target`; say which characters were drawn as the placeholder."""
    refuse_personal_numbers(html, document=target.name)  # never written, so never published
    state = get_font_state()
    with _atomic_target(target) as partial, state.lock:
        missing = _draw(html, partial, state=state, templates_dir=templates_dir)
        if missing:
            # Drawn again, so that each such character shows as 〓 instead of an empty box
            # that overlaps its neighbour. The placeholder is in every CJK font.
            html = with_placeholders(html, missing)
            missing |= _draw(html, partial, state=state, templates_dir=templates_dir)
    if not missing:
        return Rendered(target)
    warning = missing_glyphs_warning(target.name, missing)
    LOGGER.warning(warning)
    return Rendered(target, (warning,))


def _draw(html: str, partial: Path, *, state: FontState, templates_dir: Path) -> set[int]:
    """Write the PDF to `partial`; return the code points no font could draw."""
    # Imported here: importing WeasyPrint loads fontconfig, which takes half a second.
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from reports.fetcher import TemplatesOnlyFetcher

    base_url = (templates_dir / STYLESHEET_FOLDER).resolve().as_uri() + "/"
    fetcher = TemplatesOnlyFetcher(templates_dir)
    with watch_missing_glyphs() as watch:
        try:
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            document.write_pdf(partial, font_config=state.font_config, pdf_variant=PDF_VARIANT)
        except FatalURLFetchingError as error:
            raise _fetch_error(error) from error
    return set(watch.codepoints)


def render_report(
    template_name: str,
    context: Any,
    *,
    templates_dir: Path,
    target: Path,
    env: Environment | None = None,
) -> Path:
    """Render one report template with `context` to a PDF at `target`."""
    return render_document(
        template_name, context, templates_dir=templates_dir, target=target, env=env
    ).path


def render_document(
    template_name: str,
    context: Any,
    *,
    templates_dir: Path,
    target: Path,
    env: Environment | None = None,
    edition: str = "",
) -> Rendered:
    """Render one report template with `context` to a PDF at `target`, with its warnings."""
    env = env if env is not None else _cached_environment(templates_dir.resolve())
    html = render_html(env, template_name, context, edition=edition)
    return write_pdf_reporting(html, target=target, templates_dir=templates_dir)


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


# A partial file this old was left by a run that crashed (a render takes seconds).
STALE_PARTIAL_SECONDS = 15 * 60


def sweep_stale_partials(target: Path, *, now: float | None = None) -> int:
    """Remove what crashed runs left while writing `target`; return how many went.

    Only this target's own `.partial` files older than `STALE_PARTIAL_SECONDS`
    go, so a render of the same file in progress elsewhere is left alone.
    """
    moment = time.time() if now is None else now
    removed = 0
    for left in target.parent.glob(f".{glob.escape(target.name)}.*.partial"):
        try:
            if moment - left.stat().st_mtime > STALE_PARTIAL_SECONDS:
                left.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


@contextmanager
def _atomic_target(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; move it into place only on success."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        sweep_stale_partials(target)
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
