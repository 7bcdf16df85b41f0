"""Contexts of the documents a director signs and files: 资助协议, 申报指南, 立项公示, 遴选汇总.

Plain frozen dataclasses, as in `reports.contexts`. The contract's context is
built whole here; the call, the notice and the summary keep the context of
`reports.contexts` as `base` and add what a filed document must carry — the
issuing office's identity for the 落款, the ways to apply or to object — so a
template reads `ctx.header` or `ctx.rows` as before and `ctx.office` besides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models.call_rules import ContractClauses
from models.contract import BudgetRow, KpiTotal
from models.cycle import OfficeIdentity
from reports.contexts import DocumentHeader


@dataclass(frozen=True)
class ContractTranche:
    """One payment of the contract's plan, with the agency's own money due with it."""

    seq: int
    percent: int
    amount_fen: int
    condition: str
    matching_fen: int


@dataclass(frozen=True)
class ContractDocument:
    """资助协议 between the issuing office (甲方) and one agency (乙方)."""

    header: DocumentHeader
    contract_no: str
    call_title: str
    agency_name: str
    credit_code: str
    project_title: str
    domain_name: str
    community_name: str
    amount_fen: int
    funding_mode: str  # "full" (全额资助) or "matching" (配套资助)
    matching_fen: int
    starts_on: date
    ends_on: date
    kpis: tuple[KpiTotal, ...]
    budget: tuple[BudgetRow, ...]
    budget_total_fen: int
    tranches: tuple[ContractTranche, ...]
    office: OfficeIdentity  # 甲方
    clauses: ContractClauses
    leader: str  # 乙方's project lead, as printed (masked when a person)
    leader_phone: str  # masked
    leader_email: str  # masked


class _Delegating:
    """Read any field this document does not have from its `base` context."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "base":
            raise AttributeError(name)
        return getattr(self.base, name)  # type: ignore[attr-defined]
