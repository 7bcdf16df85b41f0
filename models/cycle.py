"""A cycle (创投周期), its street office's communities and its service domains.

The cycle also holds the identity of the office that issues its documents —
name, address, contact person, phone, e-mail and the seal's wording — for the
落款 of the contract, the call and the notice. Each part left empty on the
cycle is taken from the call rules' `[office]` section (`office_identity`).
"""

from __future__ import annotations

from dataclasses import dataclass
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
    # The issuing office (落款); empty = taken from the call rules' [office], else the street office.
    office_name: str = Field(default="", max_length=100)
    office_address: str = Field(default="", max_length=200)
    office_contact: str = Field(default="", max_length=50)
    office_phone: str = Field(default="", max_length=30)
    office_email: str = Field(default="", max_length=200)
    office_seal: str = Field(default="", max_length=100)


@dataclass(frozen=True)
class OfficeIdentity:
    """Who issues a cycle's documents, as its 落款 and its contact for questions and objections.

    `seal` is the wording of the seal placeholder (盖章处), e.g. 淮河路街道办事处（公章）.
    """

    name: str = ""
    address: str = ""
    contact: str = ""
    phone: str = ""
    email: str = ""
    seal: str = ""

    @property
    def seal_text(self) -> str:
        """What the seal placeholder prints: the set wording, or the name with （盖章）."""
        return self.seal or f"{self.name}（盖章）"

    @property
    def has_contact(self) -> bool:
        """Whether there is any way to reach the office besides its name."""
        return bool(self.address or self.phone or self.email)


def office_identity(cycle: Cycle, defaults: OfficeIdentity | None = None) -> OfficeIdentity:
    """The cycle's issuing office: each part from the cycle, else `defaults`, the name else the street office."""
    base = defaults or OfficeIdentity()
    return OfficeIdentity(
        name=cycle.office_name or base.name or cycle.street_office,
        address=cycle.office_address or base.address,
        contact=cycle.office_contact or base.contact,
        phone=cycle.office_phone or base.phone,
        email=cycle.office_email or base.email,
        seal=cycle.office_seal or base.seal,
    )


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
