"""Where the running `gongyi server` answers: a marker file under its home, and a health check.

Standard library only, so the CLI can look for a running server before Prefect is
imported and point every command at it instead of booting a temporary server.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

API_URL_FILE = "api_url"  # written under the server's home while `gongyi server` runs
SERVER_HOME = "prefect-server"  # the server's home under GONGYI_VAR_DIR


def is_server_up(api_url: str) -> bool:
    """Tell whether a Prefect server answers at `api_url`."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


@contextmanager
def announced(home: Path, api_url: str) -> Iterator[None]:
    """Leave the API URL under the server's home while it runs, for `running_server`."""
    marker = home / API_URL_FILE
    marker.write_text(api_url, encoding="utf-8")
    try:
        yield
    finally:
        marker.unlink(missing_ok=True)


def running_server(home: Path) -> str | None:
    """The API URL of the `gongyi server` whose home is `home`, when it answers; else None.

    A command that runs a flow uses it instead of booting a temporary server
    (about 5 s on an idle machine, 12 s on a loaded one).
    """
    try:
        api_url = (home / API_URL_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return api_url if api_url and is_server_up(api_url) else None
