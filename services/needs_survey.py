"""The 需求调研报告 (PDF with a chart) and the demand workbook (XLSX) of a cycle.

Every figure comes from the stored needs, counted by the rules in
`models.demand`; the needs per domain (residents, groups, the pending ones)
are the one count every document shows, `services.figures.needs_by_domain`,
as of the report's date. Which funded project answers each group of needs,
and how (its title and its own words), is `models.citation.need_answers` over
the proposals' cited needs (`list_citing_proposals`), the same pairing the
cycle report uses; the groups no funded project answers are listed as such.
The PDF shows counts and need texts (masked and escaped by the template),
never a resident's name or phone; the workbook lists every need with its
contact masked, and writing it is logged as a view of personal data.
`write_needs_survey` does it all (what `gongyi needs summary` calls); the
`needs_survey` flow runs the same three steps as tasks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from models.call_keys import RulesError
from models.call_rules import read_call_rules
from models.citation import CitingProposal, NeedAnswer, need_answers
from models.cycle import Cycle, OfficeIdentity, office_identity
from models.demand import (
    COVERAGE_LABELS,
    NO_TARGET_GROUP,
    UNSORTED,
    Citation,
    Coverage,
    DemandNeed,
    GroupDemand,
    count_by_source,
    count_demand,
    rank_groups,
    residents_by_coverage,
)
from models.figures import NeedsFigures
from models.privacy import mask_name, mask_phone, mask_text
from models.status import NEED_STATUS_LABELS, NeedStatus, ProposalStatus
from reports.contexts import (
    DemandCommunityRow,
    DemandCountRow,
    DemandDomainRow,
    DemandNeedRow,
    DocumentHeader,
    NeedsSurveyContext,
)
from services import Actor, NotFound, audit
from services.figures import needs_by_domain
from services.register import DocumentSpec, publish_document
from store import calls, cycles, needs, people, proposals
from store import figures as facts
from store.database import unit_of_work
from store.exports import Cell, Sheet, write_xlsx

TEMPLATE = "reports/needs_survey.html"
TITLE = "需求调研报告"
TOP = 10
UNSORTED_NAME = "待人工确认"
NOT_CITING = (ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN)
"""A draft or a withdrawn proposal answers no need."""


@dataclass(frozen=True)
class ProjectAnswer:
    """A funded project answering a group of needs: its title and what it does (its own words)."""

    title: str
    how: str
    fits: bool = True
    """False when the project's domain or community is not the need's (it was warned)."""


@dataclass(frozen=True)
class SurveyDomainRow(DemandDomainRow):
    """A domain row with how many of its groups are only the classifier's suggestion so far."""

    pending: int = 0


@dataclass(frozen=True)
class SurveyNeedRow(DemandNeedRow):
    """A group of needs with the funded projects that answer it (none: 尚无项目回应)."""

    answers: tuple[ProjectAnswer, ...] = ()
    proposed: int = 0
    """Proposals citing it that were not funded (or not yet)."""


@dataclass(frozen=True)
class NeedsSurveyReport(NeedsSurveyContext):
    """The 需求调研报告 with the needs funded projects answer, and how many none answers."""

    answered: tuple[SurveyNeedRow, ...] = ()
    answered_groups: int = 0
    unanswered_groups: int = 0
    unanswered_residents: int = 0
    unanswered_all: tuple[SurveyNeedRow, ...] = ()
    """Every group no funded project answers (the PDF prints the first ones, the workbook all)."""
    pending_groups: int = 0


@dataclass(frozen=True)
class SurveySummary:
    """Where the survey report and the demand workbook were written."""

    pdf: str
    xlsx: str
    residents: int
    groups: int


def list_citing_proposals(session: Session, *, cycle_id: int) -> list[CitingProposal]:
    """List the cycle's proposals that cite needs (drafts and withdrawn ones left out).

    What `models.citation.need_answers` reads; the cycle report uses the same pair.
    """
    cycle = cycles.get_cycle(session, cycle_id)
    keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=cycle_id)}
    places = {
        c.id: c.name for c in cycles.list_communities(session, street_office=cycle.street_office)
    }
    return [
        CitingProposal(
            proposal_id=p.id or 0,
            title=p.title,
            domain_key=keys.get(p.domain_id, ""),
            community=places.get(p.community_id, ""),
            cited_need_ids=tuple(int(i) for i in p.cited_need_ids or ()),
            funded=p.status in needs.FUNDED_STATUSES,
            summary=p.summary,
        )
        for call in calls.list_calls(session, cycle_id=cycle_id)
        for p in proposals.list_proposals(session, call_id=call.id or 0)
        if p.cited_need_ids and p.status not in NOT_CITING
    ]


