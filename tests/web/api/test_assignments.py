"""Scoring over the API: only the seated evaluator, blind 初审, every criterion, while open."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from models.panel import ReviewAssignment
from models.proposal import Proposal, Review
from models.status import ProposalStatus
from models.user import AuditEvent
from tests.web.api.conftest import Api

SCORES = {"需求契合度": 90, "服务设计": 80, "机构能力": 70, "预算合理性": 60, "创新性": 50}


def score(api: Api, scores: Any, *, login: str = "expert", seat: int = 0) -> Any:
    return api.client.put(
        f"/api/assignments/{seat or api.assignment_id}/review",
        json={"scores": scores},
        headers=api.auth(login),
    )


def reviews(api: Api) -> list[Review]:
    with api.session() as session:
        return list(session.exec(select(Review)))


def test_the_evaluator_sees_the_seat_blind_in_the_preliminary_stage(api: Api) -> None:
    answer = api.client.get("/api/assignments", headers=api.auth("expert"))
    assert answer.status_code == 200
    [seat] = answer.json()
    assert seat["title"] == "初审中的申报书" and seat["agency"] is None and seat["open"]
    assert [c["name"] for c in seat["criteria"]] == list(SCORES)
    assert api.client.get("/api/assignments", headers=api.auth("expert2")).json() == []


def test_a_score_is_weighted_stored_marks_the_seat_and_is_audited(api: Api) -> None:
    answer = score(api, SCORES)
    assert answer.status_code == 200, answer.text
    assert answer.json()["weighted_score"] == 75.0 and answer.json()["status"] == "scored"
    [review] = reviews(api)
    assert review.scores == SCORES and review.stage == "preliminary"
    with api.session() as session:
        seat = session.get(ReviewAssignment, api.assignment_id)
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "review_score"))
    assert seat is not None and seat.status == "scored" and event.actor.startswith("expert")


def test_scoring_again_replaces_the_one_review(api: Api) -> None:
    score(api, SCORES)
    again = score(api, SCORES | {"创新性": 100})
    assert again.status_code == 200 and again.json()["scores"]["创新性"] == 100
    assert len(reviews(api)) == 1


def test_missing_unknown_and_out_of_range_scores_are_named(api: Api) -> None:
    partial = {k: v for k, v in SCORES.items() if k != "创新性"} | {"颜值": 99}
    answer = score(api, partial)
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"scores.颜值", "scores.创新性"}
    high = score(api, SCORES | {"创新性": 101})
    assert high.status_code == 422 and "不能大于 100" in high.text
    assert reviews(api) == []


def test_another_evaluators_seat_is_404_and_other_roles_403(api: Api) -> None:
    assert score(api, SCORES, login="expert2").status_code == 404
    assert score(api, SCORES, login="agency1").status_code == 403
    assert score(api, SCORES, seat=999_999).status_code == 404
    assert reviews(api) == []


def test_a_closed_stage_takes_no_scores(api: Api) -> None:
    with api.session() as session:
        proposal = session.get(Proposal, api.proposal_id)
        assert proposal is not None
        proposal.status = ProposalStatus.SHORTLISTED
        session.add(proposal)
        session.commit()
    answer = score(api, SCORES)
    assert answer.status_code == 409 and "已不接受评分" in answer.json()["detail"]
    assert reviews(api) == []
