"""Excusing days (免交日报告): an officer frees a project from its daily report on given days.

A project may be excused for a sick leave, a closed venue, a school break. An
excused day is not due (`models.compliance`): it is not missing, not late and
never counts towards a reminder, an escalation or a yellow card. Only the
office excuses; a range of days is excused at once (its working days are
stored), days already excused are left as they are, and the act is audited.
The act carries its business date (`on`, when the officer decided; default
today), stored as `excused_at` and in the audit event beside its time of entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.compliance import ExcuseError, days_to_excuse
from models.monitoring import ExcusedDay
from models.text import text_problem
from services import Actor, Forbidden, NotFound, Refused, audit
from services.business_day import business_day
from services.projects import OFFICE_ROLES
from store import awards, excused_days
from store.database import unit_of_work

REASON_MAX = 200
"""The length of `ExcusedDay.reason`."""


@dataclass(frozen=True)
class Excused:
    """The days an excuse added, and those that were already excused."""

    project_id: int
    title: str
    added: tuple[date, ...]
    already: tuple[date, ...]


def excuse_days(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    project_id: int,
    first: date,
    last: date | None = None,
    reason: str,
    on: date | None = None,
) -> Excused:
    """Excuse a project from its daily reports on the working days of [first, last]."""
    if actor.role not in OFFICE_ROLES:
        raise Forbidden(f"您的账号角色（{actor.role}）不能免交日报告")
    reason = _checked_reason(reason)
    on = business_day(on, now=now, what="免交决定日期")
    project = awards.find_project(session, project_id)
    if project is None:
        raise NotFound(f"找不到服务项目 #{project_id}")
    try:
        days = days_to_excuse(
            first, last or first, starts_on=project.starts_on, ends_on=project.ends_on
        )
    except ExcuseError as error:
        raise Refused(f"「{project.title}」{error}") from None
    stored = excused_days.list_excused_days(
        session, project_ids=[project_id], first=days[0], last=days[-1]
    ).get(project_id, set())
    added = [d for d in days if d not in stored]
    at = datetime.combine(on, now.timetz())
    with unit_of_work(session):
        excused_days.add_excused_days(
            session,
            [
                ExcusedDay(
                    project_id=project_id,
                    day=d,
                    reason=reason,
                    excused_by=actor.name,
                    excused_at=at,
                )
                for d in added
            ],
        )
        audit.record(
            session,
            actor=actor,
            now=now,
            action="daily_reports_excused",
            subject_type="project",
            subject_id=project_id,
            on=on,
            detail=f"「{project.title}」{days[0]} 至 {days[-1]} 免交 {len(added)} 天"
            f"（{on} 决定）：{reason}",
        )
    return Excused(project_id, project.title, tuple(added), tuple(sorted(stored)))


def _checked_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise Refused("请填写免交原因（--reason）")
    if (problem := text_problem(reason)) is not None:
        raise Refused(f"免交原因{problem}")
    if len(text) > REASON_MAX:
        raise Refused(f"免交原因超过 {REASON_MAX} 字")
    return text
