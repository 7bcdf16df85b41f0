"""The call for proposals (申报指南): the cycle's one set of rules, kept as data.

`rules` holds the six unified standards (资助主体, 资助方式, 资助内容,
资助金额, 资金来源, 项目评估) as parsed from the cycle's versioned rules file.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from models.base import JSON_VALUE, STATUS
from models.status import CallStatus


class Call(SQLModel, table=True):
    """One version of a cycle's rules for applicants."""

    __table_args__ = (UniqueConstraint("cycle_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    version: int = 1
    title: str = Field(max_length=200)
    status: str = Field(default=CallStatus.DRAFT, sa_type=STATUS)
    opens_on: date
    deadline: datetime
    published_on: date | None = None
    rules: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_VALUE)
