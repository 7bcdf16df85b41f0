"""Portal fixtures: a populated database on each backend, the app, a client and sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from settings import Settings
from store.database import get_engine
from tests.web.portal_builders import PASSWORD, PortalWorld, build_portal_world
from web.app import create_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    """The output folder the app serves files from."""
    folder = tmp_path / "output"
    folder.mkdir()
    return folder


@pytest.fixture
def world(database_url: str, output_dir: Path) -> PortalWorld:
    """The portal world on a fresh database."""
    with Session(get_engine(database_url), expire_on_commit=False) as session:
        return build_portal_world(session, output_dir)


@pytest.fixture
def settings(database_url: str, output_dir: Path, tmp_path: Path) -> Settings:
    """Settings pointing at the test database and folders."""
    return Settings(database_url=database_url, output_dir=output_dir, var_dir=tmp_path / "var")


@pytest.fixture
def client(settings: Settings, world: PortalWorld) -> Iterator[TestClient]:
    """The portal, built by `create_app`, with the world stored."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    found = CSRF.search(html)
    assert found, "no form with a CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, login: str, password: str = PASSWORD) -> str:
    """Sign in and return the session's CSRF token."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/files").text)
