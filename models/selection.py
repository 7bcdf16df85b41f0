"""Selection rules: reviewer normalisation, a reproducible ranking, and allocation.

Reviewers score on different scales (one is harsh, one lenient), so each
reviewer's weighted scores are turned into z-scores and mapped back to a
0–100 scale (mean 75, sd 10) before averaging. Ties break on the smaller
request, then the earlier submission, then the id, so the same inputs always
give the same ranking. The published lines — the 初审 pass line and the
minimum award score — are read on the scale the call publishes: the
weighted raw mean over the panel, out of 100. Normalisation orders the
ranking; it never moves a proposal across a published line.
Allocation is best score first with quota repair:
the committee's forced inclusions, then each domain's minimum, then the
ranking, each proposal funded in full while the fund (including money
restricted to a domain), the per-project cap and the domain ceilings allow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
    raw_score: float | None = None
    """The weighted raw mean (the published scale); `score` is used when it is not given."""

    @property
    def line_score(self) -> float:
        """The score compared with a published line: the raw mean when known."""
        return self.score if self.raw_score is None else self.raw_score


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


def raw_mean_by_proposal(reviews: Iterable[ScoredReview]) -> dict[int, float]:
    """Average each proposal's weighted raw scores over its reviewers (the published scale)."""
    grouped: dict[int, list[float]] = defaultdict(list)
    for review in reviews:
        grouped[review.proposal_id].append(review.weighted_score)
    return {pid: round(fmean(scores), 2) for pid, scores in grouped.items()}


def passes_line(raw_mean: float, line: float) -> bool:
    """Tell whether a weighted raw mean reaches a published line (pass line, award line)."""
    return raw_mean >= line


@dataclass(frozen=True)
class StageScore:
    """A proposal's scores in a stage: the published raw mean and the normalised average."""

    raw_mean: float
    normalised: float
    reviews: int


def score_stage(reviews: Iterable[ScoredReview]) -> dict[int, StageScore]:
    """Give each proposal its raw mean and its normalised average in one stage."""
    given = list(reviews)
    raw = raw_mean_by_proposal(given)
    normalised = average_by_proposal(normalise_per_reviewer(given))
    counts: dict[int, int] = defaultdict(int)
    for review in given:
        counts[review.proposal_id] += 1
    return {pid: StageScore(raw[pid], normalised[pid], counts[pid]) for pid in raw}


@dataclass(frozen=True)
class PreliminaryResult:
    """Whether a proposal passes 初审, and the note that says why not."""

    passed: bool
    note: str


def judge_preliminary(
    score: StageScore, *, pass_line: float, bonus: float = 0.0, bonus_reason: str = ""
) -> PreliminaryResult:
    """Pass 初审 when the raw mean plus any track-record bonus reaches the published pass line."""
    total = round(score.raw_mean + bonus, 2)
    if passes_line(total, pass_line):
        return PreliminaryResult(True, bonus_reason)
    note = (
        f"初审得分（加权原始均分）{total:.2f} 低于通过线 {pass_line:g}"
        f"（标准化得分 {score.normalised:.2f}）"
    )
    return PreliminaryResult(False, note + (f"（含{bonus_reason}）" if bonus_reason else ""))


