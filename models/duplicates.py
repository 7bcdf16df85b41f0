"""Duplicate needs: residents in one community saying the same thing in their own words.

Each need is reduced to the character pairs (bigrams) of its text, after
punctuation, spaces and filler words (希望, 社区, 能不能 …) are dropped. Pairs
that few needs use weigh more (inverse document frequency), so "四点半课堂"
counts for more than "开展活动". Two needs are duplicates when the weighted
Dice similarity of their pairs reaches `SIMILAR`.

Grouping follows a leader rule, so every merge can be explained by one
comparison: needs are taken earliest first; a need joins the group of the
most similar earlier lead in its community, or leads a new group. A lead
from an earlier run (`settled`) never joins another group, and a pair staff
split apart is never merged again. Leads are found through an index of each
lead's rarest pairs (prefix filtering), which is exact for this similarity
and never compares every pair of needs.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from models.intake import normalise_text

SIMILAR = 0.45
# Only words that never carry the need itself; single characters such as 就 or 会
# are left in, because dropping them would break 就业 or 社会.
FILLER = (
    "可不可以",
    "能不能",
    "能否",
    "可以",
    "希望",
    "建议",
    "我们",
    "一个",
    "一下",
    "问题",
    "解决",
    "开设",
    "开个",
    "开展",
    "组织",
    "提供",
    "有人",
    "帮忙",
    "尽快",
    "非常",
    "特别",
    "比较",
    "需要",
    "的",
    "吗",
    "呢",
    "吧",
    "啊",
)
_FILLER = re.compile("|".join(re.escape(word) for word in FILLER))


@dataclass(frozen=True)
class NeedRef:
    """What grouping needs of a stored need that is not yet in a group."""

    need_id: int
    community_id: int
    text: str
    submitted_on: date
    settled: bool = False


@dataclass(frozen=True)
class Merge:
    """One need that says the same as an earlier need (`like_id`), the group it joins, and why."""

    need_id: int
    lead_id: int
    like_id: int
    similarity: float
    shared: tuple[str, ...]

    @property
    def reason(self) -> str:
        """Explain the merge in one line a clerk can check."""
        via = "" if self.like_id == self.lead_id else f"（#{self.like_id} 已并入 #{self.lead_id}）"
        if self.similarity >= 1.0:
            return f"与 #{self.like_id} 同一社区，文字相同（忽略标点空格）{via}"
        words = "、".join(f"「{part}」" for part in self.shared[:3])
        return f"与 #{self.like_id} 同一社区，相似度 {self.similarity:.2f}，都说到{words}{via}"


def content_pairs(text: str) -> frozenset[str]:
    """Return the character pairs of a need's text once punctuation and filler are dropped."""
    normal = normalise_text(text)
    pieces = [piece for piece in _FILLER.split(normal) if piece] or [normal]
    pairs = {piece[i : i + 2] for piece in pieces for i in range(len(piece) - 1)}
    return frozenset(pairs or {piece for piece in pieces if piece})


def group_duplicates(
    needs: Sequence[NeedRef],
    *,
    kept_apart: Iterable[tuple[int, int]] = (),
    background: Iterable[str] = (),
    threshold: float = SIMILAR,
) -> list[Merge]:
    """Find the needs that repeat an earlier need of their community; return one merge each."""
    pairs = {need.need_id: content_pairs(need.text) for need in needs}
    index = _Index(_idf(pairs.values(), background), threshold, kept_apart)
    by_community: dict[int, list[NeedRef]] = defaultdict(list)
    for need in needs:
        by_community[need.community_id].append(need)
    merges: list[Merge] = []
    for community in sorted(by_community):
        index.clear()
        ordered = sorted(
            by_community[community], key=lambda n: (n.settled is False, n.submitted_on, n.need_id)
        )
        for need in ordered:
            merge = None if need.settled else index.match(need, pairs[need.need_id])
            index.add(need, pairs[need.need_id], lead_id=merge.lead_id if merge else need.need_id)
            if merge is not None:
                merges.append(merge)
    return sorted(merges, key=lambda m: m.need_id)


