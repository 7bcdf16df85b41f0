"""Tasks that build the contexts of the 申报指南 and the 捐赠资金去向说明 from stored rows.

Every figure is read from the call's stored rules, the fund's ledger and the
projects; the contexts carry plain values only. A donor statement shows
projects and their outputs, never a beneficiary.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from flows.runtime import io_task, session_scope
from flows.selection.selection_reports import _office, _rules_or_none
from models.attribution import Gift, attribute_gifts
from models.award import TRANCHE_CONDITION_LABELS
from models.call_keys import CALENDAR_KEYS
from models.call_rules import read_call_rules
from models.cycle import OfficeIdentity
from models.figures import BENEFICIARIES, VISITS
from models.fund import DONOR_TYPE_LABELS, IN_KIND_LABELS, Donation, GiftKind
from models.ledger import Movement, award_money
from models.privacy import mask_text
from models.proposal import KPI_UNITS
from models.status import STAGE_LABELS
from reports.contexts import (
    AttributedProject,
    CallContext,
    CallCriterion,
    CallDomain,
    CallTrancheRow,
    DocumentHeader,
    DonorStatementContext,
    DonorTypeRow,
    GiftLine,
    OutputLine,
)
from reports.figures import DonorStatementAsOf, money_block
from reports.filters import format_cn_date, format_score
from services import figures
from store import agencies, awards, calls, cycles, fund, people, proposals
from store import figures as store_figures

CASH_LABEL = "现金"


@dataclass(frozen=True)
class DonorStatementDocument(DonorStatementAsOf):
    """捐赠资金去向说明 as filed: the statement and the issuing office's 落款 and contact."""

    office: OfficeIdentity = field(default_factory=OfficeIdentity)


def issuing_office(session: Session, cycle_id: int) -> OfficeIdentity:
    """The cycle's issuing office, as the contract has it: the cycle's fields, else its call's [office]."""
    try:
        rules = _rules_or_none(calls.get_latest_call(session, cycle_id=cycle_id).rules)
    except LookupError:  # a fund raised before its call is published
        rules = None
    return _office(session, cycle_id, rules)


def donor_type_rows(donations: list[Donation]) -> tuple[DonorTypeRow, ...]:
    """Sum cash gifts by donor type, in the fixed order of the types."""
    amounts: dict[str, int] = defaultdict(int)
    donors: dict[str, set[str]] = defaultdict(set)
    for gift in donations:
        if gift.kind == GiftKind.CASH:
            amounts[gift.donor_type] += gift.amount_fen
            donors[gift.donor_type].add(gift.donor_name)
    return tuple(
        DonorTypeRow(label, len(donors[key]), amounts[key])
        for key, label in DONOR_TYPE_LABELS.items()
        if amounts[key]
    )


@io_task
def build_call_context(call_id: int, today: date) -> CallContext:
    """Build the 申报指南 context from the stored call and the fund as of `today` (its date)."""
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        rules = read_call_rules(call.rules)
        cycle = cycles.get_cycle(session, call.cycle_id)
        the_fund = fund.get_fund(session, cycle_id=cycle.id)  # type: ignore[arg-type]
        donations = [
            g
            for g in fund.list_donations(session, fund_id=the_fund.id)  # type: ignore[arg-type]
            if g.donated_on <= today
        ]
        raised = figures.money_as_of(session, cycle_id=cycle.id, as_of=today).raised_fen  # type: ignore[arg-type]
        domains = {d.key: d for d in cycles.list_domains(session, cycle_id=cycle.id)}  # type: ignore[arg-type]
    restricted: dict[int | None, int] = defaultdict(int)
    for gift in donations:
        if gift.kind == GiftKind.CASH:
            restricted[gift.restricted_domain_id] += gift.amount_fen
    return CallContext(
        header=DocumentHeader(cycle.street_office, cycle.name, rules.title, today),
        title=rules.title,
        version=rules.version,
        opens_on=rules.opens_on,
        deadline=f"{format_cn_date(rules.deadline.date())} {rules.deadline:%H:%M}",
        org_types=rules.org_types,
        min_years_registered=rules.min_years_registered,
        annual_inspection_ok=rules.annual_inspection_ok,
        exclude_abnormal_list=rules.exclude_abnormal_list,
        exclude_serious_violation_list=rules.exclude_serious_violation_list,
        max_proposals_per_agency=rules.max_proposals_per_agency,
        min_past_grade=rules.min_past_grade or "",
        max_yellow_cards=rules.max_yellow_cards,
        funding_mode="配套资助" if rules.matching_percent else "全额资助",
        matching_percent=rules.matching_percent,
        tranches=tuple(
            CallTrancheRow(seq, t.percent, TRANCHE_CONDITION_LABELS[t.condition])  # type: ignore[index]
            for seq, t in enumerate(rules.tranches, start=1)
        ),
        domains=tuple(
            CallDomain(domains[k].name, domains[k].theme, restricted[domains[k].id])
            for k in rules.domain_keys
        ),
        budget_categories=rules.budget_categories,
        personnel_category=rules.personnel_category,
        personnel_share_max=rules.personnel_share_max,
        admin_category=rules.admin_category,
        admin_share_max=rules.admin_share_max,
        max_months=rules.max_months,
        kpi_indicators=tuple(KPI_UNITS),
        min_fen=rules.min_fen,
        max_fen=rules.max_fen,
        total_fen=rules.total_fen,
        fund_name=rules.fund_name,
        fund_raised_fen=raised,
        restricted_parts=rules.restricted_parts,
        donor_types=donor_type_rows(donations),
        stages=tuple(STAGE_LABELS[s] for s in rules.stages),  # type: ignore[index]
        objection_days=rules.objection_days,
        reviewers_per_proposal=rules.reviewers_per_proposal,
        blind_preliminary=rules.blind_preliminary,
        review_criteria=tuple(CallCriterion(c.name, c.weight) for c in rules.review_criteria),
        monthly_criteria=tuple(CallCriterion(c.name, c.weight) for c in rules.monthly_criteria),
        grade_bands=tuple((format_score(f).removesuffix(".0"), g) for f, g in rules.grade_bands),
        min_award_score=format_score(rules.min_award_score).removesuffix(".0"),
        calendar=tuple((CALENDAR_KEYS[k], text) for k, text in rules.calendar),
    )


