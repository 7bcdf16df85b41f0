"""Queries for monthly evaluations (月评估).

An evaluation is keyed by project and month. `set_measures` writes what the
monthly flow measures and keeps what people added (scores, review), so a run
for the same month updates the same row; once an evaluation is approved its
measures are frozen and the flow leaves them alone.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.final_evaluation import FinalEvaluation
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.user import User

MEASURES = (
    "month_index",
    "reports_expected",
    "reports_submitted",
    "reports_late",
    "people_planned",
    "people_served",
    "activities",
    "beneficiaries_new",
    "beneficiaries_to_date",
    "volunteers",
    "volunteer_minutes",
    "service_minutes",
    "indicators",
    "budget_lines",
    "spent_month_fen",
    "spent_to_date_fen",
    "planned_to_date_fen",
    "budget_flagged",
    "issues_raised",
    "risks_reported",
    "items_closed",
    "items_open",
)


def get_evaluation(session: Session, *, project_id: int, month: str) -> MonthlyEvaluation | None:
    """Return a project's evaluation for a month, if there is one."""
    return session.exec(
        select(MonthlyEvaluation).where(
            MonthlyEvaluation.project_id == project_id, MonthlyEvaluation.month == month
        )
    ).first()


def get_evaluation_by_id(
    session: Session, evaluation_id: int
) -> tuple[MonthlyEvaluation, Project] | None:
    """Return a monthly evaluation and its project, by the evaluation's id."""
    row = session.exec(
        select(MonthlyEvaluation, Project)
        .join(Project, Project.id == MonthlyEvaluation.project_id)
        .where(MonthlyEvaluation.id == evaluation_id)
    ).first()
    return (row[0], row[1]) if row else None


def get_final_by_id(session: Session, final_id: int) -> tuple[FinalEvaluation, Project] | None:
    """Return a final evaluation and its project, by the final evaluation's id."""
    row = session.exec(
        select(FinalEvaluation, Project)
        .join(Project, Project.id == FinalEvaluation.project_id)
        .where(FinalEvaluation.id == final_id)
    ).first()
    return (row[0], row[1]) if row else None


def list_projects_named(session: Session, *, cycle_id: int, text: str) -> list[Project]:
    """List the cycle's projects a person may mean by `text`: its number, or its title.

    A title is display text and need not be unique, so this may return several.
    """
    query = select(Project).where(Project.cycle_id == cycle_id)
    if text.isdigit():
        found = list(session.exec(query.where(Project.id == int(text))))
        if found:
            return found
    return list(session.exec(query.where(Project.title == text).order_by(col(Project.id))))


def set_final_evaluation(session: Session, evaluation: FinalEvaluation) -> None:
    """Store changes to a final evaluation's scores, grade or review."""
    session.add(evaluation)
    session.flush()


def set_measures(session: Session, measured: MonthlyEvaluation) -> MonthlyEvaluation:
    """Store the month's measures, keeping the scores and review of an existing evaluation."""
    found = get_evaluation(session, project_id=measured.project_id, month=measured.month)
    if found is None:
        session.add(measured)
        session.flush()
        return measured
    for field in MEASURES:
        setattr(found, field, getattr(measured, field))
    session.add(found)
    session.flush()
    return found


def set_evaluation(session: Session, evaluation: MonthlyEvaluation) -> None:
    """Store changes to an evaluation's scores, grade or review."""
    session.add(evaluation)
    session.flush()


def list_monthly_evaluations(
    session: Session, *, cycle_id: int, month: str, status: str | None = None
) -> list[MonthlyEvaluation]:
    """List the cycle's evaluations for one month by project, optionally of one status."""
    query = (
        select(MonthlyEvaluation)
        .join(Project, Project.id == MonthlyEvaluation.project_id)  # type: ignore[arg-type]
        .where(Project.cycle_id == cycle_id, MonthlyEvaluation.month == month)
    )
    if status is not None:
        query = query.where(MonthlyEvaluation.status == status)
    return list(session.exec(query.order_by(MonthlyEvaluation.project_id)))


def list_project_evaluations(
    session: Session, *, project_ids: list[int], months: list[str]
) -> dict[tuple[int, str], MonthlyEvaluation]:
    """Return the evaluations of these projects in these months, by (project, month)."""
    if not project_ids or not months:
        return {}
    return {
        (e.project_id, e.month): e
        for e in session.exec(
            select(MonthlyEvaluation).where(
                col(MonthlyEvaluation.project_id).in_(project_ids),
                col(MonthlyEvaluation.month).in_(months),
            )
        )
    }


def list_user_names(session: Session, *, user_ids: set[int]) -> dict[int, str]:
    """Return the names of these users, by id."""
    if not user_ids:
        return {}
    return {
        user_id: name
        for user_id, name in session.exec(
            select(User.id, User.name).where(col(User.id).in_(list(user_ids)))
        )
    }  # type: ignore[misc]
