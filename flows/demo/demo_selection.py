"""The demo's layered selection: every step in order, the committee answering at 终审.

The demo has every input at once, so `select_projects` takes each step in turn:
seat the 初审 panels, store the score book's 初审 scores, close 初审, seat the
路演 panels, store the 路演 scores, close 路演 (the proposed allocation), and the
committee's decision from `demo/committee.toml` — given through the same service as
`gongyi selection decide`, dated `decided_on`. Then one objection from
`demo/objections.csv` is lodged within the window and dismissed, and the notice is
concluded: contracts are signed.

Before that, `receive_demo_bids` enters the agencies' proposals as the office enters
a paper batch: at the business moment it was received (`DEMO_BIDS_RECEIVED`, before
the call's deadline), never at a time the workbook states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.call.receive_bids import BidsSummary, receive_bids
from flows.runtime import session_scope
from flows.selection.committee import read_committee_choice
from flows.selection.conclude_publicity import ConclusionSummary, conclude_publicity
from flows.selection.objections import lodge_objection, resolve_objection
from flows.selection.select_projects import SelectionSummary, select_projects
from models.rows import read_all
from models.status import ProposalStatus
from store import proposals
from store.spreadsheets import read_rows

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
    """Run every selection step, answer for the committee, handle the demo objection, and sign."""
    summary = select_projects(
        call_id,
        str(data / "reviewers.csv"),
        str(data / "conflicts.csv"),
        str(data / "reviews.csv"),
        decided_on,
        score_book=True,
        decision=read_committee_choice(data / "committee.toml"),
    )
    if summary.errors or summary.notice_ends_on is None:
        return DemoSelection(summary, None)
    _demo_objection(call_id, data / "objections.csv", summary.notice_ends_on)
    day_after = summary.notice_ends_on + timedelta(days=1)
    return DemoSelection(
        summary, conclude_publicity(call_id, max(day_after, projects_start_on), projects_start_on)
    )


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
