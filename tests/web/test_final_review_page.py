"""The office's final-evaluation page: it lists the cycle's 结项评估 and records a batch review.

Both final evaluations of the portal's world are scored by evaluator2 (评估专家乙)
and wait for review; the office records the signed review of 评估专家甲.
"""

from __future__ import annotations

import html
import re
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.account import Account
from models.final_evaluation import FinalEvaluation
from models.status import EvaluationStatus
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld

PICKED = re.compile(r'name="ids" value="\d+" form="batch" aria-label="[^"]*" checked')


def _finals(url: str, world: PortalWorld) -> list[int]:
    with Session(get_engine(url), expire_on_commit=False) as session:
        scorer = session.exec(select(Account).where(Account.login == "evaluator2")).one()
        finals = [
            FinalEvaluation(
                project_id=pid,
                status=EvaluationStatus.IN_REVIEW,
                period_end=date(2026, 11, 30),
                total_score=86.5,
                grade="良好",
                evaluator_id=scorer.user_id,
            )
            for pid in world.project_ids
        ]
        session.add_all(finals)
        session.commit()
        return [f.id or 0 for f in finals]


def _read(url: str, ids: list[int]) -> list[FinalEvaluation]:
    with Session(get_engine(url), expire_on_commit=False) as session:
        return [session.get(FinalEvaluation, i) for i in ids]  # type: ignore[misc]


def test_the_office_approves_the_cycles_final_evaluations_in_one_batch_on_a_business_date(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    ids = _finals(database_url, world)
    token = sign_in(client, "staff")
    page = html.unescape(client.get("/officer/finals").text)
    assert world.titles[0] in page and "86.5" in page and "待审核" in page
    assert 'data-select-all="batch"' in page and 'name="on"' in page
    assert PICKED.findall(page) == []
    assert len(PICKED.findall(client.get("/officer/finals?all=1").text)) == 2
    response = client.post(
        "/officer/finals/batch",
        data={
            "csrf_token": token,
            "ids": ids,
            "decision": "approve",
            "reviewer": "评估专家甲",
            "on": "2026-07-01",
            "cycle": str(world.cycle_id),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    stored = _read(database_url, ids)
    assert {(f.status, f.reviewed_on) for f in stored} == {
        (EvaluationStatus.APPROVED, date(2026, 7, 1))
    }
    after = html.unescape(client.get(response.headers["location"]).text)
    assert "已审定 2 份结项评估" in after and "评估专家甲 · 2026-07-01" in after


def test_the_scorer_cannot_approve_their_own_and_nothing_of_the_batch_is_done(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    ids = _finals(database_url, world)
    token = sign_in(client, "staff")
    data = {"csrf_token": token, "ids": ids, "decision": "approve", "reviewer": "评估专家乙"}
    response = client.post("/officer/finals/batch", data=data)
    assert response.status_code == 409
    text = html.unescape(response.text)
    assert "本批均未办理" in text
    for title in world.titles:
        assert f"「{title}」：不能审核自己评分的结项评估" in text
    assert len(PICKED.findall(response.text)) == 2  # the choice is kept
    assert {f.status for f in _read(database_url, ids)} == {EvaluationStatus.IN_REVIEW}


def test_sending_back_needs_a_comment_a_reviewer_and_a_past_date_and_only_staff_records_it(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    ids = _finals(database_url, world)
    data = {"ids": ids, "decision": "send_back", "reviewer": "评估专家甲"}
    token = sign_in(client, "agency1")
    assert client.get("/officer/finals").status_code == 403
    assert (
        client.post("/officer/finals/batch", data=data | {"csrf_token": token}).status_code == 403
    )
    token = sign_in(client, "staff")
    for extra, message in (
        ({}, "退回修改时请写明需要修改的内容"),
        ({"comment": "补审计报告", "reviewer": " "}, "请写明审核人"),
        ({"comment": "补审计报告", "on": "2099-01-01"}, "晚于今天"),
    ):
        refused = client.post("/officer/finals/batch", data=data | {"csrf_token": token} | extra)
        assert refused.status_code == 409 and message in html.unescape(refused.text)
    bad_date = client.post("/officer/finals/batch", data=data | {"csrf_token": token, "on": "7/1"})
    assert bad_date.status_code == 400
    response = client.post(
        "/officer/finals/batch",
        data=data | {"csrf_token": token, "comment": "<b>补审计报告</b>"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    stored = _read(database_url, ids)
    assert {(f.status, f.review_comment) for f in stored} == {
        (EvaluationStatus.NEEDS_REVISION, "<b>补审计报告</b>")
    }
