"""Moved to `services.proposal_batch` (reading a batch of proposals is a service, not a flow).

Kept so `cli.py` and `flows.call.proposal_template` import as before until they
switch to `services.proposal_batch`; see /work/notes/cli-h4.md.
"""

from __future__ import annotations

from services.proposal_batch import (
    BUDGET_SHEET,
    KPI_COLUMNS,
    KPI_SHEET,
    PROPOSAL_COLUMNS,
    PROPOSAL_SHEET,
    SCHEDULE_SHEET,
    SHEETS,
    BidContext,
    ParsedBid,
    parse_bids,
    read_bid_files,
)

__all__ = [
    "BUDGET_SHEET",
    "KPI_COLUMNS",
    "KPI_SHEET",
    "PROPOSAL_COLUMNS",
    "PROPOSAL_SHEET",
    "SCHEDULE_SHEET",
    "SHEETS",
    "BidContext",
    "ParsedBid",
    "parse_bids",
    "read_bid_files",
]
