"""The fund, call, agency and proposal commands answer in one line and never with a traceback."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from cli import app
from tests.builders import DEMO_DIR


def test_a_valid_credit_code_passes(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["agency", "check-code", "91350100M000100Y43"])
    assert result.exit_code == 0 and "校验通过" in result.output


def test_a_corrupted_credit_code_is_one_line_saying_why(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["agency", "check-code", "91350100M000100Y42"])
    assert result.exit_code == 1
    assert "第 18 位校验码不对" in result.output and "Traceback" not in result.output


def test_call_check_accepts_the_demo_rules_file(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["call", "check", str(DEMO_DIR / "call.toml")])
    assert result.exit_code == 0 and "六个统一标准齐全" in result.output


def test_call_check_names_the_line_of_an_unknown_key(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (
        (DEMO_DIR / "call.toml")
        .read_text(encoding="utf-8")
        .replace("min_yuan = 5000", "min_yuan = 5000\nmax = 1")
    )
    path = tmp_path / "call.toml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("max = 1") + 1
    result = runner.invoke(app, ["call", "check", str(path)])
    assert result.exit_code == 1
    output = "".join(result.output.split())
    assert f"call.toml第{line}行：申报指南[amount]（资助金额）有未知的键max" in output
    assert "Traceback" not in result.output


def test_proposal_template_writes_the_workbook(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["proposal", "template", str(tmp_path / "申报书模板.xlsx")])
    assert result.exit_code == 0
    assert load_workbook(tmp_path / "申报书模板.xlsx").sheetnames[:4] == [
        "申报书",
        "预算明细",
        "绩效指标",
        "进度安排",
    ]
