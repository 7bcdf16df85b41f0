"""The committee's decision at 终审: how the selection flow waits for it and how it is given.

The flow records that it waits (with its flow-run id) and pauses for a
`CommitteeInput`. `record_committee_decision` — called by `gongyi selection
decide`, by the demo, and by the portal's 终审 form through the small
`committee_decision` flow (the portal starts flows by entrypoint and imports no
flow module) — checks the decision against the fund and the caps *before*
anything moves, stores it, and resumes the paused run. A decision already on
record is used as it is, so a run that timed out can simply be started again.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefect import flow
from prefect.flow_runs import resume_flow_run
from prefect.input import RunInput
from pydantic import Field

from flows.runtime import get_now, io_task, session_scope
from flows.selection.selection_allocation import check_decision
from models.committee import DecisionError, check_adjustments
from store import selection


class CommitteeInput(RunInput):
    """What the committee decides on the ranked list."""

    accepted: bool = True
    include: list[int] = Field(default_factory=list)
    exclude: list[int] = Field(default_factory=list)
    reasons: str = ""
    decided_by: str = "评审委员会"


@dataclass(frozen=True)
class PendingDecision:
    """A selection run waiting for the committee."""

    call_id: int
    flow_run_id: str


@io_task
def note_waiting(call_id: int, flow_run_id: str) -> None:
    """Record that this flow run waits for the committee's decision."""
    with session_scope() as session:
        selection.add_decision_request(
            session, call_id=call_id, flow_run_id=flow_run_id, at=get_now()
        )


@io_task
def read_recorded_decision(call_id: int) -> CommitteeInput | None:
    """Return the committee's decision already on record for the call, if any."""
    with session_scope() as session:
        decision = selection.get_decision(session, call_id=call_id)
        if decision is None:
            return None
        return CommitteeInput(
            accepted=bool(decision.accepted),
            include=list(decision.include),
            exclude=list(decision.exclude),
            reasons=decision.reasons,
            decided_by=decision.decided_by,
        )


def get_pending(call_id: int) -> PendingDecision | None:
    """Return the selection run of a call that waits for the committee, if any."""
    with session_scope() as session:
        pending = selection.get_pending_decision(session, call_id=call_id)
        if pending is None or not pending.flow_run_id:
            return None
        return PendingDecision(call_id, pending.flow_run_id)


def record_committee_decision(call_id: int, decision: CommitteeInput, *, check) -> str:  # type: ignore[no-untyped-def]
    """Check, store and deliver the committee's decision; return the resumed flow-run id.

    `check` is the allocation dry run (raises if the adjustments break the fund or caps).
    """
    check_adjustments(include=decision.include, exclude=decision.exclude, reasons=decision.reasons)
    check(call_id, include=decision.include, exclude=decision.exclude)
    with session_scope() as session:
        pending = selection.get_pending_decision(session, call_id=call_id)
        if pending is None:
            raise DecisionError(f"申报指南 #{call_id} 没有等待终审决定的遴选")
        selection.set_decision(
            session,
            pending,
            accepted=decision.accepted,
            include=decision.include,
            exclude=decision.exclude,
            reasons=decision.reasons,
            decided_by=decision.decided_by,
            at=get_now(),
        )
        flow_run_id = pending.flow_run_id
    try:
        resume_flow_run(flow_run_id, run_input=decision.model_dump())
    except Exception as exc:  # the run may have timed out or ended; the decision is kept
        raise DecisionError(
            f"终审决定已记录，但遴选流程 {flow_run_id} 未在等待（{type(exc).__name__}）；"
            "重新运行遴选即可使用该决定"
        ) from None
    return flow_run_id


@flow(name="committee_decision", log_prints=True)
def committee_decision(
    call_id: int,
    accepted: bool = True,
    include: list[int] | None = None,
    exclude: list[int] | None = None,
    reasons: str = "",
    decided_by: str = "评审委员会",
) -> str:
    """Give the committee's decision to the call's waiting selection run; return that run's id.

    The portal's 终审 form starts this (by entrypoint); a decision the fund or the
    caps cannot carry, or a call with no run waiting, fails with `DecisionError`
    or `AllocationError` (both `ValueError`) before anything is stored.
    """
    decision = CommitteeInput(
        accepted=accepted,
        include=list(include or []),
        exclude=list(exclude or []),
        reasons=reasons,
        decided_by=decided_by,
    )
    return record_committee_decision(call_id, decision, check=check_decision)
