"""Statuses of the cycle's things, and the one rule that moves them.

Each status is a `StrEnum`. The allowed transitions, and which roles may make
each one, are data (`*_TRANSITIONS` tables). `apply_transition` is the only
way to change a status, so every refusal reads the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    STAFF = "staff"
    AGENCY = "agency"
    EVALUATOR = "evaluator"
    RESIDENT = "resident"
    DONOR = "donor"
    SYSTEM = "system"
    # Manages portal accounts and reads the audit log; makes no transition of the cycle.
    ADMIN = "admin"


ROLE_LABELS = {
    Role.STAFF: "街道工作人员",
    Role.AGENCY: "社会组织",
    Role.EVALUATOR: "评估专家",
    Role.RESIDENT: "居民/网格员",
    Role.DONOR: "捐赠方",
    Role.SYSTEM: "系统",
    Role.ADMIN: "管理员",
}


class CycleStatus(StrEnum):
    DRAFT = "draft"
    COLLECTING = "collecting"
    CALL_OPEN = "call_open"
    SELECTING = "selecting"
    RUNNING = "running"
    CLOSED = "closed"


class NeedStatus(StrEnum):
    NEW = "new"
    CLASSIFIED = "classified"
    IN_REVIEW = "in_review"
    CONFIRMED = "confirmed"
    MERGED = "merged"


class CallStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    SHORTLISTED = "shortlisted"
    APPROVED = "approved"
    PUBLICISED = "publicised"
    CONTRACTED = "contracted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Stage(StrEnum):
    """One layer of selection (评审环节), in order."""

    ELIGIBILITY = "eligibility"
    PRELIMINARY = "preliminary"
    DEFENCE = "defence"
    FINAL = "final"
    PUBLICITY = "publicity"


STAGE_LABELS = {
    Stage.ELIGIBILITY: "资格审查",
    Stage.PRELIMINARY: "初审",
    Stage.DEFENCE: "路演答辩",
    Stage.FINAL: "终审",
    Stage.PUBLICITY: "公示",
}


class AwardStatus(StrEnum):
    AWARDED = "awarded"
    CONTRACTED = "contracted"
    CANCELLED = "cancelled"


class TrancheStatus(StrEnum):
    PLANNED = "planned"
    RELEASED = "released"
    WITHHELD = "withheld"


class ProjectStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    COMPLETED = "completed"
    TERMINATED = "terminated"


CLOSED_PROJECT_STATUSES = frozenset({ProjectStatus.COMPLETED, ProjectStatus.TERMINATED})
"""A project in one of these is over: it never asks for, nor takes, another daily report."""


def asks_for_reports(status: str) -> bool:
    """Tell whether a project in `status` owes daily reports: only a running one does."""
    return status == ProjectStatus.ACTIVE


class StopRecord(Protocol):
    """What the evening check reads of a project's run (`models.report_calendar.ProjectRun`)."""

    @property
    def stopped_on(self) -> date | None: ...


def owed_reports_on(run: StopRecord, day: date) -> bool:
    """Tell whether a project owed a daily report on `day` (as that day saw it).

    It did unless it had stopped by then: a project stops on `run.stopped_on`
    (`models.report_calendar.ProjectRun`: the business date it was terminated,
    suspended or completed, else for one completed at the close the close's
    date; None while it runs, or completed with neither date, so it ran its
    whole period), and owes nothing from that day on. So checking a past day
    again later still sees it as it was, and the evening check asks for the
    same days every count of due reports counts (`ProjectRun.due_days`).
    """
    stopped = run.stopped_on
    return stopped is None or day < stopped


class ActionItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


Transitions = Mapping[tuple[StrEnum, StrEnum], frozenset[Role]]

_STAFF = frozenset({Role.STAFF, Role.SYSTEM})

CYCLE_TRANSITIONS: Transitions = {
    (CycleStatus.DRAFT, CycleStatus.COLLECTING): _STAFF,
    (CycleStatus.COLLECTING, CycleStatus.CALL_OPEN): _STAFF,
    (CycleStatus.CALL_OPEN, CycleStatus.SELECTING): _STAFF,
    (CycleStatus.SELECTING, CycleStatus.RUNNING): _STAFF,
    (CycleStatus.RUNNING, CycleStatus.CLOSED): _STAFF,
}

