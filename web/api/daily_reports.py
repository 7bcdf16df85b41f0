"""Daily reports (日报告) over the API: submit one, read the current version of a day.

A submission goes through `store.report_intake.file_reports`, the same checks
and versioning as the CLI, the spreadsheet import and the portal's form. The
same payload sent twice (a double click, a retried request) stores one report
and answers 200 with it; a changed payload for a day already reported is
refused unless it says `revise: true`, and then becomes the next version (201).
Only an agency account may submit, and only for its own projects.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.monitoring import DailyReport
from models.project import Project
from models.report_input import InputError, read_report_payload
from models.status import Role
from store import monitoring, portal
from store.accounts import SignedIn
from store.report_intake import ReportsRejected, Submission, file_reports
from web.api.auth import ApiUser, audit, office_today, require
from web.api.errors import REFUSALS, ApiError, ApiRoute, field_error, not_found, refuse_fields
from web.api.fields import Text
from web.deps import SessionDep, get_now, writer_turn

router = APIRouter(tags=["日报告"], route_class=ApiRoute)

Count = Annotated[int, Field(ge=0, le=100_000)]
Hours = Annotated[float, Field(ge=0, le=10_000, allow_inf_nan=False)]
Fen = Annotated[int, Field(ge=0, le=10**11)]

# The labels the intake rules name fields by, and the request fields they are.
FIELD_BY_LABEL = {
    "项目": "project",
    "项目名称": "project",
    "日期": "day",
    "活动": "activities",
    "支出": "spend_fen",
    "无活动原因": "no_activity_reason",
}


class ActivityBody(BaseModel):
    """One activity of the day."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["case", "group", "community", "个案", "小组", "社区活动"] = Field(
        description="活动类型：个案 case / 小组 group / 社区活动 community"
    )
    title: Text = Field(min_length=1, max_length=100, description="活动名称")
    people: Count = Field(description="服务人次")


class DailyReportBody(BaseModel):
    """One day's service log for one project, as the agency writes it. Money is integer fen."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "day": "2026-06-03",
                    "activities": [
                        {"kind": "group", "title": "智能手机课", "people": 18},
                        {"kind": "case", "title": "入户探访", "people": 3},
                    ],
                    "beneficiaries": ["E01-0007", "E01-0012"],
                    "service_hours": 2.5,
                    "volunteers": 2,
                    "volunteer_hours": 4,
                    "spend_fen": {"活动费": 12050},
                    "summary": "老年人智能手机课第三讲：微信视频通话",
                }
            ]
        },
    )

    day: date = Field(description="服务日期（不能晚于今天，须在项目执行期内）")
    activities: list[ActivityBody] = Field(default_factory=list, max_length=50)
    beneficiaries: list[Text] = Field(
        default_factory=list,
        max_length=500,
        description="受益人化名编号（机构自编，如 E01-0007）；不得填写姓名、身份证号、手机号",
    )
    service_hours: Hours = Field(default=0, description="服务时长（小时，须折算为整分钟）")
    volunteers: Count = Field(default=0, description="志愿者人数")
    volunteer_hours: Hours = Field(default=0, description="志愿服务时长（小时）")
    spend_fen: dict[Text, Fen] = Field(
        default_factory=dict, max_length=30, description="当天支出：{预算科目: 金额（分）}"
    )
    issues: Text = Field(default="", max_length=1000, description="发现的问题")
    risks: Text = Field(default="", max_length=1000, description="风险")
    attachments: list[Text] = Field(default_factory=list, max_length=20, description="附件名")
    summary: Text = Field(default="", max_length=2000, description="当天小结")
    no_activity_reason: Text = Field(
        default="", max_length=500, description="当天没有活动时写明原因（此时不填活动与支出）"
    )
    revise: bool = Field(default=False, description="修改已提交的当天日报告时为 true")


class DailyReportOut(BaseModel):
    """The current version of a day's report."""

    id: int
    project_id: int
    day: date
    version: int
    source: str
    first_submitted_at: datetime
    submitted_at: datetime
    activities: list[dict[str, Any]]
    people_served: int
    beneficiary_count: int
    service_minutes: int
    volunteers: int
    volunteer_minutes: int
    spend_fen: dict[str, int]
    issues: str
    risks: str
    summary: str
    no_activity_reason: str


class FilingOut(BaseModel):
    """What the submission did: stored a new report, a new version, or nothing (duplicate)."""

    filing: Literal["new", "revision", "duplicate"]
    message: str
    report: DailyReportOut


