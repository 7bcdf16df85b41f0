"""Scoring a proposal through `services.reviews` on a real session (SQLite and PostgreSQL).

The world is the portal's (`build_portal_world`): a proposal waiting in 初审 with
评估专家甲 (evaluator1) and 评估专家乙 (evaluator2) seated, under the demo call's five
criteria (需求契合度 30, 服务设计 25, 机构能力 20, 预算合理性 15, 创新性 10).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.account import Account
from models.panel import AssignmentStatus, ConflictKind, ConflictOfInterest, ReviewAssignment
from models.proposal import Proposal, Review
from models.rows import RowsRejected
from models.status import ProposalStatus, Role
from models.user import AuditEvent
from services import SYSTEM, Actor, Forbidden, NotFound, Refused, reviews
from services.reviews import SheetScore
from store.accounts import get_signed_in
from tests.web.portal_builders import PortalWorld, build_portal_world

NOW = datetime(2026, 5, 25, 10, 0, tzinfo=UTC)
SCORES = {"需求契合度": 80, "服务设计": 70, "机构能力": 90, "预算合理性": 60, "创新性": 75}
WEIGHTED = 80 * 0.3 + 70 * 0.25 + 90 * 0.2 + 60 * 0.15 + 75 * 0.1
TITLE = "新申报·社区助餐"
CLERK = Actor(login="sheet", name="街道专干", role=Role.STAFF)


@pytest.fixture
def world(session: Session, tmp_path: Path) -> PortalWorld:
    return build_portal_world(session, tmp_path)


def actor(session: Session, login: str) -> Actor:
    account = session.exec(select(Account).where(Account.login == login)).one()
    signed_in = get_signed_in(session, account.id or 0)
    assert signed_in is not None
    return Actor.of(signed_in, address="10.0.0.7")


def stored(session: Session) -> list[Review]:
    session.expire_all()
    return list(session.exec(select(Review)))


def seat_status(session: Session, seat_id: int) -> str:
    session.expire_all()
    found = session.get(ReviewAssignment, seat_id)
    assert found is not None
    return found.status


def events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def set_proposal_status(session: Session, proposal_id: int, status: str) -> None:
    proposal = session.get(Proposal, proposal_id)
    assert proposal is not None
    proposal.status = status
    session.add(proposal)
    session.commit()


def score(session: Session, world: PortalWorld, login: str = "evaluator1", **extra):  # type: ignore[no-untyped-def]
    return reviews.score_proposal(
        session,
        actor=actor(session, login),
        now=NOW,
        assignment_id=extra.pop("seat", world.seat_ids["evaluator1"]),
        scores=extra.pop("scores", SCORES),
        **extra,
    )


def row(reviewer: str, proposal: str = TITLE, n: int = 2, **scores: int) -> SheetScore:
    return SheetScore("scores.csv", n, reviewer, proposal, SCORES | scores)


def test_the_seated_evaluator_scores_weighted_stored_seat_scored_and_audited(
    session: Session, world: PortalWorld
) -> None:
    scored = score(session, world)
    assert scored.weighted_score == pytest.approx(WEIGHTED)
    assert scored.title == TITLE and "加权得分" in scored.message
    [review] = stored(session)
    assert (review.scores, review.stage, review.proposal_id) == (
        SCORES,
        "preliminary",
        world.proposal_id,
    )
    assert review.submitted_at.replace(tzinfo=UTC) == NOW
    assert seat_status(session, world.seat_ids["evaluator1"]) == AssignmentStatus.SCORED
    [event] = events(session, "review_score")
    assert event.actor == "evaluator1（评估专家甲）" and event.ip == "10.0.0.7"
    assert event.subject_id == world.proposal_id and TITLE in event.detail


def test_a_closed_stage_takes_no_score_and_says_so(session: Session, world: PortalWorld) -> None:
    set_proposal_status(session, world.proposal_id, ProposalStatus.SHORTLISTED)
    with pytest.raises(Refused) as refused:
        score(session, world)
    assert refused.value.message == f"「{TITLE}」的初审已不接受评分"
    assert refused.value.message == reviews.closed_message(TITLE, "preliminary")
    assert stored(session) == [] and events(session, "review_score") == []
    assert seat_status(session, world.seat_ids["evaluator1"]) == AssignmentStatus.ASSIGNED


def test_another_evaluators_seat_or_none_is_not_seated_and_other_roles_are_forbidden(
    session: Session, world: PortalWorld
) -> None:
    seat = world.seat_ids["evaluator1"]
    with pytest.raises(reviews.NotSeated, match=f"评估专家乙 未被分配评审任务 #{seat}"):
        score(session, world, "evaluator2")
    with pytest.raises(NotFound, match="未被分配评审任务 #999999"):
        score(session, world, seat=999_999)
    with pytest.raises(Forbidden, match="只有评审专家可以评分"):
        score(session, world, "staff")
    assert stored(session) == []


def test_an_abstained_seat_and_a_declared_conflict_are_refused(
    session: Session, world: PortalWorld
) -> None:
    seat = session.get(ReviewAssignment, world.seat_ids["evaluator2"])
    assert seat is not None
    seat.status = AssignmentStatus.ABSTAINED
    session.add(seat)
    me = actor(session, "evaluator1")
    session.add(
        ConflictOfInterest(
            reviewer_id=me.user_id or 0, agency_id=world.agency_ids[0], kind=ConflictKind.STAFF
        )
    )
    session.commit()
    with pytest.raises(Refused, match="评估专家乙 已回避"):
        score(session, world, "evaluator2", seat=world.seat_ids["evaluator2"])
    with pytest.raises(Forbidden, match="利益冲突"):
        score(session, world)
    assert stored(session) == []


def test_missing_unknown_and_out_of_range_scores_are_named_and_nothing_is_stored(
    session: Session, world: PortalWorld
) -> None:
    partial = {k: v for k, v in SCORES.items() if k != "创新性"} | {"颜值": 99, "机构能力": 120}
    with pytest.raises(reviews.ScoresRejected) as rejected:
        score(session, world, scores=partial)
    assert rejected.value.problems == {
        "颜值": "不是本申报指南的评分指标",
        "创新性": "缺少此项评分",
        "机构能力": "得分应在 0–100 之间，收到 120",
    }
    assert stored(session) == []
    assert seat_status(session, world.seat_ids["evaluator1"]) == AssignmentStatus.ASSIGNED


def test_a_second_score_replaces_the_review_unless_the_door_asks_not_to(
    session: Session, world: PortalWorld
) -> None:
    score(session, world)
    with pytest.raises(reviews.AlreadyScored, match="不能重复提交"):
        score(session, world, scores=SCORES | {"创新性": 100}, replace=False)
    assert [r.scores["创新性"] for r in stored(session)] == [75]
    score(session, world, scores=SCORES | {"创新性": 100})
    assert [r.scores["创新性"] for r in stored(session)] == [100]


def test_a_score_sheet_is_stored_normalised_and_audited_once(
    session: Session, world: PortalWorld
) -> None:
    averages = reviews.store_score_sheet(
        session,
        actor=CLERK,
        now=NOW,
        call_id=_call_id(session, world),
        stage="preliminary",
        rows=[row("评估专家甲"), row("评估专家乙", n=3, 创新性=95)],
    )
    assert set(averages) == {world.proposal_id}
    found = sorted(stored(session), key=lambda r: r.reviewer_id)
    assert len(found) == 2 and all(r.normalised_score is not None for r in found)
    assert {seat_status(session, s) for s in world.seat_ids.values()} == {"scored"}
    [event] = events(session, "review_score_sheet")
    assert event.actor == "街道专干" and "2 条评分" in event.detail


def test_a_score_sheet_for_a_closed_stage_names_the_row_and_stores_nothing(
    session: Session, world: PortalWorld
) -> None:
    set_proposal_status(session, world.proposal_id, ProposalStatus.SHORTLISTED)
    with pytest.raises(RowsRejected) as rejected:
        reviews.store_score_sheet(
            session,
            actor=CLERK,
            now=NOW,
            call_id=_call_id(session, world),
            stage="preliminary",
            rows=[row("评估专家甲")],
        )
    [error] = rejected.value.errors
    assert (error.row, error.column, error.message) == (
        2,
        "项目名称",
        reviews.closed_message(TITLE, "preliminary"),
    )
    assert stored(session) == [] and events(session, "review_score_sheet") == []


def test_a_finished_stage_sheet_run_again_changes_nothing_but_a_new_score_is_refused(
    session: Session, world: PortalWorld
) -> None:
    def store(*rows: SheetScore) -> dict[int, float]:
        return reviews.store_score_sheet(
            session,
            actor=CLERK,
            now=NOW,
            call_id=_call_id(session, world),
            stage="preliminary",
            rows=list(rows),
        )

    first = store(row("评估专家甲"), row("评估专家乙", n=3))
    before = [(r.id, r.scores, r.normalised_score) for r in stored(session)]
    set_proposal_status(session, world.proposal_id, ProposalStatus.SHORTLISTED)
    assert store(row("评估专家甲"), row("评估专家乙", n=3)) == first
    assert [(r.id, r.scores, r.normalised_score) for r in stored(session)] == before
    assert len(events(session, "review_score_sheet")) == 1
    with pytest.raises(RowsRejected) as rejected:
        store(row("评估专家甲"), row("评估专家乙", n=3, 创新性=99))
    assert [(e.row, e.message) for e in rejected.value.errors] == [
        (3, reviews.closed_message(TITLE, "preliminary"))
    ]
    assert [(r.id, r.scores, r.normalised_score) for r in stored(session)] == before


def test_a_sheet_names_unseated_twice_scored_and_shared_titles_and_takes_a_number(
    session: Session, world: PortalWorld
) -> None:
    call_id = _call_id(session, world)
    twin = _twin_proposal(session, world)
    rows = [
        row("评估专家甲", n=2),
        row("管理员甲", n=3),
        row("评估专家甲", n=4),
        row("评估专家乙", proposal="没有这份", n=5),
    ]
    with pytest.raises(RowsRejected) as rejected:
        reviews.check_score_sheet(session, call_id=call_id, stage="preliminary", rows=rows)
    messages = [(e.row, e.column, e.message) for e in rejected.value.errors]
    ids = f"{world.proposal_id}、{twin}"
    assert messages == [
        (2, "项目名称", f"有 2 份申报书名为「{TITLE}」（编号 {ids}），请改填申报书编号"),
        (3, "项目名称", messages[1][2]),
        (4, "项目名称", messages[2][2]),
        (5, "项目名称", "没有这份申报书：'没有这份'"),
    ]
    numbered = [
        row("评估专家甲", proposal=str(world.proposal_id), n=2),
        row("管理员甲", proposal=str(world.proposal_id), n=3),
        row("评估专家甲", proposal=str(world.proposal_id), n=4),
    ]
    with pytest.raises(RowsRejected) as rejected:
        reviews.check_score_sheet(session, call_id=call_id, stage="preliminary", rows=numbered)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "评审专家"), (4, "评审专家")]
    assert "管理员甲 未被分配评审" in rejected.value.errors[0].message
    assert "评分重复" in rejected.value.errors[1].message
    kept = reviews.check_score_sheet(
        session, call_id=call_id, stage="preliminary", rows=numbered[:2], skip_unseated=True
    )
    assert [r.row for r in kept] == [2]


def test_only_the_office_stores_a_score_sheet(session: Session, world: PortalWorld) -> None:
    with pytest.raises(Forbidden):
        reviews.store_score_sheet(
            session,
            actor=actor(session, "evaluator1"),
            now=NOW,
            call_id=_call_id(session, world),
            stage="preliminary",
            rows=[row("评估专家甲")],
        )
    reviews.store_score_sheet(
        session,
        actor=SYSTEM,
        now=NOW,
        call_id=_call_id(session, world),
        stage="preliminary",
        rows=[row("评估专家甲")],
    )
    assert len(stored(session)) == 1


def _call_id(session: Session, world: PortalWorld) -> int:
    proposal = session.get(Proposal, world.proposal_id)
    assert proposal is not None
    return proposal.call_id


def _twin_proposal(session: Session, world: PortalWorld) -> int:
    """Another agency's proposal in the same call with the same title; return its id."""
    first = session.get(Proposal, world.proposal_id)
    assert first is not None
    twin = Proposal(
        call_id=first.call_id,
        agency_id=world.agency_ids[1],
        domain_id=first.domain_id,
        community_id=first.community_id,
        title=first.title,
        requested_fen=first.requested_fen,
        planned_people=first.planned_people,
        months=first.months,
        summary="另一家机构的同名申报书",
        submitted_at=first.submitted_at,
        status=ProposalStatus.ELIGIBLE,
        stage=first.stage,
    )
    session.add(twin)
    session.commit()
    return twin.id or 0
