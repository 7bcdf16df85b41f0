"""Building the 创投周期总结报告 context and the headline figures from stored rows.

Every figure is read from the database: the projects and their final
evaluations, the current daily reports (counts only, never who), the fund's
ledger and gifts, the needs and the proposals that cited them, and the track
record the close wrote. `read_headline` is what the flow, the demo and the
artifact show; `cycle_report_context` lays out the whole report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlmodel import Session

from models.attribution import Gift, attribute_gifts
from models.cycle_report import HeadlineFigures, ProjectFacts, count_headline
from models.demand import Coverage, rank_groups
from models.fund import DONOR_TYPE_LABELS, DonorType, GiftKind
from models.ledger import award_money, sum_balance
from models.money import format_fen
from models.status import ProjectStatus
from reports.contexts import DocumentHeader
from reports.cycle_report import (
    AgencyLine,
    CycleReportContext,
    DomainSection,
    DonorLine,
    Figure,
    NeedLine,
    ProjectLine,
    bar_chart,
    stacked_grade_chart,
)
from store import agencies, awards, calls, closing, cycles, fund, needs, proposals

GRADE_ORDER = ("优秀", "良好", "合格", "不合格")
TITLE = "创投周期总结报告"


def read_headline(session: Session, *, cycle_id: int, period_end: date) -> HeadlineFigures:
    """Sum the cycle's headline figures from its projects, reports and ledger."""
    keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=cycle_id)}
    projects = [
        ProjectFacts(p.id, p.agency_id, keys[p.domain_id])  # type: ignore[arg-type]
        for p in awards.list_projects(session, cycle_id=cycle_id)
        if p.status != ProjectStatus.TERMINATED
    ]
    the_fund = fund.get_fund(session, cycle_id=cycle_id)
    balance = sum_balance(fund.list_movements(session, fund_id=the_fund.id))  # type: ignore[arg-type]
    gifts = fund.list_donations(session, fund_id=the_fund.id)  # type: ignore[arg-type]
    return count_headline(
        projects,
        closing.list_service_facts(session, cycle_id=cycle_id, last=period_end),
        balance=balance,
        in_kind_gifts=sum(1 for g in gifts if g.kind == GiftKind.IN_KIND),
    )


def _figures(f: HeadlineFigures) -> tuple[Figure, ...]:
    return (
        Figure("服务领域", str(f.domains), "个"),
        Figure("服务项目", str(f.projects), "个"),
        Figure("承接机构", str(f.agencies), "家"),
        Figure("受益人数", f"{f.beneficiaries:,}", "人"),
        Figure("服务人次", f"{f.service_visits:,}", "人次"),
        Figure("志愿服务", f"{f.volunteer_hours:,}", "小时"),
        Figure("募集资金", format_fen(f.raised_fen), "元"),
        Figure("承诺资助", format_fen(f.committed_fen), "元"),
        Figure("已拨付", format_fen(f.paid_fen), "元"),
        Figure("结余退回", format_fen(f.refunded_fen), "元"),
    )


