"""The permission matrix: every route × every role × owner gives the expected answer.

Rules: a role that may not use a page gets 403; a record that belongs to another
agency or evaluator is 404 (it is not said to exist); a visitor who is not signed
in is sent to sign in (303) on a GET and told the session expired (401) on a POST.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.account import ReportDraft
from models.monitoring import ActionItem
from models.proposal import Review
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import LOGINS, REPORT_DAY, PortalWorld

ROLES = ("anonymous", *LOGINS)
STAFF = {"staff"}
AGENCIES = {"agency1", "agency2"}
EVALUATORS = {"evaluator1", "evaluator2"}
SIGNED_IN = set(LOGINS)


def _expect(allowed: set[str], *, hidden: set[str] = frozenset(), ok: int = 200):  # type: ignore[no-untyped-def, assignment]
    """Map each role to its answer: `ok` if allowed, 404 if hidden from it, else 403."""
    table = {}
    for role in ROLES:
        if role == "anonymous":
            table[role] = None  # filled per method
        elif role in hidden:
            table[role] = 404
        elif role in allowed:
            table[role] = ok
        else:
            table[role] = 403
    return table


def _get_routes(world: PortalWorld) -> list[tuple[str, dict[str, int | None]]]:
    p1 = world.project_ids[0]
    seat = world.seat_ids["evaluator1"]
    return [
        ("/officer", _expect(STAFF)),
        ("/officer/needs", _expect(STAFF)),
        ("/officer/screening", _expect(STAFF)),
        ("/officer/committee", _expect(STAFF)),
        ("/officer/tranches", _expect(STAFF)),
        ("/officer/flows", _expect(STAFF)),
        ("/officer/audit", _expect(STAFF | {"admin"})),
        ("/admin/accounts", _expect({"admin"})),
        ("/agency", _expect(AGENCIES)),
        ("/agency/reports/new", _expect(AGENCIES)),
        (f"/agency/reports/new?project={p1}", _expect({"agency1"}, hidden={"agency2"})),
        ("/agency/proposals", _expect(AGENCIES)),
        ("/agency/proposals/template", _expect(AGENCIES)),
        ("/agency/actions", _expect(AGENCIES)),
        ("/agency/evaluations", _expect(AGENCIES)),
        ("/evaluator", _expect(EVALUATORS)),
        ("/evaluator/evaluations", _expect(EVALUATORS)),
        (f"/evaluator/assignments/{seat}", _expect({"evaluator1"}, hidden={"evaluator2"})),
        ("/donor", _expect({"donor"})),
        ("/files", _expect(SIGNED_IN)),
        (
            f"/files/download?name={world.files['project1']}",
            _expect(
                STAFF | {"admin", "agency1"} | EVALUATORS, hidden={"agency2", "resident", "donor"}
            ),
        ),
        (
            f"/files/download?name={world.files['donor']}",
            _expect(STAFF | {"admin", "donor"}, hidden=AGENCIES | EVALUATORS | {"resident"}),
        ),
    ]


def _post_routes(world: PortalWorld) -> list[tuple[str, dict[str, str], dict[str, int | None]]]:
    p1 = world.project_ids[0]
    seat = world.seat_ids["evaluator1"]
    return [
        (
            "/agency/reports",
            {"project": str(p1), "day": REPORT_DAY.isoformat(), "action": "draft"},
            _expect({"agency1"}, hidden={"agency2"}, ok=303),
        ),
        # No scores: the assigned evaluator is told what is missing (400), nothing is stored.
        (
            f"/evaluator/assignments/{seat}",
            {},
            _expect({"evaluator1"}, hidden={"evaluator2"}, ok=400),
        ),
        (f"/officer/needs/{world.need_id}", {"domain": "nope"}, _expect(STAFF, ok=400)),
        ("/officer/flows/nope", {}, _expect(STAFF, ok=404)),
        # The call's deadline has passed: the owner is told so (400), nothing changes.
        (
            f"/agency/proposals/{world.proposal_id}/withdraw",
            {},
            _expect({"agency1"}, hidden={"agency2"}, ok=400),
        ),
        (f"/evaluator/evaluations/{world.evaluation_id + 999}", {}, _expect(EVALUATORS, ok=404)),
        (
            f"/agency/actions/{world.action_item_id}",
            {"note": "已补齐"},
            _expect({"agency1"}, hidden={"agency2"}, ok=303),
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_the_matrix_says(
    role: str, client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, role) if role != "anonymous" else ""
    answers = {}
    for path, expected in _get_routes(world):
        want = expected[role] if role != "anonymous" else 303
        answers[path] = (client.get(path, follow_redirects=False).status_code, want)
    for path, data, expected in _post_routes(world):
        want = expected[role] if role != "anonymous" else 401
        got = client.post(path, data=data | {"csrf_token": token}, follow_redirects=False)
        answers[f"POST {path}"] = (got.status_code, want)
    wrong = {path: pair for path, pair in answers.items() if pair[0] != pair[1]}
    assert wrong == {}, f"{role}: (got, expected) {wrong}"
    with Session(get_engine(database_url)) as session:
        drafts = session.exec(select(ReportDraft)).all()
        reviews = session.exec(select(Review)).all()
        action = session.get(ActionItem, world.action_item_id)
    assert len(drafts) == (1 if role == "agency1" else 0)
    assert reviews == []
    assert action is not None and action.status == ("done" if role == "agency1" else "open")


def test_the_matrix_covers_every_portal_page(client: TestClient, world: PortalWorld) -> None:
    covered = {path.split("?")[0] for path, _ in _get_routes(world)}
    covered |= {path for path, _, _ in _post_routes(world)}
    pages = {
        route.path  # type: ignore[attr-defined]
        for route in client.app.routes  # type: ignore[attr-defined]
        if getattr(route, "include_in_schema", True) is False
        and "GET" in getattr(route, "methods", set())
        and not route.path.startswith("/api")  # type: ignore[attr-defined]
    }
    public = {"/", "/login", "/lang/{code}", "/needs/new", "/needs/thanks"}
    templated = {p for p in pages if "{" in p and p not in public}
    concrete = {p.split("{")[0] for p in templated}
    missing = {p for p in pages - public - templated if p not in covered}
    missing |= {p for p in concrete if not any(c.startswith(p) for c in covered)}
    assert missing == set()
