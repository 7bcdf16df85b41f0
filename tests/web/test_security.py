"""Bad input and attacks: each gets a clear page, never a traceback, and nothing is written."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select, update

from models.account import ReportDraft, WebSession
from models.need import Need
from models.user import AuditEvent
from settings import Settings
from store.database import get_engine
from tests.web.conftest import csrf_of, sign_in
from tests.web.portal_builders import PASSWORD, REPORT_DAY, PortalWorld
from web.app import create_app


def _draft(world: PortalWorld) -> dict[str, str]:
    return {"project": str(world.project_ids[0]), "day": REPORT_DAY.isoformat(), "action": "draft"}


def _count(database_url: str, model: type) -> int:
    with Session(get_engine(database_url)) as session:
        return len(session.exec(select(model)).all())


@pytest.mark.parametrize("token", ["", "forged-token"])
def test_a_form_without_the_right_csrf_token_is_refused_and_nothing_is_written(
    token: str, client: TestClient, world: PortalWorld, database_url: str
) -> None:
    sign_in(client, "agency1")
    data = _draft(world) | ({"csrf_token": token} if token else {})
    response = client.post("/agency/reports", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "表单已失效" in response.text and "Traceback" not in response.text
    assert _count(database_url, ReportDraft) == 0


def test_a_form_posted_after_the_session_expired_says_nothing_was_saved(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "agency1")
    with Session(get_engine(database_url)) as session:
        session.exec(update(WebSession).values(expires_at=datetime(2020, 1, 1, tzinfo=UTC)))  # type: ignore[call-overload]
        session.commit()
    response = client.post("/agency/reports", data=_draft(world) | {"csrf_token": token})
    assert response.status_code == 401
    assert "会话已过期" in response.text and "没有保存" in response.text
    assert 'href="/login"' in response.text
    assert _count(database_url, ReportDraft) == 0


def test_a_get_without_a_session_goes_to_sign_in_and_comes_back(client: TestClient) -> None:
    response = client.get("/agency/reports/new?project=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/agency/reports/new%3Fproject%3D1"


def test_an_upload_over_the_limit_is_refused_with_the_limit(
    settings: Settings, world: PortalWorld, database_url: str
) -> None:
    small = settings.model_copy(update={"web_max_upload_mb": 1})
    with TestClient(create_app(small), raise_server_exceptions=False) as client:
        token = sign_in(client, "agency1")
        data = _draft(world) | {"csrf_token": token, "action": "submit"}
        files = {"attachment": ("photo.jpg", b"\xff" * (1024 * 1024 + 10), "image/jpeg")}
        response = client.post("/agency/reports", data=data, files=files)
    assert response.status_code == 413
    assert "1 MB" in response.text and "没有保存" in response.text


def test_html_from_users_is_escaped_on_pages(client: TestClient, world: PortalWorld) -> None:
    sign_in(client, "evaluator1")
    page = client.get(f"/evaluator/assignments/{world.seat_ids['evaluator1']}").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_a_need_with_script_is_stored_as_text_and_shown_escaped(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    form = client.get("/needs/new")
    data = {
        "csrf_token": csrf_of(form.text),
        "text": "<img src=x onerror=alert(1)>想要助餐",
        "community": "长淮社区",
        "source": "居民",
    }
    assert client.post("/needs/new", data=data, follow_redirects=False).status_code == 303
    with Session(get_engine(database_url)) as session:
        need = session.exec(select(Need).where(col(Need.text).contains("onerror"))).one()
        session.exec(update(Need).where(Need.id == need.id).values(status="in_review"))  # type: ignore[call-overload]
        session.commit()
    sign_in(client, "staff")
    queue = client.get("/officer/needs").text
    assert "<img src=x" not in queue and "&lt;img src=x onerror=alert(1)&gt;" in queue


@pytest.mark.parametrize(
    "name", ["../../../etc/passwd", "/etc/passwd", "2026-06/../../secret.pdf", "..%2F..%2Fetc"]
)
def test_a_download_outside_the_listing_is_not_found(
    name: str, client: TestClient, world: PortalWorld, database_url: str
) -> None:
    sign_in(client, "staff")
    response = client.get("/files/download", params={"name": name})
    assert response.status_code == 404 and "root:" not in response.text
    with Session(get_engine(database_url)) as session:
        refused = session.exec(select(AuditEvent).where(AuditEvent.action == "download_refused"))
        assert [e.detail for e in refused] == [name]


def test_repeated_wrong_passwords_lock_the_login_even_for_the_right_one(
    client: TestClient, world: PortalWorld
) -> None:
    for _ in range(5):
        page = client.get("/login")
        wrong = {"login": "staff", "password": "guess", "csrf_token": csrf_of(page.text)}
        assert client.post("/login", data=wrong).status_code == 401
    page = client.get("/login")
    right = {"login": "staff", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
    response = client.post("/login", data=right, follow_redirects=False)
    assert response.status_code == 429 and "登录失败次数过多" in response.text


def test_wrong_passwords_from_one_address_do_not_lock_the_login_for_another(
    settings: Settings, world: PortalWorld
) -> None:
    app = create_app(settings)
    with TestClient(app, client=("203.0.113.66", 50000)) as attacker:
        for _ in range(6):
            page = attacker.get("/login")
            wrong = {"login": "staff", "password": "guess", "csrf_token": csrf_of(page.text)}
            assert attacker.post("/login", data=wrong).status_code in (401, 429)
        page = attacker.get("/login")
        right = {"login": "staff", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
        assert attacker.post("/login", data=right, follow_redirects=False).status_code == 429
    with TestClient(app, client=("10.0.0.9", 50000)) as office:
        sign_in(office, "staff")


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie_is_httponly_samesite_and_secure_behind_https(
    secure: bool, settings: Settings, world: PortalWorld
) -> None:
    app = create_app(settings.model_copy(update={"web_secure_cookies": secure}))
    with TestClient(app, base_url="https://portal.test") as client:
        page = client.get("/login")
        response = client.post(
            "/login",
            data={"login": "staff", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
    cookie = response.headers["set-cookie"].lower()
    assert "gongyi_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert ("secure" in cookie) is secure


@pytest.mark.one_backend
def test_the_public_need_form_is_rate_limited_per_address(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    before = _count(database_url, Need)
    answers = []
    for n in range(6):
        token = csrf_of(client.get("/needs/new").text)
        data = {
            "csrf_token": token,
            "text": f"第{n}条需求：希望增加助餐点",
            "community": "长淮社区",
            "source": "居民",
        }
        answers.append(client.post("/needs/new", data=data, follow_redirects=False).status_code)
    assert answers == [303] * 5 + [429]
    assert _count(database_url, Need) == before + 5


def test_contact_details_without_consent_are_refused(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    before = _count(database_url, Need)
    token = csrf_of(client.get("/needs/new").text)
    data = {
        "csrf_token": token,
        "text": "希望有人陪老人聊天",
        "community": "长淮社区",
        "source": "居民",
        "contact_name": "李四",
        "contact_phone": "13900001111",
    }
    response = client.post("/needs/new", data=data)
    assert response.status_code == 400 and "同意" in response.text
    assert 'value="李四"' in response.text
    assert _count(database_url, Need) == before


def test_an_unexpected_error_is_a_page_without_a_traceback(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("drops a table, which only the per-test SQLite file allows")
    with get_engine(database_url).begin() as connection:
        connection.exec_driver_sql("DROP TABLE loginattempt")
    page = client.get("/login")
    response = client.post(
        "/login", data={"login": "staff", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 500
    assert "服务器出错" in response.text and "Traceback" not in response.text
    assert "loginattempt" not in response.text


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_signing_in_never_redirects_off_the_site(
    target: str, client: TestClient, world: PortalWorld
) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "login": "staff",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": target,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/officer"


async def _raw_request(
    app: FastAPI, path: str, receive: Callable[[], Awaitable[dict[str, Any]]]
) -> tuple[int, bytes]:
    """Drive the app over raw ASGI with the client's `receive`; return the status and body."""
    answer: dict[str, Any] = {"status": 0, "body": b""}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"portal.test"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"200"),
        ],
        "client": ("192.0.2.8", 40000),
        "server": ("portal.test", 80),
    }
    await app(scope, receive, send)
    return answer["status"], answer["body"]


