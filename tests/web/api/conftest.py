"""Fixtures for the JSON API: the portal app on a fresh database, seeded accounts and tokens.

`api` builds the real app with `create_app(settings)` on the `database_url`
fixture (SQLite and PostgreSQL) and seeds a running cycle from
`tests.monitoring_builders`: three agencies with one project each, an
evaluator seated on a proposal waiting in 初审 (blind), a second evaluator
with no seats, and a street officer. Each account gets one API token.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models.panel import ReviewAssignment
from models.proposal import Proposal
from models.status import ProposalStatus, Role, Stage
from settings import Settings
from store.accounts import add_account, add_api_token
from store.database import get_engine
from tests.monitoring_builders import build_running_cycle
from web.app import create_app

PASSWORD = "correct-horse-1"


@dataclass
class Api:
    """The app's test client, the seeded ids and a bearer header per account."""

    client: TestClient
    url: str
    project_ids: tuple[int, ...]
    titles: tuple[str, ...]
    proposal_id: int
    assignment_id: int
    tokens: dict[str, str]

    def auth(self, login: str) -> dict[str, str]:
        """Return the Authorization header of an account's token."""
        return {"Authorization": f"Bearer {self.tokens[login]}"}

    def session(self) -> Session:
        """Open a session on the app's database, to check what was stored."""
        return Session(get_engine(self.url), expire_on_commit=False)


def seed(session: Session) -> tuple[object, int, int, dict[str, str]]:
    """Store the running cycle, a 初审 seat and one account and token per role."""
    cycle = build_running_cycle(session, projects=3)
    contracted = session.get(Proposal, 1)
    assert contracted is not None
    waiting = Proposal(
        call_id=contracted.call_id,
        agency_id=cycle.agency_ids[1],
        domain_id=contracted.domain_id,
        community_id=contracted.community_id,
        title="初审中的申报书",
        requested_fen=500_000,
        planned_people=300,
        months=6,
        summary="为独居老人提供助餐服务",
        submitted_at=datetime(2026, 5, 10, 9, tzinfo=UTC),
        status=ProposalStatus.ELIGIBLE,
    )
    session.add(waiting)
    session.flush()
    now = datetime.now(UTC)
    tokens: dict[str, str] = {}
    accounts = {
        "agency1": (Role.AGENCY, cycle.agency_ids[0]),
        "agency2": (Role.AGENCY, cycle.agency_ids[1]),
        "expert": (Role.EVALUATOR, None),
        "expert2": (Role.EVALUATOR, None),
        "officer": (Role.STAFF, None),
    }
    users = {}
    for login, (role, agency_id) in accounts.items():
        account = add_account(
            session, login=login, password=PASSWORD, name=login, role=role, agency_id=agency_id
        )
        users[login] = account.user_id
        tokens[login] = add_api_token(session, account_id=account.id or 0, now=now)
    seat = ReviewAssignment(
        proposal_id=waiting.id or 0,
        stage=Stage.PRELIMINARY,
        reviewer_id=users["expert"],
        assigned_at=now,
    )
    session.add(seat)
    session.commit()
    return cycle, waiting.id or 0, seat.id or 0, tokens


@pytest.fixture
def api(database_url: str, session: Session, tmp_path: Path) -> Iterator[Api]:
    """The portal app on a seeded database, with one token per account."""
    cycle, proposal_id, assignment_id, tokens = seed(session)
    settings = Settings(
        database_url=database_url, output_dir=tmp_path / "output", var_dir=tmp_path / "var"
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Api(
            client,
            database_url,
            cycle.project_ids,  # type: ignore[attr-defined]
            cycle.titles,  # type: ignore[attr-defined]
            proposal_id,
            assignment_id,
            tokens,
        )
