"""A project (服务项目): a funded proposal while it runs."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

from models.base import STATUS
from models.status import ProjectStatus


class Project(SQLModel, table=True):
    """A running service project, with its plan."""

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", unique=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    domain_id: int = Field(foreign_key="domain.id", index=True)
    community_id: int = Field(foreign_key="community.id")
    title: str = Field(max_length=200)
    starts_on: date
    ends_on: date
    months: int
    people_planned: int
    status: str = Field(default=ProjectStatus.ACTIVE, sa_type=STATUS)
    # The business date of the last status change (suspended, completed or terminated at
    # the close); None while the project runs as it started.
    status_on: date | None = None
