"""Flow `select_projects`: every step of layered selection it has inputs for, then stop.

Selection is stepwise and its state lives in the database (`models.selection_progress`):
seat the 初审 panels → 初审 scores → close 初审 → seat the 路演 panels → 路演 scores →
close 路演 (the proposed allocation goes to the committee) → the committee's decision
(公示). This convenience flow asks the database for the next step and takes it while
it has the input: the reviewer pool for seating, the score sheet for scores, the
committee's choice for the decision. At the first step it has no input for — 路演
scores missing, the committee not yet met — it stops cleanly with one line saying
what to do next (`SelectionSummary.next_step`); nothing waits in a process.
Contracts are signed by `conclude_publicity` once the 公示 window closes. Proposals
not funded for lack of money stay on the waiting list (候补) until then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.runtime import get_now, io_task, session_scope
from flows.selection.committee import SYSTEM_ACTOR, CommitteeChoice, decide
from flows.selection.selection_reports import write_notice_pdf
from flows.selection.selection_stages import (
    close_preliminary,
    count_conflicts_excluded,
    read_score_sheet,
    seat_panels,
    store_reviewer_pool,
    store_scores,
)
from models.rows import RowsRejected
from models.status import ProposalStatus, Stage
from services import ServiceError, committee
from services.selection import selection_progress
from store import proposals, selection

FUNDED = (ProposalStatus.APPROVED, ProposalStatus.PUBLICISED, ProposalStatus.CONTRACTED)


@dataclass(frozen=True)
class SelectionSummary:
    """Where layered selection stands after a run, and what each layer did."""

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
    next_step: str = ""
    steps: tuple[str, ...] = ()


@dataclass
class _Inputs:
    call_id: int
    reviewers_path: str
    conflicts_path: str
    scores_path: str
    score_book: bool
    choice: CommitteeChoice | None
    decided_on: date
    names: list[str] | None = None
    taken: list[str] = field(default_factory=list)


def next_step(call_id: int) -> tuple[str, str]:
    """The key and message of the call's next selection step."""
    with session_scope() as session:
        step = selection_progress(session, call_id=call_id)
    return step.key, step.message


@io_task
def propose(call_id: int) -> committee.Proposed:
    """Close 路演答辩 and put the proposed allocation before the committee."""
    with session_scope() as session:
        return committee.propose_allocation(
            session, actor=SYSTEM_ACTOR, now=get_now(), call_id=call_id
        )


def _take(step: str, given: _Inputs) -> bool:
    """Take one step if its input is given; return False when it is not."""
    kind, _, stage_name = step.partition(":")
    stage = Stage(stage_name) if stage_name else None
    if kind == "seat" and stage is not None:
        if not given.reviewers_path:
            return False
        if given.names is None:
            given.names = store_reviewer_pool(given.reviewers_path, given.conflicts_path or None)
        seat_panels(given.call_id, stage, given.names)
    elif kind == "scores" and stage is not None:
        if not given.scores_path:
            return False
        sheet = read_score_sheet(
            given.call_id, stage, given.scores_path, score_book=given.score_book
        )
        if not sheet:
            return False
        store_scores(given.call_id, stage, sheet)
    elif kind == "close" and stage == Stage.PRELIMINARY:
        close_preliminary(given.call_id)
    elif kind == "close" and stage == Stage.DEFENCE:
        proposed = propose(given.call_id)
        print(f"终审：拟资助 {proposed.funded} 个项目，提交评审委员会")
    elif kind == "decide" and given.choice is not None:
        decide(given.call_id, given.choice, on=given.decided_on, actor=SYSTEM_ACTOR)
        write_notice_pdf(given.call_id)
    else:
        return False
    given.taken.append(step)
    return True


@flow(name="select_projects", log_prints=True)
def select_projects(
    call_id: int,
    reviewers_path: str = "",
    conflicts_path: str = "",
    scores_path: str = "",
    decided_on: date | None = None,
    score_book: bool = False,
    decision: CommitteeChoice | None = None,
) -> SelectionSummary:
    """Take every selection step there is input for; stop at the first that has none."""
    given = _Inputs(
        call_id,
        reviewers_path,
        conflicts_path,
        scores_path,
        score_book,
        decision,
        decided_on or get_now().date(),
    )
    try:
        key, message = next_step(call_id)
        while key not in given.taken and _take(key, given):
            key, message = next_step(call_id)
    except RowsRejected as rejected:
        print(f"遴选材料被拒绝：{rejected}")
        for error in rejected.errors:
            print(f"  {error}")
        return SelectionSummary(errors=tuple(str(e) for e in rejected.errors))
    except ServiceError as refused:
        return SelectionSummary(errors=(refused.message,))
    summary = read_summary(call_id, next_step=message, steps=tuple(given.taken))
    print(f"下一步：{message}")
    create_markdown_artifact(
        key=f"selection-call-{call_id}",
        markdown=f"# 遴选进度\n\n- 初审未通过：{len(summary.preliminary_failed)}\n"
        f"- 终审立项：{summary.approved}\n- 候补：{summary.waitlisted}\n"
        f"- 公示截止：{summary.notice_ends_on or '—'}\n- 下一步：{message}\n",
        description="分层遴选进度",
    )
    return summary


def read_summary(call_id: int, *, next_step: str, steps: tuple[str, ...] = ()) -> SelectionSummary:
    """Describe what is stored of the call's selection (the same on a second run)."""
    with session_scope() as session:
        found = proposals.list_proposals(session, call_id=call_id)
        decision = selection.get_decision(session, call_id=call_id)
        notice = selection.get_notice(session, call_id=call_id)
        seats = selection.list_assignments(session, call_id=call_id, stage=Stage.PRELIMINARY)
    funded = [p for p in found if p.status in FUNDED]
    committee_line = ""
    if decision is not None:
        adjusted = decision.include or decision.exclude
        committee_line = f"调整：{decision.reasons}" if adjusted else "接受排名"
    return SelectionSummary(
        reviewers=len({s.reviewer_id for s in seats}),
        conflicts_excluded=tuple(count_conflicts_excluded.fn(call_id, Stage.PRELIMINARY)),
        preliminary_failed={
            p.title: p.screening_note or ""
            for p in found
            if p.status == ProposalStatus.REJECTED and p.stage == Stage.PRELIMINARY
        },
        approved=len(funded),
        approved_fen=sum(p.requested_fen for p in funded),
        waitlisted=sum(
            1
            for p in found
            if p.status == ProposalStatus.SHORTLISTED
            and (p.screening_note or "").startswith("候补")
        ),
        committee=committee_line,
        notice_ends_on=notice.ends_on if notice else None,
        notice_pdf=_notice_pdf(call_id) if notice else "",
        next_step=next_step,
        steps=steps,
    )


def _notice_pdf(call_id: int) -> str:
    return write_notice_pdf.fn(call_id)
