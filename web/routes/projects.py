"""The office's project pages: the list with its filters, one project, one daily report.

Routes only parse the query and render; what is read, and who may read it, is
`services.project_pages` (staff and admins; anyone else gets 403).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from models.report_calendar import EXCUSED, FILED, LATE, MISSING, OFF, PENDING
from services import daily_report_pages, project_pages
from web.deps import CurrentUser, NowDep, SessionDep, actor_of
from web.i18n import N_
from web.pages import render

router = APIRouter(prefix="/officer", include_in_schema=False)

PROJECT_STATUS_LABELS = {
    "active": N_("执行中"),
    "suspended": N_("已暂停"),
    "completed": N_("已结项"),
    "terminated": N_("已终止"),
}
CELL_LABELS = {
    FILED: N_("已报"),
    LATE: N_("迟报"),
    MISSING: N_("缺报"),
    EXCUSED: N_("免报"),
    PENDING: N_("未到期"),
    OFF: N_("无需报"),
}
WEEKDAYS = (N_("周一"), N_("周二"), N_("周三"), N_("周四"), N_("周五"), N_("周六"), N_("周日"))


def id_or_none(value: str) -> int | None:
    """Read a filter's id from the query; anything but digits means no filter."""
    value = value.strip()
    return int(value) if value.isdigit() else None


def _labels() -> dict[str, object]:
    return {"status_labels": PROJECT_STATUS_LABELS, "cell_labels": CELL_LABELS}


@router.get("/projects")
def project_list(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    cycle: str = "",
    domain: str = "",
    community: str = "",
    agency: str = "",
    status: str = "",
) -> Response:
    """List the projects, filtered by cycle, domain, community, agency and status."""
    listing = project_pages.list_projects(
        session,
        actor=actor_of(request, user),
        cycle_id=id_or_none(cycle),
        domain_id=id_or_none(domain),
        community_id=id_or_none(community),
        agency_id=id_or_none(agency),
        status=status.strip()[:20],
    )
    return render(request, "officer/project_list.html", {"listing": listing} | _labels())


@router.get("/projects/{project_id}")
def project_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    project_id: int,
    month: str = "",
) -> Response:
    """Show one project: contract, tranches, the month's report calendar, evaluations, items, documents."""
    page = project_pages.show_project(
        session,
        actor=actor_of(request, user),
        now=now,
        project_id=project_id,
        output_dir=request.app.state.output_dir,
        month=month.strip()[:7],
    )
    leading = page.cells[0].day.weekday() if page.cells else 0
    return render(
        request,
        "officer/project.html",
        {"page": page, "leading": leading, "weekdays": WEEKDAYS} | _labels(),
    )


@router.get("/reports/{report_id}")
def daily_report_page(
    request: Request, session: SessionDep, user: CurrentUser, now: NowDep, report_id: int
) -> Response:
    """Show a daily report and every version of its day (masked; the reading is logged)."""
    page = daily_report_pages.show_daily_report(
        session, actor=actor_of(request, user), now=now, report_id=report_id
    )
    tz = now.tzinfo or UTC

    def stamp(moment: datetime | None) -> str:
        if moment is None:
            return ""
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(tz).strftime("%Y-%m-%d %H:%M")

    return render(request, "officer/daily_report.html", {"page": page, "stamp": stamp} | _labels())
