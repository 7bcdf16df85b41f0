"""A command that runs a flow uses the running `gongyi server` instead of booting a temporary one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from cli.common import prepare_prefect
from flows.server_address import SERVER_HOME, announced, running_server
from settings import Settings


class _Health(BaseHTTPRequestHandler):
    """Answers GET /api/health as a Prefect server does; nothing else."""

    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def answering() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _own_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """prepare_prefect sets PREFECT_* variables: keep them out of the other tests' process."""
    import os

    monkeypatch.setattr(os, "environ", dict(os.environ))


def _settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'g.db'}", var_dir=tmp_path / "var")


def test_a_command_points_prefect_at_the_announced_server(
    tmp_path: Path, answering: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    settings = _settings(tmp_path)
    home = (settings.var_dir / SERVER_HOME).resolve()
    home.mkdir(parents=True)
    with announced(home, answering):
        assert running_server(home) == answering
        prepare_prefect(settings)
        import os

        assert os.environ["PREFECT_API_URL"] == answering
    assert not (home / "api_url").exists()


def test_a_stale_marker_or_none_leaves_prefect_in_its_embedded_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    settings = _settings(tmp_path)
    prepare_prefect(settings)
    assert "PREFECT_API_URL" not in os.environ
    home = (settings.var_dir / SERVER_HOME).resolve()
    home.mkdir(parents=True)
    (home / "api_url").write_text("http://127.0.0.1:9/api", encoding="utf-8")  # nobody answers
    prepare_prefect(settings)
    assert "PREFECT_API_URL" not in os.environ


def test_gongyi_server_starts_announces_its_url_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    """The real command, as an office starts it: a Prefect server, announced, then Ctrl-C."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PREFECT_API") and key != "PREFECT_HOME"
    }
    env |= {
        "GONGYI_DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
        "GONGYI_VAR_DIR": str(tmp_path / "var"),
    }
    marker = (tmp_path / "var" / SERVER_HOME / "api_url").resolve()
    gongyi = Path(sys.executable).with_name("gongyi")
    process = subprocess.Popen(
        [str(gongyi), "server", "--no-deploy", "--workers", "0", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        api_url = marker.read_text(encoding="utf-8")
        assert api_url == f"http://127.0.0.1:{port}/api"
        assert running_server(marker.parent) == api_url
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "Prefect API" in output and "已停止" in output
    assert not marker.exists()
