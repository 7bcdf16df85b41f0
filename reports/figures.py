"""The headline figures as documents print them: plain blocks built from `models.figures`.

Each document context that shows a headline figure carries these blocks, so
the same figure is written the same way wherever it appears. The
`…AsOf` contexts extend a document's context with the blocks (and the day the
figures are counted to) without changing the fields the document already had.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.cycle import OfficeIdentity
from models.figures import MoneyFigures, NeedsFigures, PeopleFigures, ReportFigures
from reports.contexts import DonorStatementContext, StreetSummaryContext
from reports.cycle_report import CycleReportContext

UNSORTED_NAME = "未归类"


@dataclass(frozen=True)
class MoneyBlock:
    """The fund's money as of a day, in fen, by ledger kind and what follows from them."""

    as_of: date
    raised_fen: int
    committed_fen: int
    paid_fen: int
    refunded_fen: int
    released_fen: int
    held_fen: int
    available_fen: int
    unpaid_fen: int


@dataclass(frozen=True)
class PeopleBlock:
    """Distinct people reached and 服务人次, each beside its plan for the same months."""

    beneficiaries: int
    planned_beneficiaries: int
    service_visits: int
    planned_visits: int
    planned_beneficiaries_total: int
    planned_visits_total: int


@dataclass(frozen=True)
class ReportsBlock:
    """Daily reports due, arrived and on time."""

    due: int
    submitted: int
    on_time: int
    on_time_percent: int


@dataclass(frozen=True)
class NeedsRow:
    """The needs of one domain: groups (distinct needs), how many await confirmation, residents."""

    domain_name: str
    groups: int
    pending: int
    residents: int


def money_block(money: MoneyFigures) -> MoneyBlock:
    """Write the fund's figures as a document prints them."""
    return MoneyBlock(
        money.as_of,
        money.raised_fen,
        money.committed_fen,
        money.paid_fen,
        money.refunded_fen,
        money.released_fen,
        money.held_fen,
        money.available_fen,
        money.unpaid_fen,
    )


def people_block(people: PeopleFigures) -> PeopleBlock:
    """Write people reached and 服务人次 with their plans."""
    return PeopleBlock(
        people.beneficiaries,
        people.planned_beneficiaries,
        people.service_visits,
        people.planned_visits,
        people.planned_beneficiaries_total,
        people.planned_visits_total,
    )


def reports_block(reports: ReportFigures) -> ReportsBlock:
    """Write the daily reports due and on time."""
    return ReportsBlock(reports.due, reports.submitted, reports.on_time, reports.on_time_percent)


def needs_rows(needs: NeedsFigures, names: dict[str, str]) -> tuple[NeedsRow, ...]:
    """Write needs per domain (domain key -> name), the unsorted ones last when there are any."""
    rows = [
        NeedsRow(names.get(d.domain_key, d.domain_key), d.groups, d.pending, d.residents)
        for d in needs.domains
    ]
    if needs.unsorted.groups:
        rows.append(NeedsRow(UNSORTED_NAME, needs.unsorted.groups, 0, needs.unsorted.residents))
    return tuple(rows)


@dataclass(frozen=True)
class DonorStatementAsOf(DonorStatementContext):
    """捐赠资金去向说明 with the fund's money as of the statement's day."""

    money: MoneyBlock | None = None


@dataclass(frozen=True)
class StreetSummaryAsOf(StreetSummaryContext):
    """街道月度汇总报告 with the headline figures as of the month's end."""

    as_of: date | None = None
    money: MoneyBlock | None = None
    people: PeopleBlock | None = None
    reports: ReportsBlock | None = None
    needs: tuple[NeedsRow, ...] = ()
    # The issuing office (models.cycle.office_identity) its 落款 names, with its public contact.
    office: OfficeIdentity | None = None


@dataclass(frozen=True)
class CycleReportAsOf(CycleReportContext):
    """创投周期总结报告 with the people the system knows, masked wherever user text names them."""

    # Need contacts and individual donors: a need's text or a project's words show them as 王**.
    names: tuple[str, ...] = ()
    # The issuing office (models.cycle.office_identity) its 落款 names, with its public contact.
    office: OfficeIdentity | None = None

    @property
    def known_names(self) -> tuple[str, ...]:
        """Every person's name the report's user text must hide."""
        return tuple(dict.fromkeys(n.strip() for n in self.names if n.strip()))
