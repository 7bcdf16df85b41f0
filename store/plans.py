"""The plans running projects are measured against: budget lines and monthly KPI targets.

Both belong to the proposal a project was funded from (`Award.proposal_id`);
these queries look them up by project, for many projects at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from models.award import Award
from models.project import Project
from models.proposal import BudgetLine, KpiTarget


def _proposal_of(session: Session, project_ids: list[int]) -> dict[int, int]:
    rows = session.exec(
        select(Project.id, Award.proposal_id)
        .join(Award, col(Award.id) == Project.award_id)
        .where(col(Project.id).in_(project_ids))
    )
    return {proposal_id: project_id for project_id, proposal_id in rows if project_id is not None}


def list_budgets(session: Session, *, project_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Return each project's budget in fen by category; a project without lines is absent."""
    projects = _proposal_of(session, list(project_ids))
    budgets: dict[int, dict[str, int]] = defaultdict(dict)
    for line in session.exec(
        select(BudgetLine)
        .where(col(BudgetLine.proposal_id).in_(list(projects)))
        .order_by(col(BudgetLine.proposal_id), col(BudgetLine.id))
    ):
        budgets[projects[line.proposal_id]][line.category] = line.amount_fen
    return dict(budgets)


def list_month_targets(
    session: Session, *, project_ids: Iterable[int]
) -> dict[int, dict[int, dict[str, int]]]:
    """Return each project's KPI targets: project -> project month -> indicator -> planned."""
    projects = _proposal_of(session, list(project_ids))
    targets: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for target in session.exec(
        select(KpiTarget).where(col(KpiTarget.proposal_id).in_(list(projects)))
    ):
        targets[projects[target.proposal_id]][target.month][target.indicator] = target.planned
    return {project: dict(months) for project, months in targets.items()}