def _trickle() -> Callable[[], Awaitable[dict[str, Any]]]:
    """A client sending its body a byte a second."""
    sent = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await anyio.sleep(1)
        sent += 1
        return {"type": "http.request", "body": b"c", "more_body": True}

    return receive


@pytest.mark.parametrize(
    ("path", "answer"),
    [("/needs/new", "没有传完"), ("/api/projects/1/daily-reports", "没有发送完")],
)
def test_a_body_sent_a_byte_a_second_is_cut_off_and_nothing_is_written(
    path: str, answer: str, settings: Settings, world: PortalWorld, database_url: str
) -> None:
    app = create_app(settings)
    app.state.body_timeout = 1.5
    before = _count(database_url, Need)
    with TestClient(app) as client:
        started = time.monotonic()
        status, body = client.portal.call(_raw_request, app, path, _trickle())
        took = time.monotonic() - started
    assert status == 408 and answer in body.decode()
    assert 1.5 <= took < 10
    assert _count(database_url, Need) == before


def test_a_client_that_disconnects_is_not_logged_as_an_error(
    settings: Settings, world: PortalWorld, caplog: pytest.LogCaptureFixture
) -> None:
    async def gone() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    app = create_app(settings)
    with TestClient(app) as client, caplog.at_level(logging.INFO, logger="gongyi.web"):
        status, _body = client.portal.call(_raw_request, app, "/needs/new", gone)
    assert status == 400
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert any("断开" in r.getMessage() for r in caplog.records)


def test_the_api_schema_is_served_and_no_docs_page_needs_a_script_the_csp_forbids(
    client: TestClient,
) -> None:
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200 and "/api/projects/{project_id}/daily-reports" in str(
        schema.json()["paths"]
    )
    # Swagger UI's page loads cdn.jsdelivr.net and an inline script: blank under our CSP.
    for path in ("/api/docs", "/api/docs/oauth2-redirect", "/api/redoc"):
        response = client.get(path)
        assert response.status_code == 404 and "cdn.jsdelivr.net" not in response.text
    assert "script-src 'self'" in schema.headers["content-security-policy"]
