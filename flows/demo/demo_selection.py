"""The demo's layered selection: the flow waits at 终审 and the committee answers.

In real use the selection flow pauses and a person runs `gongyi selection
decide`. The demo cannot wait for a person, so it runs the flow in a second
thread and, once the flow is paused, gives the committee's decision from
`demo/committee.toml` through `record_committee_decision` — the same function
the CLI command calls — which checks it, stores it and resumes the run.
Then one objection from `demo/objections.csv` is lodged within the window and
dismissed, and the notice is concluded: contracts are signed.

Before that, `receive_demo_bids` enters the agencies' proposals as the office enters
a paper batch: at the business moment it was received (`DEMO_BIDS_RECEIVED`, before
the call's deadline), never at a time the workbook states.
"""

from __future__ import annotations

import threading
import time
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.call.receive_bids import BidsSummary, receive_bids
from flows.runtime import session_scope
from flows.selection.committee import CommitteeInput, get_pending, record_committee_decision
from flows.selection.conclude_publicity import ConclusionSummary, conclude_publicity
from flows.selection.objections import lodge_objection, resolve_objection
from flows.selection.select_projects import SelectionSummary, select_projects
from flows.selection.selection_allocation import check_decision
from models.rows import read_all
from models.status import ProposalStatus
from store import proposals
from store.spreadsheets import read_rows

WAIT_LIMIT_SECONDS = 300
DEMO_BIDS_RECEIVED = datetime(2026, 5, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
"""When the street office received the demo's paper batch (the call closes 2026-05-20 17:00)."""


@dataclass(frozen=True)
class DemoSelection:
    """The selection flow's result and how its notice ended."""

    selection: SelectionSummary
    conclusion: ConclusionSummary | None


def receive_demo_bids(
    call_id: int, data: Path, received_at: datetime = DEMO_BIDS_RECEIVED
) -> BidsSummary:
    """Enter the demo's proposals as the office's paper batch received at `received_at`."""
    return receive_bids(call_id, "", str(data / "proposals.csv"), received_at=received_at)


def run_demo_selection(
    call_id: int, data: Path, *, decided_on: date, projects_start_on: date
) -> DemoSelection:
    """Run selection, answer for the committee, handle the demo objection, and sign."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["summary"] = select_projects(
                call_id,
                str(data / "reviewers.csv"),
                str(data / "conflicts.csv"),
                str(data / "reviews.csv"),
                decided_on,
                score_book=True,
                wait_seconds=WAIT_LIMIT_SECONDS,
            )
        except BaseException as exc:  # surfaced in the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="select_projects")
    worker.start()
    _answer_for_committee(call_id, data / "committee.toml", worker)
    worker.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    summary: SelectionSummary = outcome["summary"]  # type: ignore[assignment]
    if summary.errors or summary.notice_ends_on is None:
        return DemoSelection(summary, None)
    _demo_objection(call_id, data / "objections.csv", summary.notice_ends_on)
    day_after = summary.notice_ends_on + timedelta(days=1)
    return DemoSelection(
        summary, conclude_publicity(call_id, max(day_after, projects_start_on), projects_start_on)
    )


def _answer_for_committee(call_id: int, decision_path: Path, worker: threading.Thread) -> None:
    data = tomllib.loads(decision_path.read_text(encoding="utf-8"))
    decision = CommitteeInput(**data)
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while worker.is_alive() and time.monotonic() < deadline:
        if get_pending(call_id) is not None and _is_paused(get_pending(call_id).flow_run_id):  # type: ignore[union-attr]
            record_committee_decision(call_id, decision, check=check_decision)
            return
        time.sleep(0.5)


def _is_paused(flow_run_id: str) -> bool:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(flow_run_id).state
    return bool(state and state.is_paused())


def _demo_objection(call_id: int, path: Path, ends_on: date) -> None:
    rows = read_all(
        read_rows(path, required=("项目名称", "异议人", "异议内容", "处理结果", "处理理由")),
        lambda r: (
            r.text("项目名称"),
            r.text("异议人"),
            r.text("异议内容"),
            r.text("处理结果"),
            r.text("处理理由"),
        ),
    )
    with session_scope() as session:
        by_title = {p.title: p for p in proposals.list_proposals(session, call_id=call_id)}
    for title, submitter, text, result, reason in rows:
        proposal = by_title[title]
        if proposal.status != ProposalStatus.APPROVED:
            continue  # already concluded on an earlier run
        objection_id = lodge_objection(
            call_id, proposal_id=proposal.id, submitter=submitter, text=text, day=ends_on
        )  # type: ignore[arg-type]
        resolve_objection(
            call_id,
            objection_id,
            uphold=result == "成立",
            reason=reason,
            by="淮河路街道公益创投办公室",
        )
