"""Door parity for proposals: the portal and the flows give the same answer to the same request.

Withdrawing: before the deadline both doors withdraw; after it, or for another agency's
proposal, both refuse with the same reason and change nothing. Submitting after the
call closed is refused alike, even when the workbook states an earlier 提交时间: an
agency submits at the server's time. The portal's clock is set through its `NowDep`
(the one clock), the flow's through its `at` / `received_at` parameter.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from flows.call.receive_bids import receive_bids
from flows.call.withdraw_proposal import withdraw_proposal
from models.proposal import Proposal
from models.status import ProposalStatus, Stage
from models.user import AuditEvent
from services import NotFound, Refused
from services.proposal_template import write_template
from store import calls
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld
from web.deps import get_now

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE = datetime(2026, 5, 19, 10, 0, tzinfo=SHANGHAI)
AFTER = datetime(2026, 5, 21, 9, 0, tzinfo=SHANGHAI)  # the world's call closed 2026-05-20 17:00
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Outcome = tuple[str, str]  # ("withdrawn", "") or ("refused", reason) or ("not found", reason)


def _set_clock(client: TestClient, now: datetime) -> None:
    client.app.dependency_overrides[get_now] = lambda: now  # type: ignore[attr-defined]


def _second_proposal(database_url: str, world: PortalWorld) -> tuple[int, int]:
    """Store two submitted proposals of agency 1 (one per door); return their ids."""
    with Session(get_engine(database_url), expire_on_commit=False) as session:
        model = session.get(Proposal, world.proposal_id)
        assert model is not None
        ids = []
        for title in ("门户撤回·长者助餐", "流程撤回·长者助餐"):
            proposal = Proposal(
                call_id=model.call_id,
                agency_id=model.agency_id,
                domain_id=model.domain_id,
                community_id=model.community_id,
                title=title,
                requested_fen=model.requested_fen,
                planned_people=model.planned_people,
                months=model.months,
                submitted_at=model.submitted_at,
                status=ProposalStatus.SUBMITTED,
                stage=Stage.ELIGIBILITY,
            )
            session.add(proposal)
            session.flush()
            ids.append(proposal.id or 0)
        session.commit()
    return ids[0], ids[1]


def _status(database_url: str, proposal_id: int) -> str:
    with Session(get_engine(database_url)) as session:
        found = session.get(Proposal, proposal_id)
        assert found is not None
        return found.status


def _title(database_url: str, proposal_id: int) -> str:
    with Session(get_engine(database_url)) as session:
        found = session.get(Proposal, proposal_id)
        assert found is not None
        return found.title


def _withdraw_events(database_url: str, proposal_id: int) -> list[AuditEvent]:
    with Session(get_engine(database_url)) as session:
        return list(
            session.exec(
                select(AuditEvent).where(
                    AuditEvent.action == "proposal_withdraw", AuditEvent.subject_id == proposal_id
                )
            )
        )


def _by_portal(client: TestClient, login: str, proposal_id: int, now: datetime) -> Outcome:
    token = sign_in(client, login)
    _set_clock(client, now)
    response = client.post(
        f"/agency/proposals/{proposal_id}/withdraw",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    client.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    if response.status_code == 303:
        return "withdrawn", ""
    if response.status_code == 404:
        return "not found", response.text
    assert response.status_code == 400, response.text
    return "refused", response.text


def _by_flow(proposal_id: int, agency_id: int, now: datetime) -> Outcome:
    try:
        withdraw_proposal.fn(proposal_id, "机构经办人", now, agency_id=agency_id)
    except NotFound as error:
        return "not found", error.message
    except Refused as error:
        return "refused", error.message
    return "withdrawn", ""


def test_a_withdrawal_before_the_deadline_withdraws_through_either_door(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    by_portal, by_flow = _second_proposal(database_url, world)

    portal = _by_portal(client, "agency1", by_portal, BEFORE)
    flow = _by_flow(by_flow, world.agency_ids[0], BEFORE)

    assert portal == flow == ("withdrawn", "")
    assert _status(database_url, by_portal) == _status(database_url, by_flow) == "withdrawn"
    [portal_event] = _withdraw_events(database_url, by_portal)
    [flow_event] = _withdraw_events(database_url, by_flow)
    assert portal_event.actor == "agency1（机构一用户）" and flow_event.actor == "机构经办人"


@pytest.mark.parametrize(
    ("login", "agency", "now", "kind", "reason"),
    [
        ("agency1", 0, AFTER, "refused", "申报已于 2026-05-20 17:00 截止，不能再撤回「{title}」"),
        ("agency2", 1, BEFORE, "not found", "找不到申报书 #{id}，或您的账号无权访问"),
    ],
    ids=["after-the-deadline", "another-agencys-proposal"],
)
def test_a_refused_withdrawal_is_refused_alike_by_the_portal_and_the_flow(
    client: TestClient,
    world: PortalWorld,
    database_url: str,
    login: str,
    agency: int,
    now: datetime,
    kind: str,
    reason: str,
) -> None:
    by_portal, by_flow = _second_proposal(database_url, world)

    portal = _by_portal(client, login, by_portal, now)
    flow = _by_flow(by_flow, world.agency_ids[agency], now)

    def expected(proposal_id: int) -> str:
        return reason.format(title=_title(database_url, proposal_id), id=proposal_id)

    assert portal[0] == flow[0] == kind
    assert expected(by_portal) in portal[1]
    assert flow[1] == expected(by_flow)
    for proposal_id in (by_portal, by_flow):
        assert _status(database_url, proposal_id) == "submitted"
        assert _withdraw_events(database_url, proposal_id) == []


def _workbook(folder: Path, agency: str, stated: str) -> Path:
    """A filled-in template for one proposal of `agency`, its 提交时间 stated as `stated`."""
    path = write_template(folder / "申报书.xlsx")
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
            stated,
        ]
    )
    for category, yuan in (("人员费", 3000), ("活动费", 4200), ("管理费", 800)):
        workbook["预算明细"].append(["社区长者饭堂", category, yuan])
    workbook["绩效指标"].append(["社区长者饭堂", "服务人次", 140, 160])
    workbook["进度安排"].append(["社区长者饭堂", 1, "建档与试运营"])
    workbook.save(path)
    return path


def _titled(database_url: str, title: str) -> list[Proposal]:
    with Session(get_engine(database_url)) as session:
        return list(session.exec(select(Proposal).where(Proposal.title == title)))


@pytest.mark.flow
@pytest.mark.parametrize("stated", ["", "2026-05-19 10:00"], ids=["no-time", "an-earlier-time"])
def test_a_submission_after_the_call_closed_is_refused_alike_by_the_portal_and_the_flow(
    prefect_harness: None,
    client: TestClient,
    world: PortalWorld,
    database_url: str,
    tmp_path: Path,
    stated: str,
) -> None:
    path = _workbook(tmp_path, "测试社工机构1", stated)
    reason = "申报已于 2026-05-20 17:00 截止，不再受理申报书"
    token = sign_in(client, "agency1")
    _set_clock(client, AFTER)

    portal = client.post(
        "/agency/proposals",
        data={"csrf_token": token, "action": "submit"},
        files={"workbook": ("申报书.xlsx", path.read_bytes(), XLSX)},
    )
    with Session(get_engine(database_url)) as session:
        call_id = calls.get_latest_call(session, cycle_id=world.cycle_id).id
    flow = receive_bids(
        call_id, "", str(path), received_at=AFTER, submit=True, agency_id=world.agency_ids[0]
    )

    assert portal.status_code == 400 and reason in portal.text
    assert flow.errors == (reason,) and flow.received == 0
    assert _titled(database_url, "社区长者饭堂") == []
