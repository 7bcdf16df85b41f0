"""Daily reports (日报告) over the API: submit one, read the current version of a day.

A submission gets the same checks and versioning as the CLI, the spreadsheet
import and the portal's form (`services.daily_reports`); it is filed by the app's
`ReportWriter` together with the other requests' reports waiting at that moment,
in one transaction, and answered after the commit (`web.api.report_filing`). The
same payload sent twice (a double click, a retried request) stores one report
and answers 200 with it; a changed payload for a day already reported is
refused unless it says `revise: true`, and then becomes the next version (201).
Only an agency account may submit, and only for its own projects, and only while the
project runs: a project closed at 结项 (or terminated, or suspended) takes no report,
answered 409 with a sentence naming it (`services.daily_reports.require_reporting`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from models.monitoring import DailyReport
from models.project import Project
from models.status import Role
from services import Actor, audit
from services.projects import own_project
from store import monitoring
from store.accounts import SignedIn
from web.api.auth import ApiCaller, ApiUser, require
from web.api.errors import REFUSALS, ApiRoute, ErrorBody, not_found
from web.api.fields import Text
from web.api.report_filing import Pending, Stored
from web.api.report_writer import ReportWriter
from web.deps import NowDep, SessionDep, get_client_ip

router = APIRouter(tags=["日报告"], route_class=ApiRoute)

Count = Annotated[int, Field(ge=0, le=100_000)]
Hours = Annotated[float, Field(ge=0, le=10_000, allow_inf_nan=False)]
Fen = Annotated[int, Field(ge=0, le=10**11)]


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

    day: date = Field(
        description="服务日期（不能晚于今天，须在项目执行期内；已结项的项目不再提交）"
    )
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
    """Return the project if the caller may see it: its agency's, or any for staff; else 404.

    The rule is `services.projects.own_project`; its refusal is answered 404 / 403.
    """
    return own_project(session, actor=Actor.of(user), project_id=project_id)


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
        503: {"model": ErrorBody, "description": "暂时无法保存（可原样重新提交，不会重复保存）"},
        **REFUSALS,
    },
)
async def submit_daily_report(
    request: Request,
    caller: ApiCaller,
    now: NowDep,
    project_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: Annotated[DailyReportBody, Body()],
) -> Response:
    """Submit one day's report for one of the agency's projects (all checks, or nothing saved)."""
    require(caller.user, Role.AGENCY)
    # Filed with the other requests' reports in one transaction; answered after the commit.
    writer: ReportWriter[Pending, Stored] = request.app.state.report_writer
    stored = await writer.submit(
        Pending(
            caller.digest, project_id, body.model_dump(mode="json"), get_client_ip(request), now
        )
    )
    answer = FilingOut(
        filing=stored.filing,  # type: ignore[arg-type]
        message=MESSAGES[stored.filing],
        report=report_out(stored.report),
    )
    # Already a checked FilingOut: sent as it is, not validated and encoded a second time.
    return Response(
        answer.model_dump_json(),
        status_code=200 if stored.filing == "duplicate" else 201,
        media_type="application/json",
    )


@router.get(
    "/projects/{project_id}/daily-reports/{day}",
    response_model=DailyReportOut,
    summary="查看某天的日报告",
    responses=REFUSALS,
)
def get_daily_report(
    request: Request,
    session: SessionDep,
    user: ApiUser,
    now: NowDep,
    project_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    day: date,
) -> DailyReportOut:
    """Return the current version of a project's report for one day; the read is logged."""
    project = get_own_project(session, user, project_id)
    current = monitoring.get_current_report(session, project_id=project.id or 0, day=day)
    if current is None:
        raise not_found(f"「{project.title}」{day} 的日报告")
    answer = report_out(current)
    # A report holds personal data (summaries, issues, beneficiaries): every view is logged.
    audit.log_view(
        session,
        actor=Actor.of(user, get_client_ip(request)),
        now=now,
        action="view_daily_report",
        subject_type="daily_report",
        subject_id=current.id,
        detail=f"API 查看项目 #{project.id} {day} 的日报告（第 {current.version} 版）",
    )
    return answer
