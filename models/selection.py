"""Selection rules: reviewer normalisation, a reproducible ranking, and allocation.

Reviewers score on different scales (one is harsh, one lenient), so each
reviewer's weighted scores are turned into z-scores and mapped back to a
0–100 scale (mean 75, sd 10) before averaging. Ties break on the smaller
request, then the earlier submission, then the id, so the same inputs always
give the same ranking. Allocation walks the ranking and funds each proposal
in full while the fund (including money restricted to a domain) and the
per-project cap allow; a proposal that does not fit is skipped and smaller
ones below it may still be funded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean, pstdev

NORMAL_MEAN = 75.0
NORMAL_SD = 10.0


@dataclass(frozen=True)
class ScoredReview:
    """One reviewer's weighted score for one proposal."""

    proposal_id: int
    reviewer_id: int
    weighted_score: float


@dataclass(frozen=True)
class Candidate:
    """What ranking and allocation need of a proposal."""

    proposal_id: int
    domain_key: str
    requested_fen: int
    submitted_at: datetime
    score: float


@dataclass(frozen=True)
class Allocation:
    """The outcome for one candidate: funded or not, and why."""

    proposal_id: int
    rank: int
    amount_fen: int
    reason: str

    @property
    def is_funded(self) -> bool:
        """Tell whether the candidate gets money."""
        return self.amount_fen > 0


def normalise_per_reviewer(reviews: Iterable[ScoredReview]) -> dict[tuple[int, int], float]:
    """Map each (proposal, reviewer) score onto a common scale per reviewer."""
    by_reviewer: dict[int, list[ScoredReview]] = defaultdict(list)
    for review in reviews:
        by_reviewer[review.reviewer_id].append(review)
    normalised: dict[tuple[int, int], float] = {}
    for reviewer_id, own in by_reviewer.items():
        mean = fmean(r.weighted_score for r in own)
        spread = pstdev([r.weighted_score for r in own]) if len(own) > 1 else 0.0
        for review in own:
            z = (review.weighted_score - mean) / spread if spread else 0.0
            normalised[(review.proposal_id, reviewer_id)] = round(NORMAL_MEAN + NORMAL_SD * z, 4)
    return normalised


def average_by_proposal(normalised: Mapping[tuple[int, int], float]) -> dict[int, float]:
    """Average the normalised scores of each proposal over its reviewers."""
    grouped: dict[int, list[float]] = defaultdict(list)
    for (proposal_id, _), score in normalised.items():
        grouped[proposal_id].append(score)
    return {pid: round(fmean(scores), 2) for pid, scores in grouped.items()}


def rank_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Order candidates best first, with a deterministic tie-break."""
    return sorted(
        candidates,
        key=lambda c: (-c.score, c.requested_fen, c.submitted_at, c.proposal_id),
    )


def allocate(
    ranked: Iterable[Candidate],
    *,
    pools: Mapping[str | None, int],
    cap_fen: int,
    min_score: float = 0.0,
) -> list[Allocation]:
    """Fund ranked candidates in full while the fund's pools and the cap allow.

    `pools` maps a domain key to money restricted to it, and None to the
    unrestricted money; a candidate draws on its domain's pool first.
    """
    left = dict(pools)
    left.setdefault(None, 0)
    outcomes = []
    for rank, candidate in enumerate(ranked, start=1):
        reason = _refusal(candidate, left, cap_fen, min_score)
        if reason:
            outcomes.append(Allocation(candidate.proposal_id, rank, 0, reason))
            continue
        from_restricted = min(left.get(candidate.domain_key, 0), candidate.requested_fen)
        if from_restricted:
            left[candidate.domain_key] -= from_restricted
        left[None] -= candidate.requested_fen - from_restricted
        outcomes.append(Allocation(candidate.proposal_id, rank, candidate.requested_fen, "立项"))
    return outcomes


def _refusal(
    candidate: Candidate, left: Mapping[str | None, int], cap_fen: int, min_score: float
) -> str:
    if candidate.score < min_score:
        return f"得分 {candidate.score:.2f} 低于立项线 {min_score:.0f}"
    if candidate.requested_fen > cap_fen:
        return "申请金额超过单项资助上限"
    if candidate.requested_fen > left.get(candidate.domain_key, 0) + left[None]:
        return "基金余额不足以全额资助"
    return ""
