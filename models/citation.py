"""Need citations (引用需求编号): which residents' needs a proposal says it answers.

A proposal cites needs by id. Three rules, pure over values:
- a cited id that is not a need of the cycle is refused (`check_citations` lists it
  under `unknown`, and the doors name the row and the field 引用需求编号);
- a cited need of another domain or another community than the proposal's is a
  warning, not a refusal: staff decide, and the officer sees the warnings listed;
- a need of a group (merged duplicates) is read as its group's lead: the group's
  domain is the lead's, so citing any row of a group counts for the group.

`need_answers` turns the cycle's citations into what the needs reports print:
for each group of needs, the proposals that answer it, funded ones first, with
the project's title and what it does about it (its `how`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from models.demand import UNSORTED, DemandNeed

HOW_MAX = 80
_SENTENCE_END = re.compile(r"(?<=[。；！？!?;])")


@dataclass(frozen=True)
class CitationCheck:
    """What citing these needs means: ids the cycle does not have, and warnings in Chinese."""

    unknown: tuple[int, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class CitingProposal:
    """A proposal as the needs reports read it: what it cites and what it does."""

    proposal_id: int
    title: str
    domain_key: str
    community: str
    cited_need_ids: tuple[int, ...]
    funded: bool
    summary: str = ""


@dataclass(frozen=True)
class NeedAnswer:
    """One proposal answering one group of needs.

    `how` is the project's own words (the first sentence of its summary). `fits` is
    False when the proposal's domain or community differs from the group's.
    """

    proposal_id: int
    title: str
    how: str
    funded: bool
    fits: bool


def check_citations(
    *,
    domain_key: str,
    community: str,
    cited_need_ids: Sequence[int],
    needs: Mapping[int, DemandNeed],
    domain_names: Mapping[str, str] | None = None,
) -> CitationCheck:
    """Check a proposal's cited needs against the cycle's needs (keyed by need id).

    A need whose group has no domain yet (待人工确认) warns only for its community.
    """
    names = domain_names or {}
    unknown = tuple(sorted({i for i in cited_need_ids if i not in needs}))
    warnings = []
    for need_id in dict.fromkeys(cited_need_ids):
        need = needs.get(need_id)
        if need is None:
            continue
        need_domain = group_domain(need, needs)
        apart = []
        if need_domain != UNSORTED and need_domain != domain_key:
            apart.append(
                f"服务领域为「{names.get(need_domain, need_domain)}」，"
                f"本项目为「{names.get(domain_key, domain_key)}」"
            )
        if need.community != community:
            apart.append(f"属于{need.community}，本项目在{community}")
        if apart:
            warnings.append(f"引用的需求 #{need_id} " + "，".join(apart) + "，请核实是否回应该需求")
    return CitationCheck(unknown, tuple(warnings))


def unknown_need_message(unknown: Sequence[int]) -> str:
    """The refusal for cited ids the cycle does not have (the field is 引用需求编号)."""
    return f"引用的需求编号不存在于本周期：{'、'.join(str(i) for i in unknown)}"


def group_domain(need: DemandNeed, needs: Mapping[int, DemandNeed]) -> str:
    """The domain of the need's group: its lead's (UNSORTED while staff have not confirmed it)."""
    return needs.get(need.lead_id, need).domain_key


def citing_text(summary: str) -> str:
    """What a project does, in its own words: the first sentence of its summary, kept short."""
    text = " ".join(summary.split())
    first = next((part for part in _SENTENCE_END.split(text) if part.strip()), "")
    return first if len(first) <= HOW_MAX else first[: HOW_MAX - 1] + "…"


def need_answers(
    needs: Iterable[DemandNeed],
    proposals: Iterable[CitingProposal],
    *,
    funded_only: bool = True,
) -> dict[int, tuple[NeedAnswer, ...]]:
    """For each group of needs (by its lead's id), the proposals that answer it.

    A proposal answers a group when it cites any need of it. Funded proposals come
    first, then by proposal id; with `funded_only` (the default) only funded ones.
    Groups nobody answers are absent: the caller lists them as 尚无项目回应.
    """
    by_id = {n.need_id: n for n in needs}
    found: dict[int, dict[int, NeedAnswer]] = defaultdict(dict)
    for proposal in proposals:
        if funded_only and not proposal.funded:
            continue
        for need_id in proposal.cited_need_ids:
            need = by_id.get(need_id)
            if need is None:
                continue
            lead = by_id.get(need.lead_id, need)
            domain = group_domain(lead, by_id)
            fits = lead.community == proposal.community and domain in (
                UNSORTED,
                proposal.domain_key,
            )
            found[lead.need_id][proposal.proposal_id] = NeedAnswer(
                proposal.proposal_id,
                proposal.title,
                citing_text(proposal.summary),
                proposal.funded,
                fits,
            )
    return {
        lead: tuple(sorted(answers.values(), key=lambda a: (not a.funded, a.proposal_id)))
        for lead, answers in found.items()
    }
