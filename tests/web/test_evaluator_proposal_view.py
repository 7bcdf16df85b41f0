"""The evaluator scores from the whole proposal: budget, KPIs, cited needs, schedule; blind at 初审.

The scoring page and the API's assignment read the same `services.proposal_view`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models.agency import Agency
from models.need import Need
from models.proposal import BudgetLine, KpiTarget, Proposal
from services import Actor, NotFound, proposal_view
from store.accounts import add_api_token, get_account
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld


@pytest.fixture
def whole(database_url: str, world: PortalWorld) -> str:
    """The seated proposal written out in full; returns the agency's name it must hide."""
    with Session(get_engine(database_url)) as session:
        proposal = session.get(Proposal, world.proposal_id)
        assert proposal is not None
        agency = session.get(Agency, proposal.agency_id)
        assert agency is not None
        proposal.summary = f"由{agency.name}承接，联系电话 13812345678"
        proposal.schedule = [
            {"month": 2, "activity": "开展助餐服务"},
            {"month": 1, "activity": "入户走访独居老人"},
        ]
        proposal.cited_need_ids = [world.need_id]
        need = session.get(Need, world.need_id)
        assert need is not None
        need.text = "张三丰家楼里独居老人需要上门看看，电话13812345678"
        session.add_all(
            [
                proposal,
                need,
                BudgetLine(proposal_id=world.proposal_id, category="人员费", amount_fen=600_000),
                BudgetLine(proposal_id=world.proposal_id, category="活动费", amount_fen=400_000),
                KpiTarget(
                    proposal_id=world.proposal_id, month=1, indicator="服务人次", planned=100
                ),
                KpiTarget(
                    proposal_id=world.proposal_id, month=2, indicator="服务人次", planned=200
                ),
                KpiTarget(proposal_id=world.proposal_id, month=1, indicator="受益人数", planned=50),
            ]
        )
        session.commit()
        return agency.name


def _evaluator(session: Session, login: str) -> Actor:
    from models.status import Role
    from models.user import User

    account = get_account(session, login)
    assert account is not None
    user = session.get(User, account.user_id)
    assert user is not None
    return Actor(login=login, name=user.name, role=Role.EVALUATOR, user_id=user.id)


def test_the_view_has_budget_kpis_needs_and_schedule_and_hides_the_agency(
    database_url: str, world: PortalWorld, whole: str
) -> None:
    with Session(get_engine(database_url)) as session:
        view = proposal_view.read_for_seat(
            session,
            actor=_evaluator(session, "evaluator1"),
            assignment_id=world.seat_ids["evaluator1"],
        )
        with pytest.raises(NotFound):
            proposal_view.read_for_seat(
                session,
                actor=_evaluator(session, "evaluator2"),
                assignment_id=world.seat_ids["evaluator1"],
            )
    assert view.blind and view.agency is None
    assert whole not in view.summary and "（申报机构）" in view.summary
    assert "13812345678" not in view.summary and "138****5678" in view.summary
    assert [(b.category, b.amount_fen, b.share) for b in view.budget] == [
        ("人员费", 600_000, 60.0),
        ("活动费", 400_000, 40.0),
    ]
    assert view.budget_total_fen == 1_000_000 and view.planned_visits == 300
    visits, people = view.kpis
    assert (visits.indicator, visits.unit, visits.total) == ("服务人次", "人次", 300)
    assert visits.by_month == (100, 200, None, None, None, None)
    assert (people.indicator, people.unit, people.total) == ("受益人数", "人", 50)
    [need] = view.needs
    assert "张三丰" not in need.text and "13812345678" not in need.text and "独居老人" in need.text
    assert [(s.month, s.activity) for s in view.schedule] == [
        (1, "入户走访独居老人"),
        (2, "开展助餐服务"),
    ]


def test_the_scoring_page_shows_the_whole_proposal_blind(
    client: TestClient, world: PortalWorld, whole: str
) -> None:
    sign_in(client, "evaluator1")
    page = client.get(f"/evaluator/assignments/{world.seat_ids['evaluator1']}").text
    assert "300 人次" in page and "1,000,000" not in page and "10,000.00" in page
    for text in (
        "人员费",
        "60.0%",
        "服务人次",
        "受益人数",
        "第2月",
        "入户走访独居老人",
        "独居老人需要上门看看",
    ):
        assert text in page, text
    for secret in (whole, "13812345678", "张三丰"):
        assert secret not in page, secret
    assert "盲评" in page and 'name="score_0"' in page


def test_the_api_assignment_carries_the_same_proposal(
    client: TestClient, database_url: str, world: PortalWorld, whole: str
) -> None:
    with Session(get_engine(database_url)) as session:
        account = get_account(session, "evaluator1")
        assert account is not None
        token = add_api_token(session, account_id=account.id or 0, now=datetime.now(UTC))
        session.commit()
        view = proposal_view.read_for_seat(
            session,
            actor=_evaluator(session, "evaluator1"),
            assignment_id=world.seat_ids["evaluator1"],
        )
    answer = client.get(
        f"/api/assignments/{world.seat_ids['evaluator1']}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["agency"] is None and whole not in answer.text
    assert body["summary"] == view.summary
    whole_proposal = body["proposal"]
    assert whole_proposal["planned_visits"] == 300
    assert [b["category"] for b in whole_proposal["budget"]] == ["人员费", "活动费"]
    assert [(k["indicator"], k["unit"], k["total"]) for k in whole_proposal["kpis"]] == [
        ("服务人次", "人次", 300),
        ("受益人数", "人", 50),
    ]
    assert whole_proposal["needs"][0]["text"] == view.needs[0].text
    assert [s["month"] for s in whole_proposal["schedule"]] == [1, 2]
