"""Monitoring records: 日报告, 周例会 with action items, and 月评估.

Each is unique per project and period, so running a monitoring flow twice
for the same day, week or month updates rows rather than adding them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import JSON_VALUE, STATUS
from models.status import ActionItemStatus


class DailyReport(SQLModel, table=True):
    """An agency's service log for one project and one day."""

    __table_args__ = (UniqueConstraint("project_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    day: date
    submitted_at: datetime
    people_served: int = 0
    summary: str = Field(default="", max_length=2000)
    issues: str = Field(default="", max_length=1000)


class WeeklyMeeting(SQLModel, table=True):
    """周例会: the agenda built from a week's reports, then minutes."""

    __table_args__ = (UniqueConstraint("cycle_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    week_start: date
    agenda: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON_VALUE)
    minutes: str = Field(default="", max_length=5000)


class ActionItem(SQLModel, table=True):
    """One follow-up agreed at a weekly meeting."""

    __table_args__ = (UniqueConstraint("meeting_id", "project_id", "topic"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="weeklymeeting.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    topic: str = Field(max_length=40)
    text: str = Field(max_length=500)
    owner: str = Field(default="", max_length=100)
    due_on: date
    status: str = Field(default=ActionItemStatus.OPEN, sa_type=STATUS)


class MonthlyEvaluation(SQLModel, table=True):
    """Indicator scores, grade and comments for one project and one month."""

    __table_args__ = (UniqueConstraint("project_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    month: str = Field(max_length=7)
    evaluator_id: int | None = Field(default=None, foreign_key="user.id")
    reports_expected: int
    reports_submitted: int
    reports_late: int
    people_planned: int
    people_served: int
    scores: dict[str, float] = Field(default_factory=dict, sa_type=JSON_VALUE)
    total_score: float
    grade: str = Field(max_length=10)
    comment: str = Field(default="", max_length=2000)