def _domains(session: Session, cycle_id: int) -> tuple[list[DomainSection], dict[int, list[str]]]:
    domains = cycles.list_domains(session, cycle_id=cycle_id)
    projects = [
        p
        for p in awards.list_projects(session, cycle_id=cycle_id)
        if p.status != ProjectStatus.TERMINATED
    ]
    names = {a.id: a.name for a in agencies.list_agencies(session)}
    finals = {e.project_id: e for e in closing.list_final_evaluations(session, cycle_id=cycle_id)}
    movements = fund.list_movements(session, fund_id=fund.get_fund(session, cycle_id=cycle_id).id)  # type: ignore[arg-type]
    award_of = awards.list_awards_by_id(session, award_ids=[p.award_id for p in projects])
    grades_by_agency: dict[int, list[str]] = defaultdict(list)
    sections = []
    for domain in domains:
        lines = []
        for p in (p for p in projects if p.domain_id == domain.id):
            final = finals.get(p.id)  # type: ignore[arg-type]
            money = award_money(movements, award_id=p.award_id)
            grade = final.grade if final else ""
            grades_by_agency[p.agency_id].append(grade)
            monthly = tuple(
                f"{int(m['month'][5:])}月 {m['grade']}"
                for m in (final.monthly_grades if final else [])
            )
            lines.append(
                ProjectLine(
                    p.title,
                    names[p.agency_id],
                    award_of[p.award_id].amount_fen,
                    money.paid_fen,
                    money.refunded_fen,
                    final.people_served if final else 0,
                    final.beneficiaries if final else 0,
                    monthly,
                    final.total_score if final else None,
                    grade,
                )
            )
        if lines:
            sections.append(
                DomainSection(
                    domain.name,
                    domain.theme,
                    tuple(lines),
                    sum(line.award_fen for line in lines),
                    sum(line.people_served for line in lines),
                    sum(line.beneficiaries for line in lines),
                )
            )
    return sections, grades_by_agency


def _needs(session: Session, cycle_id: int) -> tuple[list[NeedLine], list[NeedLine]]:
    domain_names = {d.key: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)}
    demand = needs.list_demand_needs(session, cycle_id=cycle_id)
    groups = rank_groups(demand, citations=needs.list_citations(session, cycle_id=cycle_id))
    lead_of = {n.need_id: n.lead_id for n in demand}
    answered: dict[int, list[str]] = defaultdict(list)
    for call in calls.list_calls(session, cycle_id=cycle_id):
        for proposal in proposals.list_proposals(session, call_id=call.id):  # type: ignore[arg-type]
            if proposal.status in needs.FUNDED_STATUSES:
                for need_id in proposal.cited_need_ids or ():
                    lead = lead_of.get(int(need_id))
                    if lead is not None and proposal.title not in answered[lead]:
                        answered[lead].append(proposal.title)

    def line(group) -> NeedLine:  # type: ignore[no-untyped-def]
        return NeedLine(
            group.text,
            group.community,
            domain_names.get(group.domain_key, "待人工确认"),
            group.residents,
            "、".join(answered.get(group.lead_id, [])),
        )

    covered = [line(g) for g in groups if g.coverage == Coverage.FUNDED]
    unfunded = [line(g) for g in groups if g.coverage != Coverage.FUNDED]
    return covered, unfunded


def _donors(session: Session, cycle_id: int) -> list[DonorLine]:
    the_fund = fund.get_fund(session, cycle_id=cycle_id)
    gifts = [
        g
        for g in fund.list_donations(session, fund_id=the_fund.id)  # type: ignore[arg-type]
        if g.kind == GiftKind.CASH
    ]
    shares = attribute_gifts(
        [Gift(g.id, g.restricted_domain_id, g.amount_fen) for g in gifts],  # type: ignore[arg-type]
        fund.list_movements(session, fund_id=the_fund.id),  # type: ignore[arg-type]
    )
    by_donor: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    awards_of: dict[str, set[int]] = defaultdict(set)
    kind_of = {}
    donor_of = {g.id: g.donor_name for g in gifts}
    for gift in gifts:
        by_donor[gift.donor_name][0] += gift.amount_fen
        kind_of[gift.donor_name] = gift.donor_type
    for share in shares:
        name = donor_of[share.donation_id]
        by_donor[name][1] += share.committed_fen
        by_donor[name][2] += share.paid_fen
        awards_of[name].add(share.award_id)
    return [
        DonorLine(
            name,
            DONOR_TYPE_LABELS.get(DonorType(kind_of[name]), kind_of[name]),
            kind_of[name] == DonorType.INDIVIDUAL,
            given,
            committed,
            paid,
            len(awards_of[name]),
        )
        for name, (given, committed, paid) in sorted(by_donor.items(), key=lambda i: -i[1][0])
    ]


