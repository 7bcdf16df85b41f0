"""`gongyi web` stops cleanly on SIGTERM, and takes Prefect's embedded server with it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

GONGYI = Path(sys.executable).with_name("gongyi")


def children(pid: int) -> dict[int, str]:
    """Return the processes whose parent is `pid`, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid:
            found[int(entry.name)] = command
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sigterm_stops_the_portal_and_the_prefect_server_it_started(tmp_path):
    env = {
        **os.environ,
        "GONGYI_DATABASE_URL": f"sqlite:///{tmp_path / 'gongyi.db'}",
        "GONGYI_VAR_DIR": str(tmp_path / "var"),
        "GONGYI_OUTPUT_DIR": str(tmp_path / "output"),
    }
    env.pop("PREFECT_API_URL", None)
    subprocess.run([GONGYI, "db", "upgrade"], env=env, check=True, capture_output=True)
    port = free_port()
    portal = subprocess.Popen(
        [GONGYI, "web", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    server = None
    try:
        server = _wait_for_portal_and_prefect(portal, port)
        portal.send_signal(signal.SIGTERM)
        assert portal.wait(timeout=60) == 0
        deadline = time.monotonic() + 30
        while Path(f"/proc/{server}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not Path(f"/proc/{server}").exists(), "Prefect's server outlived the portal"
    finally:
        if portal.poll() is None:
            portal.kill()
        if server is not None and Path(f"/proc/{server}").exists():
            os.kill(server, signal.SIGKILL)  # a failed run leaves no server behind


def _wait_for_portal_and_prefect(portal: subprocess.Popen[bytes], port: int) -> int:
    deadline = time.monotonic() + 120
    answered = False
    while time.monotonic() < deadline:
        assert portal.poll() is None, portal.stdout.read().decode() if portal.stdout else ""
        if not answered:
            with contextlib.suppress(httpx.TransportError):
                answered = httpx.get(f"http://127.0.0.1:{port}/login").status_code == 200
        servers = [pid for pid, cmd in children(portal.pid).items() if "prefect.server" in cmd]
        if answered and servers:
            return servers[0]
        time.sleep(0.5)
    raise AssertionError("the portal or Prefect's server did not start within 120 s")
