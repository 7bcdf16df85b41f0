"""Portal fixtures: a populated database on each backend, the app, a client and sign-in.

The browser journeys' fixtures are here too: `browser` (Debian's Chromium, headless),
`portal` (uvicorn over a migrated SQLite file holding the portal world, one per module)
and `empty_portal` (the same over an empty database with one staff account).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models.status import Role
from settings import Settings
from store.accounts import add_account
from store.database import get_engine
from store.migrate import upgrade_database
from tests.web.browser_support import CHROMIUM, serve_portal
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless (the module's tests skip when it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, PortalWorld]]:
    """Serve the portal with uvicorn over a migrated SQLite file holding the portal world."""
    home = tmp_path_factory.mktemp("portal")
    url = f"sqlite:///{home / 'portal.db'}"
    upgrade_database(url)
    (home / "output").mkdir()
    with Session(get_engine(url), expire_on_commit=False) as session:
        world = build_portal_world(session, home / "output")
    with serve_portal(home, url) as base:
        yield base, url, world


@pytest.fixture(scope="module")
def empty_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the portal over a migrated, empty SQLite file with one staff account (clerk)."""
    home = tmp_path_factory.mktemp("setup-portal")
    url = f"sqlite:///{home / 'portal.db'}"
    upgrade_database(url)
    with Session(get_engine(url)) as session:
        add_account(session, login="clerk", password=PASSWORD, name="王科长", role=Role.STAFF)
        session.commit()
    with serve_portal(home, url) as base:
        yield base
