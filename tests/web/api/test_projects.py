"""An agency's projects and missing days over the API; staff see all, others' are 404."""

from __future__ import annotations

from tests.web.api.conftest import Api
from tests.web.api.test_daily_reports import post, report


def test_an_agency_lists_only_its_own_projects(api: Api) -> None:
    answer = api.client.get("/api/projects", headers=api.auth("agency1"))
    assert answer.status_code == 200
    assert [p["title"] for p in answer.json()] == [api.titles[0]]


def test_staff_list_every_running_project(api: Api) -> None:
    answer = api.client.get("/api/projects", headers=api.auth("officer"))
    assert sorted(p["title"] for p in answer.json()) == sorted(api.titles)


def test_evaluators_have_no_projects(api: Api) -> None:
    assert api.client.get("/api/projects", headers=api.auth("expert")).status_code == 403


def test_another_agencys_project_is_404(api: Api) -> None:
    own, other = api.project_ids[0], api.project_ids[1]
    assert api.client.get(f"/api/projects/{own}", headers=api.auth("agency1")).status_code == 200
    answer = api.client.get(f"/api/projects/{other}", headers=api.auth("agency1"))
    assert answer.status_code == 404 and "找不到" in answer.json()["detail"]


def test_missing_days_are_the_working_days_without_a_report(api: Api) -> None:
    post(api, report(day="2026-06-02"))
    post(api, report(day="2026-06-04"))
    answer = api.client.get(
        f"/api/projects/{api.project_ids[0]}/missing-days",
        params={"first": "2026-05-28", "last": "2026-06-07"},
        headers=api.auth("agency1"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["missing"] == ["2026-06-01", "2026-06-03", "2026-06-05"]


def test_a_reversed_span_is_refused_naming_the_field(api: Api) -> None:
    answer = api.client.get(
        f"/api/projects/{api.project_ids[0]}/missing-days",
        params={"first": "2026-06-07", "last": "2026-06-01"},
        headers=api.auth("agency1"),
    )
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == ["query", "first"]
    bad = api.client.get(
        f"/api/projects/{api.project_ids[0]}/missing-days",
        params={"first": "yesterday"},
        headers=api.auth("agency1"),
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "first"