def _check_donors(fund_name: str, today: date, donors: list[str], gifts: list[Donation]) -> None:
    unknown = sorted(set(donors) - {g.donor_name for g in gifts})
    if unknown:
        raise LookupError(
            f"公益基金「{fund_name}」截至 {today.isoformat()} 没有这些捐赠方：{'、'.join(unknown)}"
        )


@io_task
def list_donor_names(cycle_id: int, today: date, donors: list[str] | None = None) -> list[str]:
    """Name each donor who gave by `today`, in the order of their first gift (or check those named)."""
    with session_scope() as session:
        the_fund = fund.get_fund(session, cycle_id=cycle_id)
        gifts = [
            g
            for g in fund.list_donations(session, fund_id=the_fund.id)  # type: ignore[arg-type]
            if g.donated_on <= today
        ]
    _check_donors(the_fund.name, today, donors or [], gifts)
    names = dict.fromkeys(g.donor_name for g in gifts)
    return [name for name in names if not donors or name in donors]


@io_task
def build_donor_statements(
    cycle_id: int, today: date, donors: list[str] | None = None
) -> list[DonorStatementContext]:
    """Build one 捐赠资金去向说明 context per donor (or for each donor named), as of `today`.

    Every figure is as of the statement's day: gifts made by then, the ledger
    entries dated on or before it (a tranche paid later is not counted), and
    the daily reports that had arrived by its end.
    """
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
        the_fund = fund.get_fund(session, cycle_id=cycle_id)
        donations = [
            g
            for g in fund.list_donations(session, fund_id=the_fund.id)  # type: ignore[arg-type]
            if g.donated_on <= today
        ]
        dated = store_figures.list_dated_movements(session, fund_id=the_fund.id, as_of=today)  # type: ignore[arg-type]
        money = figures.money_as_of(session, cycle_id=cycle_id, as_of=today)
        projects = _projects_by_award(session, cycle_id, today)
        projects["known"] = people.list_known_names(session, cycle_id=cycle_id)
        office = issuing_office(session, cycle_id)
    movements = [Movement(m.kind, m.amount_fen, m.domain_id, m.award_id) for m in dated]
    _check_donors(the_fund.name, today, donors or [], donations)
    cash = [
        Gift(g.id, g.restricted_domain_id, g.amount_fen)
        for g in donations
        if g.kind == GiftKind.CASH
    ]  # type: ignore[arg-type]
    shares = attribute_gifts(cash, movements)
    common = {
        "header": DocumentHeader(cycle.street_office, cycle.name, "捐赠资金去向说明", today),
        "as_of": today,
        "fund_name": the_fund.name,
        "fund_raised_fen": money.raised_fen,
        "fund_committed_fen": money.committed_fen,
        "fund_paid_fen": money.paid_fen,
        "money": money_block(money),
        "office": office,
    }
    by_donor: dict[tuple[str, str], list[Donation]] = defaultdict(list)
    for gift in donations:
        if not donors or gift.donor_name in donors:
            by_donor[(gift.donor_name, gift.donor_type)].append(gift)
    return [
        _statement(name, kind, gifts, shares, movements, projects, common)
        for (name, kind), gifts in by_donor.items()
    ]