NEED_TRANSITIONS: Transitions = {
    (NeedStatus.NEW, NeedStatus.CLASSIFIED): _STAFF,
    (NeedStatus.NEW, NeedStatus.IN_REVIEW): _STAFF,
    (NeedStatus.NEW, NeedStatus.MERGED): _STAFF,
    # The classifier runs again with new corrections and keywords; it may change its mind.
    (NeedStatus.CLASSIFIED, NeedStatus.IN_REVIEW): _STAFF,
    (NeedStatus.IN_REVIEW, NeedStatus.CLASSIFIED): _STAFF,
    (NeedStatus.IN_REVIEW, NeedStatus.CONFIRMED): frozenset({Role.STAFF}),
    (NeedStatus.CLASSIFIED, NeedStatus.CONFIRMED): frozenset({Role.STAFF}),
    (NeedStatus.MERGED, NeedStatus.NEW): frozenset({Role.STAFF}),
}

CALL_TRANSITIONS: Transitions = {
    (CallStatus.DRAFT, CallStatus.PUBLISHED): _STAFF,
    (CallStatus.PUBLISHED, CallStatus.CLOSED): _STAFF,
}

PROPOSAL_TRANSITIONS: Transitions = {
    (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED): frozenset({Role.AGENCY}),
    (ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE): _STAFF,
    (ProposalStatus.SUBMITTED, ProposalStatus.INELIGIBLE): _STAFF,
    (ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN): frozenset({Role.AGENCY}),
    (ProposalStatus.ELIGIBLE, ProposalStatus.SHORTLISTED): _STAFF,
    (ProposalStatus.ELIGIBLE, ProposalStatus.REJECTED): _STAFF,
    (ProposalStatus.ELIGIBLE, ProposalStatus.WITHDRAWN): frozenset({Role.AGENCY}),
    (ProposalStatus.SHORTLISTED, ProposalStatus.APPROVED): _STAFF,
    (ProposalStatus.SHORTLISTED, ProposalStatus.REJECTED): _STAFF,
    (ProposalStatus.APPROVED, ProposalStatus.PUBLICISED): _STAFF,
    (ProposalStatus.APPROVED, ProposalStatus.REJECTED): _STAFF,
    (ProposalStatus.PUBLICISED, ProposalStatus.CONTRACTED): _STAFF,
    (ProposalStatus.PUBLICISED, ProposalStatus.REJECTED): _STAFF,
}

AWARD_TRANSITIONS: Transitions = {
    (AwardStatus.AWARDED, AwardStatus.CONTRACTED): _STAFF,
    (AwardStatus.AWARDED, AwardStatus.CANCELLED): _STAFF,
    (AwardStatus.CONTRACTED, AwardStatus.CANCELLED): _STAFF,
}

TRANCHE_TRANSITIONS: Transitions = {
    (TrancheStatus.PLANNED, TrancheStatus.RELEASED): _STAFF,
    (TrancheStatus.PLANNED, TrancheStatus.WITHHELD): _STAFF,
    (TrancheStatus.WITHHELD, TrancheStatus.RELEASED): _STAFF,
}

PROJECT_TRANSITIONS: Transitions = {
    (ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED): _STAFF,
    (ProjectStatus.SUSPENDED, ProjectStatus.ACTIVE): _STAFF,
    (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED): _STAFF,
    (ProjectStatus.ACTIVE, ProjectStatus.TERMINATED): _STAFF,
    (ProjectStatus.SUSPENDED, ProjectStatus.TERMINATED): _STAFF,
}

ACTION_ITEM_TRANSITIONS: Transitions = {
    (ActionItemStatus.OPEN, ActionItemStatus.DONE): frozenset(
        {Role.STAFF, Role.AGENCY, Role.SYSTEM}
    ),
    (ActionItemStatus.OPEN, ActionItemStatus.DROPPED): _STAFF,
}


