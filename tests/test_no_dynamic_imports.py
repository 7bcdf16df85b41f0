"""The doors reach flows only through entrypoints: no `importlib` in web/ or the CLI, and every
entrypoint the portal or a deployment names resolves to a Prefect flow."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml
from prefect import Flow
from prefect.flows import load_flow_from_entrypoint

from web.flow_runs import FLOWS, load_flow, module_entrypoint

ROOT = Path(__file__).resolve().parent.parent


def _door_modules() -> list[Path]:
    found = sorted((ROOT / "web").rglob("*.py")) + sorted((ROOT / "cli").rglob("*.py"))
    if (ROOT / "cli.py").exists():
        found.append(ROOT / "cli.py")
    return found


def _importlib_uses(source: str, label: str) -> list[str]:
    uses = []
    for node in ast.walk(ast.parse(source, filename=label)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            names = [node.func.id]
        else:
            continue
        uses += [
            f"{label}:{node.lineno}"
            for name in names
            if name.split(".")[0] in {"importlib", "__import__"}
        ]
    return uses


def _deployment_entrypoints() -> list[str]:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    return [deployment["entrypoint"] for deployment in config["deployments"]]


def test_the_scan_finds_each_way_of_reaching_importlib() -> None:
    source = (
        "import importlib.util\n"
        "from importlib import import_module\n"
        "def f():\n"
        "    import importlib\n"
        "    return __import__('flows')\n"
        "import importlibrary_not\n"
    )
    assert _importlib_uses(source, "sample.py") == [
        "sample.py:1",
        "sample.py:2",
        "sample.py:4",
        "sample.py:5",
    ]


def test_no_door_imports_importlib() -> None:
    modules = _door_modules()
    assert any(p.parent.name == "web" for p in modules)
    uses = [
        use
        for path in modules
        for use in _importlib_uses(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert uses == []


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_every_flow_the_portal_starts_is_a_prefect_flow(name: str) -> None:
    path = FLOWS[name].rsplit(":", 1)[0]
    assert (ROOT / path).is_file(), FLOWS[name]
    assert isinstance(load_flow(name), Flow)


@pytest.mark.parametrize("entrypoint", _deployment_entrypoints())
def test_every_deployment_entrypoint_is_a_prefect_flow(entrypoint: str) -> None:
    path = entrypoint.rsplit(":", 1)[0]
    assert (ROOT / path).is_file(), entrypoint
    flow = load_flow_from_entrypoint(module_entrypoint(entrypoint), use_placeholder_flow=False)
    assert isinstance(flow, Flow)
    assert flow.fn.__module__ == module_entrypoint(entrypoint).split(":")[0]
