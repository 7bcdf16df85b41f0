"""`gongyi needs|agency|fund template` write the sheet each import command reads; the score
sheets' templates carry the cycle's criteria (`cli.sheet_templates`)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from alembic import command
from openpyxl import load_workbook
from sqlmodel import Session, SQLModel

from cli import app
from cli.sheet_templates import actions_template, final_scores_template, scores_template
from services.sheet_templates import TEMPLATES
from store.database import get_engine
from store.migrate import get_alembic_config
from tests.monitoring_builders import build_running_cycle

# Mounted under `gongyi monitor` and `gongyi cycle` by those groups; here in a group of their own.
mounted = typer.Typer()
mounted.callback()(lambda: None)
mounted.command("actions-template")(actions_template)
mounted.command("scores-template")(scores_template)
mounted.command("final-template")(final_scores_template)


@pytest.mark.parametrize(
    ("words", "key"),
    [
        (["needs", "template"], "needs"),
        (["agency", "template"], "agencies"),
        (["agency", "template", "--track-records"], "track_records"),
        (["fund", "template"], "donations"),
        (["fund", "template", "--in-kind"], "in_kind"),
    ],
)
def test_each_group_writes_the_template_of_the_sheet_it_imports(  # type: ignore[no-untyped-def]
    runner, tmp_path: Path, words: list[str], key: str
) -> None:
    out = tmp_path / "模板.xlsx"
    result = runner.invoke(app, [*words[:2], str(out), *words[2:]])
    assert result.exit_code == 0, result.output
    template = TEMPLATES[key]
    assert template.title in result.output and template.reader in result.output
    sheet = load_workbook(out)[template.title]
    assert [c.value for c in sheet[1]] == template.header


def test_the_action_item_template_needs_no_database(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(mounted, ["actions-template", str(tmp_path / "待办.xlsx")])
    assert result.exit_code == 0, result.output
    assert "待办事项表" in result.output


def test_the_score_templates_name_the_cycles_criteria(  # type: ignore[no-untyped-def]
    runner, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGYI_VAR_DIR", str(tmp_path / "var"))
    SQLModel.metadata.create_all(get_engine(database_url))
    command.stamp(get_alembic_config(database_url), "head")
    with Session(get_engine(database_url)) as session:
        cycle = build_running_cycle(session, projects=1)
    monthly = runner.invoke(mounted, ["scores-template", str(tmp_path / "m.xlsx")])
    assert monthly.exit_code == 0, monthly.output
    assert "月评估评分表" in monthly.output and "评分指标：" in monthly.output
    header = [c.value for c in load_workbook(tmp_path / "m.xlsx")["月评估评分表"][1]]
    assert header[:2] == ["评估专家", "项目名称"] and "满意度（%）" in header
    final = runner.invoke(
        mounted, ["final-template", str(tmp_path / "f.xlsx"), "--cycle", str(cycle.cycle_id)]
    )
    assert final.exit_code == 0, final.output
    assert "结项评分表" in final.output
    missing = runner.invoke(mounted, ["final-template", str(tmp_path / "x.xlsx"), "--cycle", "99"])
    assert missing.exit_code == 1 and "Traceback" not in missing.output
