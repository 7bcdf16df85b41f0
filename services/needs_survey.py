"""The 需求调研报告 (PDF with a chart) and the demand workbook (XLSX) of a cycle.

Every figure comes from the stored needs, counted by the rules in
`models.demand`. The PDF shows counts and need texts (masked and escaped by
the template), never a resident's name or phone; the workbook lists every
need with its contact masked, and writing it is logged as a view of
personal data. `write_needs_survey` does it all (what `gongyi needs summary`
calls); the `needs_survey` flow runs the same three steps as tasks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from models.demand import (
    COVERAGE_LABELS,
    NO_TARGET_GROUP,
    UNSORTED,
    Coverage,
    DemandCell,
    GroupDemand,
    count_by_source,
    count_demand,
    rank_groups,
    residents_by_coverage,
    top_unanswered,
    total_by,
)
from models.privacy import mask_name, mask_phone, mask_text
from models.status import NEED_STATUS_LABELS, NeedStatus
from reports.contexts import (
    DemandCommunityRow,
    DemandCountRow,
    DemandDomainRow,
    DemandNeedRow,
    DocumentHeader,
    NeedsSurveyContext,
)
from services import Actor, NotFound, audit
from store import cycles, needs
from store.database import unit_of_work
from store.exports import Cell, Sheet, write_xlsx

TEMPLATE = "reports/needs_survey.html"
TITLE = "需求调研报告"
TOP = 10
UNSORTED_NAME = "待人工确认"


@dataclass(frozen=True)
class SurveySummary:
    """Where the survey report and the demand workbook were written."""

    pdf: str
    xlsx: str
    residents: int
    groups: int


def needs_survey_context(session: Session, *, cycle_id: int, today: date) -> NeedsSurveyContext:
    """Build the 需求调研报告 context from the cycle's stored needs."""
    try:
        cycle = cycles.get_cycle(session, cycle_id)
    except LookupError as missing:
        raise NotFound(str(missing)) from None
    domains = [(d.key, d.name, d.theme) for d in cycles.list_domains(session, cycle_id=cycle_id)]
    demand = needs.list_demand_needs(session, cycle_id=cycle_id)
    citations = needs.list_citations(session, cycle_id=cycle_id)
    cells = count_demand(demand)
    groups = rank_groups(demand, citations=citations)
    names = {key: name for key, name, _ in domains} | {UNSORTED: UNSORTED_NAME}
    coverage = residents_by_coverage(groups)
    days = [n.submitted_on for n in demand if n.submitted_on]
    return NeedsSurveyContext(
        header=DocumentHeader(cycle.street_office, cycle.name, TITLE, today),
        first_day=min(days, default=None),
        last_day=max(days, default=None),
        residents=len(demand),
        groups=len(groups),
        communities=len({n.community for n in demand}),
        in_review_groups=sum(1 for g in groups if g.domain_key == UNSORTED),
        domain_rows=_domain_rows(domains, cells, groups),
        community_rows=_community_rows(domains, cells),
        target_rows=_count_rows(cells, "target_group")[:TOP],
        source_rows=tuple(
            DemandCountRow(label, count, 0)
            for label, count in sorted(count_by_source(demand).items(), key=lambda i: -i[1])
        ),
        top_needs=tuple(_need_row(g, names) for g in groups[:TOP]),
        unanswered=tuple(_need_row(g, names) for g in top_unanswered(groups, limit=TOP)),
        proposals_cite_needs=bool(citations),
        answered_residents=coverage[Coverage.PROPOSED] + coverage[Coverage.FUNDED],
        funded_residents=coverage[Coverage.FUNDED],
        # The residents who left a contact: masked wherever a need text names them.
        names=tuple(
            sorted(
                {n.contact_name.strip() for n in needs.list_needs(session, cycle_id=cycle_id)}
                - {""}
            )
        ),
    )


def _domain_rows(
    domains: list[tuple[str, str, str]], cells: list[DemandCell], groups: list[GroupDemand]
) -> tuple[DemandDomainRow, ...]:
    residents = total_by(cells, "domain_key")
    distinct: dict[str, int] = defaultdict(int)
    funded: dict[str, int] = defaultdict(int)
    for group in groups:
        distinct[group.domain_key] += 1
        funded[group.domain_key] += group.residents if group.coverage == Coverage.FUNDED else 0
    rows = [
        DemandDomainRow(name, theme, residents.get(key, 0), distinct[key], funded[key])
        for key, name, theme in domains
    ]
    if residents.get(UNSORTED):
        rows.append(DemandDomainRow(UNSORTED_NAME, "", residents[UNSORTED], distinct[UNSORTED], 0))
    return tuple(rows)


def _community_rows(
    domains: list[tuple[str, str, str]], cells: list[DemandCell]
) -> tuple[DemandCommunityRow, ...]:
    keys = [key for key, _, _ in domains]
    if any(cell.domain_key == UNSORTED for cell in cells):
        keys.append(UNSORTED)
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cell in cells:
        table[cell.community][cell.domain_key] += cell.residents
    return tuple(
        DemandCommunityRow(name, tuple(counts[k] for k in keys), sum(counts.values()))
        for name, counts in sorted(table.items(), key=lambda item: -sum(item[1].values()))
    )


