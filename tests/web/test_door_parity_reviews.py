"""Scoring a proposal: the portal page, the JSON API and the stage's score sheet agree.

The same request through each door has the same outcome: stored (one review, the
seat scored), or refused for the same reason with nothing stored. The world is the
portal's: 新申报·社区助餐 waits in 初审 with evaluator1 (评估专家甲) and evaluator2
(评估专家乙) seated.
"""

from __future__ import annotations

import csv
import html
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flows.selection.selection_stages import read_score_sheet, store_scores
from models.account import Account
from models.panel import ReviewAssignment
from models.proposal import Proposal, Review
from models.rows import RowsRejected
from models.status import ProposalStatus, Role, Stage
from models.user import AuditEvent
from store.accounts import add_account, add_api_token
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PASSWORD, PortalWorld

TITLE = "新申报·社区助餐"
CRITERIA = ("需求契合度", "服务设计", "机构能力", "预算合理性", "创新性")
SCORES = dict(zip(CRITERIA, (80, 70, 90, 60, 75), strict=True))
WEIGHTED = 80 * 0.3 + 70 * 0.25 + 90 * 0.2 + 60 * 0.15 + 75 * 0.1
DOORS = ("page", "api", "sheet")


def _session(url: str) -> Session:
    return Session(get_engine(url), expire_on_commit=False)


def _token(url: str, login: str) -> dict[str, str]:
    with _session(url) as session:
        account = session.exec(select(Account).where(Account.login == login)).one()
        token = add_api_token(session, account_id=account.id or 0, now=datetime.now(UTC))
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def _call_id(url: str, world: PortalWorld) -> int:
    with _session(url) as session:
        proposal = session.get(Proposal, world.proposal_id)
        assert proposal is not None
        return proposal.call_id


def _close_stage(url: str, world: PortalWorld) -> None:
    with _session(url) as session:
        proposal = session.get(Proposal, world.proposal_id)
        assert proposal is not None
        proposal.status = ProposalStatus.SHORTLISTED
        session.add(proposal)
        session.commit()


def _reviews(url: str) -> list[Review]:
    with _session(url) as session:
        return list(session.exec(select(Review)))


def _seat_status(url: str, seat: int) -> str:
    with _session(url) as session:
        found = session.get(ReviewAssignment, seat)
        assert found is not None
        return found.status


def _score_on_page(client: TestClient, login: str, seat: int) -> tuple[int, str]:
    token = sign_in(client, login)
    form = {f"score_{n}": str(SCORES[name]) for n, name in enumerate(CRITERIA)}
    answer = client.post(f"/evaluator/assignments/{seat}", data=form | {"csrf_token": token})
    return answer.status_code, html.unescape(answer.text)


def _score_over_api(client: TestClient, url: str, login: str, seat: int) -> tuple[int, str]:
    answer = client.put(
        f"/api/assignments/{seat}/review", json={"scores": SCORES}, headers=_token(url, login)
    )
    return answer.status_code, answer.json().get("detail", "")


def _sheet(tmp_path: Path, reviewer: str) -> str:
    path = tmp_path / "scores.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["评审环节", "评审专家", "项目名称", *CRITERIA])
        writer.writerow(["初审", reviewer, TITLE, *(str(SCORES[c]) for c in CRITERIA)])
    return str(path)


def _score_from_sheet(url: str, world: PortalWorld, tmp_path: Path, reviewer: str) -> list[str]:
    """Store a one-row 初审 sheet through the flow's tasks; return the refusals (none: stored)."""
    call_id = _call_id(url, world)
    try:
        sheet = read_score_sheet.fn(call_id, Stage.PRELIMINARY, _sheet(tmp_path, reviewer))
    except RowsRejected as rejected:
        return [e.message for e in rejected.errors]
    store_scores.fn(call_id, Stage.PRELIMINARY, sheet)
    return []


@pytest.mark.parametrize("door", DOORS)
def test_each_door_stores_the_same_review_and_marks_the_seat_scored(
    door: str, client: TestClient, world: PortalWorld, database_url: str, tmp_path: Path
) -> None:
    seat = world.seat_ids["evaluator1"]
    if door == "page":
        status, text = _score_on_page(client, "evaluator1", seat)
        assert status == 200 and "加权得分" in text
    elif door == "api":
        status, _ = _score_over_api(client, database_url, "evaluator1", seat)
        assert status == 200
    else:
        assert _score_from_sheet(database_url, world, tmp_path, "评估专家甲") == []
    [review] = _reviews(database_url)
    assert review.scores == SCORES and review.weighted_score == pytest.approx(WEIGHTED)
    assert (review.proposal_id, review.stage) == (world.proposal_id, Stage.PRELIMINARY)
    assert _seat_status(database_url, seat) == "scored"
    assert _seat_status(database_url, world.seat_ids["evaluator2"]) == "assigned"
    with _session(database_url) as session:
        audited = session.exec(
            select(AuditEvent).where(
                AuditEvent.action.in_(("review_score", "review_score_sheet"))  # type: ignore[attr-defined]
            )
        ).all()
    assert len(audited) == 1


def test_a_closed_stage_takes_no_score_from_the_page_and_says_what_the_api_says(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    seat = world.seat_ids["evaluator1"]
    _close_stage(database_url, world)
    api_status, reason = _score_over_api(client, database_url, "evaluator1", seat)
    assert api_status == 409 and reason == f"「{TITLE}」的初审已不接受评分"
    page_status, page = _score_on_page(client, "evaluator1", seat)
    assert page_status == api_status and reason in page
    assert _reviews(database_url) == []
    assert _seat_status(database_url, seat) == "assigned"


def test_a_closed_stage_takes_no_score_from_the_score_sheet_and_says_what_the_api_says(
    client: TestClient, world: PortalWorld, database_url: str, tmp_path: Path
) -> None:
    seat = world.seat_ids["evaluator1"]
    _close_stage(database_url, world)
    api_status, reason = _score_over_api(client, database_url, "evaluator1", seat)
    assert api_status == 409
    assert _score_from_sheet(database_url, world, tmp_path, "评估专家甲") == [reason]
    assert _reviews(database_url) == []
    assert _seat_status(database_url, seat) == "assigned"


def test_an_unseated_reviewer_is_refused_the_same_way_at_each_door(
    client: TestClient, world: PortalWorld, database_url: str, tmp_path: Path
) -> None:
    with _session(database_url) as session:
        add_account(
            session, login="evaluator3", password=PASSWORD, name="评估专家丙", role=Role.EVALUATOR
        )
        session.commit()
    seat = world.seat_ids["evaluator1"]
    api_status, reason = _score_over_api(client, database_url, "evaluator3", seat)
    assert api_status == 404 and reason == f"评估专家丙 未被分配评审任务 #{seat}"
    page_status, page = _score_on_page(client, "evaluator3", seat)
    assert page_status == api_status and reason in page
    [refusal] = _score_from_sheet(database_url, world, tmp_path, "评估专家丙")
    assert refusal == f"评估专家丙 未被分配评审「{TITLE}」（初审）"
    assert _reviews(database_url) == []
    assert {_seat_status(database_url, s) for s in world.seat_ids.values()} == {"assigned"}
