"""The API takes no daily report for a project closed at 结项: 409, naming the project."""

from __future__ import annotations

from sqlmodel import select

from models.monitoring import DailyReport
from models.project import Project
from tests.web.api.conftest import Api


def test_a_closed_project_is_refused_naming_it_and_nothing_is_stored(api: Api) -> None:
    with api.session() as session:
        project = session.get(Project, api.project_ids[0])
        assert project is not None
        project.status = "completed"
        session.add(project)
        session.commit()
    body = {
        "day": "2026-06-03",
        "activities": [{"kind": "group", "title": "智能手机课", "people": 18}],
    }

    answer = api.client.post(
        f"/api/projects/{api.project_ids[0]}/daily-reports", json=body, headers=api.auth("agency1")
    )

    assert answer.status_code == 409, answer.text
    assert f"服务项目「{api.titles[0]}」已结项，不再提交日报告" in answer.text
    with api.session() as session:
        assert session.exec(select(DailyReport)).all() == []
