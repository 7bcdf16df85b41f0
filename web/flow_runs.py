"""Starting flows from the portal the way a deployment does: by entrypoint, in this process.

The portal never imports a flow's module (the layer contract keeps `web` and
`flows` apart). `FLOWS` is the one registry of what it may start, each named by
its entrypoint in `prefect.yaml`'s form (`path/to/file.py:flow_function`), and
`load_flow` loads it with Prefect's own `load_flow_from_entrypoint`. It passes
ids, dates and strings. In embedded mode the flow then runs here, in-process,
with heartbeats off like the CLI's runs.

Prefect loads a `file.py:function` entrypoint by executing that file again as a
new module, relative to the working directory; the portal hands it the same
entrypoint in module form (`flows.monitoring.release_tranches:release_tranches`),
so each flow module is imported once, as its package's module, wherever the
portal was started. A test loads every entry (tests/test_no_dynamic_imports.py).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from prefect import Flow
from prefect.flows import load_flow_from_entrypoint

FLOWS = {
    "close_call": "flows/call/close_call.py:close_call",
    "monthly_evaluation": "flows/monitoring/monthly_evaluation.py:monthly_evaluation",
    "release_tranches": "flows/monitoring/release_tranches.py:release_tranches",
    "committee_decision": "flows/selection/committee.py:committee_decision",
}
"""The flows the portal starts, by name, each at its entrypoint (as in prefect.yaml)."""

# One flow run at a time from the portal: a double click on "submit" then finds the
# first report stored and is told so, instead of racing it.
_ONE_AT_A_TIME = threading.Lock()
_LOADING = threading.Lock()


def module_entrypoint(entrypoint: str) -> str:
    """Turn `flows/call/close_call.py:close_call` into `flows.call.close_call:close_call`."""
    path, function = entrypoint.rsplit(":", 1)
    if not path.endswith(".py"):
        return entrypoint
    return f"{path.removesuffix('.py').replace('/', '.')}:{function}"


@cache
def _load(entrypoint: str) -> Flow[..., Any]:
    with _LOADING:  # Prefect's loader is not thread-safe
        return load_flow_from_entrypoint(module_entrypoint(entrypoint), use_placeholder_flow=False)


def load_flow(name: str) -> Flow[..., Any]:
    """Return the registered flow of this name (loaded once per process)."""
    return _load(FLOWS[name])


def run_flow(name: str, *args: Any, **kwargs: Any) -> Any:
    """Run the named flow in-process and return its result."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    flow = load_flow(name)
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
    """Give the committee's decision to the waiting selection run, as `gongyi selection decide`.

    Runs the `committee_decision` flow; a decision that cannot be carried, or a call
    with no run waiting, raises its `ValueError` and stores nothing.
    """
    return run_flow(
        "committee_decision",
        call_id,
        accepted=accepted,
        include=include,
        exclude=exclude,
        reasons=reasons,
        decided_by=decided_by,
    )
