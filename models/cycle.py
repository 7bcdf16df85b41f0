"""A cycle (创投周期), its street office's communities and its service domains."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import JSON_VALUE, STATUS
from models.status import CycleStatus


class Cycle(SQLModel, table=True):
    """One year's competition run by one street office."""

    __table_args__ = (UniqueConstraint("street_office", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    street_office: str = Field(max_length=100)
    name: str = Field(max_length=200)
    year: int
    status: str = Field(default=CycleStatus.DRAFT, sa_type=STATUS)
    starts_on: date
    ends_on: date


class Community(SQLModel, table=True):
    """A community (社区) within the street office's area."""

    __table_args__ = (UniqueConstraint("street_office", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    street_office: str = Field(max_length=100)
    name: str = Field(max_length=100)


class Domain(SQLModel, table=True):
    """A service domain (服务领域) of one cycle, with a stable key."""

    __table_args__ = (UniqueConstraint("cycle_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    key: str = Field(max_length=40)
    name: str = Field(max_length=40)
    theme: str = Field(max_length=100)
    position: int = 0
    keywords: list[str] = Field(default_factory=list, sa_type=JSON_VALUE)
