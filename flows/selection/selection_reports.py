"""Tasks that build and render the selection's PDFs: 公示, 资助协议 and 街道遴选汇总.

Every figure is read from stored rows. The notice and the summary show
projects, agencies, domains and money only — never beneficiary data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from sqlmodel import Session

from flows.runtime import (
    get_output_dir,
    io_task,
    publish_specs,
    session_scope,
)
from models.award import TRANCHE_CONDITION_LABELS, TrancheCondition
from models.call_keys import RulesError
from models.call_rules import CallRules, read_call_rules
from models.contract import (
    KpiTotal,
    budget_rows,
    contract_file_name,
    draft_terms,
    mask_email,
    total_kpis,
    tranche_matching,
)
from models.cycle import OfficeIdentity, office_identity
from models.privacy import mask_person, mask_phone
from models.proposal import KPI_UNITS, Proposal
from models.publicity import ObjectionStatus, count_working_days, window_first_day
from models.selection_rules import read_selection_rules
from models.status import ProposalStatus, Stage
from reports.contexts import (
    DocumentHeader,
    NoticeRow,
    PublicNoticeContext,
    SelectionDomainRow,
    SelectionSummaryContext,
)
from reports.document_contexts import (
    ContractDocument,
    ContractTranche,
    NoticeDocument,
    ScoreRow,
    SelectionSummaryDocument,
    StageRow,
)
from services import figures
from services.allocation import stage_scores
from services.register import DocumentSpec
from store import awards, calls, cycles, proposals, selection, users

FUNDED = (ProposalStatus.APPROVED, ProposalStatus.PUBLICISED, ProposalStatus.CONTRACTED)


def _header(session: Session, cycle_id: int, title: str, today: date) -> DocumentHeader:
    cycle = cycles.get_cycle(session, cycle_id)
    return DocumentHeader(cycle.street_office, cycle.name, title, today)


def _folder(call_id: int) -> Path:
    return get_output_dir() / "selection" / f"call-{call_id}"


def _names(
    session: Session, cycle_id: int
) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    cycle = cycles.get_cycle(session, cycle_id)
    agencies = {a.id: a.name for a in calls.list_agencies(session)}
    domains = {d.id: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)}
    communities = {
        c.id: c.name for c in cycles.list_communities(session, street_office=cycle.street_office)
    }
    return agencies, domains, communities  # type: ignore[return-value]


@io_task
def write_notice_pdf(call_id: int) -> str:
    """Render the 公示 of the call's approved proposals."""
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        notice = selection.get_notice(session, call_id=call_id)
        rules = read_selection_rules(call.rules)
        agencies, domains, _ = _names(session, call.cycle_id)
        funded = [
            p for p in proposals.list_proposals(session, call_id=call_id) if p.status in FUNDED
        ]
        reviewers = {
            a.reviewer_id
            for stage in (Stage.PRELIMINARY, Stage.DEFENCE)
            for a in selection.list_assignments(session, call_id=call_id, stage=stage)
        }
        names = {u.id: u.name for u in users.list_users(session)}
        base = PublicNoticeContext(
            header=_header(session, call.cycle_id, "公益创投项目立项公示", notice.published_on),  # type: ignore[union-attr]
            call_title=call.title,
            published_on=notice.published_on,  # type: ignore[union-attr]
            ends_on=notice.ends_on,  # type: ignore[union-attr]
            objection_days=rules.objection_days,
            rows=tuple(
                NoticeRow(i, p.title, agencies[p.agency_id], domains[p.domain_id], p.requested_fen)
                for i, p in enumerate(funded, start=1)
            ),
            total_fen=sum(p.requested_fen for p in funded),
            panel=tuple(sorted(names[r] for r in reviewers)) if rules.publish_panel else (),
        )
        office = _office(session, call.cycle_id, _rules_or_none(call.rules))
        cycle = cycles.get_cycle(session, call.cycle_id)
    first = window_first_day(
        base.published_on, base.ends_on, rules.objection_days, holidays=rules.holidays
    )
    context = NoticeDocument(
        base=base,
        office=office,
        subtitle=f"{cycle.name} · 拟资助项目 {len(base.rows)} 个",
        window_starts_on=first,
        window_days=count_working_days(first, base.ends_on, holidays=rules.holidays),
    )
    spec = DocumentSpec(
        kind="public_notice",
        subject=f"call:{call_id}",
        period=base.published_on.isoformat(),
        as_of=base.published_on,
        template_name="reports/public_notice.html",
        context=context,
        path=_relative(_folder(call_id) / "立项公示.pdf"),
        cycle_id=cycle.id,
        title=f"立项公示 · {call.title}",
    )
    return str(_publish([spec])[0])


def _relative(target: Path) -> str:
    return target.relative_to(get_output_dir()).as_posix()


def _publish(specs: list[DocumentSpec]) -> list[Path]:
    """Publish documents through the register (`flows.runtime.publish_specs`)."""
    return publish_specs(specs)


