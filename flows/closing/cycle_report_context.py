"""Building the 创投周期总结报告 context and the headline figures from stored rows.

Every figure is read from the database: the projects and their final
evaluations, the current daily reports (counts only, never who), the fund's
ledger and gifts, the needs and the proposals that cited them, and the track
record the close wrote. Every headline figure comes from its one function in
`services.figures`; `read_headline` is what the flow, the demo and the
artifact show; `cycle_report_context` lays out the whole report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlmodel import Session

from flows.fund.fund_reports import issuing_office
from models.attribution import Gift, attribute_gifts
from models.citation import need_answers
from models.cycle_report import HeadlineFigures, ProjectFacts
from models.demand import rank_groups
from models.figures import MoneyFigures, PeopleFigures
from models.fund import DONOR_TYPE_LABELS, DonorType, GiftKind
from models.ledger import Movement
from models.money import format_fen
from models.privacy import mask_text
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
from reports.figures import CycleReportAsOf
from services import figures
from services.needs_survey import list_citing_proposals
from store import agencies, awards, closing, cycles, fund, needs
from store import figures as store_figures
from store import people as people_store

GRADE_ORDER = ("优秀", "良好", "合格", "不合格")
TITLE = "创投周期总结报告"


def read_headline(
    session: Session, *, cycle_id: int, period_end: date, as_of: date | None = None
) -> HeadlineFigures:
    """Return the cycle's headline figures, each from its one function in `services.figures`.

    People and 服务人次 count the service days up to `period_end`; money counts
    the ledger entries dated by `as_of` (the report's date; every entry when
    None), so the settlement after the last service day is in it.
    """
    keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=cycle_id)}
    projects = [
        ProjectFacts(p.id, p.agency_id, keys[p.domain_id])  # type: ignore[arg-type]
        for p in awards.list_projects(session, cycle_id=cycle_id)
        if p.status != ProjectStatus.TERMINATED
    ]
    money = figures.money_as_of(session, cycle_id=cycle_id, as_of=as_of or date.max)
    people = figures.people_reached(
        session, cycle_id=cycle_id, last=period_end, known_by=as_of or date.max
    )
    gifts = [
        g
        for g in fund.list_donations(session, fund_id=fund.get_fund(session, cycle_id=cycle_id).id)  # type: ignore[arg-type]
        if as_of is None or g.donated_on <= as_of
    ]
    return HeadlineFigures(
        domains=len({p.domain_key for p in projects}),
        projects=len(projects),
        agencies=len({p.agency_id for p in projects}),
        beneficiaries=people.beneficiaries,
        service_visits=people.service_visits,
        volunteer_hours=people.volunteer_hours,
        raised_fen=money.raised_fen,
        committed_fen=money.committed_fen,
        paid_fen=money.paid_fen,
        refunded_fen=money.refunded_fen,
        in_kind_gifts=sum(1 for g in gifts if g.kind == GiftKind.IN_KIND),
    )


def _figures(f: HeadlineFigures, people: PeopleFigures, money: MoneyFigures) -> tuple[Figure, ...]:
    # Four rows of four: the cycle, the people (achieved beside planned), the money twice.
    return (
        Figure("服务领域", str(f.domains), "个"),
        Figure("服务项目", str(f.projects), "个"),
        Figure("承接机构", str(f.agencies), "家"),
        Figure("志愿服务", f"{f.volunteer_hours:,}", "小时"),
        Figure("受益人数", f"{f.beneficiaries:,}", "人"),
        Figure("计划受益人数", f"{people.planned_beneficiaries:,}", "人"),
        Figure("服务人次", f"{f.service_visits:,}", "人次"),
        Figure("计划服务人次", f"{people.planned_visits:,}", "人次"),
        Figure("募集资金", format_fen(f.raised_fen), "元"),
        Figure("承诺资助", format_fen(f.committed_fen), "元"),
        Figure("已拨付", format_fen(f.paid_fen), "元"),
        Figure("结存现金", format_fen(money.held_fen), "元"),
        Figure("释放承诺", format_fen(money.released_fen), "元"),
        Figure("结余退回", format_fen(f.refunded_fen), "元"),
        Figure("未拨付承诺", format_fen(money.unpaid_fen), "元"),
        Figure("实物捐赠", str(f.in_kind_gifts), "笔"),
    )


def _domains(
    session: Session, cycle_id: int, as_of: date, period_end: date
) -> tuple[list[DomainSection], dict[int, list[str]]]:
    domains = cycles.list_domains(session, cycle_id=cycle_id)
    projects = [
        p
        for p in awards.list_projects(session, cycle_id=cycle_id)
        if p.status != ProjectStatus.TERMINATED
    ]
    names = {a.id: a.name for a in agencies.list_agencies(session)}
    finals = {e.project_id: e for e in closing.list_final_evaluations(session, cycle_id=cycle_id)}
    money_of = figures.award_money_as_of(session, cycle_id=cycle_id, as_of=as_of)
    reached = figures.people_by_project(session, cycle_id=cycle_id, last=period_end, known_by=as_of)
    award_of = awards.list_awards_by_id(session, award_ids=[p.award_id for p in projects])
    grades_by_agency: dict[int, list[str]] = defaultdict(list)
    sections = []
    for domain in domains:
        lines = []
        for p in (p for p in projects if p.domain_id == domain.id):
            final = finals.get(p.id)  # type: ignore[arg-type]
            money = money_of.get(p.award_id) or MoneyFigures(as_of=as_of)
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
                    reached[p.id].service_visits if p.id in reached else 0,
                    reached[p.id].beneficiaries if p.id in reached else 0,
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


def _needs(
    session: Session, cycle_id: int, known: tuple[str, ...] = ()
) -> tuple[list[NeedLine], list[NeedLine]]:
    """Pair each group of needs with the funded projects that answer it (`models.citation`)."""
    domain_names = {d.key: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)}
    demand = needs.list_demand_needs(session, cycle_id=cycle_id)
    groups = rank_groups(demand, citations=needs.list_citations(session, cycle_id=cycle_id))
    answers = need_answers(demand, list_citing_proposals(session, cycle_id=cycle_id))

    def line(group) -> NeedLine:  # type: ignore[no-untyped-def]
        return NeedLine(
            mask_text(group.text, names=known),
            group.community,
            domain_names.get(group.domain_key, "待人工确认"),
            group.residents,
            mask_text(
                "；".join(
                    f"{a.title}（{a.how}）" if a.how else a.title
                    for a in answers.get(group.lead_id, ())
                ),
                names=known,
            ),
        )

    covered = [line(g) for g in groups if g.lead_id in answers]
    unfunded = [line(g) for g in groups if g.lead_id not in answers]
    return covered, unfunded


def _donors(session: Session, cycle_id: int, as_of: date) -> list[DonorLine]:
    the_fund = fund.get_fund(session, cycle_id=cycle_id)
    gifts = [
        g
        for g in fund.list_donations(session, fund_id=the_fund.id)  # type: ignore[arg-type]
        if g.kind == GiftKind.CASH and g.donated_on <= as_of
    ]
    dated = store_figures.list_dated_movements(session, fund_id=the_fund.id, as_of=as_of)  # type: ignore[arg-type]
    shares = attribute_gifts(
        [Gift(g.id, g.restricted_domain_id, g.amount_fen) for g in gifts],  # type: ignore[arg-type]
        [Movement(m.kind, m.amount_fen, m.domain_id, m.award_id) for m in dated],
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


def _charts(
    f: HeadlineFigures, released_fen: int, sections: list[DomainSection], grades: Counter
) -> tuple:  # type: ignore[type-arg]
    money = bar_chart(
        "资金流向（元）",
        [
            ("募集", f.raised_fen, format_fen(f.raised_fen)),
            ("承诺", f.committed_fen, format_fen(f.committed_fen)),
            ("拨付", f.paid_fen, format_fen(f.paid_fen)),
            ("释放", released_fen, format_fen(released_fen)),
            ("退回", f.refunded_fen, format_fen(f.refunded_fen)),
            ("结存", f.held_fen, format_fen(f.held_fen)),
        ],
        note="承诺与拨付按资助协议计；释放为未拨付即撤回的承诺（拒付或未决的批次）；退回为结项时未使用的结余。",
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
    """Lay out the whole cycle's report from stored rows, as of `today` (its date).

    Service figures count the days up to `period_end`; money counts the
    ledger entries dated by `today`, so what was committed, paid, released
    and refunded is stated as it stood when the report was issued.
    """
    cycle = cycles.get_cycle(session, cycle_id)
    figures_now = read_headline(session, cycle_id=cycle_id, period_end=period_end, as_of=today)
    money = figures.money_as_of(session, cycle_id=cycle_id, as_of=today)
    people = figures.people_reached(session, cycle_id=cycle_id, last=period_end, known_by=today)
    sections, _ = _domains(session, cycle_id, today, period_end)
    individuals = [d.donor_name for d in _donors(session, cycle_id, today) if d.is_individual]
    known = tuple(
        sorted({*people_store.list_known_names(session, cycle_id=cycle_id), *individuals})
    )
    covered, unfunded = _needs(session, cycle_id, known)
    grades = Counter(p.grade for s in sections for p in s.projects)
    starts = [p.starts_on for p in awards.list_projects(session, cycle_id=cycle_id)]
    f = figures_now
    summary = (
        f"{cycle.street_office}{cycle.name}共募集公益基金{format_fen(f.raised_fen)}元，"
        f"资助{f.agencies}家社会组织在{f.domains}个服务领域实施{f.projects}个服务项目，"
        f"累计服务{f.service_visits}人次（计划{people.planned_visits}人次），"
        f"受益{f.beneficiaries}人（不重复计人，计划{people.planned_beneficiaries}人），"
        f"志愿服务{f.volunteer_hours}小时。资金：承诺资助{format_fen(money.committed_fen)}元，"
        f"已拨付{format_fen(money.paid_fen)}元，"
        f"释放未拨付的承诺{format_fen(money.released_fen)}元，"
        f"结项退回结余{format_fen(money.refunded_fen)}元"
        + (
            f"，尚有{format_fen(money.unpaid_fen)}元承诺未拨付也未释放。"
            if money.unpaid_fen
            else "。"
        )
    )
    return CycleReportAsOf(
        header=DocumentHeader(cycle.street_office, cycle.name, TITLE, today),
        headline=f"{f.domains}大领域{f.projects}个服务项目，受益{f.beneficiaries}人",
        period_start=min(starts) if starts else cycle.starts_on,
        period_end=period_end,
        figures=_figures(f, people, money),
        summary=summary,
        domains=tuple(sections),
        grade_counts=tuple((g, grades[g]) for g in GRADE_ORDER if grades[g]),
        needs_covered=tuple(covered),
        needs_unfunded=tuple(unfunded),
        residents_covered=sum(n.residents for n in covered),
        residents_unfunded=sum(n.residents for n in unfunded),
        donors=tuple(_donors(session, cycle_id, today)),
        agencies=tuple(_agencies(session, cycle_id, cycle.year)),
        in_kind_gifts=f.in_kind_gifts,
        rules_version=rules_version,
        charts=_charts(f, money.released_fen, sections, grades),
        names=known,
        office=issuing_office(session, cycle_id),
    )
