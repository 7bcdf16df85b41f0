"""Contract terms of an award (资助协议): the tranche plan in exact fen, from the call's rules.

The call's 资助方式 gives the tranche percentages and their release
conditions; under 配套资助 the agency's own money is due in the same steps,
so each tranche carries the matching part that must be in place with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from models.call_rules import CallRules, TrancheShare
from models.proposal_rules import required_matching_fen


@dataclass(frozen=True)
class PlannedTranche:
    """One payment in the plan."""

    seq: int
    amount_fen: int
    condition: str


@dataclass(frozen=True)
class ContractTerms:
    """What the contract of one award binds both sides to."""

    award_fen: int
    funding_mode: str
    matching_percent: int
    matching_fen: int
    tranches: tuple[PlannedTranche, ...]
    matching_tranches: tuple[PlannedTranche, ...]
    personnel_share_max: int
    admin_share_max: int
    reporting: tuple[tuple[str, str], ...]


def plan_tranches(amount_fen: int, shares: Sequence[TrancheShare]) -> list[PlannedTranche]:
    """Split an award by the call's percentages; the last tranche takes the remainder."""
    planned = []
    left = amount_fen
    for seq, share in enumerate(shares, start=1):
        part = left if seq == len(shares) else amount_fen * share.percent // 100
        planned.append(PlannedTranche(seq, part, share.condition))
        left -= part
    return planned


def draft_terms(rules: CallRules, *, award_fen: int, matching_fen: int) -> ContractTerms:
    """Write the contract terms of an award from the call's rules."""
    # The agency owes at least what the call asks, or what it offered if that is more.
    owed = (
        max(matching_fen, required_matching_fen(award_fen, rules)) if rules.matching_percent else 0
    )
    return ContractTerms(
        award_fen=award_fen,
        funding_mode=rules.funding_mode,
        matching_percent=rules.matching_percent,
        matching_fen=owed,
        tranches=tuple(plan_tranches(award_fen, rules.tranches)),
        matching_tranches=tuple(plan_tranches(owed, rules.tranches)) if owed else (),
        personnel_share_max=rules.personnel_share_max,
        admin_share_max=rules.admin_share_max,
        reporting=rules.calendar,
    )


def contract_number(year: int, rank: int) -> str:
    """Number a contract: GY-2026-007."""
    return f"GY-{year}-{rank:03d}"


@dataclass(frozen=True)
class KpiTotal:
    """One KPI of a proposal over its whole run: the sum of its monthly targets."""

    indicator: str
    unit: str
    planned: int
    months: int


@dataclass(frozen=True)
class BudgetRow:
    """One budget line of a contract, with its share of the whole budget (0–100, one decimal)."""

    category: str
    amount_fen: int
    share: float


def total_kpis(
    targets: Iterable[tuple[str, int, int]], *, units: Mapping[str, str]
) -> tuple[KpiTotal, ...]:
    """Sum a proposal's monthly KPI targets (indicator, month, planned) per indicator.

    The indicators come in the order `units` lists them (the call's KPI list),
    then any other indicator in name order; each keeps the number of months it
    is planned in. An indicator planned at 0 in every month is still listed:
    the contract binds what the proposal wrote.
    """
    sums: dict[str, int] = {}
    months: dict[str, set[int]] = {}
    for indicator, month, planned in targets:
        sums[indicator] = sums.get(indicator, 0) + planned
        months.setdefault(indicator, set()).add(month)
    known = [name for name in units if name in sums]
    others = sorted(name for name in sums if name not in units)
    return tuple(
        KpiTotal(name, units.get(name, ""), sums[name], len(months[name]))
        for name in (*known, *others)
    )


def budget_rows(
    lines: Iterable[tuple[str, int]], *, categories: Sequence[str]
) -> tuple[BudgetRow, ...]:
    """Order a proposal's budget lines as the call lists its categories, with each one's share."""
    amounts: dict[str, int] = {}
    for category, amount_fen in lines:
        amounts[category] = amounts.get(category, 0) + amount_fen
    total = sum(amounts.values())
    order = [c for c in categories if c in amounts] + sorted(
        c for c in amounts if c not in categories
    )
    return tuple(
        BudgetRow(c, amounts[c], round(amounts[c] * 100 / total, 1) if total else 0.0)
        for c in order
    )


_UNSAFE_IN_NAME = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f\s]+")
MAX_TITLE_IN_NAME = 60


def file_safe(text: str, *, limit: int = MAX_TITLE_IN_NAME) -> str:
    """Make text usable in a file name on Windows, macOS and Linux: unsafe runs become 「_」."""
    safe = _UNSAFE_IN_NAME.sub("_", text).strip("._ ")
    return safe[:limit].rstrip("._ ") or "未命名"


def contract_file_name(contract_no: str, title: str, proposal_id: int) -> str:
    """Name a contract's PDF: GY-2026-001-社区长者助餐-07.pdf.

    The contract number and the project's title come first, for people; the
    proposal id comes last because the portal finds whose contract a file is by
    that id alone (services.documents), never by the title.
    """
    return f"{file_safe(contract_no, limit=40)}-{file_safe(title)}-{proposal_id:02d}.pdf"


def tranche_matching(terms: ContractTerms) -> dict[int, int]:
    """The agency's own money due with each tranche (empty under 全额资助)."""
    return {t.seq: t.amount_fen for t in terms.matching_tranches}


def mask_email(email: str) -> str:
    """Mask the mailbox of an e-mail address: zhang.san@x.org -> z*******@x.org."""
    name, at, domain = email.strip().partition("@")
    if not at:
        return name[:1] + "*" * max(len(name) - 1, 0)
    return f"{name[:1]}{'*' * max(len(name) - 1, 1)}@{domain}"
