"""Flow `donor_statement`: render the 捐赠资金去向说明 for each donor (or for one).

Each statement shows a donor's gifts, the projects their money was committed
and paid to under the pro rata rule of `models.attribution`, and those
projects' planned outputs and reported 服务人次. Every figure is as of the
statement's day. All statements of a run are published in one task through the
document register: running it again renders nothing when nothing changed.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from prefect import flow

from flows.fund.fund_reports import build_donor_statements
from flows.runtime import (
    get_output_dir,
    io_task,
    publish_specs,
)
from reports.contexts import DonorStatementContext
from services.register import DocumentSpec

STATEMENT_TEMPLATE = "reports/donor_statement.html"
_UNSAFE = re.compile(r"[\\/:*?\"<>|\s]+")


def statement_path(donor_name: str, as_of: date) -> str:
    """Return where a donor's statement as of a day is written."""
    folder = get_output_dir() / "捐赠资金去向说明" / as_of.isoformat()
    return str(folder / f"{_UNSAFE.sub('_', donor_name)}.pdf")


@io_task
def render_statements(
    contexts: list[DonorStatementContext], cycle_id: int | None = None
) -> list[str]:
    """Publish every statement through the document register; return the paths.

    A statement whose figures are unchanged is not rendered again; one whose
    figures changed after it was published gets a new version beside it.
    """
    output_dir = get_output_dir()
    specs = [
        DocumentSpec(
            kind="donor_statement",
            subject=f"donor:{context.donor_name}",
            period=context.as_of.isoformat(),
            as_of=context.as_of,
            template_name=STATEMENT_TEMPLATE,
            context=context,
            path=str(
                Path(statement_path(context.donor_name, context.as_of)).relative_to(output_dir)
            ),
            cycle_id=cycle_id,
            title=f"捐赠资金去向说明 · {context.donor_name}",
        )
        for context in contexts
    ]
    return [str(path) for path in publish_specs(specs)]


@flow(name="donor_statement", log_prints=True)
def donor_statement(cycle_id: int, as_of: date, donors: list[str] | None = None) -> list[str]:
    """Render the statements of where the money went, for every donor or those named."""
    contexts = build_donor_statements(cycle_id, as_of, donors or [])
    paths = render_statements(contexts, cycle_id)
    print(f"捐赠资金去向说明 {len(paths)} 份（截至 {as_of}）")
    return paths
