"""Daily reports sent at the same moment share a transaction, and each still gets its own answer.

Requests go through the whole app (httpx over ASGI, many at once). The app's
writer is the real one filing through `file_pending`, wrapped so that the test
can hold its first batch until every other request is queued behind it: those
are then filed as one batch, and must be answered exactly as if sent alone.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.account import Account, ApiToken
from models.monitoring import DailyReport
from models.user import AuditEvent, User
from settings import Settings
from store.accounts import add_api_token, token_digest
from store.api_tokens import set_api_token_revoked
from tests.web.api.conftest import Api
from tests.web.api.test_daily_reports import report
from web.api.daily_reports import FilingOut
from web.api.report_filing import Pending, file_pending
from web.api.report_writer import ReportWriter
from web.app import create_app


class Held:
    """The real filing, holding the first batch until released."""

    def __init__(self, work: Callable[[Session, list[Pending]], list[Any]]) -> None:
        self.work = work
        self.batches: list[int] = []
        self.holding, self.release = threading.Event(), threading.Event()

    def __call__(self, session: Session, pending: list[Pending]) -> list[Any]:
        self.batches.append(len(pending))
        if len(self.batches) == 1:
            self.holding.set()
            assert self.release.wait(10)
        return self.work(session, pending)


def hold_writer(api: Api) -> Held:
    """Give the app a writer whose first batch waits for `release`."""
    app = api.client.app
    held = Held(
        lambda session, pending: file_pending(
            session,
            pending,
            verified=app.state.verified_tokens,  # type: ignore[attr-defined]
        )
    )
    app.state.report_writer.close()  # type: ignore[attr-defined]
    app.state.report_writer = ReportWriter(app.state.engine, held)  # type: ignore[attr-defined]
    return held


def post(
    http: httpx.AsyncClient, body: dict[str, Any], *, token: str, project: int
) -> Coroutine[Any, Any, httpx.Response]:
    return http.post(
        f"/api/projects/{project}/daily-reports",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )


async def until(condition: Callable[[], bool], *, seconds: float = 10) -> None:
    """Wait until the condition holds, failing the test after `seconds`."""
    for _ in range(int(seconds * 100)):
        if condition():
            return
        await asyncio.sleep(0.01)
    pytest.fail("等待超时")


def issue_token(api: Api, login: str) -> str:
    with api.session() as session:
        account = session.exec(select(Account).where(Account.login == login)).one()
        token = add_api_token(session, account_id=account.id or 0, now=datetime.now(UTC))
        session.commit()
    return token


def revoke_elsewhere(api: Api, token: str) -> None:
    """Revoke a token straight in the database, as another process (or the CLI) would."""
    with api.session() as session:
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).one()
        set_api_token_revoked(session, row, now=datetime.now(UTC))
        session.commit()


def test_reports_sent_at_once_are_filed_together_and_each_answered_as_if_alone(api: Api) -> None:
    held = hold_writer(api)
    one, two = api.project_ids[0], api.project_ids[1]
    agency1, agency2 = api.tokens["agency1"], api.tokens["agency2"]
    revoked = issue_token(api, "agency1")
    spent_all = report(day="2026-06-04", spend_fen={"活动费": 600_000})
    cases = {
        "again-first": (report(day="2026-06-01"), agency1, one),
        "second-a": (report(day="2026-06-02"), agency1, one),
        "second-b": (report(day="2026-06-02"), agency1, one),
        "over-budget": (spent_all, agency1, one),
        "no-activity": (report(day="2026-06-05", activities=[]), agency1, one),
        "other-agency": (report(day="2026-06-02"), agency2, two),
        "not-theirs": (report(day="2026-06-06"), agency2, one),
        "revoked": (report(day="2026-06-07"), revoked, one),
    }

    async def scenario() -> tuple[httpx.Response, dict[str, httpx.Response]]:
        transport = httpx.ASGITransport(app=api.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as http:
            # Verified (and remembered) now, revoked by another process before it writes.
            warm = await post(http, {"day": "bad"}, token=revoked, project=one)
            assert warm.status_code == 422
            revoke_elsewhere(api, revoked)
            first = asyncio.ensure_future(
                post(http, report(day="2026-06-01"), token=agency1, project=one)
            )
            assert await asyncio.to_thread(held.holding.wait, 10)
            rest = {
                name: asyncio.ensure_future(post(http, body, token=token, project=project))
                for name, (body, token, project) in cases.items()
            }
            writer = api.client.app.state.report_writer  # type: ignore[attr-defined]
            await until(lambda: writer.waiting == len(cases))
            held.release.set()
            return await first, {name: await task for name, task in rest.items()}

    first, answers = asyncio.run(scenario())
    api.client.app.state.report_writer.close()  # type: ignore[attr-defined]
    assert held.batches == [1, len(cases)]
    status = {name: answer.status_code for name, answer in answers.items()}
    assert first.status_code == 201
    assert sorted([status.pop("second-a"), status.pop("second-b")]) == [200, 201]
    assert status == {
        "again-first": 200,
        "over-budget": 422,
        "no-activity": 422,
        "other-agency": 201,
        "not-theirs": 404,
        "revoked": 401,
    }
    body = {name: answer.json() for name, answer in answers.items()}
    assert body["again-first"]["report"]["id"] == first.json()["report"]["id"]
    assert body["second-a"]["report"]["id"] == body["second-b"]["report"]["id"]
    assert {body["second-a"]["filing"], body["second-b"]["filing"]} == {"new", "duplicate"}
    assert body["over-budget"]["errors"][0]["field"] == "spend_fen"
    assert body["no-activity"]["errors"][0]["field"] == "activities"
    assert "令牌" in body["revoked"]["detail"]
    assert answers["revoked"].headers["www-authenticate"] == "Bearer"
    for name in ("again-first", "second-a", "other-agency"):
        FilingOut.model_validate(body[name])

    with api.session() as session:
        reports = session.exec(select(DailyReport).order_by(DailyReport.id)).all()
        events = session.exec(select(AuditEvent).where(AuditEvent.subject_type == "daily_report"))
        actions = sorted(e.action for e in events)
    assert [(r.project_id, str(r.day), r.version) for r in reports] == [
        (one, "2026-06-01", 1),
        (one, "2026-06-02", 1),
        (two, "2026-06-02", 1),
    ]
    # The batch was one transaction: one filing time for all it stored.
    assert reports[1].submitted_at == reports[2].submitted_at != reports[0].submitted_at
    assert actions == sorted(["daily_report_new"] * 3 + ["daily_report_duplicate"] * 2)


def test_a_token_revoked_by_another_process_cannot_write(api: Api) -> None:
    url = f"/api/projects/{api.project_ids[0]}/daily-reports"
    token = issue_token(api, "agency1")
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.post(url, json={"day": "bad"}, headers=headers).status_code == 422
    revoke_elsewhere(api, token)
    refused = api.client.post(url, json=report(), headers=headers)
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    # Found revoked where it writes, the token is forgotten: the early check refuses it too.
    assert api.client.post(url, json={"day": "bad"}, headers=headers).status_code == 401
    with api.session() as session:
        assert session.exec(select(DailyReport)).all() == []


def test_a_token_revoked_through_the_api_is_refused_at_once(api: Api) -> None:
    url = f"/api/projects/{api.project_ids[0]}/daily-reports"
    issued = api.client.post("/api/tokens", json={}, headers=api.auth("agency1")).json()
    headers = {"Authorization": f"Bearer {issued['token']}"}
    assert api.client.post(url, json={"day": "bad"}, headers=headers).status_code == 422
    assert api.client.delete(f"/api/tokens/{issued['id']}", headers=headers).status_code == 204
    assert api.client.post(url, json={"day": "bad"}, headers=headers).status_code == 401


def test_an_account_that_stops_being_an_agency_cannot_write(api: Api) -> None:
    url = f"/api/projects/{api.project_ids[0]}/daily-reports"
    assert api.client.post(url, json={"day": "bad"}, headers=api.auth("agency1")).status_code == 422
    with api.session() as session:
        account = session.exec(select(Account).where(Account.login == "agency1")).one()
        user = session.get(User, account.user_id)
        assert user is not None
        user.role = "staff"
        session.add(user)
        session.commit()
    answer = api.client.post(url, json=report(), headers=api.auth("agency1"))
    assert answer.status_code == 403 and "不能执行此操作" in answer.json()["detail"]


def test_shutting_down_answers_every_report_then_stops_the_writer(api: Api, tmp_path: Path) -> None:
    settings = Settings(database_url=api.url, output_dir=tmp_path / "o", var_dir=tmp_path / "v")
    app = create_app(settings)
    with TestClient(app) as client:
        for day in ("2026-06-01", "2026-06-02"):
            answer = client.post(
                f"/api/projects/{api.project_ids[0]}/daily-reports",
                json=report(day=day),
                headers=api.auth("agency1"),
            )
            assert answer.status_code == 201
        assert app.state.report_writer.is_open
    assert not app.state.report_writer.is_open
    with api.session() as session:
        assert len(session.exec(select(DailyReport)).all()) == 2
