"""The allocation (资助方案) of a call, computed from stored scores, for every caller.

`propose_allocation` puts it before the committee at 终审, the committee's decision
dry-runs it with the adjustments, the what-if command runs it with another budget
or other quotas, and the end of 公示 runs it again for freed money. The ranking
score is each proposal's average normalised 路演答辩 score; the minimum award score
is read on its weighted raw mean (the published scale, `models.selection`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from models.call_rules import read_call_rules
from models.fund import LedgerKind
from models.ledger import Movement, available_by_pool
from models.selection import (
    Allocation,
    AllocationError,
    Candidate,
    Quotas,
    ScoredReview,
    StageScore,
    allocate,
    rank_candidates,
    score_stage,
)
from models.selection_rules import read_selection_rules
from models.status import ProposalStatus, Stage
from store import awards, calls, cycles, fund, proposals

IN_FINAL = (
    ProposalStatus.SHORTLISTED,
    ProposalStatus.APPROVED,
    ProposalStatus.PUBLICISED,
    ProposalStatus.CONTRACTED,
)
"""The statuses of a proposal still in 终审 or past it (those the allocation ranks)."""


def stage_scores(session: Session, *, call_id: int, stage: str) -> dict[int, StageScore]:
    """Each scored proposal's raw mean and normalised average in a stage, from stored reviews."""
    return score_stage(
        ScoredReview(r.proposal_id, r.reviewer_id, r.weighted_score)
        for r in proposals.list_reviews(session, call_id=call_id, stage=stage)
    )


def compute_allocation(
    session: Session,
    *,
    call_id: int,
    include: Iterable[int] = (),
    exclude: Iterable[int] = (),
    budget_fen: int | None = None,
    quotas: Quotas | None = None,
) -> tuple[list[Allocation], dict[int, Candidate]]:
    """Rank the proposals in 终审 and allocate; `budget_fen` replaces the fund for what-ifs."""
    call = calls.get_call(session, call_id)
    rules, selection_rules = read_call_rules(call.rules), read_selection_rules(call.rules)
    keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=call.cycle_id)}
    scores = stage_scores(session, call_id=call_id, stage=Stage.DEFENCE)
    candidates = {
        p.id: Candidate(
            p.id,
            keys[p.domain_id],
            p.requested_fen,
            p.submitted_at,  # type: ignore[arg-type]
            scores[p.id].normalised,
            raw_score=scores[p.id].raw_mean,
        )
        for p in proposals.list_proposals(session, call_id=call_id)
        if p.status in IN_FINAL and p.id in scores
    }
    pools = _pools(session, call.cycle_id, call_id, keys)
    if budget_fen is not None:
        pools = {None: budget_fen}
    outcomes = allocate(
        rank_candidates(candidates.values()),
        pools=pools,
        cap_fen=rules.max_fen,
        min_score=rules.min_award_score,
        quotas=quotas or selection_rules.quotas,
        include=include,
        exclude=exclude,
    )
    return outcomes, candidates


def _pools(
    session: Session, cycle_id: int, call_id: int, keys: dict[int | None, str]
) -> dict[str | None, int]:
    """Return what the fund can give this call, adding back the call's own commitments."""
    the_fund = fund.get_fund(session, cycle_id=cycle_id)
    own_awards = {
        a.id
        for a in awards.list_awards(
            session,
            proposal_ids=[p.id for p in proposals.list_proposals(session, call_id=call_id)],  # type: ignore[misc]
        )
    }
    movements = [
        Movement(e.kind, e.amount_fen, e.domain_id)
        for e in fund.list_ledger_entries(session, fund_id=the_fund.id)  # type: ignore[arg-type]
        if not (e.kind == LedgerKind.COMMITMENT and e.award_id in own_awards)
    ]
    return {
        (keys[k] if k is not None else None): v for k, v in available_by_pool(movements).items()
    }


def check_decision(
    session: Session, *, call_id: int, include: list[int], exclude: list[int]
) -> list[Allocation]:
    """Dry-run the committee's adjustments; raise AllocationError if they break the fund or caps."""
    _, candidates = compute_allocation(session, call_id=call_id)
    unknown = sorted((set(include) | set(exclude)) - set(candidates))
    if unknown:
        raise AllocationError(f"申报书 {unknown} 不在终审名单中，不能纳入或排除")
    outcomes, _ = compute_allocation(session, call_id=call_id, include=include, exclude=exclude)
    return outcomes
