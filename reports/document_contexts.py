"""Contexts of the documents a director signs and files: 资助协议, 申报指南, 立项公示, 遴选汇总.

Plain frozen dataclasses, as in `reports.contexts`. The contract's context is
built whole here; the call, the notice and the summary keep the context of
`reports.contexts` as `base` and add what a filed document must carry — the
issuing office's identity for the 落款, the ways to apply or to object — so a
template reads `ctx.header` or `ctx.rows` as before and `ctx.office` besides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.call_rules import ApplicationInfo, ContractClauses
from models.contract import BudgetRow, KpiTotal
from models.cycle import OfficeIdentity
from models.privacy import mask_text
from reports.contexts import (
    CallContext,
    DocumentHeader,
    PublicNoticeContext,
    SelectionSummaryContext,
)


@dataclass(frozen=True)
class ContractTranche:
    """One payment of the contract's plan, with the agency's own money due with it."""

    seq: int
    percent: int
    amount_fen: int
    condition: str
    matching_fen: int


@dataclass(frozen=True)
class ContractDocument:
    """资助协议 between the issuing office (甲方) and one agency (乙方)."""

    header: DocumentHeader
    contract_no: str
    call_title: str
    agency_name: str
    credit_code: str
    project_title: str
    domain_name: str
    community_name: str
    amount_fen: int
    funding_mode: str  # "full" (全额资助) or "matching" (配套资助)
    matching_fen: int
    starts_on: date
    ends_on: date
    kpis: tuple[KpiTotal, ...]
    budget: tuple[BudgetRow, ...]
    budget_total_fen: int
    tranches: tuple[ContractTranche, ...]
    office: OfficeIdentity  # 甲方
    clauses: ContractClauses
    leader: str  # 乙方's project lead, as printed (masked when a person)
    leader_phone: str  # masked
    leader_email: str  # masked


class _Delegating:
    """Read any field this document does not have from its `base` context."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "base":
            raise AttributeError(name)
        return getattr(self.base, name)


@dataclass(frozen=True)
class CallDocument(_Delegating):
    """申报指南 as published: the six standards (`base`), how to apply, whom to ask, the 落款."""

    base: CallContext
    office: OfficeIdentity
    application: ApplicationInfo  # places and contacts already filled from the office
    grade_texts: tuple[str, ...]  # 优秀（90分及以上）… 不合格（低于60分）
    issued_on: date  # 发布日期
    cycle_id: int
    objection_first_day_counts: bool = False  # the 公示's publication day is its day 1


@dataclass(frozen=True)
class NoticeDocument(_Delegating):
    """立项公示: the funded projects (`base`), the window as counted, how to object, the 落款."""

    base: PublicNoticeContext
    office: OfficeIdentity
    subtitle: str
    window_starts_on: date  # the first working day counted
    window_days: int  # working days from window_starts_on to base.ends_on, both included


@dataclass(frozen=True)
class StageRow:
    """How many proposals one selection stage took in, and how many it passed."""

    stage: str
    entered: int
    passed: int


@dataclass(frozen=True)
class ScoreRow:
    """One proposal's scores in a stage: the published raw mean and the normalised average."""

    title: str
    stage: str  # 初审 / 路演答辩
    raw_mean: float  # weighted raw mean over the panel, out of 100 (the published lines read this)
    normalised: float  # per-reviewer normalised average (orders the ranking)
    outcome: str  # 入围 / 未通过 / 立项 / 未获资助


@dataclass(frozen=True)
class SelectionSummaryDocument(_Delegating):
    """街道遴选汇总: the selection by domain (`base`) and the office's 落款 and contact."""

    base: SelectionSummaryContext
    office: OfficeIdentity
    stage_rows: tuple[StageRow, ...]
    defended: tuple[int, ...]  # per row of base.rows: passed 初审, so went on to 路演答辩
    total_defended: int
    scores: tuple[ScoreRow, ...] = ()


