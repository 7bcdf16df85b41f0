"""Flow `release_tranches`: pay the mid-term tranches whose condition holds, hold the others.

For each project's `midterm_pass` tranche it reads the published evaluation
of the project's middle month (`models.tranche_release`). A passing grade
pays the tranche: a ledger payment keyed `payment:tranche:<id>` (so it is
never paid twice) after `models.ledger.plan_payment` checks the award still
owes it and the fund holds the cash. A failing grade holds the tranche and
tells the agency and the street officer by e-mail, once. Tranches paid on
signing, and the final tranche (the close-cycle flow), are not touched, nor
is any tranche of a project closed at 结项: its commitment was released then.
Paying and holding are `services.tranches`; this flow only decides which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from prefect import flow
from sqlmodel import Session

from flows.monitoring.notices import send_notices
from flows.runtime import get_mail_settings, get_now, io_task, resolve_cycle, session_scope
from models.award import TrancheCondition
from models.call_rules import read_call_rules
from models.money import format_fen
from models.project import Project
from models.status import CLOSED_PROJECT_STATUSES, EvaluationStatus, TrancheStatus
from models.tranche_release import (
    TrancheDecision,
    decide_tranche,
    midterm_month_index,
    project_month,
)
from services import SYSTEM, Refused, tranches
from store import awards, calls, evaluations


@dataclass(frozen=True)
class ReleaseSummary:
    """Which mid-term tranches were paid, held, or are still waiting."""

    released: tuple[str, ...]
    released_fen: int
    held: tuple[str, ...]
    waiting: int
    errors: tuple[str, ...] = ()


def _midterm_grade(session: Session, project: Project) -> tuple[str, str | None]:
    month = project_month(project.starts_on, midterm_month_index(project.months))
    found = evaluations.get_evaluation(session, project_id=project.id, month=month)  # type: ignore[arg-type]
    if found is None or found.status != EvaluationStatus.PUBLISHED:
        return month, None
    return month, found.grade


@io_task
def decide_midterm_tranches(cycle_id: int, day: date) -> tuple[ReleaseSummary, list[str]]:
    """Pay or hold every mid-term tranche whose evaluation is published."""
    released, held, keys, errors = [], [], [], []
    released_fen = waiting = 0
    now = get_now()
    with session_scope() as session:
        bands = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules).grade_bands
        for tranche, project in awards.list_cycle_tranches(session, cycle_id=cycle_id):
            if tranche.condition != TrancheCondition.MIDTERM_PASS:
                continue
            if project.status in CLOSED_PROJECT_STATUSES:
                continue
            month, grade = _midterm_grade(session, project)
            decision = decide_tranche(
                condition=tranche.condition, status=tranche.status, grade=grade, bands=bands
            )
            if decision == TrancheDecision.RELEASE:
                try:
                    tranches.pay_tranche(
                        session,
                        actor=SYSTEM,
                        now=now,
                        tranche_id=tranche.id,  # type: ignore[arg-type]
                        on=day,
                    )
                except Refused as error:
                    errors.append(f"「{project.title}」第 {tranche.seq} 期未能拨付：{error}")
                    continue
                released.append(project.title)
                released_fen += tranche.amount_fen
            elif decision == TrancheDecision.HOLD:
                keys.append(
                    tranches.hold_tranche(
                        session,
                        actor=SYSTEM,
                        now=now,
                        tranche_id=tranche.id,  # type: ignore[arg-type]
                        on=day,
                        grade=grade or "",
                        month=month,
                        officer_email=get_mail_settings().officer_email,
                    )
                )
                held.append(project.title)
            elif tranche.status == TrancheStatus.PLANNED:
                waiting += 1
    summary = ReleaseSummary(tuple(released), released_fen, tuple(held), waiting, tuple(errors))
    return summary, keys


@flow(name="release_tranches", log_prints=True)
def release_tranches(cycle_id: int | None = None, today: date | None = None) -> ReleaseSummary:
    """Release the mid-term tranches that passed and hold those that failed."""
    day = today or get_now().date()
    summary, keys = decide_midterm_tranches(resolve_cycle(cycle_id), day)
    send_notices(keys)
    print(
        f"{day} 中期拨付：拨付 {len(summary.released)} 个项目共 {format_fen(summary.released_fen)} 元，"
        f"暂缓 {len(summary.held)} 个，待中期评估 {summary.waiting} 个"
    )
    for title in summary.held:
        print(f"  暂缓：{title}")
    for line in summary.errors:
        print(f"  {line}")
    return summary
