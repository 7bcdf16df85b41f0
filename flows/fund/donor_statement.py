"""Flow `donor_statement`: render the 捐赠资金去向说明 for each donor (or for one).

Each statement shows a donor's gifts, the projects their money was committed
and paid to under the pro rata rule of `models.attribution`, and those
projects' planned outputs and reported 服务人次. All statements of a run are
rendered in one task: rendering is coarse, never one task per donor. Running
it again on the same day rewrites the same files.
"""

from __future__ import annotations

import re
from datetime import date

from prefect import flow

from flows.fund.fund_reports import build_donor_statements
from flows.runtime import get_output_dir, get_templates_dir, io_task
from reports.contexts import DonorStatementContext
from reports.render import render_report

STATEMENT_TEMPLATE = "reports/donor_statement.html"
_UNSAFE = re.compile(r"[\\/:*?\"<>|\s]+")


def statement_path(donor_name: str, as_of: date) -> str:
    """Return where a donor's statement as of a day is written."""
    folder = get_output_dir() / "捐赠资金去向说明" / as_of.isoformat()
    return str(folder / f"{_UNSAFE.sub('_', donor_name)}.pdf")


@io_task
def render_statements(contexts: list[DonorStatementContext]) -> list[str]:
    """Render every statement to its PDF; return the paths."""
    from pathlib import Path

    paths = []
    for context in contexts:
        target = Path(statement_path(context.donor_name, context.as_of))
        render_report(STATEMENT_TEMPLATE, context, templates_dir=get_templates_dir(), target=target)
        paths.append(str(target))
    return paths


@flow(name="donor_statement", log_prints=True)
def donor_statement(cycle_id: int, as_of: date, donors: list[str] | None = None) -> list[str]:
    """Render the statements of where the money went, for every donor or those named."""
    contexts = build_donor_statements(cycle_id, as_of, donors or [])
    paths = render_statements(contexts)
    print(f"捐赠资金去向说明 {len(paths)} 份（截至 {as_of}）")
    return paths
