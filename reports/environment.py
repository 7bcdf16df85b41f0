"""The Jinja2 environment that renders report templates.

Autoescape is on for every template and undefined names raise, so user text
can never become markup and a renamed context field fails the render instead
of printing an empty cell. The filters mask personal data (`models.privacy`)
and format money, percentages, dates, hours and scores (`reports.filters`);
the chart functions (`reports.charts`) are globals. The environment is built
on demand from the templates folder it is given.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from models.privacy import mask_id_number, mask_name, mask_phone, mask_text
from reports.charts import budget_chart, daily_trend_chart
from reports.filters import (
    format_cn_date,
    format_hours,
    format_percent,
    format_score,
    format_yuan,
)

FILTERS = {
    "mask_name": mask_name,
    "mask_phone": mask_phone,
    "mask_id_number": mask_id_number,
    "mask_text": mask_text,
    "yuan": format_yuan,
    "percent": format_percent,
    "cn_date": format_cn_date,
    "score": format_score,
    "hours": format_hours,
}
CHARTS = {"daily_trend_chart": daily_trend_chart, "budget_chart": budget_chart}


def build_environment(templates_dir: Path) -> Environment:
    """Build the report environment that loads templates from `templates_dir`."""
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        # Every report template is HTML, whatever its name ends with.
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.globals.update(CHARTS)
    return env
