"""Flow `donor_statement`: render the 捐赠资金去向说明 for each donor (or for one).

Each statement shows a donor's gifts, the projects their money was committed
and paid to under the pro rata rule of `models.attribution`, and those
projects' planned outputs and reported 服务人次. Every figure is as of the
statement's day. The statements are published through the document register
in batches of donors, on Dask when there are enough of them
(`flows.rendering`): running it again renders nothing when nothing changed.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from prefect import flow

from flows.fund.fund_reports import build_donor_statements, list_donor_names
from flows.rendering import (
    PlannedBatch,
    dask_worker_count,
    plan_batches,
    publish_in_batches,
    register_batch,
)
from flows.runtime import get_output_dir, io_task, publish_specs, session_scope
from reports.contexts import DonorStatementContext
from reports.errors import BatchFailed
from services.register import DocumentSpec, plan_documents

STATEMENT_TEMPLATE = "reports/donor_statement.html"
STATEMENT_BATCH = "flows.fund.donor_statement:plan_statement_batch"
_UNSAFE = re.compile(r"[\\/:*?\"<>|\s]+")


def statement_path(donor_name: str, as_of: date) -> str:
    """Return where a donor's statement as of a day is written."""
    folder = get_output_dir() / "捐赠资金去向说明" / as_of.isoformat()
    return str(folder / f"{_UNSAFE.sub('_', donor_name)}.pdf")


def statement_specs(
    contexts: list[DonorStatementContext], cycle_id: int | None
) -> list[DocumentSpec]:
    """The register's view of each statement: one per donor and day."""
    output_dir = get_output_dir()
    return [
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


@io_task
def render_statements(
    contexts: list[DonorStatementContext], cycle_id: int | None = None
) -> list[str]:
    """Publish these statements, in this process, through the document register; return the paths.

    A statement whose figures are unchanged is not rendered again; one whose
    figures changed after it was published gets a new version beside it.
    """
    return [str(path) for path in publish_specs(statement_specs(contexts, cycle_id))]


def plan_statement_batch(donors: list[str], *, cycle_id: int, as_of: date) -> PlannedBatch:
    """Build the statements of these donors as of the day and plan them with the register."""
    contexts = build_donor_statements.fn(cycle_id, as_of, donors)
    with session_scope() as session:
        specs = statement_specs(contexts, cycle_id)
        return register_batch(plan_documents(session, specs, output_dir=get_output_dir()))


@flow(name="donor_statement", log_prints=True)
def donor_statement(cycle_id: int, as_of: date, donors: list[str] | None = None) -> list[str]:
    """Render the statements of where the money went, for every donor or those named."""
    names = list_donor_names(cycle_id, as_of, donors or [])
    batches = plan_batches(names, processes=dask_worker_count(), keep_order=True)
    params = {"cycle_id": cycle_id, "as_of": as_of}
    written = publish_in_batches(STATEMENT_BATCH, batches, params, documents=len(names))
    if written.failures:
        raise BatchFailed(written.failures, ())
    print(f"捐赠资金去向说明 {len(written.paths)} 份（截至 {as_of}）")
    return written.paths
