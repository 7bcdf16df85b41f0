"""Issue #17: an API read of a daily report (personal data) is an event of the audit trail."""

from __future__ import annotations

from sqlmodel import select

from models.user import AuditEvent
from tests.web.api.conftest import Api

DAY = "2026-06-03"
BODY = {
    "day": DAY,
    "activities": [{"kind": "group", "title": "智能手机课", "people": 18}],
    "beneficiaries": ["E01-0007"],
    "service_hours": 2.5,
    "spend_fen": {"活动费": 12050},
    "summary": "王阿姨来电13955501235",
}


def _views(api: Api) -> list[AuditEvent]:
    with api.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == "view_daily_report")
        return list(session.exec(query.order_by(AuditEvent.id)))


def test_each_read_of_a_report_is_logged_with_who_and_from_where(api: Api) -> None:
    filed = api.client.post(
        f"/api/projects/{api.project_ids[0]}/daily-reports", json=BODY, headers=api.auth("agency1")
    )
    assert filed.status_code == 201, filed.text
    url = f"/api/projects/{api.project_ids[0]}/daily-reports/{DAY}"
    assert _views(api) == []
    assert api.client.get(url, headers=api.auth("agency1")).status_code == 200
    assert api.client.get(url, headers=api.auth("officer")).status_code == 200
    first, second = _views(api)
    assert first.actor.startswith("agency1") and second.actor.startswith("officer")
    assert first.subject_id == filed.json()["report"]["id"] and first.ip
    assert DAY in first.detail and "13955501235" not in first.detail


def test_a_refused_read_logs_no_view(api: Api) -> None:
    api.client.post(
        f"/api/projects/{api.project_ids[0]}/daily-reports", json=BODY, headers=api.auth("agency1")
    )
    url = f"/api/projects/{api.project_ids[0]}/daily-reports/{DAY}"
    assert api.client.get(url, headers=api.auth("agency2")).status_code == 404
    assert (
        api.client.get(url.replace(DAY, "2026-06-04"), headers=api.auth("agency1")).status_code
        == 404
    )
    assert _views(api) == []
