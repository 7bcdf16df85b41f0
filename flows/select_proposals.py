"""Flow `select_proposals`: score, rank and fund the eligible proposals.

Reviewers' 初审 scores come in as a file. Each reviewer's weighted scores are
normalised, averaged per proposal and ranked reproducibly; the allocation
funds the ranking within the fund's pools and the per-project cap. Funded
proposals pass 终审 and 公示 and are contracted: each gets an award, its
tranche plan, a commitment in the ledger, the first tranche paid, and a
project. Simplification, owned by the selection issue: 路演答辩 and 终审 are
not yet separate scored stages, and the 公示 objection window is not yet
held open; the committee's decision is the allocation as computed.
Running the flow again re-scores but never funds a proposal twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from prefect import flow

from flows.contracting import award_contracts
from flows.runtime import io_task, session_scope
from models.call_rules import CallRules, Criterion, read_call_rules
from models.grading import weighted_score
from models.ledger import available_by_pool
from models.proposal import Review
from models.rows import Row, RowsRejected, read_all
from models.selection import (
    Allocation,
    Candidate,
    ScoredReview,
    allocate,
    average_by_proposal,
    normalise_per_reviewer,
    rank_candidates,
)
from models.status import ProposalStatus, Role, Stage
from store import calls, cycles, fund, proposals, users
from store.spreadsheets import read_rows


@dataclass(frozen=True)
class ReviewRow:
    """One reviewer's criterion scores for one proposal, by title."""

    reviewer: str
    title: str
    scores: dict[str, int]


@dataclass(frozen=True)
class RankedProposal:
    """A line of the published ranking."""

    rank: int
    title: str
    score: float
    amount_fen: int
    outcome: str


@dataclass(frozen=True)
class SelectionSummary:
    """The ranking and what it funded."""

    reviews: int = 0
    ranking: tuple[RankedProposal, ...] = ()
    funded: int = 0
    funded_fen: int = 0
    errors: tuple[str, ...] = ()


def _read_review(row: Row, *, titles: set[str], criteria: tuple[Criterion, ...]) -> ReviewRow:
    title = row.text("项目名称", max_length=200)
    if title not in titles:
        raise row.error("项目名称", f"不是资格审查通过的申报书：{title!r}")
    scores = {}
    for criterion in criteria:
        score = row.count(criterion.name)
        if score > 100:
            raise row.error(criterion.name, "得分应在 0–100 之间")
        scores[criterion.name] = score
    return ReviewRow(row.text("评审专家", max_length=100), title, scores)


@io_task
def read_reviews(call_id: int, path: str) -> list[ReviewRow]:
    """Read and validate the 初审 score sheet against the call's criteria."""
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        criteria = read_call_rules(call.rules).review_criteria
        titles = {
            p.title
            for p in proposals.list_proposals(session, call_id=call_id)
            if p.status != ProposalStatus.INELIGIBLE
        }
    required = ("评审专家", "项目名称", *(c.name for c in criteria))
    rows = read_rows(Path(path), required=required)
    return read_all(rows, lambda row: _read_review(row, titles=titles, criteria=criteria))


@io_task
def store_reviews(call_id: int, rows: list[ReviewRow]) -> list[ScoredReview]:
    """Store each review with its weighted score, and return them all for ranking."""
    now = datetime.now(UTC)
    with session_scope() as session:
        weights = {
            c.name: c.weight
            for c in read_call_rules(calls.get_call(session, call_id).rules).review_criteria
        }
        by_title = {p.title: p for p in proposals.list_proposals(session, call_id=call_id)}
        for row in rows:
            reviewer = users.add_user(session, name=row.reviewer, role=Role.EVALUATOR)
            proposals.set_review(
                session,
                Review(
                    proposal_id=by_title[row.title].id,
                    reviewer_id=reviewer.id,  # type: ignore[arg-type]
                    stage=Stage.PRELIMINARY,
                    scores=row.scores,
                    weighted_score=weighted_score(row.scores, weights),
                    submitted_at=now,
                ),
            )
        stored = proposals.list_reviews(session, call_id=call_id, stage=Stage.PRELIMINARY)
        scored = [ScoredReview(r.proposal_id, r.reviewer_id, r.weighted_score) for r in stored]
        normalised = normalise_per_reviewer(scored)
        for review in stored:
            review.normalised_score = normalised[(review.proposal_id, review.reviewer_id)]
            session.add(review)
        return scored


@io_task
def load_candidates(
    call_id: int, scored: list[ScoredReview]
) -> tuple[list[Candidate], dict[str | None, int]]:
    """Build the candidates from the averaged scores, and the fund's pools by domain key."""
    averages = average_by_proposal(normalise_per_reviewer(scored))
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=call.cycle_id)}
        the_fund = fund.get_fund(session, cycle_id=call.cycle_id)
        pools = available_by_pool(fund.list_movements(session, fund_id=the_fund.id))  # type: ignore[arg-type]
        candidates = [
            Candidate(p.id, keys[p.domain_id], p.requested_fen, p.submitted_at, averages[p.id])  # type: ignore[index, arg-type]
            for p in proposals.list_proposals(session, call_id=call_id)
            if p.id in averages
        ]
    return candidates, {(keys[k] if k is not None else None): v for k, v in pools.items()}


@flow(name="select_proposals", log_prints=True)
def select_proposals(
    call_id: int, reviews_path: str, decided_on: date, projects_start_on: date
) -> SelectionSummary:
    """Score, rank and fund the eligible proposals, then contract the funded ones."""
    try:
        rows = read_reviews(call_id, reviews_path)
    except RowsRejected as rejected:
        print(f"评分表被拒绝：{rejected}")
        return SelectionSummary(errors=tuple(str(e) for e in rejected.errors))
    scored = store_reviews(call_id, rows)
    candidates, pools = load_candidates(call_id, scored)
    rules = read_rules(call_id)
    outcomes: list[Allocation] = allocate(
        rank_candidates(candidates),
        pools=pools,
        cap_fen=rules.max_fen,
        min_score=rules.min_award_score,
    )
    ranking = award_contracts(call_id, outcomes, decided_on, projects_start_on)
    scores = {c.proposal_id: c.score for c in candidates}
    lines = tuple(
        RankedProposal(
            o.rank, ranking[o.proposal_id], scores[o.proposal_id], o.amount_fen, o.reason
        )
        for o in outcomes
    )
    funded = [o for o in outcomes if o.is_funded]
    print(f"初审评分 {len(rows)} 条；排名 {len(outcomes)} 份，立项 {len(funded)} 个")
    return SelectionSummary(len(rows), lines, len(funded), sum(o.amount_fen for o in funded))


@io_task
def read_rules(call_id: int) -> CallRules:
    """Read the call's rules."""
    with session_scope() as session:
        return read_call_rules(calls.get_call(session, call_id).rules)
