"""The officer sees the proposals' need-citation warnings listed on the screening page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from models.proposal import Proposal
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld

WARNING = "引用的需求 #80 属于新安社区，本项目在长淮社区，请核实是否回应该需求"


def test_the_screening_page_lists_each_proposals_citation_warnings(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    with Session(get_engine(database_url)) as session:
        proposal = session.get(Proposal, world.proposal_id)
        assert proposal is not None
        proposal.citation_warnings = [WARNING]
        session.add(proposal)
        session.commit()
        title = proposal.title
    sign_in(client, "staff")

    page = client.get("/officer/screening")

    assert page.status_code == 200
    assert "引用需求提醒" in page.text
    assert f"#{world.proposal_id} {title}：{WARNING}" in page.text


def test_no_warning_no_list(client: TestClient, world: PortalWorld) -> None:
    sign_in(client, "staff")
    assert "引用需求提醒" not in client.get("/officer/screening").text
