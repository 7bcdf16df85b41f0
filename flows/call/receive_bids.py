"""Flow `receive_bids`: take agencies' records and a batch of proposals under a call.

The registry and the four proposal tables (see `services.proposal_batch`) are
read; then `services.proposals.receive_proposals` validates every proposal
against the call — amount, budget, matching money, KPIs, schedule, cited needs,
the deadline at the server's time — and stores agencies and proposals in one
transaction. A proposal already received with the same content is kept as it
is, so the same batch can be received again; the same proposal with other
content, or one that was withdrawn, is refused. With `submit=False` the batch
is saved as drafts (草稿), with the call's objections listed as warnings.

Without `agency_id` the office enters the batch: it is filed as received at
`received_at`, the business moment the clerk gives for paper received earlier,
or at the server's time; a workbook's 提交时间 is never read. With `agency_id`,
that agency submits at `received_at` (the moment the server took it, default
now) and may file only its own proposals. Either way a batch received after the
deadline is refused, with the deadline in the message.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from prefect import flow

from flows.call.register_agencies import read_registry, store_registry
from flows.runtime import get_now, io_task, session_scope
from models.rows import Row, RowError, RowsRejected
from models.status import Role
from services import SYSTEM, Actor, ServiceError
from services.proposal_batch import read_bid_files
from services.proposals import BidsSummary, receive_proposals

__all__ = ["BidsSummary", "receive_bids", "store_bids"]


def batch_actor(agency_id: int | None) -> Actor:
    """Who submits: the agency the batch is filed for, or the office's system."""
    if agency_id is None:
        return SYSTEM
    return Actor(login=f"agency-{agency_id}", role=Role.AGENCY, agency_id=agency_id)


@io_task
def store_bids(
    call_id: int,
    registry: tuple,
    tables: dict[str, list[Row]],
    *,
    now: datetime,
    submit: bool,
    refuse_repeats: bool,
    agency_id: int | None = None,
    source: str = "",
    received_at: datetime | None = None,
) -> BidsSummary:
    """Add the registry's agencies and the batch's proposals in one transaction."""
    with session_scope() as session:
        registered = store_registry(session, *registry) if registry[0] else None
        summary = receive_proposals(
            session,
            actor=batch_actor(agency_id),
            now=now,
            call_id=call_id,
            tables=tables,
            submit=submit,
            refuse_repeats=refuse_repeats,
            source=source,
            received_at=received_at,
        )
        count = registered.added + registered.updated if registered else 0
        return replace(summary, agencies=count)


@flow(name="receive_bids", log_prints=True)
def receive_bids(
    call_id: int,
    agencies_path: str,
    proposals_path: str,
    budget_path: str = "",
    kpis_path: str = "",
    schedule_path: str = "",
    received_at: datetime | None = None,
    submit: bool = True,
    refuse_repeats: bool = False,
    agency_id: int | None = None,
) -> BidsSummary:
    """Receive agencies' records and proposals under a call, all or nothing."""
    # The office's paper batch keeps two times: the business moment it was received
    # (received_at) and the entry (now). An agency's submission has only the server's time.
    now = get_now() if agency_id is None else received_at or get_now()
    paper = received_at if agency_id is None else None
    try:
        registry = (
            read_registry(agencies_path, today=get_now().date()) if agencies_path else ([], [])
        )
        tables = read_bid_files(proposals_path, budget_path, kpis_path, schedule_path)
        summary = store_bids(
            call_id,
            registry,
            tables,
            now=now,
            submit=submit,
            refuse_repeats=refuse_repeats,
            agency_id=agency_id,
            source=Path(proposals_path).name,
            received_at=paper,
        )
    except RowsRejected as rejected:
        print(f"申报材料被拒绝：{rejected}")
        return BidsSummary(errors=tuple(str(e) for e in rejected.errors))
    except RowError as error:
        print(f"申报材料被拒绝：{error}")
        return BidsSummary(errors=(str(error),))
    except ServiceError as refused:
        print(f"申报材料被拒绝：{refused.message}")
        return BidsSummary(errors=(refused.message,))
    print(
        f"收到 {summary.agencies} 家机构的 {summary.received + summary.already_there} 份申报书"
        f"（新增 {summary.received}）"
    )
    return summary
