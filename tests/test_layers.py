"""Nothing below the entrypoints reads settings or reaches up to flows, web or the CLI.

import-linter checks the packages; `cli.py` and `settings.py` are single
modules it cannot take as roots, so this test checks them by reading imports.
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