def group_weights(lead_ids: Iterable[int], merges: Iterable[Merge]) -> dict[int, int]:
    """Count the residents behind each lead: itself and every need merged into it."""
    weights = dict.fromkeys(lead_ids, 1)
    for merge in merges:
        weights[merge.lead_id] = weights.get(merge.lead_id, 1) + 1
    return weights


def _idf(documents: Iterable[frozenset[str]], background: Iterable[str]) -> dict[str, float]:
    counts: Counter[str] = Counter()
    total = 0
    for pairs in [*documents, *(content_pairs(text) for text in background)]:
        counts.update(pairs)
        total += 1
    return {pair: math.log((total + 1) / (count + 1)) + 1.0 for pair, count in counts.items()}


@dataclass(frozen=True)
class _Entry:
    need: NeedRef
    pairs: frozenset[str]
    total: float
    lead_id: int


class _Index:
    """The needs of one community seen so far, findable by their rarest pairs."""

    def __init__(
        self, weights: dict[str, float], threshold: float, kept_apart: Iterable[tuple[int, int]]
    ) -> None:
        self._weights = weights
        self._threshold = threshold
        # Dice >= t needs a shared weight of at least t / (2 - t) of either side's total.
        self._share = threshold / (2 - threshold)
        self._apart = {frozenset(pair) for pair in kept_apart}
        self.clear()

    def clear(self) -> None:
        self._entries: list[_Entry] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._exact: dict[str, int] = {}

    def add(self, need: NeedRef, pairs: frozenset[str], *, lead_id: int) -> None:
        position = len(self._entries)
        self._entries.append(_Entry(need, pairs, self._total(pairs), lead_id))
        self._exact.setdefault(normalise_text(need.text), position)
        for pair in self._prefix(pairs):
            self._postings[pair].append(position)

    def match(self, need: NeedRef, pairs: frozenset[str]) -> Merge | None:
        """Return the merge into the group of the most similar earlier need, if any."""
        exact = self._exact.get(normalise_text(need.text))
        if exact is not None and self._may_join(need, self._entries[exact]):
            return _merge(need, self._entries[exact], 1.0)
        total = self._total(pairs)
        best: tuple[float, int] | None = None
        for position in sorted({p for pair in self._prefix(pairs) for p in self._postings[pair]}):
            entry = self._entries[position]
            shared = sum(self._weights[pair] for pair in pairs & entry.pairs)
            similarity = 2 * shared / (total + entry.total)
            better = best is None or similarity > best[0]
            if similarity >= self._threshold and better and self._may_join(need, entry):
                best = (similarity, position)
        return None if best is None else _merge(need, self._entries[best[1]], best[0])

    def _may_join(self, need: NeedRef, entry: _Entry) -> bool:
        return (
            frozenset((need.need_id, entry.need.need_id)) not in self._apart
            and frozenset((need.need_id, entry.lead_id)) not in self._apart
        )

    def _total(self, pairs: frozenset[str]) -> float:
        return sum(self._weights[pair] for pair in pairs)

    def _prefix(self, pairs: frozenset[str]) -> list[str]:
        """Return the rarest pairs, enough that any similar need must share one of them."""
        ordered = sorted(pairs, key=lambda pair: (-self._weights[pair], pair))
        remaining = self._total(pairs)
        needed = self._share * remaining
        prefix = []
        for pair in ordered:
            if remaining < needed:
                break
            prefix.append(pair)
            remaining -= self._weights[pair]
        return prefix


def _merge(need: NeedRef, like: _Entry, similarity: float) -> Merge:
    if similarity >= 1.0:
        return Merge(need.need_id, like.lead_id, like.need.need_id, 1.0, ())
    a, b = normalise_text(need.text), normalise_text(like.need.text)
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    shared = tuple(
        a[m.a : m.a + m.size] for m in sorted(blocks, key=lambda m: -m.size) if m.size >= 2
    )
    return Merge(need.need_id, like.lead_id, like.need.need_id, round(similarity, 2), shared)
