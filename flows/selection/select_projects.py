"""Flow `select_projects`: layered selection from 初审 to 公示 (经过层层遴选).

Recipe: register the reviewer pool and its conflicts; for 初审 and then
路演答辩 seat conflict-free panels, take the score sheet, store raw and
normalised scores, and close the stage; at 终审 propose the allocation and
wait for the committee (a decision already on record is used without
waiting); then record each outcome and publish the 公示 with its objection
window. Contracts are signed by `conclude_publicity` once the window closes.
Proposals not funded for lack of money stay on the waiting list (候补) until
then, so money freed by an upheld objection goes to the next in line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.context import get_run_context
from prefect.flow_runs import pause_flow_run

from flows.runtime import io_task, session_scope
from flows.selection.committee import CommitteeInput, note_waiting, read_recorded_decision
from flows.selection.selection_allocation import compute_allocation
from flows.selection.selection_reports import write_notice_pdf
from flows.selection.selection_stages import (
    close_preliminary,
    count_conflicts_excluded,
    read_score_sheet,
    seat_panels,
    store_reviewer_pool,
    store_scores,
)
from models.call_rules import read_call_rules
from models.publicity import window_end
from models.rows import RowsRejected
from models.selection import Allocation
from models.selection_rules import read_selection_rules
from models.status import PROPOSAL_TRANSITIONS, ProposalStatus, Role, Stage, apply_transition
from store import calls, proposals, selection


@dataclass(frozen=True)
class SelectionSummary:
    """What each layer of selection did."""

    reviewers: int = 0
    conflicts_excluded: tuple[str, ...] = ()
    preliminary_failed: dict[str, str] = field(default_factory=dict)
    approved: int = 0
    approved_fen: int = 0
    waitlisted: int = 0
    committee: str = ""
    notice_ends_on: date | None = None
    notice_pdf: str = ""
    errors: tuple[str, ...] = ()


@io_task
def record_outcomes(
    call_id: int, outcomes: list[Allocation], decision: CommitteeInput
) -> tuple[int, int, int]:
    """Approve the funded, refuse the committee's exclusions, waitlist the rest."""
    approved = amount = waitlisted = 0
    with session_scope() as session:
        by_id = {p.id: p for p in proposals.list_proposals(session, call_id=call_id)}
        for outcome in outcomes:
            proposal = by_id[outcome.proposal_id]
            if proposal.status != ProposalStatus.SHORTLISTED:
                approved += proposal.status in (ProposalStatus.APPROVED, ProposalStatus.CONTRACTED)
                continue
            if outcome.is_funded:
                target, note = ProposalStatus.APPROVED, f"终审通过（排名第 {outcome.rank}）"
                approved, amount = approved + 1, amount + outcome.amount_fen
            elif outcome.proposal_id in decision.exclude:
                target, note = (
                    ProposalStatus.REJECTED,
                    f"评审委员会决定不予资助：{decision.reasons}",
                )
            else:
                waitlisted += 1
                proposals.set_proposal_status(
                    session,
                    proposal,
                    status=proposal.status,
                    stage=Stage.FINAL,
                    note=f"候补：{outcome.reason}",
                )
                continue
            status = apply_transition(
                PROPOSAL_TRANSITIONS, ProposalStatus.SHORTLISTED, target, role=Role.SYSTEM
            )
            proposals.set_proposal_status(
                session, proposal, status=status, stage=Stage.FINAL, note=note
            )
    return approved, amount, waitlisted


@io_task
def open_notice(call_id: int, published_on: date) -> date:
    """Publish the 公示 once and return the last day objections are taken."""
    with session_scope() as session:
        stored = calls.get_call(session, call_id).rules
        rules = read_selection_rules(stored)
        ends_on = window_end(
            published_on,
            rules.objection_days,
            holidays=rules.holidays,
            first_day_counts=read_call_rules(stored).objection_first_day_counts,
        )
        return selection.set_notice(
            session, call_id=call_id, published_on=published_on, ends_on=ends_on
        ).ends_on


def wait_for_committee(call_id: int, wait_seconds: int) -> CommitteeInput:
    """Use the decision on record, or pause until the committee gives one."""
    recorded = read_recorded_decision(call_id)
    if recorded is not None:
        return recorded
    note_waiting(call_id, str(get_run_context().flow_run.id))  # type: ignore[union-attr]
    print(
        f"终审：等待评审委员会决定（gongyi selection decide --call {call_id} …），最长 {wait_seconds} 秒"
    )
    return pause_flow_run(wait_for_input=CommitteeInput, timeout=wait_seconds, poll_interval=2)


def _scored_stage(
    call_id: int, stage: Stage, names: list[str], scores_path: str, score_book: bool
) -> dict[int, float]:
    seat_panels(call_id, stage, names)
    sheet = read_score_sheet(call_id, stage, scores_path, score_book=score_book)
    return store_scores(call_id, stage, sheet)


@flow(name="select_projects", log_prints=True)
def select_projects(
    call_id: int,
    reviewers_path: str,
    conflicts_path: str,
    scores_path: str,
    decided_on: date,
    score_book: bool = False,
    wait_seconds: int = 3600,
) -> SelectionSummary:
    """Run 初审, 路演答辩 and 终审, then publish the 公示."""
    try:
        names = store_reviewer_pool(reviewers_path, conflicts_path)
        excluded = tuple(count_conflicts_excluded(call_id, Stage.PRELIMINARY))
        failed = close_preliminary(
            call_id, _scored_stage(call_id, Stage.PRELIMINARY, names, scores_path, score_book)
        )
        _scored_stage(call_id, Stage.DEFENCE, names, scores_path, score_book)
    except RowsRejected as rejected:
        print(f"遴选材料被拒绝：{rejected}")
        for error in rejected.errors:
            print(f"  {error}")
        return SelectionSummary(errors=tuple(str(e) for e in rejected.errors))
    proposed, _ = compute_allocation(call_id)
    print(f"终审：拟资助 {sum(o.is_funded for o in proposed)} 个项目")
    decision = wait_for_committee(call_id, wait_seconds)
    outcomes, _ = compute_allocation(call_id, include=decision.include, exclude=decision.exclude)
    approved, amount, waitlisted = record_outcomes(call_id, outcomes, decision)
    ends_on = open_notice(call_id, decided_on)
    pdf = write_notice_pdf(call_id)
    committee = (
        "接受排名"
        if decision.accepted and not (decision.include or decision.exclude)
        else f"调整：{decision.reasons}"
    )
    print(f"公示：立项 {approved} 个，候补 {waitlisted} 个，异议受理至 {ends_on}；{pdf}")
    create_markdown_artifact(
        key=f"selection-call-{call_id}",
        markdown=f"# 遴选结果\n\n- 初审未通过：{len(failed)}\n- 终审立项：{approved}\n- 候补：{waitlisted}\n- 公示截止：{ends_on}\n",
        description="分层遴选结果",
    )
    return SelectionSummary(
        len(names), excluded, failed, approved, amount, waitlisted, committee, ends_on, pdf
    )