def _statement(name, kind, gifts, shares, movements, projects, common) -> DonorStatementContext:  # type: ignore[no-untyped-def]
    ids = {g.id for g in gifts}
    by_award: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for share in shares:
        if share.donation_id in ids:
            by_award[share.award_id][0] += share.committed_fen
            by_award[share.award_id][1] += share.paid_fen
    cash = sum(g.amount_fen for g in gifts if g.kind == GiftKind.CASH)
    committed = sum(c for c, _ in by_award.values())
    return DonorStatementDocument(
        # The donor is the addressee: the name stays, a number typed into it does not.
        donor_name=mask_text(name),
        donor_type=DONOR_TYPE_LABELS[kind],
        cash_fen=cash,
        committed_fen=committed,
        paid_fen=sum(p for _, p in by_award.values()),
        uncommitted_fen=cash - committed,
        gifts=tuple(_gift_line(g, projects["domains"], projects["known"]) for g in gifts),
        projects=tuple(
            _attributed(award_id, c, p, movements, projects)
            for award_id, (c, p) in sorted(by_award.items())
        ),
        **common,
    )


def _gift_line(gift: Donation, domains: dict[int, str], known: tuple[str, ...] = ()) -> GiftLine:
    cash = gift.kind == GiftKind.CASH
    return GiftLine(
        donated_on=gift.donated_on,
        kind=CASH_LABEL if cash else IN_KIND_LABELS[gift.category],  # type: ignore[index]
        amount_fen=gift.amount_fen,
        restricted_to=domains.get(gift.restricted_domain_id, "") if cash else "",  # type: ignore[arg-type]
        description=mask_text(gift.description, names=known),
        valuation_fen=gift.valuation_fen,
    )


def _attributed(award_id, committed, paid, movements, projects) -> AttributedProject:  # type: ignore[no-untyped-def]
    info = projects["by_award"].get(award_id, (f"立项 #{award_id}", "", "", ()))
    money = award_money(movements, award_id=award_id)
    return AttributedProject(
        project_title=info[0],
        agency_name=info[1],
        domain_name=info[2],
        award_fen=money.committed_fen - money.released_fen - money.refunded_fen,
        committed_fen=committed,
        paid_fen=paid,
        outputs=info[3],
    )


def _projects_by_award(session: Session, cycle_id: int, today: date) -> dict[str, dict]:
    """Return each award's project title, agency, domain and outputs, and the domain names."""
    domains = {d.id: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)}
    names = {a.id: a.name for a in agencies.list_agencies(session)}
    people = figures.people_by_project(session, cycle_id=cycle_id, last=today)
    planned = _planned_outputs(session, cycle_id)
    by_award = {}
    for project in awards.list_projects(session, cycle_id=cycle_id):
        reached = people.get(project.id)  # type: ignore[arg-type]
        reported = {
            VISITS: reached.service_visits if reached else 0,
            BENEFICIARIES: reached.beneficiaries if reached else 0,
        }
        # Only the indicators daily reports count have a reported figure: a planned KPI
        # nothing reports (活动场次, 志愿服务时长) would print a row of "—", so it is left out.
        outputs = tuple(
            OutputLine(indicator, KPI_UNITS[indicator], total, reported[indicator])
            for indicator, total in planned.get((project.agency_id, project.title), {}).items()
            if indicator in reported
        )
        by_award[project.award_id] = (
            project.title,
            names.get(project.agency_id, ""),
            domains.get(project.domain_id, ""),
            outputs,
        )
    return {"by_award": by_award, "domains": domains}


def _planned_outputs(session: Session, cycle_id: int) -> dict[tuple[int, str], dict[str, int]]:
    planned: dict[tuple[int, str], dict[str, int]] = {}
    for call in calls.list_calls(session, cycle_id=cycle_id):
        targets = proposals.list_kpi_targets(session, call_id=call.id)  # type: ignore[arg-type]
        for proposal in proposals.list_proposals(session, call_id=call.id):  # type: ignore[arg-type]
            totals = {indicator: 0 for indicator in KPI_UNITS}
            for target in targets.get(proposal.id, []):  # type: ignore[arg-type]
                totals[target.indicator] = totals.get(target.indicator, 0) + target.planned
            planned[(proposal.agency_id, proposal.title)] = totals
    return planned
