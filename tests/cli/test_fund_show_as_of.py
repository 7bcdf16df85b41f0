"""`gongyi fund show --date` states the fund as of a day, with the same figures as the documents."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from cli import app
from models.money import format_fen
from services import figures
from tests.flows.figures_world import JUNE_END, MIDTERM_PAID, build_figures_world

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_fund_show_counts_the_ledger_as_of_the_day_given(
    session: Session, database_url: str
) -> None:
    world = build_figures_world(session)
    runner = CliRunner()
    for day in (JUNE_END, MIDTERM_PAID):
        money = figures.money_as_of(session, cycle_id=world.cycle_id, as_of=day)
        result = runner.invoke(
            app, ["fund", "show", "--cycle", str(world.cycle_id), "--date", day.isoformat()]
        )
        assert result.exit_code == 0, result.output
        line = " ".join(result.output.split())
        assert f"拨付 {format_fen(money.paid_fen)}" in line
        assert f"承诺 {format_fen(money.committed_fen)}" in line
        assert f"截至 {day.isoformat()}" in line
    june = figures.money_as_of(session, cycle_id=world.cycle_id, as_of=JUNE_END)
    later = figures.money_as_of(session, cycle_id=world.cycle_id, as_of=date(2026, 12, 1))
    assert june.paid_fen < later.paid_fen
