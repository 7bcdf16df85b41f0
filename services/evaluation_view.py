"""Reading a monthly evaluation for review: each criterion beside what was measured for it.

The evaluator reviewing a month (`/evaluator/evaluations`) sees, for every monthly
criterion of the call, its weight, the score given and the records behind it:
日报告合规 beside the reports due, on time and late; 服务进度 beside each
planned output against its actual; the criteria an evaluator scores beside the
month's other measures, listed once (budget, volunteers, action items, satisfaction). The
plausibility flags (`models.attention.evaluation_flags`) come with it, so the
reviewer checks those first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from models.attention import evaluation_flags
from models.call_rules import read_call_rules
from models.evaluation import COMPLIANCE, PROGRESS
from models.indicators import Indicator, Plausibility, read_plausibility
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.status import EvaluationStatus, Role
from services import Actor, Forbidden
from store import calls, portal


@dataclass(frozen=True)
class Measure:
    """One measured figure: its name, and the value as the reviewer reads it."""

    name: str
    value: str


@dataclass(frozen=True)
class CriterionLine:
    """A monthly criterion, its weight and score, and what was measured for it."""

    name: str
    weight: int
    score: float | None
    measured: bool  # computed from the records, not scored by the evaluator
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class EvaluationReading:
    """One monthly evaluation waiting for review, as the reviewer reads it."""

    id: int
    title: str
    month: str
    total: float | None
    grade: str
    comment: str
    veto: str
    flags: tuple[str, ...]
    criteria: tuple[CriterionLine, ...]
    other_measures: tuple[Measure, ...]  # beside the criteria the evaluator scores


def list_for_review(session: Session, *, actor: Actor) -> list[EvaluationReading]:
    """The monthly evaluations in review that this evaluator did not score, read in full."""
    if actor.role != Role.EVALUATOR or actor.user_id is None:
        raise Forbidden("只有评估专家可以审核月评估")
    rows = portal.list_evaluations_to_review(
        session, reviewer_id=actor.user_id, status=EvaluationStatus.IN_REVIEW
    )
    rules: dict[int, tuple[list[tuple[str, int]], Plausibility]] = {}
    return [_reading(e, p, _rules(session, p.cycle_id, rules)) for e, p in rows]


def read_evaluation(
    session: Session, evaluation: MonthlyEvaluation, project: Project
) -> EvaluationReading:
    """One evaluation read as the review page reads it (criteria beside their measures, flags)."""
    return _reading(evaluation, project, _rules(session, project.cycle_id, {}))


def _rules(
    session: Session, cycle_id: int, found: dict[int, tuple[list[tuple[str, int]], Plausibility]]
) -> tuple[list[tuple[str, int]], Plausibility]:
    if cycle_id not in found:
        raw = calls.get_latest_call(session, cycle_id=cycle_id).rules
        criteria = [(c.name, c.weight) for c in read_call_rules(raw).monthly_criteria]
        found[cycle_id] = (criteria, read_plausibility(raw))
    return found[cycle_id]


def _reading(
    e: MonthlyEvaluation, p: Project, rules: tuple[list[tuple[str, int]], Plausibility]
) -> EvaluationReading:
    criteria, limits = rules
    return EvaluationReading(
        id=e.id or 0,
        title=p.title,
        month=e.month,
        total=e.total_score,
        grade=e.grade,
        comment=e.comment,
        veto=e.veto,
        flags=evaluation_flags(e, limits),
        criteria=tuple(
            CriterionLine(
                name=name,
                weight=weight,
                score=e.scores.get(name),
                measured=name in (COMPLIANCE, PROGRESS),
                measures=_measures(e, name),
            )
            for name, weight in criteria
        ),
        other_measures=_other_measures(e),
    )


def _measures(e: MonthlyEvaluation, criterion: str) -> tuple[Measure, ...]:
    if criterion == COMPLIANCE:
        on_time = e.reports_submitted - e.reports_late
        return (
            Measure("应交日报告", f"{e.reports_expected} 份"),
            Measure("按时", f"{on_time} 份"),
            Measure("迟交", f"{e.reports_late} 份"),
            Measure("缺交", f"{max(e.reports_expected - e.reports_submitted, 0)} 份"),
        )
    if criterion == PROGRESS:
        return tuple(_output(i) for i in e.indicators) or (
            Measure("服务人次", f"{e.people_served}/{e.people_planned} 人次"),
        )
    return ()


def _output(row: dict[str, Any]) -> Measure:
    output = Indicator(row["name"], row["unit"], row["planned"], row["actual"])
    unit = output.unit
    if output.planned is None:
        return Measure(output.name, f"无计划，完成 {output.actual}{unit}")
    done = f"（{output.completion:.1f}%）" if output.completion is not None else ""
    return Measure(output.name, f"计划 {output.planned}{unit}，完成 {output.actual}{unit}{done}")


def _other_measures(e: MonthlyEvaluation) -> tuple[Measure, ...]:
    found = [
        Measure("受益人数（本月新增/累计）", f"{e.beneficiaries_new}/{e.beneficiaries_to_date} 人"),
        Measure("志愿者", f"{e.volunteers} 人次，{e.volunteer_minutes // 60} 小时"),
        Measure("督办事项", f"已办结 {e.items_closed}，未办结 {e.items_open}"),
        Measure("问题/风险", f"{e.issues_raised}/{e.risks_reported} 条"),
    ]
    if e.planned_to_date_fen or e.spent_to_date_fen:
        found.append(
            Measure(
                "累计支出/计划",
                f"{e.spent_to_date_fen / 100:,.2f}/{e.planned_to_date_fen / 100:,.2f} 元",
            )
        )
    if e.satisfaction_percent is not None:
        found.append(Measure("满意度", f"{e.satisfaction_percent}%"))
    return tuple(found)
