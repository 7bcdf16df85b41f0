"""What the browser journeys share: Debian's Chromium, a uvicorn portal, sign-in and screenshots.

`serve_portal` serves the app with uvicorn (as `gongyi web` does) on a free port over
a given database, in its own process group so the Prefect server its first flow run
starts ends with it. The fixtures built on it are in `tests/web/conftest.py`
(`browser`, `portal`, `empty_portal`). Screenshots go to output/test-artifacts/portal/.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from settings import PROJECT_ROOT
from tests.monitoring_builders import free_port
from tests.web.portal_builders import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "output" / "test-artifacts" / "portal"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
HAS_CHROMIUM = CHROMIUM.exists()


@contextmanager
def serve_portal(home: Path, url: str) -> Iterator[str]:
    """Serve the portal over the database `url` (output and var under `home`); yield its base URL."""
    (home / "output").mkdir(exist_ok=True)
    port = free_port()
    env = os.environ | {
        "GONGYI_DATABASE_URL": url,
        "GONGYI_OUTPUT_DIR": str(home / "output"),
        "GONGYI_VAR_DIR": str(home / "var"),
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # As `gongyi web` gives it (cli.common): a loaded machine starts Prefect slowly.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "web.app:app_from_environment",
            "--port",
            str(port),
            "--log-level",
            "warning",
            # Proxies are the app's business (GONGYI_WEB_TRUSTED_PROXIES), as in `gongyi web`.
            "--no-proxy-headers",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        # Its own process group: the Prefect server its first flow run starts ends with it.
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/login", server)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wait_for(address: str, server: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """Wait until the server answers at `address` (up to 30 s)."""
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("uvicorn exited before serving")
        try:
            urllib.request.urlopen(address, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{address} did not answer")


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under output/test-artifacts/portal/ and print its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def sign_in(page: Any, base: str, login: str, password: str = PASSWORD) -> None:
    """Sign in through the login page and wait until it is left."""
    from playwright.sync_api import expect

    page.goto(base + "/login")
    page.get_by_label("登录名").fill(login)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
