"""The headline figures (一个数字到处一致): pure arithmetic over plain facts as of one date.

Every document, page and command that shows one of these figures gets it from
`services.figures`, which reads the facts through `store.figures` and hands them
to the functions here. Each function is handed the moment it counts to
(`as_of`) and keeps only what had happened by then, so a document about June
rendered in December shows June's figures.

- needs per domain: the groups of needs (a merged duplicate counts for its
  group's resident, never as a need of its own) by the domain of the group's
  lead. A lead the classifier suggested a domain for, and staff have not
  confirmed yet, counts in that domain and is also counted as pending
  (待人工确认); a lead with no domain at all is unsorted. One rule, so the
  needs survey, the street summary, the cycle report and the dashboard agree.
- money: ledger entries with `occurred_on <= as_of`, summed by kind:
  raised (donations), committed, paid, refunded and released.
- people: distinct beneficiaries (pseudonymous ids across the current daily
  reports) and 服务人次 (attendance summed), each with the planned figure of
  the projects' KPI targets beside it.
- reports: the daily reports due by `as_of` and those that arrived on time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from models.compliance import ReportStamp, due_days, is_late
from models.ledger import FundBalance

# Ledger kinds, by their stored value: "release" frees an unpaid commitment.
DONATION, COMMITMENT, PAYMENT, REFUND, RELEASE = (
    "donation",
    "commitment",
    "payment",
    "refund",
    "release",
)
UNSORTED = ""


# --- money -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatedMovement:
    """A ledger entry as the figures read it: kind, amount, business date, award."""

    kind: str
    amount_fen: int
    occurred_on: date
    award_id: int | None = None
    domain_id: int | None = None


@dataclass(frozen=True)
class MoneyFigures(FundBalance):
    """What the fund had raised, committed, paid, got back and released by `as_of` (fen).

    The balances (held, available, unpaid, net paid) are `models.ledger.FundBalance`'s.
    """

    as_of: date = field(kw_only=True)


def only_by(movements: Iterable[DatedMovement], as_of: date) -> list[DatedMovement]:
    """Keep the entries that had happened by the end of `as_of`, in their order."""
    return [m for m in movements if m.occurred_on <= as_of]


def sum_money(movements: Iterable[DatedMovement], *, as_of: date) -> MoneyFigures:
    """Sum the ledger by kind, counting only entries dated on or before `as_of`."""
    totals: dict[str, int] = defaultdict(int)
    for m in only_by(movements, as_of):
        totals[m.kind] += m.amount_fen
    return MoneyFigures(
        as_of=as_of,
        raised_fen=totals[DONATION],
        committed_fen=totals[COMMITMENT],
        paid_fen=totals[PAYMENT],
        refunded_fen=totals[REFUND],
        released_fen=totals[RELEASE],
    )


def money_by_award(movements: Iterable[DatedMovement], *, as_of: date) -> dict[int, MoneyFigures]:
    """Sum each award's commitments, payments, refunds and releases dated by `as_of`."""
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for m in only_by(movements, as_of):
        if m.award_id is not None:
            totals[m.award_id][m.kind] += m.amount_fen
    return {
        award_id: MoneyFigures(
            as_of=as_of,
            committed_fen=kinds[COMMITMENT],
            paid_fen=kinds[PAYMENT],
            refunded_fen=kinds[REFUND],
            released_fen=kinds[RELEASE],
        )
        for award_id, kinds in totals.items()
    }


# --- needs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedFact:
    """One stored need: its group (lead), the lead's domain key and whether staff settled it.

    `changed_on` is the business date of its last status change (a merge, a
    classification, a confirmation); None reads as its submission day.
    """

    need_id: int
    lead_id: int
    domain_key: str
    settled: bool
    submitted_on: date
    changed_on: date | None = None

    def as_of(self, day: date) -> NeedFact:
        """Return the need as it stood on `day`: a change made later had not happened yet."""
        if self.changed_on is None or self.changed_on <= day:
            return self
        # Not merged yet (it led its own group) and not settled yet (its domain a suggestion).
        return NeedFact(self.need_id, self.need_id, self.domain_key, False, self.submitted_on)


@dataclass(frozen=True)
class DomainNeeds:
    """The needs of one domain: groups (distinct needs), the pending ones, residents."""

    domain_key: str
    groups: int
    pending: int
    residents: int


