"""A proposal (项目申报书), its budget, KPIs and screening, and the reviews (评审) it receives.

A proposal goes draft → submitted (before the call's deadline) → withdrawn,
or on from submitted through screening and selection. Its budget lines,
monthly KPI targets and schedule are what the call's rules validate; the
screening keeps one pass/fail line per rule, and a staff override keeps
who overrode it and why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import JSON_VALUE, STATUS
from models.status import ProposalStatus, Stage


class Proposal(SQLModel, table=True):
    """An agency's bid under one call."""

    __table_args__ = (UniqueConstraint("call_id", "agency_id", "title"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    domain_id: int = Field(foreign_key="domain.id", index=True)
    community_id: int = Field(foreign_key="community.id")
    title: str = Field(max_length=200)
    requested_fen: int
    planned_people: int
    months: int
    summary: str = Field(default="", max_length=2000)
    target_groups: list[str] = Field(default_factory=list, sa_type=JSON_VALUE)
    cited_need_ids: list[int] = Field(default_factory=list, sa_type=JSON_VALUE)
    # Cited needs of another domain or community than the proposal's, as warned when it
    # was received (models.citation): shown to the officer, never a refusal.
    citation_warnings: list[str] = Field(default_factory=list, sa_type=JSON_VALUE)
    matching_fen: int = 0
    schedule: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON_VALUE)
    submitted_at: datetime | None = None
    status: str = Field(default=ProposalStatus.DRAFT, sa_type=STATUS)
    stage: str = Field(default=Stage.ELIGIBILITY, sa_type=STATUS)
    screening_note: str = Field(default="", max_length=1000)
    override_by: str = Field(default="", max_length=100)
    override_reason: str = Field(default="", max_length=500)
    content_key: str = Field(default="", max_length=64)


class BudgetLine(SQLModel, table=True):
    """One budget category of a proposal, in fen; the call names the allowed categories."""

    __table_args__ = (UniqueConstraint("proposal_id", "category"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    category: str = Field(max_length=20)
    amount_fen: int


KPI_UNITS = {"服务人次": "人次", "活动场次": "场", "受益人数": "人", "志愿服务时长": "小时"}
"""The indicators a proposal plans by month, with their units."""


class KpiTarget(SQLModel, table=True):
    """A planned output for one month of the project (1 = its first month).

    Indicators: 服务人次, 活动场次, 受益人数, 志愿服务时长.
    """

    __table_args__ = (UniqueConstraint("proposal_id", "month", "indicator"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    month: int
    indicator: str = Field(max_length=20)
    planned: int


class ProposalAttachment(SQLModel, table=True):
    """A file an agency attached to its proposal (附件): kept under output storage by its digest.

    `storage_key` is the path under the attachments folder; the bytes are never in the database.
    """

    __table_args__ = (UniqueConstraint("proposal_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(default="", max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=300)
    uploaded_at: datetime
    uploaded_by: str = Field(default="", max_length=100)


class ScreeningCheck(SQLModel, table=True):
    """One rule of the eligibility screening (资格审查) for one proposal: passed or not, and why."""

    __table_args__ = (UniqueConstraint("proposal_id", "rule"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    rule: str = Field(max_length=40)
    label: str = Field(max_length=40)
    passed: bool
    reason: str = Field(default="", max_length=500)
    checked_at: datetime


class Review(SQLModel, table=True):
    """One evaluator's weighted scores for one proposal in one selection stage."""

    __table_args__ = (UniqueConstraint("proposal_id", "stage", "reviewer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    reviewer_id: int = Field(foreign_key="user.id", index=True)
    stage: str = Field(default=Stage.PRELIMINARY, sa_type=STATUS)
    scores: dict[str, int] = Field(default_factory=dict, sa_type=JSON_VALUE)
    weighted_score: float
    normalised_score: float | None = None
    submitted_at: datetime
