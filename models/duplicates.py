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

from models.intake import normalise_text

SIMILAR = 0.45
# A member this similar to the need it joined all but repeats it: it is not indexed again.
ECHO = 0.8
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
    return _pairs_of(normalise_text(text))


def _pairs_of(normal: str) -> frozenset[str]:
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
    normal = {need.need_id: normalise_text(need.text) for need in needs}
    pairs = {text: _pairs_of(text) for text in set(normal.values())}
    weights = _idf([pairs[normal[n.need_id]] for n in needs], background)
    texts = {text: _Text(text, found, weights) for text, found in pairs.items()}
    index = _Index(weights, threshold, kept_apart)
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
            text = texts[normal[need.need_id]]
            merge = None if need.settled else index.match(need, text)
            index.add(need, text, merge)
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


class _Text:
    """One distinct normalised text: its pairs, their total weight, rarest first."""

    __slots__ = ("normal", "pairs", "rarest", "total")

    def __init__(self, normal: str, pairs: frozenset[str], weights: dict[str, float]) -> None:
        self.normal = normal
        self.pairs = pairs
        self.rarest = sorted(pairs, key=lambda pair: (-weights[pair], pair))
        self.total = sum(weights[pair] for pair in pairs)

    def prefix(self, weights: dict[str, float], share: float) -> list[str]:
        """Return the rarest pairs, enough that any text sharing `share` of this one's weight has one."""
        remaining, needed, prefix = self.total, share * self.total, []
        for pair in self.rarest:
            if remaining < needed:
                break
            prefix.append(pair)
            remaining -= weights[pair]
        return prefix


@dataclass(frozen=True)
class _Entry:
    need: NeedRef
    text: _Text
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
        self._exact: dict[str, list[int]] = defaultdict(list)

    def add(self, need: NeedRef, text: _Text, merge: Merge | None) -> None:
        """Index a need; a member that all but repeats an indexed need adds nothing to find."""
        position = len(self._entries)
        self._entries.append(_Entry(need, text, merge.lead_id if merge else need.need_id))
        seen = text.normal in self._exact
        self._exact[text.normal].append(position)
        if merge is None or (not seen and merge.similarity < ECHO):
            for pair in text.prefix(self._weights, self._share):
                self._postings[pair].append(position)

    def match(self, need: NeedRef, text: _Text) -> Merge | None:
        """Return the merge into the group of the most similar earlier need, if any."""
        weights = self._weights
        for position in self._exact.get(text.normal, ()):
            if self._may_join(need, self._entries[position]):
                return _merge(need, self._entries[position], 1.0)
        best: tuple[float, int] | None = None
        found = {p for pair in text.prefix(weights, self._share) for p in self._postings[pair]}
        for position in sorted(found):
            entry = self._entries[position]
            shared = sum(weights[pair] for pair in text.pairs & entry.text.pairs)
            similarity = 2 * shared / (text.total + entry.text.total)
            better = best is None or similarity > best[0]
            if similarity >= self._threshold and better and self._may_join(need, entry):
                best = (similarity, position)
        return None if best is None else _merge(need, self._entries[best[1]], best[0])

    def _may_join(self, need: NeedRef, entry: _Entry) -> bool:
        return (
            frozenset((need.need_id, entry.need.need_id)) not in self._apart
            and frozenset((need.need_id, entry.lead_id)) not in self._apart
        )


def _merge(need: NeedRef, like: _Entry, similarity: float) -> Merge:
    if similarity >= 1.0:
        return Merge(need.need_id, like.lead_id, like.need.need_id, 1.0, ())
    return Merge(
        need.need_id,
        like.lead_id,
        like.need.need_id,
        round(similarity, 2),
        _shared_runs(normalise_text(need.text), like.text.pairs),
    )


def _shared_runs(text: str, pairs: frozenset[str]) -> tuple[str, ...]:
    """Return the stretches of `text` made of pairs the other need has too, longest first."""
    runs, start = [], None
    for i in range(len(text) - 1):
        if text[i : i + 2] in pairs:
            start = i if start is None else start
            continue
        if start is not None:
            runs.append(text[start : i + 1])
            start = None
    if start is not None:
        runs.append(text[start:])
    return tuple(sorted(dict.fromkeys(runs), key=lambda run: -len(run)))