def issuing_office(session: Session, cycle: Cycle) -> OfficeIdentity:
    """The office that signs the report: the cycle's fields, else its latest call's [office]."""
    try:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle.id or 0).rules)
    except (LookupError, RulesError):  # no call yet, or one stored without complete rules
        return office_identity(cycle)
    return office_identity(cycle, rules.office)


def needs_survey_context(session: Session, *, cycle_id: int, today: date) -> NeedsSurveyReport:
    """Build the 需求调研报告 context from the cycle's needs as of `today`, signed by its office."""
    try:
        cycle = cycles.get_cycle(session, cycle_id)
    except LookupError as missing:
        raise NotFound(str(missing)) from None
    domains = [(d.key, d.name, d.theme) for d in cycles.list_domains(session, cycle_id=cycle_id)]
    demand = [
        n
        for n in needs.list_demand_needs(session, cycle_id=cycle_id)
        if n.submitted_on is None or n.submitted_on <= today
    ]
    figures = needs_by_domain(session, cycle_id=cycle_id, as_of=today)
    # The group's domain as the one count reads it: the lead's, a pending suggestion included.
    lead_key = {
        f.need_id: (f.domain_key, f.settled)
        for f in facts.list_need_facts(session, cycle_id=cycle_id)
    }
    citing = list_citing_proposals(session, cycle_id=cycle_id)
    funded = need_answers(demand, citing)
    cited = need_answers(demand, citing, funded_only=False)
    groups = rank_groups(demand, citations=[Citation(p.cited_need_ids, p.funded) for p in citing])
    names = {key: name for key, name, _ in domains} | {UNSORTED: UNSORTED_NAME}

    def row(group: GroupDemand) -> SurveyNeedRow:
        key, settled = lead_key.get(group.lead_id, (group.domain_key, True))
        name = names.get(key, UNSORTED_NAME) if key else UNSORTED_NAME
        answers = funded.get(group.lead_id, ())
        return SurveyNeedRow(
            community=group.community,
            domain_name=name if settled or not key else f"{name}（待确认）",
            target_group=group.target_group or NO_TARGET_GROUP,
            text=group.text,
            residents=group.residents,
            coverage_label=_coverage_label(group, answers),
            answers=tuple(ProjectAnswer(a.title, a.how, a.fits) for a in answers),
            proposed=sum(1 for a in cited.get(group.lead_id, ()) if not a.funded),
        )

    unanswered = [g for g in groups if g.lead_id not in funded]
    coverage = residents_by_coverage(groups)
    days = [n.submitted_on for n in demand if n.submitted_on]
    return NeedsSurveyReport(
        header=DocumentHeader(cycle.street_office, cycle.name, TITLE, today),
        first_day=min(days, default=None),
        last_day=max(days, default=None),
        residents=figures.residents,
        groups=figures.groups,
        communities=len({n.community for n in demand}),
        in_review_groups=figures.unsorted.groups,
        domain_rows=_domain_rows(domains, figures, groups, lead_key),
        community_rows=_community_rows(domains, demand, lead_key),
        target_rows=_count_rows(count_demand(demand), "target_group")[:TOP],
        source_rows=tuple(
            DemandCountRow(label, count, 0)
            for label, count in sorted(count_by_source(demand).items(), key=lambda i: -i[1])
        ),
        top_needs=tuple(row(g) for g in groups[:TOP]),
        unanswered=tuple(row(g) for g in unanswered[:TOP]),
        proposals_cite_needs=bool(citing),
        answered_residents=coverage[Coverage.PROPOSED] + coverage[Coverage.FUNDED],
        funded_residents=coverage[Coverage.FUNDED],
        # Every person the system knows (need contacts, action items' owners, objectors)
        # whom the report's texts name: masked there. Only those named, so a name the
        # system learns later (a meeting's 责任人) does not change the document.
        names=_named(people.list_known_names(session, cycle_id=cycle_id), demand, citing),
        answered=tuple(row(g) for g in groups if g.lead_id in funded),
        answered_groups=sum(1 for g in groups if g.lead_id in funded),
        unanswered_groups=len(unanswered),
        unanswered_all=tuple(row(g) for g in unanswered),
        unanswered_residents=sum(g.residents for g in unanswered),
        pending_groups=figures.pending,
        office=issuing_office(session, cycle),
    )


def _named(
    known: tuple[str, ...], demand: list[DemandNeed], citing: list[CitingProposal]
) -> tuple[str, ...]:
    texts = [f"{n.text} {n.target_group}" for n in demand] + [p.summary for p in citing]
    return tuple(name for name in known if any(name in text for text in texts))