def _count_rows(cells: list[DemandCell], field: str) -> tuple[DemandCountRow, ...]:
    residents: dict[str, int] = defaultdict(int)
    groups: dict[str, int] = defaultdict(int)
    for cell in cells:
        residents[getattr(cell, field)] += cell.residents
        groups[getattr(cell, field)] += cell.groups
    ordered = sorted(residents, key=lambda label: (-residents[label], label))
    return tuple(DemandCountRow(label, residents[label], groups[label]) for label in ordered)


def _need_row(group: GroupDemand, names: dict[str, str]) -> DemandNeedRow:
    return DemandNeedRow(
        community=group.community,
        domain_name=names.get(group.domain_key, group.domain_key),
        target_group=group.target_group or NO_TARGET_GROUP,
        text=group.text,
        residents=group.residents,
        coverage_label=COVERAGE_LABELS[group.coverage],
    )


def render_needs_survey(context: NeedsSurveyContext, *, target: Path, templates_dir: Path) -> Path:
    """Render the 需求调研报告 PDF."""
    # Imported here: WeasyPrint takes a while to load, and only the PDF needs it.
    from reports.render import render_report

    return render_report(TEMPLATE, context, templates_dir=templates_dir, target=target)


def write_needs_workbook(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    context: NeedsSurveyContext,
    target: Path,
) -> Path:
    """Write the demand summary and every need (contacts masked) to an XLSX workbook; logged."""
    with unit_of_work(session):
        rows = _need_lines(session, cycle_id)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="export_needs",
            subject_type="cycle",
            subject_id=cycle_id,
            detail=f"导出需求清单 {len(rows)} 条（联系人已脱敏）：{target.name}",
        )
    write_xlsx(target, _sheets(context, rows))
    return target


def write_needs_survey(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    cycle_id: int,
    output_dir: Path,
    templates_dir: Path,
    today: date | None = None,
) -> SurveySummary:
    """Write the cycle's 需求调研报告 (PDF) and its demand workbook (XLSX) under `output_dir`/needs."""
    folder = output_dir / "needs"
    context = needs_survey_context(session, cycle_id=cycle_id, today=today or now.date())
    pdf = render_needs_survey(
        context, target=folder / f"{TITLE}-{cycle_id}.pdf", templates_dir=templates_dir
    )
    xlsx = write_needs_workbook(
        session,
        actor=actor,
        now=now,
        cycle_id=cycle_id,
        context=context,
        target=folder / f"需求汇总-{cycle_id}.xlsx",
    )
    return SurveySummary(str(pdf), str(xlsx), context.residents, context.groups)


def _need_lines(session: Session, cycle_id: int) -> list[tuple[Cell, ...]]:
    names = {d.id: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)}
    cycle = cycles.get_cycle(session, cycle_id)
    communities = {
        c.id: c.name for c in cycles.list_communities(session, street_office=cycle.street_office)
    }
    return [
        (
            n.id,
            communities.get(n.community_id, ""),
            mask_text(n.text),
            n.target_group,
            n.source,
            n.submitted_on.isoformat(),
            names.get(n.domain_id, "") if n.domain_id else "",
            n.confidence,
            NEED_STATUS_LABELS[NeedStatus(n.status)],
            n.duplicate_of_id,
            n.weight if n.duplicate_of_id is None else None,
            n.merge_reason,
            mask_name(n.contact_name),
            mask_phone(n.contact_phone),
        )
        for n in needs.list_needs(session, cycle_id=cycle_id)
    ]


def _sheets(context: NeedsSurveyContext, rows: list[tuple[Cell, ...]]) -> list[Sheet]:
    domain_names = [r.name for r in context.domain_rows]
    return [
        Sheet(
            "领域汇总",
            ("服务领域", "居民人次", "需求项数", "已立项回应人次"),
            [(r.name, r.residents, r.groups, r.funded_residents) for r in context.domain_rows],
            (16, 10, 10, 14),
        ),
        Sheet(
            "社区×领域",
            ("社区", *domain_names, "合计"),
            [(r.community, *r.residents, r.total) for r in context.community_rows],
        ),
        Sheet(
            "尚无项目回应",
            ("居民人次", "社区", "服务领域", "服务对象", "需求内容"),
            [
                (r.residents, r.community, r.domain_name, r.target_group, mask_text(r.text))
                for r in context.unanswered
            ],
            (10, 12, 12, 14, 60),
        ),
        Sheet(
            "需求清单",
            (
                "编号",
                "社区",
                "需求内容",
                "服务对象",
                "来源",
                "提交日期",
                "服务领域",
                "置信度",
                "状态",
                "并入",
                "权重",
                "合并原因",
                "联系人",
                "联系电话",
            ),
            rows,
            (8, 12, 60, 14, 8, 12, 12, 8, 12, 8, 6, 40, 8, 14),
        ),
    ]
