"""The portal's 终审 page: the proposed allocation with both scores, and a decision given at any
time through the same service as `gongyi selection decide` (no paused run to resume)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.committee import CommitteeDecision
from models.proposal import Proposal, Review
from models.publicity import PublicNotice
from models.status import ProposalStatus, Stage
from models.user import AuditEvent, User
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld


def _proposed(database_url: str, world: PortalWorld) -> None:
    """路演答辩 closed days ago: one finalist scored by two evaluators, the allocation proposed."""
    with Session(get_engine(database_url)) as session:
        proposal = session.get(Proposal, world.proposal_id)
        assert proposal is not None
        proposal.status, proposal.stage = ProposalStatus.SHORTLISTED, Stage.FINAL
        reviewers = session.exec(select(User).where(User.role == "evaluator")).all()[:2]
        for reviewer, score in zip(reviewers, (78.0, 83.0), strict=True):
            session.add(
                Review(
                    proposal_id=world.proposal_id,
                    reviewer_id=reviewer.id or 0,
                    stage=Stage.DEFENCE,
                    weighted_score=score,
                    submitted_at=datetime(2026, 5, 20, tzinfo=UTC),
                )
            )
        session.add(
            CommitteeDecision(
                call_id=proposal.call_id, requested_at=datetime(2026, 5, 21, tzinfo=UTC)
            )
        )
        session.add(proposal)
        session.commit()


@pytest.mark.flow
def test_the_committee_decides_days_later_from_the_page_and_the_notice_is_published(
    prefect_harness: None, client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _proposed(database_url, world)
    token = sign_in(client, "staff")

    page = client.get("/officer/committee").text
    assert "新申报·社区助餐" in page and "80.50" in page  # the raw mean of 78 and 83
    assert "selection decide" in page

    response = client.post(
        "/officer/committee", data={"csrf_token": token, "on": "2026-05-26", "reasons": ""}
    )

    assert response.status_code == 200 and "终审决定已记录" in response.text
    with Session(get_engine(database_url)) as session:
        notice = session.exec(select(PublicNotice)).one()
        assert notice.published_on == date(2026, 5, 26)
        decision = session.exec(select(CommitteeDecision)).one()
        assert decision.decided_at is not None and decision.decided_by == "街道专干"
        assert decision.decided_on == date(2026, 5, 26)
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "committee_decision")
        ).all()
        assert event.detail.startswith("2026-05-26 街道专干")
    again = client.post("/officer/committee", data={"csrf_token": token})
    assert again.status_code == 400 and "终审决定已由街道专干作出" in again.text
