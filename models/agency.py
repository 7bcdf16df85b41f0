"""A social-work agency (社会组织 / 社工机构) and the record eligibility reads."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class Agency(SQLModel, table=True):
    """An organisation that applies for grants."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    org_type: str = Field(max_length=40)
    credit_code: str = Field(max_length=18, unique=True)
    registered_on: date
    annual_inspection: str = Field(default="", max_length=20)
    on_abnormal_list: bool = False
    contact_name: str = Field(default="", max_length=50)
    contact_phone: str = Field(default="", max_length=30)
    contact_email: str = Field(default="", max_length=200)