class TransitionError(ValueError):
    """A status change that the transition table does not allow."""


def apply_transition(
    table: Transitions, current: StrEnum, target: StrEnum, *, role: Role
) -> StrEnum:
    """Return `target` if `role` may move a thing from `current` to it; raise otherwise."""
    allowed = table.get((current, target))
    if allowed is None:
        raise TransitionError(f"不允许的状态变更：{current} → {target}")
    if role not in allowed:
        who = "、".join(sorted(ROLE_LABELS[r] for r in allowed))
        raise TransitionError(f"{ROLE_LABELS[role]}无权执行 {current} → {target}，只有{who}可以")
    return target


def can_transition(table: Transitions, current: StrEnum, target: StrEnum, *, role: Role) -> bool:
    """Tell whether `role` may move a thing from `current` to `target`."""
    return role in table.get((current, target), frozenset())


FUNDED_PATH: tuple[tuple[ProposalStatus, Stage], ...] = (
    (ProposalStatus.SHORTLISTED, Stage.PRELIMINARY),
    (ProposalStatus.APPROVED, Stage.FINAL),
    (ProposalStatus.PUBLICISED, Stage.PUBLICITY),
    (ProposalStatus.CONTRACTED, Stage.PUBLICITY),
)
"""The steps a funded proposal takes after eligibility, with the stage each closes."""


class FundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


FUND_TRANSITIONS: Transitions = {
    (FundStatus.OPEN, FundStatus.CLOSED): frozenset({Role.STAFF}),
    (FundStatus.CLOSED, FundStatus.OPEN): frozenset({Role.STAFF}),
}

SCREENING_OVERRIDE_TRANSITIONS: Transitions = {
    (ProposalStatus.INELIGIBLE, ProposalStatus.ELIGIBLE): frozenset({Role.STAFF}),
    (ProposalStatus.ELIGIBLE, ProposalStatus.INELIGIBLE): frozenset({Role.STAFF}),
}
"""Staff overriding the automatic eligibility screening, each time with a logged reason."""


class EvaluationStatus(StrEnum):
    """The review cycle of a monthly evaluation (月评估)."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    NEEDS_REVISION = "needs_revision"
    APPROVED = "approved"
    PUBLISHED = "published"


EVALUATION_STATUS_LABELS = {
    EvaluationStatus.DRAFT: "草稿",
    EvaluationStatus.IN_REVIEW: "待审核",
    EvaluationStatus.NEEDS_REVISION: "退回修改",
    EvaluationStatus.APPROVED: "已审定",
    EvaluationStatus.PUBLISHED: "已发布",
}

_EVALUATOR = frozenset({Role.EVALUATOR, Role.SYSTEM})

EVALUATION_TRANSITIONS: Transitions = {
    # Scores arrive from the evaluator (portal) or from an imported score sheet (system).
    (EvaluationStatus.DRAFT, EvaluationStatus.IN_REVIEW): _EVALUATOR,
    (EvaluationStatus.IN_REVIEW, EvaluationStatus.NEEDS_REVISION): frozenset(
        {Role.EVALUATOR, Role.STAFF}
    ),
    (EvaluationStatus.IN_REVIEW, EvaluationStatus.APPROVED): frozenset(
        {Role.EVALUATOR, Role.STAFF}
    ),
    (EvaluationStatus.NEEDS_REVISION, EvaluationStatus.IN_REVIEW): _EVALUATOR,
    (EvaluationStatus.APPROVED, EvaluationStatus.PUBLISHED): _STAFF,
}


class NoticeStatus(StrEnum):
    """Whether a reminder or notice has gone out by e-mail."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    UNSENT = "unsent"


NEED_STATUS_LABELS = {
    NeedStatus.NEW: "待归类",
    NeedStatus.CLASSIFIED: "已自动归类",
    NeedStatus.IN_REVIEW: "待人工确认",
    NeedStatus.CONFIRMED: "已人工确认",
    NeedStatus.MERGED: "已合并",
}
