"""Monitoring records: 日报告 with versions, 周例会 with action items, 月评估, yellow cards, notices.

Every row is keyed by what it is about, so a monitoring flow that runs twice
for the same day, week or month finds its rows instead of adding more: a daily
report by project, day and version; a meeting by cycle and week; an action
item by meeting and number; an evaluation by project and month; a yellow card
by project and month; a notice by its key (one reminder per project per day).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import JSON_VALUE, STATUS
from models.status import ActionItemStatus, EvaluationStatus, NoticeStatus


class ActivityKind(StrEnum):
    CASE = "case"
    GROUP = "group"
    COMMUNITY = "community"


ACTIVITY_KIND_LABELS = {
    ActivityKind.CASE: "个案",
    ActivityKind.GROUP: "小组",
    ActivityKind.COMMUNITY: "社区活动",
}


class DailyReport(SQLModel, table=True):
    """One version of an agency's service log for one project and one day.

    Editing a report adds the next version and clears `is_current` on the
    old one, which is kept. Lateness is judged on `received_at` when a clerk
    gave it, else on `first_submitted_at` (`models.compliance.arrival`), so a
    correction made later does not turn an on-time report into a late one.
    """

    __table_args__ = (UniqueConstraint("project_id", "day", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    day: date = Field(index=True)
    version: int = 1
    is_current: bool = True
    first_submitted_at: datetime
    submitted_at: datetime
    # When the paper form or message reached the office, as the clerk gives it
    # (business time); None when it arrived through the portal or API, where
    # first_submitted_at is the arrival. Lateness is judged on this when set.
    received_at: datetime | None = None
    source: str = Field(default="cli", max_length=10)
    no_activity_reason: str = Field(default="", max_length=500)
    activities: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON_VALUE)
    people_served: int = 0
    beneficiary_refs: list[str] = Field(default_factory=list, sa_type=JSON_VALUE)
    service_minutes: int = 0
    volunteers: int = 0
    volunteer_minutes: int = 0
    spend_fen: dict[str, int] = Field(default_factory=dict, sa_type=JSON_VALUE)
    issues: str = Field(default="", max_length=1000)
    risks: str = Field(default="", max_length=1000)
    attachments: list[str] = Field(default_factory=list, sa_type=JSON_VALUE)
    summary: str = Field(default="", max_length=2000)


class ExcusedDay(SQLModel, table=True):
    """A day an officer excused one project from its daily report (病假、停课、场地关闭…).

    An excused day is not due: it is neither missing nor late.
    """

    __table_args__ = (UniqueConstraint("project_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    day: date
    reason: str = Field(default="", max_length=200)
    excused_by: str = Field(default="", max_length=100)
    excused_at: datetime


class WeeklyMeeting(SQLModel, table=True):
    """周例会 of one street office: the agenda built from a week's reports, then minutes.

    `week_start` is the Monday of the week under review; the meeting is held
    on the Monday after (`held_on`).
    """

    __table_args__ = (UniqueConstraint("cycle_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    week_start: date
    held_on: date
    agenda: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_VALUE)
    minutes: str = Field(default="", max_length=5000)
    attendees: str = Field(default="", max_length=500)
    recorder: str = Field(default="", max_length=100)
    host: str = Field(default="", max_length=100)
    minutes_recorded_at: datetime | None = None


class ActionItem(SQLModel, table=True):
    """One follow-up agreed at a weekly meeting, tracked until done."""

    __table_args__ = (UniqueConstraint("meeting_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="weeklymeeting.id", index=True)
    seq: int
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    text: str = Field(max_length=500)
    owner: str = Field(max_length=100)
    due_on: date
    status: str = Field(default=ActionItemStatus.OPEN, sa_type=STATUS)
    closed_on: date | None = None
    closing_note: str = Field(default="", max_length=500)


class MonthlyEvaluation(SQLModel, table=True):
    """Indicators, scores, grade and review of one project's month.

    The measured part (reports, outputs, budget, volunteers, action items) is
    recomputed on every run until the evaluation is approved; from then on it
    is frozen, so a published report never changes under its signatures.
    """

    __table_args__ = (UniqueConstraint("project_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    month: str = Field(max_length=7)
    month_index: int = 1
    status: str = Field(default=EvaluationStatus.DRAFT, sa_type=STATUS)
    reports_expected: int = 0
    reports_submitted: int = 0
    reports_late: int = 0
    people_planned: int = 0
    people_served: int = 0
    activities: int = 0
    beneficiaries_new: int = 0
    beneficiaries_to_date: int = 0
    volunteers: int = 0
    volunteer_minutes: int = 0
    service_minutes: int = 0
    indicators: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON_VALUE)
    budget_lines: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON_VALUE)
    spent_month_fen: int = 0
    spent_to_date_fen: int = 0
    planned_to_date_fen: int = 0
    budget_flagged: bool = False
    issues_raised: int = 0
    risks_reported: int = 0
    items_closed: int = 0
    items_open: int = 0
    satisfaction_percent: int | None = None
    funds_misused: bool = False
    scores: dict[str, float] = Field(default_factory=dict, sa_type=JSON_VALUE)
    total_score: float | None = None
    grade: str = Field(default="", max_length=10)
    veto: str = Field(default="", max_length=200)
    evaluator_id: int | None = Field(default=None, foreign_key="user.id")
    comment: str = Field(default="", max_length=2000)
    scored_at: datetime | None = None
    reviewer_id: int | None = Field(default=None, foreign_key="user.id")
    review_comment: str = Field(default="", max_length=1000)
    reviewed_at: datetime | None = None
    # The business date of the review (--on); reviewed_at is the time of entry.
    reviewed_on: date | None = None
    published_on: date | None = None


class YellowCard(SQLModel, table=True):
    """黄牌 on an agency's record: a project escalated to the officer twice in one month."""

    __table_args__ = (UniqueConstraint("project_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    month: str = Field(max_length=7)
    issued_on: date
    reason: str = Field(max_length=500)


class Notice(SQLModel, table=True):
    """One e-mail the system owes someone: a reminder, an escalation or a held tranche.

    `key` says what the notice is about (e.g. `daily:7:2026-06-03`), so the
    flows claim a key before sending and never send the same notice twice.
    """

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=100, unique=True)
    kind: str = Field(sa_type=STATUS)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    day: date
    overdue_since: date | None = None
    recipients: list[str] = Field(default_factory=list, sa_type=JSON_VALUE)
    subject: str = Field(max_length=200)
    body: str = Field(max_length=4000)
    status: str = Field(default=NoticeStatus.PENDING, sa_type=STATUS)
    sent_at: datetime | None = None
    error: str = Field(default="", max_length=500)