def _agencies(session: Session, cycle_id: int, year: int) -> list[AgencyLine]:
    projects = Counter(p.agency_id for p in awards.list_projects(session, cycle_id=cycle_id))
    records = {r.agency_id: r for r in agencies.list_track_records(session) if r.year == year}
    return [
        AgencyLine(
            a.name,
            projects[a.id],  # type: ignore[index]
            records[a.id].grade if a.id in records else "",
            records[a.id].yellow_cards if a.id in records else 0,
            records[a.id].breaches if a.id in records else 0,
        )
        for a in agencies.list_agencies(session)
        if projects[a.id]  # type: ignore[index]
    ]


def _charts(f: HeadlineFigures, sections: list[DomainSection], grades: Counter) -> tuple:  # type: ignore[type-arg]
    money = bar_chart(
        "资金流向（元）",
        [
            ("募集", f.raised_fen, format_fen(f.raised_fen)),
            ("承诺", f.committed_fen, format_fen(f.committed_fen)),
            ("拨付", f.paid_fen, format_fen(f.paid_fen)),
            ("退回", f.refunded_fen, format_fen(f.refunded_fen)),
            ("结存", f.held_fen, format_fen(f.held_fen)),
        ],
        note="承诺与拨付按资助协议计；退回为结项时未使用的结余。",
    )
    reach = bar_chart(
        "各服务领域受益人数",
        [
            (s.name, s.beneficiaries, f"{s.beneficiaries} 人 / {s.people_served} 人次")
            for s in sections
        ],
    )
    by_domain = stacked_grade_chart(
        "各服务领域结项等级",
        [
            (s.name, [sum(1 for p in s.projects if p.grade == g) for g in GRADE_ORDER])
            for s in sections
        ],
        grades=GRADE_ORDER,
    )
    return (money, reach, by_domain)


def cycle_report_context(
    session: Session, *, cycle_id: int, period_end: date, today: date, rules_version: int
) -> CycleReportContext:
    """Lay out the whole cycle's report from stored rows."""
    cycle = cycles.get_cycle(session, cycle_id)
    figures = read_headline(session, cycle_id=cycle_id, period_end=period_end)
    sections, _ = _domains(session, cycle_id)
    covered, unfunded = _needs(session, cycle_id)
    grades = Counter(p.grade for s in sections for p in s.projects)
    starts = [p.starts_on for p in awards.list_projects(session, cycle_id=cycle_id)]
    summary = (
        f"{cycle.street_office}{cycle.name}共募集公益基金{format_fen(figures.raised_fen)}元，"
        f"资助{figures.agencies}家社会组织在{figures.domains}个服务领域实施{figures.projects}个服务项目，"
        f"累计服务{figures.service_visits}人次，受益{figures.beneficiaries}人，"
        f"志愿服务{figures.volunteer_hours}小时；拨付{format_fen(figures.paid_fen)}元，"
        f"结项退回结余{format_fen(figures.refunded_fen)}元。"
    )
    return CycleReportContext(
        header=DocumentHeader(cycle.street_office, cycle.name, TITLE, today),
        headline=f"{figures.domains}大领域{figures.projects}个服务项目，受益{figures.beneficiaries}人",
        period_start=min(starts) if starts else cycle.starts_on,
        period_end=period_end,
        figures=_figures(figures),
        summary=summary,
        domains=tuple(sections),
        grade_counts=tuple((g, grades[g]) for g in GRADE_ORDER if grades[g]),
        needs_covered=tuple(covered),
        needs_unfunded=tuple(unfunded),
        residents_covered=sum(n.residents for n in covered),
        residents_unfunded=sum(n.residents for n in unfunded),
        donors=tuple(_donors(session, cycle_id)),
        agencies=tuple(_agencies(session, cycle_id, cycle.year)),
        in_kind_gifts=figures.in_kind_gifts,
        rules_version=rules_version,
        charts=_charts(figures, sections, grades),
    )