def _coverage_label(group: GroupDemand, answers: tuple[NeedAnswer, ...]) -> str:
    if answers:
        return COVERAGE_LABELS[Coverage.FUNDED]
    if group.coverage == Coverage.PROPOSED:
        return "已有申报，未立项"
    return COVERAGE_LABELS[Coverage.NONE]


def _group_key(lead_id: int, lead_key: dict[int, tuple[str, bool]]) -> str:
    return lead_key.get(lead_id, (UNSORTED, True))[0] or UNSORTED


def _domain_rows(
    domains: list[tuple[str, str, str]],
    figures: NeedsFigures,
    groups: list[GroupDemand],
    lead_key: dict[int, tuple[str, bool]],
) -> tuple[SurveyDomainRow, ...]:
    funded: dict[str, int] = defaultdict(int)
    for group in groups:
        if group.coverage == Coverage.FUNDED:
            funded[_group_key(group.lead_id, lead_key)] += group.residents
    rows = []
    for key, name, theme in domains:
        counted = figures.of(key)
        rows.append(
            SurveyDomainRow(
                name, theme, counted.residents, counted.groups, funded[key], counted.pending
            )
        )
    if figures.unsorted.groups:
        unsorted = figures.unsorted
        known = {key for key, _, _ in domains}
        rows.append(
            SurveyDomainRow(
                UNSORTED_NAME,
                "",
                unsorted.residents,
                unsorted.groups,
                sum(n for k, n in funded.items() if k not in known),
            )
        )
    return tuple(rows)


def _community_rows(
    domains: list[tuple[str, str, str]],
    demand: list[DemandNeed],
    lead_key: dict[int, tuple[str, bool]],
) -> tuple[DemandCommunityRow, ...]:
    keys = [key for key, _, _ in domains]
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for need in demand:
        key = _group_key(need.lead_id, lead_key)
        table[need.community][key if key in keys else UNSORTED] += 1
    if any(counts.get(UNSORTED) for counts in table.values()):
        keys.append(UNSORTED)
    return tuple(
        DemandCommunityRow(name, tuple(counts[k] for k in keys), sum(counts.values()))
        for name, counts in sorted(
            table.items(), key=lambda item: (-sum(item[1].values()), item[0])
        )
    )


def _count_rows(cells, field: str) -> tuple[DemandCountRow, ...]:  # type: ignore[no-untyped-def]
    residents: dict[str, int] = defaultdict(int)
    groups: dict[str, int] = defaultdict(int)
    for cell in cells:
        residents[getattr(cell, field)] += cell.residents
        groups[getattr(cell, field)] += cell.groups
    ordered = sorted(residents, key=lambda label: (-residents[label], label))
    return tuple(DemandCountRow(label, residents[label], groups[label]) for label in ordered)


def publish_needs_survey(
    session: Session,
    context: NeedsSurveyContext,
    *,
    cycle_id: int,
    output_dir: Path,
    templates_dir: Path,
    actor: Actor,
    now: datetime,
) -> Path:
    """Publish the 需求调研报告 through the document register (a no-op when nothing changed)."""
    as_of = context.header.generated_on
    return publish_document(
        session,
        DocumentSpec(
            kind="needs_survey",
            subject=f"cycle:{cycle_id}",
            period=as_of.isoformat(),
            as_of=as_of,
            template_name=TEMPLATE,
            context=context,
            path=f"needs/{TITLE}-{cycle_id}.pdf",
            cycle_id=cycle_id,
            title=TITLE,
        ),
        output_dir=output_dir,
        templates_dir=templates_dir,
        actor=actor,
        now=now,
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
            on=context.header.generated_on,
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
    with unit_of_work(session):
        pdf = publish_needs_survey(
            session,
            context,
            cycle_id=cycle_id,
            output_dir=output_dir,
            templates_dir=templates_dir,
            actor=actor,
            now=now,
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
    answered: tuple[SurveyNeedRow, ...] = ()
    unanswered: tuple[DemandNeedRow, ...] = context.unanswered
    if isinstance(context, NeedsSurveyReport):
        answered, unanswered = context.answered, context.unanswered_all
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
            "项目回应",
            ("居民人次", "社区", "服务领域", "需求内容", "回应项目", "怎样回应"),
            [
                (r.residents, r.community, r.domain_name, mask_text(r.text), a.title, a.how)
                for r in answered
                for a in r.answers
            ],
            (10, 12, 12, 50, 24, 50),
        ),
        Sheet(
            "尚无项目回应",
            ("居民人次", "社区", "服务领域", "服务对象", "需求内容", "回应情况"),
            [
                (
                    r.residents,
                    r.community,
                    r.domain_name,
                    r.target_group,
                    mask_text(r.text),
                    r.coverage_label,
                )
                for r in unanswered
            ],
            (10, 12, 12, 14, 60, 16),
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