@dataclass(frozen=True)
class FinalScoreLine:
    """One criterion of the final evaluation: its weight and score (None = not scored)."""

    name: str
    weight: int
    score: float | None


@dataclass(frozen=True)
class FinalOutputLine:
    """One KPI over the whole period: planned, reached, completion (0–100+, one decimal)."""

    name: str
    unit: str
    planned: int
    actual: int
    completion: float | None


@dataclass(frozen=True)
class FinalMonthLine:
    """One published monthly evaluation of the project."""

    month: str
    total: float | None
    grade: str


@dataclass(frozen=True)
class FinalNeedLine:
    """A need group the proposal cited, with how many residents raised it."""

    text: str
    community: str
    residents: int


@dataclass(frozen=True)
class ProjectReportHead:
    """What a project's evaluation report opens with: who issues it, the project and its award."""

    header: DocumentHeader
    office: OfficeIdentity
    project_title: str
    agency_name: str
    domain_name: str
    community_name: str
    starts_on: date
    ends_on: date
    amount_fen: int


@dataclass(frozen=True)
class FinalReportDocument(ProjectReportHead):
    """项目结项评估报告 of one project, from its published final evaluation."""

    period_end: date
    total_score: float | None
    grade: str
    veto: str
    scores: tuple[FinalScoreLine, ...]
    outputs: tuple[FinalOutputLine, ...]
    budget_fen: int
    planned_to_date_fen: int
    spent_fen: int
    reports_expected: int
    reports_submitted: int
    reports_late: int
    people_served: int
    months: tuple[FinalMonthLine, ...]
    monthly_mean: float | None
    yellow_cards: int
    needs: tuple[FinalNeedLine, ...]
    comment: str
    published_on: date


def final_report_document(
    evaluation: Any,
    *,
    header: DocumentHeader,
    office: OfficeIdentity,
    criteria: tuple[Any, ...],
    project: Any,
    agency_name: str,
    domain_name: str,
    community_name: str,
    amount_fen: int,
    names: Sequence[str] = (),
) -> FinalReportDocument:
    """Build the 结项评估报告 of a published `models.final_evaluation.FinalEvaluation`.

    Free text (the comment, the veto, the cited needs) is masked as it is built:
    numbers, and the cycle's known people (`names`, which stay out of the context).
    """
    return FinalReportDocument(
        header=header,
        office=office,
        project_title=project.title,
        agency_name=agency_name,
        domain_name=domain_name,
        community_name=community_name,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        period_end=evaluation.period_end,
        amount_fen=amount_fen,
        total_score=evaluation.total_score,
        grade=evaluation.grade,
        veto=mask_text(evaluation.veto, names),
        scores=_scores(criteria, evaluation.scores),
        outputs=output_lines(evaluation.indicators),
        budget_fen=evaluation.budget_fen,
        planned_to_date_fen=evaluation.planned_to_date_fen,
        spent_fen=evaluation.spent_fen,
        reports_expected=evaluation.reports_expected,
        reports_submitted=evaluation.reports_submitted,
        reports_late=evaluation.reports_late,
        people_served=evaluation.people_served,
        months=tuple(
            FinalMonthLine(_month_label(str(m["month"])), m.get("total"), str(m.get("grade") or ""))
            for m in evaluation.monthly_grades
        ),
        monthly_mean=evaluation.monthly_mean,
        yellow_cards=evaluation.yellow_cards,
        needs=tuple(
            FinalNeedLine(
                mask_text(str(n["text"]), names),
                str(n.get("community") or ""),
                int(n.get("residents") or 0),
            )
            for n in evaluation.cited_needs
        ),
        comment=mask_text(evaluation.comment, names),
        published_on=evaluation.published_on or evaluation.period_end,
    )