def report_out(report: DailyReport) -> DailyReportOut:
    """Describe a stored report without its beneficiary ids."""
    fields = report.model_dump(exclude={"beneficiary_refs", "attachments", "is_current"})
    return DailyReportOut(**fields, beneficiary_count=len(report.beneficiary_refs))


def get_own_project(session: Session, user: SignedIn, project_id: int) -> Project:
    """Return the project if the caller may see it: its agency's, or any for staff; else 404."""
    if user.role in (Role.STAFF, Role.ADMIN):
        agency_id = None
    elif user.role == Role.AGENCY and user.agency_id is not None:
        agency_id = user.agency_id
    else:
        raise ApiError(403, f"您的账号角色（{user.role}）不能查看服务项目")
    try:
        return portal.get_agency_project(session, project_id=project_id, agency_id=agency_id)
    except LookupError:
        raise not_found(f"服务项目 #{project_id}") from None


def _input_errors(errors: tuple[InputError, ...] | list[InputError]) -> ApiError:
    return refuse_fields(
        [field_error(["body", FIELD_BY_LABEL.get(e.field, e.field)], e.message) for e in errors]
    )


def _file(
    session: Session, request: Request, project: Project, body: DailyReportBody
) -> tuple[str, DailyReport]:
    """File the report through the intake; return new, revision or duplicate, and the report."""
    payload = body.model_dump(mode="json")
    # The intake names projects by title, or by id when the title could be mistaken for one.
    payload["project"] = str(project.id) if project.title.isdigit() else project.title
    try:
        report = read_report_payload(payload)
    except InputError as error:
        raise _input_errors([error]) from None
    summary = file_reports(
        session,
        [Submission("", report)],
        cycle_id=project.cycle_id,
        now=get_now(),
        source="api",
        today=office_today(request),
        known={payload["project"]: project},
    )
    filing = "new" if summary.added else "revision" if summary.revised else "duplicate"
    return filing, summary.reports[0]


def _store(
    session: Session, request: Request, project: Project, body: DailyReportBody
) -> tuple[str, DailyReport]:
    """File the report, reading again once if another request stored that day's version first."""
    for attempt in (1, 2):
        try:
            return _file(session, request, project, body)
        except ReportsRejected as error:
            session.rollback()
            raise _input_errors(error.errors) from None
        except IntegrityError:
            # A double click on two connections: the other request stored the same day's
            # version between our read and our write; read again and the intake sees it.
            session.rollback()
            if attempt == 2:
                raise ApiError(409, "同一天的日报告正在被同时提交，请稍后重试") from None
    raise AssertionError("unreachable: the second attempt returns or raises")


MESSAGES = {
    "new": "日报告已保存",
    "revision": "日报告已修订，保存为新版本",
    "duplicate": "与已保存的内容相同，未重复保存",
}


@router.post(
    "/projects/{project_id}/daily-reports",
    response_model=FilingOut,
    status_code=201,
    summary="提交日报告",
    responses={
        200: {"model": FilingOut, "description": "与已保存的版本相同，未重复保存"},
        **REFUSALS,
    },
)
def submit_daily_report(
    request: Request,
    response: Response,
    session: SessionDep,
    user: ApiUser,
    project_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: Annotated[DailyReportBody, Body()],
) -> FilingOut:
    """Submit one day's report for one of the agency's projects (all checks, or nothing saved)."""
    require(user, Role.AGENCY)
    project = get_own_project(session, user, project_id)
    with writer_turn(session):
        filing, current = _store(session, request, project, body)
        audit(
            session,
            request,
            user,
            action=f"daily_report_{filing}",
            subject_type="daily_report",
            subject_id=current.id,
            detail=f"「{project.title}」{body.day} 第 {current.version} 版",
        )
        session.commit()
    response.status_code = 200 if filing == "duplicate" else 201
    return FilingOut(filing=filing, message=MESSAGES[filing], report=report_out(current))


@router.get(
    "/projects/{project_id}/daily-reports/{day}",
    response_model=DailyReportOut,
    summary="查看某天的日报告",
    responses=REFUSALS,
)
def get_daily_report(
    session: SessionDep,
    user: ApiUser,
    project_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    day: date,
) -> DailyReportOut:
    """Return the current version of a project's report for one day."""
    project = get_own_project(session, user, project_id)
    current = monitoring.get_current_report(session, project_id=project.id or 0, day=day)
    if current is None:
        raise not_found(f"「{project.title}」{day} 的日报告")
    return report_out(current)
