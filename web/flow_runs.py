"""Starting flows from the portal the way a deployment does: by entrypoint, in this process.

The portal never imports a flow's module (the layer contract keeps `web` and
`flows` apart); it names the flow by its entrypoint, as `prefect.yaml` does,
and passes ids, dates and strings. In embedded mode the flow then runs here,
in-process, with heartbeats off like the CLI's runs.
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import Any

ENTRYPOINTS = {
    "review_evaluation": "flows.monitoring.evaluation_review:review_evaluation",
    "close_call": "flows.call.close_call:close_call",
    "monthly_evaluation": "flows.monitoring.monthly_evaluation:monthly_evaluation",
    "release_tranches": "flows.monitoring.release_tranches:release_tranches",
    "override_screening": "flows.call.override_screening:override_screening",
    "receive_bids": "flows.call.receive_bids:receive_bids",
    "withdraw_proposal": "flows.call.withdraw_proposal:withdraw_proposal",
}

# One flow run at a time from the portal: a double click on "submit" then finds the
# first report stored and is told so, instead of racing it.
_ONE_AT_A_TIME = threading.Lock()


def run_flow(name: str, *args: Any, **kwargs: Any) -> Any:
    """Run the named flow in-process and return its result."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    module, attribute = ENTRYPOINTS[name].split(":")
    flow = getattr(importlib.import_module(module), attribute)
    with _ONE_AT_A_TIME, temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return flow(*args, **kwargs)


def record_committee_decision(
    call_id: int,
    *,
    accepted: bool,
    include: list[int],
    exclude: list[int],
    reasons: str,
    decided_by: str,
) -> str:
    """Give the committee's decision to the waiting selection run, as `gongyi selection decide`."""
    committee = importlib.import_module("flows.selection.committee")
    allocation = importlib.import_module("flows.selection.selection_allocation")
    decision = committee.CommitteeInput(
        accepted=accepted, include=include, exclude=exclude, reasons=reasons, decided_by=decided_by
    )
    with _ONE_AT_A_TIME:
        return committee.record_committee_decision(
            call_id, decision, check=allocation.check_decision
        )


def write_proposal_template(path: Path) -> Path:
    """Write the proposal template (XLSX) that `gongyi proposal template` writes."""
    return importlib.import_module("flows.call.proposal_template").write_template(path)
