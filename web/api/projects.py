"""Service projects (服务项目) over the API: an agency's own projects and the days it still owes.

An agency account sees only its agency's projects (another agency's project is
404, as if it did not exist); street-office staff and admins see every project.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from models.project import Project
from models.status import Role
from services import Actor
from services.projects import own_project
from store import awards, days_off, monitoring, portal
from web.api.auth import ApiUser, require
from web.api.errors import REFUSALS, ApiRoute, field_error, refuse_fields
from web.deps import SessionDep, TodayDep

router = APIRouter(tags=["服务项目"], route_class=ApiRoute)
MAX_SPAN_DAYS = 400


class ProjectOut(BaseModel):
    """A service project and its run."""

    id: int
    title: str
    agency_id: int
    cycle_id: int
    status: str
    starts_on: date
    ends_on: date
    people_planned: int


class MissingDaysOut(BaseModel):
    """The working days in a span that have no daily report yet."""

    project_id: int
    first: date
    last: date
    missing: list[date] = Field(
        description="应报而未报的工作日（周一至周五，节假日和免交日除外；项目终止、暂停或结项之日起不再应报），按日期排列"
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "project_id": 3,
                    "first": "2026-06-01",
                    "last": "2026-06-05",
                    "missing": ["2026-06-02", "2026-06-04"],
                }
            ]
        }
    }


def project_out(project: Project) -> ProjectOut:
    """Describe a project."""
    return ProjectOut.model_validate(project, from_attributes=True)


@router.get(
    "/projects", response_model=list[ProjectOut], summary="我的服务项目", responses=REFUSALS
)
def list_projects(session: SessionDep, user: ApiUser) -> list[ProjectOut]:
    """List the agency's projects (staff: the projects of the newest running cycle)."""
    require(user, Role.AGENCY, Role.STAFF, Role.ADMIN)
    if user.role == Role.AGENCY:
        found = portal.list_agency_projects(session, agency_id=user.agency_id or 0)
    else:
        try:
            found = awards.list_projects(session, cycle_id=awards.get_monitored_cycle_id(session))
        except LookupError:
            found = []
    return [project_out(p) for p in found]


@router.get(
    "/projects/{project_id}", response_model=ProjectOut, summary="服务项目", responses=REFUSALS
)
def get_project(
    session: SessionDep, user: ApiUser, project_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> ProjectOut:
    """Return one project the caller may see."""
    return project_out(own_project(session, actor=Actor.of(user), project_id=project_id))


@router.get(
    "/projects/{project_id}/missing-days",
    response_model=MissingDaysOut,
    summary="未报日报告的日期",
    responses=REFUSALS,
)
def list_missing_days(
    session: SessionDep,
    user: ApiUser,
    today: TodayDep,
    project_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    first: Annotated[date | None, Query(description="起始日期（默认本周一）")] = None,
    last: Annotated[date | None, Query(description="截止日期（默认今天）")] = None,
) -> MissingDaysOut:
    """List the due days in [first, last] within the project's run with no report.

    A day off (the call's holiday, a day the office excused the project) is not due, nor a
    day from the one the project stopped on (`ProjectRun.due_days`, as every count reads).
    """
    project = own_project(session, actor=Actor.of(user), project_id=project_id)
    last = last or today
    first = first or last - timedelta(days=last.weekday())
    if first > last or (last - first).days > MAX_SPAN_DAYS:
        raise refuse_fields(
            [field_error(["query", "first"], f"应不晚于 last，且跨度不超过 {MAX_SPAN_DAYS} 天")]
        )
    off = days_off.list_days_off(
        session, cycle_id=project.cycle_id, project_ids=[project.id or 0], first=first, last=last
    )
    run = days_off.list_report_runs(session, cycle_id=project.cycle_id)[project.id or 0]
    due = run.due_days(first, min(last, today), off=off.get(project.id or 0, ()))
    filed = monitoring.list_project_reports(
        session, project_ids=[project.id or 0], first=first, last=last
    )
    seen = {r.day for r in filed.get(project.id or 0, [])}
    return MissingDaysOut(
        project_id=project.id or 0,
        first=first,
        last=last,
        missing=[d for d in due if d not in seen],
    )
