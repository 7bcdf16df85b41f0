"""A project closed at 结项 asks the agency for no daily report: not on the home page, not in the form."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.account import ReportDraft
from models.monitoring import DailyReport
from models.project import Project
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import REPORT_DAY, PortalWorld


def _close(database_url: str, project_id: int) -> None:
    with Session(get_engine(database_url)) as session:
        project = session.get(Project, project_id)
        assert project is not None
        project.status = "completed"
        session.add(project)
        session.commit()


def _stored(database_url: str) -> tuple[int, int]:
    with Session(get_engine(database_url)) as session:
        return (
            len(session.exec(select(DailyReport)).all()),
            len(session.exec(select(ReportDraft)).all()),
        )


def test_a_running_project_is_offered_and_listed_as_owing_reports(
    client: TestClient, world: PortalWorld
) -> None:
    sign_in(client, "agency1")
    page = client.get("/agency").text
    assert f"/agency/reports/new?project={world.project_ids[0]}" in page
    assert "填写今天的日报告" in page and "无需填日报告" not in page


def test_a_closed_project_is_listed_as_closed_and_takes_no_report_or_draft(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _close(database_url, world.project_ids[0])
    token = sign_in(client, "agency1")

    home = client.get("/agency").text
    assert world.titles[0] in home and "已结项" in home and "无需填日报告" in home
    # No button, no missing days, no link to the form for it (the menu's link stays).
    assert "/agency/reports/new?project=" not in home and "填写今天的日报告" not in home

    form = client.get(f"/agency/reports/new?project={world.project_ids[0]}&day={REPORT_DAY}")
    assert form.status_code == 409
    assert f"服务项目「{world.titles[0]}」已结项，不再提交日报告" in form.text
    assert 'name="project"' not in form.text

    fields = {
        "csrf_token": token,
        "project": str(world.project_ids[0]),
        "day": REPORT_DAY.isoformat(),
        "kind_1": "小组",
        "title_1": "智能手机课",
        "people_1": "12",
    }
    for action in ("submit", "draft"):
        answer = client.post("/agency/reports", data=fields | {"action": action})
        assert answer.status_code == 409 and "不再提交日报告" in answer.text
    assert _stored(database_url) == (0, 0)