@dataclass(frozen=True)
class NeedsFigures:
    """Needs per domain as of a date, in the cycle's domain order, unsorted last."""

    as_of: date
    domains: tuple[DomainNeeds, ...]
    unsorted: DomainNeeds

    @property
    def groups(self) -> int:
        """Every group of needs, sorted or not."""
        return sum(d.groups for d in self.domains) + self.unsorted.groups

    @property
    def residents(self) -> int:
        """Every resident's need counted once, sorted or not."""
        return sum(d.residents for d in self.domains) + self.unsorted.residents

    @property
    def pending(self) -> int:
        """Groups whose domain is only the classifier's suggestion so far."""
        return sum(d.pending for d in self.domains)

    def of(self, domain_key: str) -> DomainNeeds:
        """Return one domain's needs (zeros for a domain with none)."""
        for row in self.domains:
            if row.domain_key == domain_key:
                return row
        return self.unsorted if domain_key == UNSORTED else DomainNeeds(domain_key, 0, 0, 0)


def count_needs(
    needs: Iterable[NeedFact], *, domain_keys: Iterable[str], as_of: date
) -> NeedsFigures:
    """Count groups, pending groups and residents per domain among needs submitted by `as_of`.

    A group is its lead's: a lead submitted after `as_of` leaves its members
    (submitted earlier) counted as groups of their own until it arrived.
    """
    known = [n.as_of(as_of) for n in needs if n.submitted_on <= as_of]
    present = {n.need_id for n in known}
    by_id = {n.need_id: n for n in known}
    groups: dict[str, set[int]] = defaultdict(set)
    pending: dict[str, set[int]] = defaultdict(set)
    residents: dict[str, int] = defaultdict(int)
    for need in known:
        lead = by_id[need.lead_id] if need.lead_id in present else need
        key = lead.domain_key or UNSORTED
        groups[key].add(lead.need_id)
        residents[key] += 1
        if key != UNSORTED and not lead.settled:
            pending[key].add(lead.need_id)
    keys = list(dict.fromkeys(k for k in domain_keys if k != UNSORTED))
    rows = tuple(DomainNeeds(k, len(groups[k]), len(pending[k]), residents[k]) for k in keys)
    # A lead with no domain, or one that is not the cycle's, is unsorted.
    odd = [k for k in groups if k not in keys]
    unsorted = DomainNeeds(
        UNSORTED, sum(len(groups[k]) for k in odd), 0, sum(residents[k] for k in odd)
    )
    return NeedsFigures(as_of=as_of, domains=rows, unsorted=unsorted)


# --- people ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceFact:
    """One daily report's version as the figures read it."""

    project_id: int
    day: date
    version: int
    submitted_at: datetime
    people_served: int
    beneficiary_refs: tuple[str, ...]
    volunteer_minutes: int = 0
    received_at: datetime | None = None  # the arrival a clerk gave (送达时间), kept across versions


@dataclass(frozen=True)
class PlannedKpi:
    """One planned monthly output of a project (month 1 = its first month)."""

    project_id: int
    month: int
    indicator: str
    planned: int


@dataclass(frozen=True)
class PeopleFigures:
    """Distinct people reached and 服务人次, each beside its plan, for a span of days."""

    first: date | None
    last: date
    beneficiaries: int
    service_visits: int
    volunteer_minutes: int
    planned_beneficiaries: int
    planned_visits: int
    planned_beneficiaries_total: int
    planned_visits_total: int

    @property
    def volunteer_hours(self) -> int:
        """Volunteer time in whole hours."""
        return self.volunteer_minutes // 60


VISITS, BENEFICIARIES = "服务人次", "受益人数"


def current_versions(
    reports: Iterable[ServiceFact], *, known_by: datetime | None = None
) -> list[ServiceFact]:
    """Keep, per project and day, the newest version that had arrived by `known_by` (any, if None).

    A version arrived when the clerk says it reached the office (its 送达时间), else
    when it was entered: a paper form typed in later counts from its day, not from
    the day of typing. A correction that gives no arrival of its own keeps the
    earlier version's, so it counts from when it was entered.
    """
    reports = sorted(reports, key=lambda r: (r.project_id, r.day, r.version))
    arrived: dict[tuple[int, date, int], datetime] = {}
    previous: dict[tuple[int, date], ServiceFact] = {}
    for r in reports:
        before = previous.get((r.project_id, r.day))
        own = r.received_at is not None and (before is None or r.received_at != before.received_at)
        arrived[(r.project_id, r.day, r.version)] = (
            r.received_at if own and r.received_at is not None else r.submitted_at
        )
        previous[(r.project_id, r.day)] = r
    newest: dict[tuple[int, date], ServiceFact] = {}
    for r in reports:
        at = arrived[(r.project_id, r.day, r.version)]
        if known_by is not None and _naive(at) > _naive(known_by):
            continue
        key = (r.project_id, r.day)
        if key not in newest or r.version > newest[key].version:
            newest[key] = r
    return [newest[k] for k in sorted(newest)]


