"""The portal's pages end to end through the app: reports, scores, reviews, dashboard, audit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.monitoring import DailyReport, MonthlyEvaluation
from models.panel import ReviewAssignment
from models.proposal import Review
from models.user import AuditEvent
from store.database import get_engine
from tests.web.conftest import csrf_of, sign_in
from tests.web.portal_builders import REPORT_DAY, PortalWorld

SCORES = {"score_0": "80", "score_1": "70", "score_2": "90", "score_3": "60", "score_4": "75"}


def _report(world: PortalWorld, token: str, **extra: str) -> dict[str, str]:
    return {
        "csrf_token": token, "project": str(world.project_ids[0]), "day": REPORT_DAY.isoformat(),
        "kind_1": "小组", "title_1": "智能手机课", "people_1": "12", "beneficiaries": "E01-0007",
        "service_hours": "2.5", "volunteers": "2", "volunteer_hours": "3", "spend_活动费": "120.50",
        "summary": "教老人用手机挂号", "action": "submit",
    } | extra


def _reports(database_url: str) -> list[DailyReport]:
    with Session(get_engine(database_url)) as session:
        return list(session.exec(select(DailyReport)))


@pytest.mark.flow
def test_an_agency_submits_a_daily_report_and_a_double_click_stores_one(
    prefect_harness: None, client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "agency1")
    form = client.get(f"/agency/reports/new?project={world.project_ids[0]}&day={REPORT_DAY}")
    assert "活动费" in form.text and world.titles[0] in form.text
    first = client.post("/agency/reports", data=_report(world, token))
    second = client.post("/agency/reports", data=_report(world, token))
    assert first.status_code == second.status_code == 200
    assert "日报告已提交" in first.text
    assert "没有重复保存" in second.text
    [stored] = _reports(database_url)
    assert (stored.project_id, stored.day, stored.version) == (world.project_ids[0], REPORT_DAY, 1)
    assert stored.people_served == 12 and stored.spend_fen == {"活动费": 12050}
    assert stored.source == "web"
    with Session(get_engine(database_url)) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "report_submit")).all()
    assert [(e.actor, e.ip) for e in events] == [("agency1（机构一用户）", "testclient")] * 2


@pytest.mark.flow
def test_a_bad_report_names_the_field_keeps_the_values_and_writes_nothing(
    prefect_harness: None, client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "agency1")
    response = client.post(
        "/agency/reports", data=_report(world, token, people_1="-3", beneficiaries="13812345678")
    )
    assert response.status_code == 400
    assert "受益人编号" in response.text and "不是化名编号" in response.text
    assert 'value="智能手机课"' in response.text
    assert _reports(database_url) == []


def test_a_saved_draft_comes_back_in_the_form(client: TestClient, world: PortalWorld) -> None:
    token = sign_in(client, "agency1")
    draft = _report(world, token, action="draft", summary="写了一半")
    assert client.post("/agency/reports", data=draft).status_code == 200
    form = client.get(f"/agency/reports/new?project={world.project_ids[0]}&day={REPORT_DAY}")
    assert "写了一半" in form.text and "已载入上次保存的草稿" in form.text


def test_the_agency_home_lists_this_weeks_missing_days(
    client: TestClient, world: PortalWorld
) -> None:
    sign_in(client, "agency1")
    page = client.get("/agency").text
    assert world.titles[0] in page and world.titles[1] not in page


def test_an_evaluator_scores_blind_and_cannot_score_twice(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "evaluator1")
    seat = world.seat_ids["evaluator1"]
    page = client.get(f"/evaluator/assignments/{seat}").text
    assert "盲评" in page and "测试社工机构1" not in page
    first = client.post(f"/evaluator/assignments/{seat}", data=SCORES | {"csrf_token": token})
    assert first.status_code == 200 and "加权得分" in first.text
    again = client.post(f"/evaluator/assignments/{seat}", data=SCORES | {"csrf_token": token})
    assert again.status_code == 400 and "不能重复提交" in again.text
    with Session(get_engine(database_url)) as session:
        [review] = session.exec(select(Review)).all()
        assignment = session.get(ReviewAssignment, seat)
    # 需求契合度 30, 服务设计 25, 机构能力 20, 预算合理性 15, 可持续性 10 (demo/call.toml)
    assert review.weighted_score == pytest.approx(80 * 0.3 + 70 * 0.25 + 90 * 0.2 + 60 * 0.15 + 75 * 0.1)
    assert assignment is not None and assignment.status == "scored"


def test_a_score_out_of_range_is_refused_naming_the_criterion(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "evaluator1")
    seat = world.seat_ids["evaluator1"]
    response = client.post(
        f"/evaluator/assignments/{seat}", data=SCORES | {"score_2": "120", "csrf_token": token}
    )
    assert response.status_code == 400 and "机构能力" in response.text and "0–100" in response.text
    with Session(get_engine(database_url)) as session:
        assert session.exec(select(Review)).all() == []
        assert session.get(ReviewAssignment, seat).status == "assigned"  # type: ignore[union-attr]


@pytest.mark.flow
def test_a_second_evaluator_approves_a_monthly_evaluation_the_scorer_cannot(
    prefect_harness: None, client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "evaluator2")
    assert world.titles[0] not in client.get("/evaluator/evaluations").text
    token = sign_in(client, "evaluator1")
    assert world.titles[0] in client.get("/evaluator/evaluations").text
    response = client.post(
        f"/evaluator/evaluations/{world.evaluation_id}",
        data={"csrf_token": token, "decision": "approve"},
    )
    assert response.status_code == 200 and "已审定" in response.text
    with Session(get_engine(database_url)) as session:
        assert session.get(MonthlyEvaluation, world.evaluation_id).status == "approved"  # type: ignore[union-attr]


@pytest.mark.flow
def test_the_officer_sees_the_report_and_the_score_on_the_dashboard(
    prefect_harness: None, client: TestClient, world: PortalWorld
) -> None:
    client.post("/agency/reports", data=_report(world, sign_in(client, "agency1")))
    seat = world.seat_ids["evaluator1"]
    token = sign_in(client, "evaluator1")
    client.post(f"/evaluator/assignments/{seat}", data=SCORES | {"csrf_token": token})
    sign_in(client, "staff")
    page = client.get("/officer", params={"month": "2026-06"}).text
    assert "2026-06" in page and world.titles[0] in page
    # The report for 3 June arrived months later: late, and counted on its row.
    assert 'title="2026-06-03 late"' in page
    assert "初审" in page and "已评分" in page and "待评分" in page


def test_the_officer_filters_the_audit_log_by_action_and_person(
    client: TestClient, world: PortalWorld
) -> None:
    sign_in(client, "agency1")
    sign_in(client, "staff")
    client.get("/officer/needs")
    logins = client.get("/officer/audit", params={"action": "login"}).text
    assert "agency1（机构一用户）" in logins and "view_needs_review</td>" not in logins
    mine = client.get("/officer/audit", params={"actor": "staff"}).text
    assert "view_needs_review" in mine and "agency1（" not in mine


def test_the_needs_queue_masks_contacts_and_the_view_is_logged(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    sign_in(client, "staff")
    page = client.get("/officer/needs").text
    assert "张**" in page and "138****5678" in page and "13812345678" not in page
    with Session(get_engine(database_url)) as session:
        views = session.exec(select(AuditEvent).where(AuditEvent.action == "view_needs_review"))
        assert len(views.all()) == 1


def test_the_officer_confirms_a_need_into_another_domain(
    client: TestClient, world: PortalWorld
) -> None:
    token = sign_in(client, "staff")
    response = client.post(
        f"/officer/needs/{world.need_id}", data={"csrf_token": token, "domain": "special"}
    )
    assert response.status_code == 200 and f"#{world.need_id}" in response.text
    assert "没有待确认的需求" in response.text


def test_pages_switch_to_english_from_the_catalogue(client: TestClient, world: PortalWorld) -> None:
    client.cookies.set("lang", "en")
    page = client.get("/login").text
    assert "Sign in" in page and "登录名" not in page
    sign_in(client, "agency1")
    form = client.get("/agency/reports/new").text
    assert "Submit daily report" in form and "Save draft" in form


def test_a_resident_sends_a_need_with_consent(client: TestClient, world: PortalWorld) -> None:
    token = csrf_of(client.get("/needs/new").text)
    data = {"csrf_token": token, "text": "小区缺少儿童活动场地", "community": "长淮社区",
            "source": "网格员", "contact_name": "王五", "contact_phone": "13700001111",
            "consent": "on"}
    response = client.post("/needs/new", data=data)
    assert response.status_code == 200 and "需求已收到" in response.text
