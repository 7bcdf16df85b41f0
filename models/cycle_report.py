"""The cycle's headline figures (创投周期总结), and the record that a cycle was closed.

Every figure is summed from plain data the caller reads from the database:
- domains: the service domains that ran at least one project;
- projects and agencies: the cycle's projects and the agencies that ran them;
- 受益人数: distinct beneficiaries (pseudonymous ids) across every current
  daily report of the cycle — a person served by two projects has two ids, one
  per project, so this is a count of ids, never of names;
- 服务人次: the attendance of every activity, summed;
- volunteer hours: the volunteers' minutes, summed, in whole hours;
- money: the ledger's donations, commitments, payments and refunds, by kind.
The headline reads "N 大领域 M 个服务项目，受益 K 人".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Field, SQLModel

from models.base import JSON_VALUE
from models.ledger import FundBalance
from models.money import format_fen


class CycleClosing(SQLModel, table=True):
    """A closed cycle: when, to which day it was measured, its figures and its archive."""

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", unique=True)
    closed_on: date
    period_end: date
    figures: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_VALUE)
    archive_path: str = Field(default="", max_length=500)
    manifest_sha256: str = Field(default="", max_length=64)
    rules_version: int = 1


@dataclass(frozen=True)
class ProjectFacts:
    """What the headline reads of one project."""

    project_id: int
    agency_id: int
    domain_key: str


@dataclass(frozen=True)
class ServiceFacts:
    """What the headline reads of one current daily report."""

    people_served: int
    volunteer_minutes: int
    beneficiary_refs: tuple[str, ...]


@dataclass(frozen=True)
class HeadlineFigures:
    """The cycle's figures, all in whole units; money in fen."""

    domains: int
    projects: int
    agencies: int
    beneficiaries: int
    service_visits: int
    volunteer_hours: int
    raised_fen: int
    committed_fen: int
    paid_fen: int
    refunded_fen: int
    in_kind_gifts: int = 0

    @property
    def headline(self) -> str:
        """The one line a street office files: 4 大领域 22 个服务项目，受益 K 人."""
        return f"{self.domains} 大领域 {self.projects} 个服务项目，受益 {self.beneficiaries} 人"

    @property
    def held_fen(self) -> int:
        """Cash the fund still holds."""
        return self.raised_fen + self.refunded_fen - self.paid_fen

    def as_dict(self) -> dict[str, int]:
        """Return the figures as plain values, for storage and the Prefect artifact."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def count_headline(
    projects: Sequence[ProjectFacts],
    reports: Iterable[ServiceFacts],
    *,
    balance: FundBalance,
    in_kind_gifts: int = 0,
) -> HeadlineFigures:
    """Sum the cycle's headline figures from its projects, reports and fund balance."""
    refs: set[str] = set()
    visits = minutes = 0
    for report in reports:
        visits += report.people_served
        minutes += report.volunteer_minutes
        refs.update(report.beneficiary_refs)
    return HeadlineFigures(
        domains=len({p.domain_key for p in projects}),
        projects=len(projects),
        agencies=len({p.agency_id for p in projects}),
        beneficiaries=len(refs),
        service_visits=visits,
        volunteer_hours=minutes // 60,
        raised_fen=balance.raised_fen,
        committed_fen=balance.committed_fen,
        paid_fen=balance.paid_fen,
        refunded_fen=balance.refunded_fen,
        in_kind_gifts=in_kind_gifts,
    )


def headline_markdown(figures: HeadlineFigures, *, cycle_name: str, period_end: date) -> str:
    """Write the headline figures as the markdown of the close-cycle artifact."""
    rows = [
        ("服务领域", f"{figures.domains} 个"),
        ("服务项目", f"{figures.projects} 个"),
        ("承接机构", f"{figures.agencies} 家"),
        ("受益人数", f"{figures.beneficiaries} 人"),
        ("服务人次", f"{figures.service_visits} 人次"),
        ("志愿服务时长", f"{figures.volunteer_hours} 小时"),
        ("募集", f"{format_fen(figures.raised_fen)} 元"),
        ("承诺", f"{format_fen(figures.committed_fen)} 元"),
        ("拨付", f"{format_fen(figures.paid_fen)} 元"),
        ("退回", f"{format_fen(figures.refunded_fen)} 元"),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return (
        f"# {cycle_name} 结项\n\n**{figures.headline}**（统计至 {period_end.isoformat()}）\n\n"
        f"| 指标 | 数值 |\n| --- | --- |\n{table}\n"
    )
