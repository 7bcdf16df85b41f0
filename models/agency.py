"""A social-work agency (社会组织 / 社工机构), its list records and its track record.

The registry keeps what eligibility screening reads: the organisation type,
the founding date, the latest annual inspection (年检) result, whether the
agency is on the abnormal-activity list (活动异常名录) or the serious-violation
list (严重违法失信名单), and its grades and yellow cards from past cycles.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel, UniqueConstraint


class Agency(SQLModel, table=True):
    """An organisation that applies for grants."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    org_type: str = Field(max_length=40)
    credit_code: str = Field(max_length=18, unique=True)
    registered_on: date
    annual_inspection: str = Field(default="", max_length=20)
    inspection_year: int | None = None
    on_abnormal_list: bool = False
    on_serious_violation_list: bool = False
    contact_name: str = Field(default="", max_length=50)
    contact_phone: str = Field(default="", max_length=30)
    contact_email: str = Field(default="", max_length=200)


class AgencyTrackRecord(SQLModel, table=True):
    """An agency's result in one past cycle: its grade and the yellow cards it got."""

    __table_args__ = (UniqueConstraint("agency_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    year: int
    grade: str = Field(default="", max_length=20)
    yellow_cards: int = 0
    breaches: int = 0
    note: str = Field(default="", max_length=500)
