"""Fixtures for report tests: the real templates folder and its environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

from reports.environment import build_environment

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def templates_dir() -> Path:
    return TEMPLATES_DIR


@pytest.fixture
def env(templates_dir: Path) -> Environment:
    return build_environment(templates_dir)
