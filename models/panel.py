"""Reviewer panels (评审专家组): who reviews which proposal in a stage.

Each proposal gets `k` reviewers. A reviewer never sits on a proposal of an
agency they are conflicted with — a declared affiliation, past employment,
a tie to a donor linked to the agency, or being staff of the agency — nor on
one they abstained from. The load is balanced: proposals with the fewest
possible reviewers are staffed first, each taking the least-loaded eligible
reviewers (ties by reviewer id), so the same inputs give the same panels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import STATUS
from models.status import Role, Transitions


class ConflictKind(StrEnum):
    AFFILIATION = "affiliation"
    PAST_EMPLOYMENT = "past_employment"
    DONOR_TIE = "donor_tie"
    STAFF = "staff"


CONFLICT_LABELS = {
    ConflictKind.AFFILIATION: "申报的关联关系",
    ConflictKind.PAST_EMPLOYMENT: "曾在该机构任职",
    ConflictKind.DONOR_TIE: "与资助该机构的捐赠方有关联",
    ConflictKind.STAFF: "系该机构工作人员",
}


class AssignmentStatus(StrEnum):
    ASSIGNED = "assigned"
    SCORED = "scored"
    ABSTAINED = "abstained"


ASSIGNMENT_TRANSITIONS: Transitions = {
    (AssignmentStatus.ASSIGNED, AssignmentStatus.SCORED): frozenset({Role.EVALUATOR, Role.SYSTEM}),
    (AssignmentStatus.ASSIGNED, AssignmentStatus.ABSTAINED): frozenset(
        {Role.EVALUATOR, Role.STAFF, Role.SYSTEM}
    ),
}


class ConflictOfInterest(SQLModel, table=True):
    """A reviewer's declared tie to an agency (利益冲突申报)."""

    __table_args__ = (UniqueConstraint("reviewer_id", "agency_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    reviewer_id: int = Field(foreign_key="user.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    kind: str = Field(sa_type=STATUS)
    note: str = Field(default="", max_length=200)


class ReviewAssignment(SQLModel, table=True):
    """One reviewer's seat on one proposal's panel in one stage."""

    __table_args__ = (UniqueConstraint("proposal_id", "stage", "reviewer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    stage: str = Field(sa_type=STATUS)
    reviewer_id: int = Field(foreign_key="user.id", index=True)
    status: str = Field(default=AssignmentStatus.ASSIGNED, sa_type=STATUS)
    assigned_at: datetime
    note: str = Field(default="", max_length=200)


@dataclass(frozen=True)
class Seatable:
    """What panel assignment needs of a proposal."""

    proposal_id: int
    agency_id: int
    title: str


class PanelError(ValueError):
    """Panels that cannot be staffed; says which proposal and why."""


def eligible_reviewers(
    proposal: Seatable,
    *,
    reviewers: Iterable[int],
    conflicts: Mapping[tuple[int, int], str],
    abstentions: Iterable[tuple[int, int]] = (),
) -> list[int]:
    """List the reviewers who may sit on a proposal's panel."""
    abstained = set(abstentions)
    return [
        r
        for r in reviewers
        if (r, proposal.agency_id) not in conflicts and (r, proposal.proposal_id) not in abstained
    ]


def assign_panels(
    proposals: Iterable[Seatable],
    *,
    reviewers: Iterable[int],
    k: int,
    conflicts: Mapping[tuple[int, int], str],
    abstentions: Iterable[tuple[int, int]] = (),
) -> dict[int, tuple[int, ...]]:
    """Give every proposal k conflict-free reviewers with balanced loads, or raise PanelError."""
    pool = sorted(set(reviewers))
    options = {
        p.proposal_id: eligible_reviewers(
            p, reviewers=pool, conflicts=conflicts, abstentions=abstentions
        )
        for p in proposals
    }
    titles = {p.proposal_id: p.title for p in proposals}
    short = [pid for pid, names in options.items() if len(names) < k]
    if short:
        raise PanelError(
            "；".join(
                f"「{titles[pid]}」只有 {len(options[pid])} 位无利益冲突的评审专家，至少需要 {k} 位"
                for pid in sorted(short)
            )
        )
    load = dict.fromkeys(pool, 0)
    panels: dict[int, tuple[int, ...]] = {}
    for pid in sorted(options, key=lambda p: (len(options[p]), p)):
        chosen = sorted(options[pid], key=lambda r: (load[r], r))[:k]
        for reviewer in chosen:
            load[reviewer] += 1
        panels[pid] = tuple(sorted(chosen))
    return dict(sorted(panels.items()))
