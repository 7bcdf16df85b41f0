"""The 运行流程 page: the office's flows in the order of a cycle, their parameters, the history kept in the database."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.user import AuditEvent
from services import Actor
from services.runs import list_flow_records, note_flow_end, note_flow_start
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld
from web.flow_catalogue import BY_NAME, DAY, OFFERED, SOME_DAY, BadParameter, flow_arguments
from web.flow_runs import FLOWS

TODAY = date(2026, 6, 10)


def test_the_catalogue_follows_the_cycle_and_every_flow_it_starts_is_registered() -> None:
    names = [flow.name for flow in OFFERED]
    assert names.index("needs_survey") < names.index("close_call") < names.index("daily_check")
    assert (
        names.index("monthly_evaluation")
        < names.index("final_evaluation")
        < names.index("close_cycle")
    )
    assert set(BY_NAME) <= set(FLOWS)


def test_parameters_become_the_flows_arguments_and_a_bad_one_is_named() -> None:
    args = flow_arguments(
        BY_NAME["close_call"], {"call_id": "3", "day": ""}, cycle_id=1, call_ids={3}, today=TODAY
    )
    assert args == (3, TODAY)
    assert flow_arguments(
        BY_NAME["weekly_meeting"], {}, cycle_id=1, call_ids=set(), today=TODAY
    ) == (1, None)
    assert flow_arguments(
        BY_NAME["monthly_evaluation"], {"month": "2026-05"}, cycle_id=1, call_ids=set(), today=TODAY
    ) == (1, "2026-05")
    with pytest.raises(BadParameter, match=r"^申报指南：请选择本周期"):
        flow_arguments(
            BY_NAME["close_call"], {"call_id": "9"}, cycle_id=1, call_ids={3}, today=TODAY
        )
    with pytest.raises(BadParameter, match=r"^统计截止日：请按 2027-05-20 的格式"):
        flow_arguments(
            BY_NAME["final_evaluation"],
            {"period_end": "5月"},
            cycle_id=1,
            call_ids=set(),
            today=TODAY,
        )


def test_a_date_after_today_is_refused_naming_its_field_unless_it_names_a_day_to_come() -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    later = {"call_id": "3", "day": "", "projects_start_on": "2026-07-01"}
    assert flow_arguments(
        BY_NAME["conclude_publicity"], later, cycle_id=1, call_ids={3}, today=TODAY
    ) == (3, TODAY, date(2026, 7, 1))
    assert [p.key for f in OFFERED for p in f.params if p.future] == ["projects_start_on"]
    dated = [(f, p) for f in BY_NAME.values() for p in f.params if p.kind in (DAY, SOME_DAY)]
    assert {f.name for f, _ in dated} >= {"daily_check", "weekly_meeting", "donor_statement"}
    for offered, param in dated:
        if param.future:
            continue
        form = {"call_id": "3", "projects_start_on": "2026-07-01", param.key: tomorrow}
        with pytest.raises(BadParameter, match=rf"^{re.escape(param.label)} {tomorrow} 晚于今天"):
            flow_arguments(offered, form, cycle_id=1, call_ids={3}, today=TODAY)
        form[param.key] = TODAY.isoformat()
        flow_arguments(offered, form, cycle_id=1, call_ids={3}, today=TODAY)


def test_the_donor_statements_are_offered_as_of_a_day(
    client: TestClient, world: PortalWorld
) -> None:
    assert flow_arguments(
        BY_NAME["donor_statement"], {"as_of": "2026-06-01"}, cycle_id=4, call_ids=set(), today=TODAY
    ) == (4, date(2026, 6, 1))
    assert FLOWS["donor_statement"] == "flows/fund/donor_statement.py:donor_statement"
    token = sign_in(client, "staff")
    assert 'action="/officer/flows/donor_statement"' in client.get("/officer/flows").text
    future = client.post(
        "/officer/flows/donor_statement", data={"csrf_token": token, "as_of": "2099-01-01"}
    )
    assert future.status_code == 400 and "2099-01-01 晚于今天" in future.text


def test_the_flows_page_refuses_a_bad_month_in_one_line(
    client: TestClient, world: PortalWorld
) -> None:
    token = sign_in(client, "staff")
    # The list, not the menu (which links 结项评估 too).
    page = client.get("/officer/flows").text.split('class="flow-list"', 1)[1]
    assert page.index("需求调研报告") < page.index("截止申报并资格审查") < page.index("结项评估")
    bad = client.post(
        "/officer/flows/monthly_evaluation", data={"csrf_token": token, "month": "2026-13"}
    )
    assert bad.status_code == 400 and "评估月份" in bad.text
    assert client.post("/officer/flows/nope", data={"csrf_token": token}).status_code == 404


def test_the_history_comes_back_from_the_database_and_reloads_while_a_run_goes(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    clerk = Actor(login="staff", name="街道干部", role="staff")  # type: ignore[arg-type]
    # Newer than any run the shared test Prefect server holds from other tests, which the
    # page lists too (newest first, at most 30).
    now = datetime.now(UTC) + timedelta(hours=1)
    with Session(get_engine(database_url)) as session:
        note_flow_start(
            session,
            actor=clerk,
            now=now,
            name="release_tranches",
            detail="按条件拨付（1）",
            run_name="release_tranches-1",
        )
        note_flow_end(
            session, now=now, run_name="release_tranches-1", state="已完成", result="拨付 2 个"
        )
        note_flow_start(
            session,
            actor=clerk,
            now=now,
            name="daily_check",
            detail="日报告检查（1）",
            run_name="daily_check-2",
        )
        records = list_flow_records(session, actor=clerk)
    assert [(r.run_name, r.state, r.result) for r in records] == [
        ("daily_check-2", "", ""),
        ("release_tranches-1", "已完成", "拨付 2 个"),
    ]
    sign_in(client, "staff")
    page = client.get("/officer/flows").text
    rows = page.split("最近运行", 1)[1]
    assert "release_tranches-1" in rows and "拨付 2 个" in rows and "daily_check-2" in rows
    assert 'data-refresh-seconds="5"' in page and "/static/refresh.js" in page


def test_a_started_flow_keeps_its_business_date_beside_the_entry_time(database_url: str) -> None:
    clerk = Actor(login="staff", name="街道干部", role="staff")  # type: ignore[arg-type]
    now = datetime(2026, 7, 3, 9, 30, tzinfo=UTC)
    with Session(get_engine(database_url)) as session:
        note_flow_start(
            session,
            actor=clerk,
            now=now,
            name="daily_check",
            detail="日报告检查（1，2026-06-30）",
            run_name="daily_check-3",
            on=date(2026, 6, 30),
        )
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "flow_start")).all()
    assert event.business_on == date(2026, 6, 30)
    assert event.at.replace(tzinfo=UTC) == now


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_the_portal_starts_the_donor_statements_the_cli_writes(
    world: PortalWorld, database_url: str
) -> None:
    from web.flow_runs import run_flow

    args = flow_arguments(
        BY_NAME["donor_statement"],
        {"as_of": "2026-06-30"},
        cycle_id=world.cycle_id,
        call_ids=set(),
        today=TODAY + timedelta(days=30),
    )
    paths = run_flow("donor_statement", *args)
    assert paths and all("捐赠资金去向说明" in p for p in paths)
