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

`start_in_background` runs a flow in a thread under a run name of our own, so the
history can be read back from Prefect (`list_recent_runs`: state, start and end,
parameters, and for a running run how many of its tasks are done) and joined to
the database's record of who started it (`services.runs`). Prefect is asked only
when it is reachable without starting a server here (an API URL is set, or this
process already runs its embedded one: `gongyi web` starts it as it starts).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from prefect import Flow
from prefect.flows import load_flow_from_entrypoint

FLOWS = {
    "needs_survey": "flows/needs/needs_survey.py:needs_survey",
    "publish_call": "flows/call/publish_call.py:publish_call",
    "close_call": "flows/call/close_call.py:close_call",
    "conclude_publicity": "flows/selection/conclude_publicity.py:conclude_publicity",
    "daily_check": "flows/monitoring/daily_check.py:daily_check",
    "weekly_meeting": "flows/monitoring/weekly_meeting.py:weekly_meeting",
    "final_evaluation": "flows/closing/final_evaluation.py:final_evaluation",
    "close_cycle": "flows/closing/close_cycle.py:close_cycle",
    "monthly_evaluation": "flows/monitoring/monthly_evaluation.py:monthly_evaluation",
    "release_tranches": "flows/monitoring/release_tranches.py:release_tranches",
    "committee_decision": "flows/selection/committee.py:committee_decision",
    "donor_statement": "flows/fund/donor_statement.py:donor_statement",
    "record_minutes": "flows/monitoring/meeting_minutes.py:record_minutes",
    "close_action_and_publish": "flows/monitoring/action_close.py:close_action_and_publish",
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


def run_flow(name: str, *args: Any, run_name: str = "", **kwargs: Any) -> Any:
    """Run the named flow in-process (as `run_name`, if given) and return its result."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    flow = load_flow(name)
    if run_name:
        flow = flow.with_options(flow_run_name=run_name)
    with _ONE_AT_A_TIME, temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return flow(*args, **kwargs)


def start_in_background(
    name: str,
    *args: Any,
    run_name: str,
    on_end: Callable[[Any, BaseException | None], None],
) -> threading.Thread:
    """Run the named flow in a thread as `run_name`; `on_end(result, error)` is told how it ended."""

    def work() -> None:
        try:
            result = run_flow(name, *args, run_name=run_name)
        except Exception as error:  # told to the officer, never raised into a request
            on_end(None, error)
        else:
            on_end(result, None)

    thread = threading.Thread(target=work, name=f"flow-{run_name}", daemon=True)
    thread.start()
    return thread


@dataclass(frozen=True)
class RunLine:
    """One flow run as Prefect keeps it."""

    run_name: str
    flow_name: str
    state: str
    state_type: str
    start: datetime | None
    end: datetime | None
    parameters: str
    tasks_done: int = 0
    tasks_total: int = 0

    @property
    def is_active(self) -> bool:
        """Whether the run has not ended yet (scheduled, pending, running or paused)."""
        return self.state_type in {"SCHEDULED", "PENDING", "RUNNING", "PAUSED"}


def prefect_is_reachable() -> bool:
    """Whether Prefect can be asked without starting a server for it here."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return True
    server = SubprocessASGIServer._instances.get(None)
    return bool(server is not None and server.running)


def _summary(parameters: dict[str, Any]) -> str:
    return "，".join(f"{k}={v}" for k, v in parameters.items() if v not in (None, "", []))[:200]


def list_recent_runs(names: Iterable[str], *, limit: int = 20) -> list[RunLine]:
    """The latest runs of these flows, newest first, from Prefect (empty if it is not reachable)."""
    if not prefect_is_reachable():
        return []
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterId,
    )
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=list(names))),
            sort=FlowRunSort.START_TIME_DESC,
            limit=limit,
        )
        # The sync client's read_flows sends an invalid body in Prefect 3.8: ask by id.
        flows = {flow_id: client.read_flow(flow_id).name for flow_id in {r.flow_id for r in runs}}
        lines = []
        for run in runs:
            state = run.state
            done = total = 0
            if state is not None and state.type.value in {"RUNNING", "PAUSED"}:
                tasks = client.read_task_runs(
                    flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id]))
                )
                total = len(tasks)
                done = sum(1 for t in tasks if t.state is not None and t.state.is_completed())
            lines.append(
                RunLine(
                    run_name=run.name,
                    flow_name=flows.get(run.flow_id, ""),
                    state=state.name if state is not None else "",
                    state_type=state.type.value if state is not None else "",
                    start=run.start_time,
                    end=run.end_time,
                    parameters=_summary(run.parameters),
                    tasks_done=done,
                    tasks_total=total,
                )
            )
    return lines


def record_committee_decision(
    call_id: int,
    *,
    accepted: bool,
    include: list[int],
    exclude: list[int],
    reasons: str,
    decided_by: str,
) -> str:
    """Record the committee's decision on the proposed allocation and publish the 公示, as `gongyi selection decide`.

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


def record_meeting_minutes(
    week_start: date,
    *,
    minutes_path: str | None,
    actions_path: str | None,
    attendees: str,
    recorder: str,
    cycle_id: int,
    today: date,
    host: str,
    actor_login: str,
    actor_name: str,
    actor_user_id: int | None,
) -> Any:
    """Record a weekly meeting's minutes and action items and re-issue its 纪要, as `gongyi monitor minutes`.

    Runs the `record_minutes` flow in the signed-in officer's name; its result's
    `errors` name every bad row, and then nothing was stored.
    """
    return run_flow(
        "record_minutes",
        week_start,
        minutes_path,
        actions_path,
        attendees,
        recorder,
        cycle_id,
        today,
        host=host,
        actor_login=actor_login,
        actor_name=actor_name,
        actor_user_id=actor_user_id,
    )


def close_action_item(
    item_id: int, *, note: str, dropped: bool, on: date | None, actor: Any
) -> Any:
    """Close an action item and re-issue its meeting's minutes, as `gongyi monitor action close`.

    Runs the `close_action_and_publish` flow in the signed-in account's name (a
    `services.Actor`); the service refuses an agency's hand on another's item.
    """
    return run_flow("close_action_and_publish", item_id, note, dropped, on, actor)
