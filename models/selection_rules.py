"""The call's selection settings (from its 项目评估 standard), with safe defaults.

Read from the rules file's `[evaluation]` table: how many reviewers sit on
each panel, whether 初审 is blind, whether the notice names the panel, the
objection window in working days and the holidays it skips, the score a
proposal needs to pass 初审, and the domain ceilings and minimums.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.money import FEN_PER_YUAN
from models.selection import Quotas

SELECTION_KEYS = (
    "reviewers_per_proposal",
    "blind_preliminary",
    "publish_panel",
    "objection_days",
    "holidays",
    "preliminary_pass_score",
    "domain_max_yuan",
    "domain_min_projects",
)


class SelectionRulesError(ValueError):
    """A selection setting with a wrong value."""


@dataclass(frozen=True)
class SelectionRules:
    """How one call runs its layered selection."""

    reviewers_per_proposal: int = 3
    blind_preliminary: bool = True
    publish_panel: bool = True
    objection_days: int = 5
    holidays: tuple[date, ...] = ()
    preliminary_pass_score: float = 60.0
    quotas: Quotas = field(default_factory=Quotas)


def read_selection_rules(raw: Mapping[str, Any]) -> SelectionRules:
    """Read the selection settings from a parsed rules file."""
    section = raw.get("evaluation", {})
    try:
        return SelectionRules(
            reviewers_per_proposal=int(section.get("reviewers_per_proposal", 3)),
            blind_preliminary=bool(section.get("blind_preliminary", True)),
            publish_panel=bool(section.get("publish_panel", True)),
            objection_days=int(section.get("objection_days", 5)),
            holidays=tuple(date.fromisoformat(str(d)) for d in section.get("holidays", [])),
            preliminary_pass_score=float(section.get("preliminary_pass_score", 60)),
            quotas=Quotas(
                max_fen={
                    k: int(v) * FEN_PER_YUAN for k, v in section.get("domain_max_yuan", {}).items()
                },
                min_projects={k: int(v) for k, v in section.get("domain_min_projects", {}).items()},
            ),
        )
    except (TypeError, ValueError) as exc:
        raise SelectionRulesError(f"申报指南 [evaluation] 的遴选设置有误：{exc}") from None
