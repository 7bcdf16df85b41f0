"""Submitting daily reports over the API: the intake's checks, versions, idempotency, audit."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from models.monitoring import DailyReport
from models.user import AuditEvent
from tests.web.api.conftest import Api

DAY = "2026-06-03"


def report(**fields: Any) -> dict[str, Any]:
    """A good report for DAY: one group activity, spend within the budget."""
    return {
        "day": DAY,
        "activities": [{"kind": "group", "title": "智能手机课", "people": 18}],
        "beneficiaries": ["E01-0007"],
        "service_hours": 2.5,
        "spend_fen": {"活动费": 12050},
        "summary": "第三讲",
    } | fields


def post(api: Api, body: object, *, login: str = "agency1", project: int = 0) -> Any:
    project_id = project or api.project_ids[0]
    return api.client.post(
        f"/api/projects/{project_id}/daily-reports", json=body, headers=api.auth(login)
    )


def stored(api: Api) -> list[DailyReport]:
    with api.session() as session:
        return list(session.exec(select(DailyReport).order_by(DailyReport.id)))


def test_a_good_report_is_stored_and_audited(api: Api) -> None:
    answer = post(api, report())
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["filing"] == "new"
    assert body["report"]["version"] == 1 and body["report"]["service_minutes"] == 150
    assert body["report"]["people_served"] == 18 and body["report"]["beneficiary_count"] == 1
    [row] = stored(api)
    assert row.source == "api" and row.spend_fen == {"活动费": 12050}
    with api.session() as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "daily_report_new"))
    assert event.actor.startswith("agency1") and event.subject_id == row.id
    assert event.ip and DAY in event.detail


def test_the_same_report_twice_is_stored_once(api: Api) -> None:
    first, second = post(api, report()), post(api, report())
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["filing"] == "duplicate"
    assert second.json()["report"]["id"] == first.json()["report"]["id"]
    assert len(stored(api)) == 1


def test_a_changed_report_needs_revise_and_then_becomes_version_two(api: Api) -> None:
    post(api, report())
    changed = post(api, report(summary="第三讲（补充）"))
    assert changed.status_code == 422
    assert changed.json()["errors"][0]["field"] == "day"
    assert "已提交日报告" in changed.json()["detail"]
    revised = post(api, report(summary="第三讲（补充）", revise=True))
    assert revised.status_code == 201 and revised.json()["filing"] == "revision"
    rows = stored(api)
    assert [(r.version, r.is_current) for r in rows] == [(1, False), (2, True)]


def test_bad_fields_are_named_in_chinese_and_nothing_is_stored(api: Api) -> None:
    answer = post(
        api,
        report(day="2026-13-01", volunteers=-1, activities=[{"kind": "party", "title": "x"}]),
    )
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"day", "volunteers", "activities.0.kind", "activities.0.people"} <= fields
    assert "日期格式应为" in answer.text and "不能小于 0" in answer.text
    assert stored(api) == []


def test_the_intake_rules_refuse_with_the_field(api: Api) -> None:
    over = post(api, report(spend_fen={"活动费": 600_000}))
    assert over.status_code == 422
    assert over.json()["errors"][0]["field"] == "spend_fen" and "超出预算" in over.text
    early = post(api, report(day="2026-05-29"))
    assert early.json()["errors"][0]["field"] == "day" and "早于项目开始日期" in early.text
    personal = post(api, report(beneficiaries=["13812345678"]))
    assert personal.json()["errors"][0]["field"] == "beneficiaries"
    assert "不是化名编号" in personal.text and "13812345678" not in personal.text
    assert stored(api) == []


def test_unknown_fields_control_characters_and_bad_json_are_refused(api: Api) -> None:
    unknown = post(api, report(project="别的项目"))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "project"
    nul = post(api, report(summary="a\x00b"))
    assert nul.status_code == 422 and "控制字符" in nul.text
    broken = api.client.post(
        f"/api/projects/{api.project_ids[0]}/daily-reports",
        content=b"{not json",
        headers=api.auth("agency1") | {"Content-Type": "application/json"},
    )
    assert broken.status_code == 422 and "JSON" in broken.json()["detail"]
    assert stored(api) == []


def test_an_oversized_body_is_refused_with_the_limit(api: Api) -> None:
    answer = post(api, report(summary="长" * 40_000))
    assert answer.status_code == 413
    assert answer.json()["limit_bytes"] == 64 * 1024 and "64 KB" in answer.json()["detail"]
    assert stored(api) == []


def test_another_agencys_project_is_not_found(api: Api) -> None:
    answer = post(api, report(), project=api.project_ids[1])
    assert answer.status_code == 404
    assert post(api, report(), project=999_999).status_code == 404
    assert stored(api) == []


def test_only_agencies_submit_reports(api: Api) -> None:
    assert post(api, report(), login="officer").status_code == 403
    assert post(api, report(), login="expert").status_code == 403


def test_a_missing_or_wrong_token_is_401(api: Api) -> None:
    url = f"/api/projects/{api.project_ids[0]}/daily-reports"
    missing = api.client.post(url, json=report())
    wrong = api.client.post(url, json=report(), headers={"Authorization": "Bearer nope"})
    assert missing.status_code == wrong.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer" and "令牌" in missing.json()["detail"]
    assert stored(api) == []


def test_the_stored_report_can_be_read_back(api: Api) -> None:
    post(api, report())
    url = f"/api/projects/{api.project_ids[0]}/daily-reports/{DAY}"
    answer = api.client.get(url, headers=api.auth("agency1"))
    assert answer.status_code == 200 and answer.json()["summary"] == "第三讲"
    assert api.client.get(url, headers=api.auth("agency2")).status_code == 404
    assert api.client.get(url, headers=api.auth("officer")).status_code == 200
    other_day = url.replace(DAY, "2026-06-04")
    assert api.client.get(other_day, headers=api.auth("agency1")).status_code == 404