def _rules_or_none(data: dict) -> CallRules | None:  # type: ignore[type-arg]
    """The call's rules, or None for a call stored without a complete rules file (old rows)."""
    try:
        return read_call_rules(data)
    except RulesError:
        return None


def _contract_context(session: Session, proposal: Proposal) -> ContractDocument:
    """Build a contract from stored rows only: rendering it again on another day gives the same."""
    call = calls.get_call(session, proposal.call_id)
    agency = next(a for a in calls.list_agencies(session) if a.id == proposal.agency_id)
    award = awards.list_awards(session, proposal_ids=[proposal.id])[0]  # type: ignore[list-item]
    project = next(
        p for p in awards.list_projects(session, cycle_id=call.cycle_id) if p.award_id == award.id
    )
    _, domains, communities = _names(session, call.cycle_id)
    rules = read_call_rules(call.rules)
    terms = draft_terms(rules, award_fen=award.amount_fen, matching_fen=proposal.matching_fen)
    matching = tranche_matching(terms)
    shares = {t.condition: t.percent for t in rules.tranches}
    budget = budget_rows(
        (
            (line.category, line.amount_fen)
            for line in proposals.list_budget_lines(session, call_id=call.id).get(  # type: ignore[arg-type]
                proposal.id,  # type: ignore[arg-type]
                [],
            )
        ),
        categories=rules.budget_categories,
    )
    return ContractDocument(
        header=_header(session, call.cycle_id, "公益创投项目资助协议", award.decided_on),
        contract_no=award.contract_no,
        call_title=call.title,
        agency_name=agency.name,
        credit_code=agency.credit_code,
        project_title=proposal.title,
        domain_name=domains[proposal.domain_id],
        community_name=communities[proposal.community_id],
        amount_fen=award.amount_fen,
        funding_mode=terms.funding_mode,
        matching_fen=terms.matching_fen,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        kpis=_kpis(session, proposal),
        budget=budget,
        budget_total_fen=sum(row.amount_fen for row in budget),
        tranches=tuple(
            ContractTranche(
                t.seq,
                shares.get(t.condition, 0),
                t.amount_fen,
                TRANCHE_CONDITION_LABELS.get(TrancheCondition(t.condition), t.condition),
                matching.get(t.seq, 0),
            )
            for t in awards.list_tranches(session, award_id=award.id)  # type: ignore[arg-type]
        ),
        office=_office(session, call.cycle_id, rules),
        clauses=rules.contract,
        leader=mask_person(agency.contact_name) if agency.contact_name else "",
        leader_phone=mask_phone(agency.contact_phone),
        leader_email=mask_email(agency.contact_email) if agency.contact_email else "",
    )


def _office(session: Session, cycle_id: int, rules: CallRules | None) -> OfficeIdentity:
    """The issuing office: the cycle's fields, else the call rules' [office], else the street."""
    cycle = cycles.get_cycle(session, cycle_id)
    return office_identity(cycle, rules.office if rules is not None else None)


def _kpis(session: Session, proposal: Proposal) -> tuple[KpiTotal, ...]:
    """Every KPI the proposal plans, summed over its months; 服务人次 from the proposal if none."""
    targets = proposals.list_kpi_targets(session, call_id=proposal.call_id).get(
        proposal.id,  # type: ignore[arg-type]
        [],
    )
    totals = total_kpis(((t.indicator, t.month, t.planned) for t in targets), units=KPI_UNITS)
    if totals:
        return totals
    return (KpiTotal("服务人次", KPI_UNITS["服务人次"], proposal.planned_people, proposal.months),)


@io_task
def write_contract_pdfs(call_id: int, proposal_ids: Iterable[int], signed_on: date) -> list[str]:
    """Render the 资助协议 of each contracted proposal (through the register; see `_publish`)."""
    with session_scope() as session:
        by_id = {p.id: p for p in proposals.list_proposals(session, call_id=call_id)}
        # The dates printed come from the stored award, never from `signed_on`: the
        # signing dates are left blank for the two sides to write by hand.
        contexts = [(pid, _contract_context(session, by_id[pid])) for pid in proposal_ids]
        cycle_id = calls.get_call(session, call_id).cycle_id
    specs = [
        DocumentSpec(
            kind="contract",
            subject=f"proposal:{pid}",
            period="",
            as_of=context.header.generated_on,
            template_name="reports/contract.html",
            context=context,
            path=_relative(
                _folder(call_id)
                / "资助协议"
                / contract_file_name(context.contract_no, context.project_title, pid)
            ),
            cycle_id=cycle_id,
            title=f"资助协议 · {context.contract_no} · {context.project_title}",
        )
        for pid, context in contexts
    ]
    return [str(path) for path in _publish(specs)] if specs else []