def rank_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Order candidates best first, with a deterministic tie-break."""
    return sorted(
        candidates,
        key=lambda c: (-c.score, c.requested_fen, c.submitted_at, c.proposal_id),
    )


@dataclass(frozen=True)
class Quotas:
    """Domain limits on an allocation: most money per domain, fewest projects per domain."""

    max_fen: Mapping[str, int] = field(default_factory=dict)
    min_projects: Mapping[str, int] = field(default_factory=dict)


class AllocationError(ValueError):
    """A forced decision that would break the fund, a cap or a quota."""


@dataclass
class _Ledger:
    pools: dict[str | None, int]
    by_domain: dict[str, int]
    cap_fen: int
    quotas: Quotas

    def refusal(self, candidate: Candidate) -> str:
        if candidate.requested_fen > self.cap_fen:
            return "申请金额超过单项资助上限"
        if candidate.requested_fen > self.pools.get(candidate.domain_key, 0) + self.pools[None]:
            return "基金余额不足以全额资助"
        ceiling = self.quotas.max_fen.get(candidate.domain_key)
        if (
            ceiling is not None
            and self.by_domain.get(candidate.domain_key, 0) + candidate.requested_fen > ceiling
        ):
            return "超出该领域资助额度"
        return ""

    def take(self, candidate: Candidate) -> None:
        from_restricted = min(self.pools.get(candidate.domain_key, 0), candidate.requested_fen)
        if from_restricted:
            self.pools[candidate.domain_key] -= from_restricted
        self.pools[None] -= candidate.requested_fen - from_restricted
        self.by_domain[candidate.domain_key] = (
            self.by_domain.get(candidate.domain_key, 0) + candidate.requested_fen
        )


def allocate(
    ranked: Iterable[Candidate],
    *,
    pools: Mapping[str | None, int],
    cap_fen: int,
    min_score: float = 0.0,
    quotas: Quotas | None = None,
    include: Iterable[int] = (),
    exclude: Iterable[int] = (),
) -> list[Allocation]:
    """Fund candidates best first within the fund's pools, the cap and the domain quotas.

    Order of funding: the committee's forced inclusions, then each domain's
    minimum number of projects (its best candidates), then everyone else by
    rank. A candidate is funded in full or not at all; one that does not fit
    is skipped and smaller ones below it may still be funded.
    """
    order = list(ranked)
    book = _Ledger({None: 0, **dict(pools)}, {}, cap_fen, quotas or Quotas())
    excluded, forced = set(exclude), set(include)
    funded: dict[int, str] = {}
    for candidate in order:
        if candidate.proposal_id in forced:
            reason = book.refusal(candidate)
            if reason:
                raise AllocationError(
                    f"评审委员会要求资助的申报书 #{candidate.proposal_id} 无法资助：{reason}"
                )
            book.take(candidate)
            funded[candidate.proposal_id] = "评审委员会决定资助"
    for domain, minimum in sorted(book.quotas.min_projects.items()):
        have = sum(1 for c in order if c.proposal_id in funded and c.domain_key == domain)
        for candidate in order:
            if have >= minimum:
                break
            pid = candidate.proposal_id
            if candidate.domain_key != domain or pid in funded or pid in excluded:
                continue
            if passes_line(candidate.line_score, min_score) and not book.refusal(candidate):
                book.take(candidate)
                funded[pid] = "立项（领域保底）"
                have += 1
    outcomes = []
    for rank, candidate in enumerate(order, start=1):
        pid = candidate.proposal_id
        if pid in funded:
            outcomes.append(Allocation(pid, rank, candidate.requested_fen, funded[pid]))
            continue
        reason = _refusal(candidate, book, min_score, excluded)
        if not reason:
            book.take(candidate)
        outcomes.append(
            Allocation(pid, rank, 0 if reason else candidate.requested_fen, reason or "立项")
        )
    return outcomes


def _refusal(candidate: Candidate, book: _Ledger, min_score: float, excluded: set[int]) -> str:
    if candidate.proposal_id in excluded:
        return "评审委员会决定不予资助"
    if not passes_line(candidate.line_score, min_score):
        return f"得分（加权原始均分）{candidate.line_score:.2f} 低于立项线 {min_score:g}"
    return book.refusal(candidate)


@dataclass(frozen=True)
class Change:
    """How one candidate's outcome differs between two allocations."""

    proposal_id: int
    before_fen: int
    after_fen: int


def compare_allocations(before: Iterable[Allocation], after: Iterable[Allocation]) -> list[Change]:
    """List the candidates whose funding differs, for a what-if run."""
    old = {a.proposal_id: a.amount_fen for a in before}
    new = {a.proposal_id: a.amount_fen for a in after}
    return [
        Change(pid, old.get(pid, 0), new.get(pid, 0))
        for pid in sorted(set(old) | set(new))
        if old.get(pid, 0) != new.get(pid, 0)
    ]