def output_lines(indicators: Iterable[dict[str, Any]]) -> tuple[FinalOutputLine, ...]:
    """Each KPI's plan and output summed over stored indicator rows, with its completion.

    A month's row may have no plan (`planned` None): it counts as 0. A KPI with
    neither a plan nor an output has no line, as the monthly report has none.
    """
    planned: dict[str, int] = {}
    actual: dict[str, int] = {}
    units: dict[str, str] = {}
    for row in indicators:
        name = row["name"]
        planned[name] = planned.get(name, 0) + int(row["planned"] or 0)
        actual[name] = actual.get(name, 0) + int(row["actual"] or 0)
        units[name] = row.get("unit", "")
    return tuple(
        FinalOutputLine(
            name,
            units[name],
            planned[name],
            actual[name],
            round(actual[name] * 100 / planned[name], 1) if planned[name] else None,
        )
        for name in planned
        if planned[name] or actual[name]
    )


def _scores(criteria: tuple[Any, ...], scores: dict[str, float]) -> tuple[FinalScoreLine, ...]:
    """Each criterion of the call with its weight and the score given (None: not scored)."""
    return tuple(FinalScoreLine(c.name, c.weight, scores.get(c.name)) for c in criteria)


def _month_label(month: str) -> str:
    """Say 2026-06 as 2026年6月; anything else as it is."""
    year, _, number = month.partition("-")
    return f"{year}年{int(number)}月" if year.isdigit() and number.isdigit() else month


@dataclass(frozen=True)
class MidtermReportDocument(ProjectReportHead):
    """项目中期评估报告 of one project: its months up to the mid-term and the mid-term tranche."""

    midterm_month: str  # 2026年8月
    months_total: int
    total_score: float | None  # the mid-term month's
    grade: str
    veto: str
    scores: tuple[FinalScoreLine, ...]  # the mid-term month's, by the call's monthly criteria
    months: tuple[FinalMonthLine, ...]  # every published month up to the mid-term
    outputs: tuple[FinalOutputLine, ...]  # planned and reached, summed to the mid-term
    planned_to_date_fen: int
    spent_to_date_fen: int
    reports_expected: int
    reports_submitted: int
    reports_late: int
    tranche_fen: int
    tranche_state: str  # 已拨付 / 暂缓拨付 / 待拨付
    comment: str
    published_on: date


def midterm_report_document(
    evaluations: Any,
    *,
    header: DocumentHeader,
    office: OfficeIdentity,
    criteria: tuple[Any, ...],
    project: Any,
    agency_name: str,
    domain_name: str,
    community_name: str,
    amount_fen: int,
    tranche_fen: int,
    tranche_state: str,
    names: Sequence[str] = (),
) -> MidtermReportDocument:
    """Build the 中期评估报告 from a project's published monthly evaluations, the last the mid-term's.

    The comment and the veto are masked as they are built: numbers, and the cycle's
    known people (`names`, which stay out of the context).
    """
    ordered = sorted(evaluations, key=lambda e: e.month)
    mid = ordered[-1]
    return MidtermReportDocument(
        header=header,
        office=office,
        project_title=project.title,
        agency_name=agency_name,
        domain_name=domain_name,
        community_name=community_name,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        midterm_month=_month_label(mid.month),
        months_total=project.months,
        amount_fen=amount_fen,
        total_score=mid.total_score,
        grade=mid.grade,
        veto=mask_text(mid.veto, names),
        scores=_scores(criteria, mid.scores),
        months=tuple(
            FinalMonthLine(_month_label(e.month), e.total_score, e.grade) for e in ordered
        ),
        outputs=output_lines(i for e in ordered for i in e.indicators),
        planned_to_date_fen=mid.planned_to_date_fen,
        spent_to_date_fen=mid.spent_to_date_fen,
        reports_expected=sum(e.reports_expected for e in ordered),
        reports_submitted=sum(e.reports_submitted for e in ordered),
        reports_late=sum(e.reports_late for e in ordered),
        tranche_fen=tranche_fen,
        tranche_state=tranche_state,
        comment=mask_text(mid.comment, names),
        published_on=mid.published_on or header.generated_on,
    )