def _score_rows(session: Session, call_id: int, found: list[Proposal]) -> tuple[ScoreRow, ...]:
    """Each scored proposal's raw mean and normalised score, by stage, best normalised first."""
    titles = {p.id: p.title for p in found}
    funded = {p.id for p in found if p.status in FUNDED}
    defence = stage_scores(session, call_id=call_id, stage=Stage.DEFENCE)
    rows = []
    for stage, label in ((Stage.PRELIMINARY, "初审"), (Stage.DEFENCE, "路演答辩")):
        scores = (
            defence
            if stage == Stage.DEFENCE
            else stage_scores(session, call_id=call_id, stage=stage)
        )
        for pid, score in sorted(scores.items(), key=lambda kv: (-kv[1].normalised, kv[0])):
            if stage == Stage.PRELIMINARY:
                outcome = "入围" if pid in defence else "未通过"
            else:
                outcome = "立项" if pid in funded else "未获资助"
            rows.append(ScoreRow(titles[pid], label, score.raw_mean, score.normalised, outcome))
    return tuple(rows)


@io_task
def write_selection_summary_pdf(call_id: int, today: date) -> str:
    """Render the street-wide selection summary of a call."""
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        all_proposals = proposals.list_proposals(session, call_id=call_id)
        reviewed = {
            r.proposal_id
            for r in proposals.list_reviews(session, call_id=call_id, stage=Stage.PRELIMINARY)
        }
        defended = {
            r.proposal_id
            for r in proposals.list_reviews(session, call_id=call_id, stage=Stage.DEFENCE)
        }
        rows, defended_by_domain = [], []
        for domain in cycles.list_domains(session, cycle_id=call.cycle_id):
            own = [p for p in all_proposals if p.domain_id == domain.id]
            rows.append(_domain_row(domain.name, own, reviewed))
            defended_by_domain.append(sum(1 for p in own if p.id in defended))
        objections = selection.list_objections(session, call_id=call_id)
        # The fund as it stood on the summary's own day: a later run, after payments,
        # releases and refunds, prints the same figures (and the same document).
        day = _summary_day(session, call_id, today)
        balance = figures.money_as_of(session, cycle_id=call.cycle_id, as_of=day)
        seats = selection.list_assignments(session, call_id=call_id, stage=Stage.PRELIMINARY)
        conflicts = selection.list_conflicts(session)
        total = _domain_row("合计", all_proposals, reviewed)
        base = SelectionSummaryContext(
            header=_header(session, call.cycle_id, "街道公益创投遴选汇总", day),
            call_title=call.title,
            rows=tuple(rows),
            total=total,
            fund_raised_fen=balance.raised_fen,
            committed_fen=balance.committed_fen,
            reviewers=len({s.reviewer_id for s in seats}),
            conflicts_excluded=sum(
                1
                for p in all_proposals
                if p.id in reviewed
                for (_, a) in conflicts
                if a == p.agency_id
            ),
            objections=len(objections),
            objections_upheld=sum(1 for o in objections if o.status == ObjectionStatus.UPHELD),
        )
        office = _office(session, call.cycle_id, _rules_or_none(call.rules))
        scores = _score_rows(session, call_id, all_proposals)
    funded = {p.id for p in all_proposals if p.status in FUNDED}
    context = SelectionSummaryDocument(
        base=base,
        office=office,
        stage_rows=(
            StageRow("资格审查", total.received, total.eligible),
            StageRow("初审", total.reviewed, len(defended & reviewed)),
            StageRow("路演答辩", len(defended), len(defended & funded)),
        ),
        defended=tuple(defended_by_domain),
        total_defended=len(defended),
        scores=scores,
    )
    spec = DocumentSpec(
        kind="selection_summary",
        subject=f"call:{call_id}",
        period="",
        as_of=base.header.generated_on,
        template_name="reports/selection_summary.html",
        context=context,
        path=_relative(_folder(call_id) / "遴选汇总.pdf"),
        cycle_id=call.cycle_id,
        title=f"街道公益创投遴选汇总 · {call.title}",
    )
    return str(_publish([spec])[0])


def _summary_day(session: Session, call_id: int, today: date) -> date:
    """The summary's own date: the day the 公示 concluded, so a later run prints the same."""
    notice = selection.get_notice(session, call_id=call_id)
    return notice.concluded_on if notice is not None and notice.concluded_on else today


def _domain_row(name: str, own: list[Proposal], reviewed: set[int]) -> SelectionDomainRow:
    funded = [p for p in own if p.status in FUNDED]
    return SelectionDomainRow(
        domain_name=name,
        received=len(own),
        eligible=sum(
            1
            for p in own
            if p.status
            not in (
                ProposalStatus.SUBMITTED,
                ProposalStatus.INELIGIBLE,
                ProposalStatus.DRAFT,
                ProposalStatus.WITHDRAWN,
            )
        ),
        reviewed=sum(1 for p in own if p.id in reviewed),
        funded=len(funded),
        funded_fen=sum(p.requested_fen for p in funded),
    )
