"""The portal's pages end to end through the app: reports, scores, reviews, dashboard, audit."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from models.monitoring import DailyReport, MonthlyEvaluation
from models.panel import ReviewAssignment
from models.proposal import Proposal, Review
from models.user import AuditEvent
from services.proposal_template import write_template
from store.database import get_engine
from tests.web.conftest import csrf_of, sign_in
from tests.web.portal_builders import REPORT_DAY, PortalWorld

SCORES = {"score_0": "80", "score_1": "70", "score_2": "90", "score_3": "60", "score_4": "75"}


def _report(world: PortalWorld, token: str, **extra: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "project": str(world.project_ids[0]),
        "day": REPORT_DAY.isoformat(),
        "kind_1": "小组",
        "title_1": "智能手机课",
        "people_1": "12",
        "beneficiaries": "E01-0007",
        "service_hours": "2.5",
        "volunteers": "2",
        "volunteer_hours": "3",
        "spend_活动费": "120.50",
        "summary": "教老人用手机挂号",
        "action": "submit",
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
    # 需求契合度 30, 服务设计 25, 机构能力 20, 预算合理性 15, 创新性 10 (demo/call.toml)
    assert review.weighted_score == pytest.approx(
        80 * 0.3 + 70 * 0.25 + 90 * 0.2 + 60 * 0.15 + 75 * 0.1
    )
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
    # The scorer may still change its scores (修改评分) but gets no review card for it.
    assert (
        f'data-evaluation="{world.evaluation_id}"' not in client.get("/evaluator/evaluations").text
    )
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
    # A project's name opens its calendar, and a filed day opens that report.
    assert f'href="/officer/projects/{world.project_ids[0]}?month=2026-06#calendar"' in page
    report = re.search(r'href="(/officer/reports/\d+)" aria-label="2026-06-03"', page)
    assert report is not None
    assert "2026-06-03" in client.get(report.group(1)).text


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


@pytest.mark.one_backend
def test_a_resident_sends_a_need_with_consent(client: TestClient, world: PortalWorld) -> None:
    token = csrf_of(client.get("/needs/new").text)
    data = {
        "csrf_token": token,
        "text": "小区缺少儿童活动场地",
        "community": "长淮社区",
        "source": "网格员",
        "contact_name": "王五",
        "contact_phone": "13700001111",
        "consent": "on",
    }
    response = client.post("/needs/new", data=data)
    assert response.status_code == 200 and "需求已收到" in response.text


@pytest.mark.flow
def test_the_release_button_runs_the_flow_and_the_flows_page_says_how_it_ended(
    prefect_harness: None, client: TestClient, world: PortalWorld
) -> None:
    token = sign_in(client, "staff")
    response = client.post("/officer/flows/release_tranches", data={"csrf_token": token})
    assert response.status_code == 200 and "已开始" in response.text
    jobs = client.app.state.flow_jobs  # type: ignore[attr-defined]
    for _ in range(600):
        if jobs[-1]["state"] != "运行中":
            break
        time.sleep(0.1)
    assert jobs[-1]["state"] == "已完成", jobs[-1]
    page = client.get("/officer/flows").text
    assert "按条件拨付" in page and "待中期评估 2 个" in page


@pytest.mark.flow
def test_a_committee_decision_with_no_run_waiting_is_refused_clearly(
    prefect_harness: None, client: TestClient, world: PortalWorld
) -> None:
    token = sign_in(client, "staff")
    assert "目前没有等待终审决定的遴选流程" in client.get("/officer/committee").text
    response = client.post("/officer/committee", data={"csrf_token": token})
    assert response.status_code == 400 and "没有等待终审决定的遴选" in response.text


@pytest.mark.flow
def test_an_officer_overrides_a_screening_result_with_a_reason(
    prefect_harness: None, client: TestClient, world: PortalWorld, database_url: str
) -> None:
    with Session(get_engine(database_url)) as session:
        proposal = session.get(Proposal, world.proposal_id)
        assert proposal is not None
        proposal.stage, proposal.status = "eligibility", "ineligible"
        session.add(proposal)
        session.commit()
    token = sign_in(client, "staff")
    assert "改判为通过" in client.get("/officer/screening").text
    response = client.post(
        f"/officer/screening/{world.proposal_id}",
        data={"csrf_token": token, "eligible": "yes", "reason": "年检结果已补交"},
    )
    assert response.status_code == 200 and "已改判" in response.text
    assert "已由 街道专干 改判：年检结果已补交" in response.text
    with Session(get_engine(database_url)) as session:
        assert session.get(Proposal, world.proposal_id).status == "eligible"  # type: ignore[union-attr]


def _workbook(tmp_path: Path, agency: str) -> bytes:
    path = write_template(tmp_path / "申报书模板.xlsx")
    workbook = load_workbook(path)
    workbook["申报书"].append(
        [
            agency,
            "社区长者饭堂",
            "elderly",
            "长淮社区",
            "8000",
            "800",
            "300",
            "2",
            "高龄老人",
            "",
            "为高龄老人提供午餐。",
            "",
        ]
    )
    for category, yuan in (("人员费", 3000), ("活动费", 4200), ("管理费", 800)):
        workbook["预算明细"].append(["社区长者饭堂", category, yuan])
    workbook["绩效指标"].append(["社区长者饭堂", "服务人次", 140, 160])
    workbook["进度安排"].append(["社区长者饭堂", 1, "建档与试运营"])
    workbook.save(path)
    return path.read_bytes()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.flow
def test_an_agency_uploads_its_proposal_as_a_draft_but_not_in_anothers_name(
    prefect_harness: None,
    client: TestClient,
    world: PortalWorld,
    database_url: str,
    tmp_path: Path,
) -> None:
    token = sign_in(client, "agency1")
    template = client.get("/agency/proposals/template")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    other = client.post(
        "/agency/proposals",
        data={"csrf_token": token, "action": "draft"},
        files={"workbook": ("p.xlsx", _workbook(tmp_path, "测试社工机构2"), XLSX)},
    )
    assert other.status_code == 400 and "只能提交本机构的申报书" in other.text
    own = client.post(
        "/agency/proposals",
        data={"csrf_token": token, "action": "draft"},
        files={"workbook": ("p.xlsx", _workbook(tmp_path, "测试社工机构1"), XLSX)},
    )
    assert own.status_code == 200 and "已保存为草稿" in own.text
    assert "社区长者饭堂" in own.text
    with Session(get_engine(database_url)) as session:
        [draft] = session.exec(select(Proposal).where(Proposal.title == "社区长者饭堂")).all()
    assert (draft.status, draft.agency_id) == ("draft", world.agency_ids[0])
    late = client.post(
        "/agency/proposals",
        data={"csrf_token": token, "action": "submit"},
        files={"workbook": ("p.xlsx", _workbook(tmp_path, "测试社工机构1"), XLSX)},
    )
    assert late.status_code == 400 and "截止" in late.text