def _naive(moment: datetime) -> datetime:
    # Stored times are the office's local time without a zone (SQLite drops it).
    return moment.replace(tzinfo=None)


def month_index(starts_on: date, day: date) -> int:
    """Return which month of a project `day` falls in (1 = the month it starts)."""
    return (day.year - starts_on.year) * 12 + day.month - starts_on.month + 1


def count_people(
    reports: Iterable[ServiceFact],
    planned: Iterable[PlannedKpi],
    *,
    starts_on: dict[int, date],
    first: date | None,
    last: date,
) -> PeopleFigures:
    """Sum people reached and 服务人次 in [first, last], and the plans for the same months.

    `reports` are current versions already; `starts_on` names the projects to
    count (by id) and the day each started. The plan to date counts the KPI
    months of each project from `first` (or its start) up to `last`.
    """
    refs: set[str] = set()
    visits = minutes = 0
    for r in reports:
        if r.project_id in starts_on and r.day <= last and (first is None or r.day >= first):
            visits += r.people_served
            minutes += r.volunteer_minutes
            refs.update(r.beneficiary_refs)
    plan: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for kpi in planned:
        start = starts_on.get(kpi.project_id)
        if start is None:
            continue
        total[kpi.indicator] += kpi.planned
        low = 1 if first is None else month_index(start, first)
        if low <= kpi.month <= month_index(start, last):
            plan[kpi.indicator] += kpi.planned
    return PeopleFigures(
        first=first,
        last=last,
        beneficiaries=len(refs),
        service_visits=visits,
        volunteer_minutes=minutes,
        planned_beneficiaries=plan[BENEFICIARIES],
        planned_visits=plan[VISITS],
        planned_beneficiaries_total=total[BENEFICIARIES],
        planned_visits_total=total[VISITS],
    )


# --- reports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectSpan:
    """The days a project reports on: from its start to its last due day.

    `last_due` is the end date, or the day before the project stopped when it
    stopped earlier (`models.report_calendar.ProjectRun.last_due`, the one rule of
    due days). `off` holds its days off (the call's holidays, its excused days):
    no report is due on them.
    """

    project_id: int
    starts_on: date
    last_due: date
    off: frozenset[date] = frozenset()


@dataclass(frozen=True)
class ReportFigures:
    """Daily reports due in [first, last], those that arrived, and those on time."""

    first: date
    last: date
    due: int
    submitted: int
    on_time: int

    @property
    def late(self) -> int:
        """Reports that arrived after their service day."""
        return self.submitted - self.on_time

    @property
    def missing(self) -> int:
        """Due days with no report."""
        return self.due - self.submitted

    @property
    def on_time_percent(self) -> int:
        """Share of due reports that arrived on time, as a whole percent (100 when none due)."""
        return round(100 * self.on_time / self.due) if self.due else 100


def count_reports(
    spans: Iterable[ProjectSpan],
    stamps: Iterable[tuple[int, ReportStamp]],
    *,
    first: date,
    last: date,
    tz: tzinfo,
) -> ReportFigures:
    """Count the days due in [first, last] and the reports that met them.

    A day is due as the evening check counts it (`models.report_calendar.ProjectRun.due_days`:
    a weekday of the run, up to its last due day, that is not a day off), and a report is judged on its
    arrival (`ReportStamp.arrived_at`), the earliest one counting.
    """
    due: set[tuple[int, date]] = set()
    for span in spans:
        run = due_days(first, last, starts_on=span.starts_on, ends_on=span.last_due, off=span.off)
        for day in run:
            due.add((span.project_id, day))
    earliest: dict[tuple[int, date], ReportStamp] = {}
    for project_id, stamp in stamps:
        key = (project_id, stamp.day)
        if key in due and (
            key not in earliest or _naive(stamp.arrived_at) < _naive(earliest[key].arrived_at)
        ):
            earliest[key] = stamp
    on_time = sum(1 for s in earliest.values() if not is_late(s, tz=tz))
    return ReportFigures(first, last, len(due), len(earliest), on_time)
