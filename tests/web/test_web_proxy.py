"""X-Forwarded-For is believed only from the proxies the operator names (issue #17).

By default no proxy is trusted: a client on the same host (127.0.0.1, where uvicorn's
own default would believe the header) cannot dodge the need form's rate limit or
forge the address in the audit trail by rotating X-Forwarded-For. The portal is
driven as `gongyi web` serves it (`cli.servers.web_server_config`), uvicorn's
wrappers included.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session, select

from cli.servers import web_server_config
from models.user import AuditEvent
from settings import Settings
from store.database import get_engine
from tests.web.conftest import csrf_of
from tests.web.portal_builders import PortalWorld

LOCAL_PEER = ("127.0.0.1", 50000)


def _portal(settings: Settings, *, peer: tuple[str, int] = LOCAL_PEER) -> TestClient:
    """The portal as `gongyi web` serves it: the app inside uvicorn's configured wrappers."""
    config = web_server_config(settings, host="127.0.0.1", port=8000)
    config.load()
    return TestClient(config.loaded_app, client=peer, raise_server_exceptions=False)


def _send_needs(client: TestClient, count: int) -> list[int]:
    """Post `count` needs, each claiming a different forwarded address; return the statuses."""
    answers = []
    for n in range(count):
        forwarded = {"X-Forwarded-For": f"203.0.113.{n + 1}"}
        token = csrf_of(client.get("/needs/new").text)
        data = {
            "csrf_token": token,
            "text": f"第{n}条需求：希望增加助餐点",
            "community": "长淮社区",
            "source": "居民",
        }
        response = client.post("/needs/new", data=data, headers=forwarded, follow_redirects=False)
        answers.append(response.status_code)
    return answers


def _need_addresses(database_url: str) -> list[str]:
    with Session(get_engine(database_url)) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "need_submit").order_by(AuditEvent.id)
        )
        return [event.ip for event in events]


@pytest.fixture
def default_portal(settings: Settings, world: PortalWorld) -> Iterator[TestClient]:
    assert settings.web_trusted_proxies == ""  # off by default
    with _portal(settings) as client:
        yield client


def test_by_default_rotating_x_forwarded_for_does_not_bypass_the_need_forms_limit(
    default_portal: TestClient, database_url: str
) -> None:
    assert _send_needs(default_portal, 6) == [303] * 5 + [429]
    assert _need_addresses(database_url) == ["127.0.0.1"] * 5  # the peer, not the forged ones


def test_by_default_a_forged_address_does_not_reach_the_sign_in_audit(
    default_portal: TestClient, database_url: str
) -> None:
    page = default_portal.get("/login")
    default_portal.post(
        "/login",
        data={"login": "staff", "password": "wrong-one", "csrf_token": csrf_of(page.text)},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    with Session(get_engine(database_url)) as session:
        failed = session.exec(select(AuditEvent).where(AuditEvent.action == "login_failed")).one()
    assert failed.ip == "127.0.0.1"


def test_behind_a_configured_proxy_the_forwarded_address_is_the_client(
    settings: Settings, world: PortalWorld, database_url: str
) -> None:
    behind = settings.model_copy(update={"web_trusted_proxies": "10.0.0.0/8, 127.0.0.1"})
    with _portal(behind) as client:
        # Each forwarded client is its own address, with its own allowance.
        assert _send_needs(client, 6) == [303] * 6
    assert _need_addresses(database_url) == [f"203.0.113.{n + 1}" for n in range(6)]


def test_a_configured_proxy_does_not_make_other_peers_trusted(
    settings: Settings, world: PortalWorld, database_url: str
) -> None:
    behind = settings.model_copy(update={"web_trusted_proxies": "10.0.0.5"})
    with _portal(behind, peer=("192.0.2.44", 40000)) as client:
        assert _send_needs(client, 6) == [303] * 5 + [429]
    assert _need_addresses(database_url) == ["192.0.2.44"] * 5


def test_the_trusted_proxies_setting_takes_addresses_and_networks_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GONGYI_WEB_TRUSTED_PROXIES", " 127.0.0.1 ,10.0.0.0/8,,::1 ")
    assert Settings().trusted_proxies() == ["127.0.0.1", "10.0.0.0/8", "::1"]
    monkeypatch.setenv("GONGYI_WEB_TRUSTED_PROXIES", "127.0.0.1,proxy.example")
    with pytest.raises(ValidationError, match=r"proxy\.example"):
        Settings()
    monkeypatch.delenv("GONGYI_WEB_TRUSTED_PROXIES")
    assert Settings().trusted_proxies() == []
