"""Nothing below the entrypoints reads settings or reaches up to flows, web or the CLI.

import-linter checks the packages (`cli` included); `settings.py` is a single
module it cannot take as a root, so this test checks it by reading imports. It
also checks that the CLI's modules import no heavy library at module level, so
`gongyi --help` and the short commands start without Prefect or scikit-learn.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENTRYPOINTS = {"cli", "settings", "flows", "web"}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["models", "store", "reports", "services"])
def test_lower_layers_do_not_import_entrypoints_or_settings(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & ENTRYPOINTS)
        for path in (ROOT / package).rglob("*.py")
        if _imported_roots(path) & ENTRYPOINTS
    }
    assert offenders == {}


def test_settings_imports_nothing_of_ours() -> None:
    ours = {"models", "store", "services", "reports", "flows", "web", "cli"}
    assert _imported_roots(ROOT / "settings.py") & ours == set()


HEAVY = {"prefect", "sklearn", "weasyprint", "openpyxl", "uvicorn", "fastapi", "flows", "web"}


def _top_level_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_cli_is_a_package_of_command_groups() -> None:
    assert not (ROOT / "cli.py").exists()
    modules = sorted(path.name for path in (ROOT / "cli").glob("*.py"))
    assert {"__init__.py", "common.py", "needs.py", "fund.py", "servers.py"} <= set(modules)
    too_long = {
        name: n
        for name in modules
        if (n := len((ROOT / "cli" / name).read_text(encoding="utf-8").splitlines())) > 420
    }
    assert too_long == {}


def test_cli_modules_import_heavy_libraries_only_inside_commands() -> None:
    offenders = {
        path.name: sorted(_top_level_roots(path) & HEAVY)
        for path in (ROOT / "cli").glob("*.py")
        if _top_level_roots(path) & HEAVY
    }
    assert offenders == {}
