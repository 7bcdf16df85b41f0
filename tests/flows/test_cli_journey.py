"""A whole cycle through the CLI only, from an empty database to the cycle report (issue #15).

Every step of `tests/journey_data/steps.py` (新安街道办事处, not the demo's data)
is invoked in-process with typer's CliRunner, with its business date and no
faked clock, against a database that does not exist yet (`gongyi cycle open`
creates it). The run happens once for the module; the tests then read what it
left: every step exited 0, the cycle report PDF is there, `gongyi cycle verify`
passes, and the report's figures agree with the ledger and the tables.
`benchmarks/replay_cycle.py` runs the same steps as subprocesses and times them.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from store.database import get_engine
from tests.journey_data.steps import CYCLE, CYCLE_REPORT, PROJECTS, journey

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


@dataclass
class Journey:
    """What the run left behind: the database, the output folder and each step's output."""

    url: str
    output: Path
    outputs: dict[str, str]


@pytest.fixture(scope="module")
def journey_run(
    tmp_path_factory: pytest.TempPathFactory, prefect_harness: None
) -> Iterator[Journey]:
    """Run every step once on a fresh SQLite file; stop at the first that does not exit 0.

    Prefect binds its console log handler to whatever stderr is when it sets up
    logging, inside `invoke` the runner's capture, closed afterwards: logging is set
    up again after each step (as tests/cli/test_monitor_cli.py does).
    """
    from prefect.logging.configuration import setup_logging
    from typer.testing import CliRunner

    from cli import app
    from cli.common import console

    folder = tmp_path_factory.mktemp("journey")
    url = f"sqlite:///{folder / 'gongyi.db'}"
    outputs: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GONGYI_DATABASE_URL", url)
        patch.setenv("GONGYI_OUTPUT_DIR", str(folder / "output"))
        patch.setenv("GONGYI_VAR_DIR", str(folder / "var"))
        patch.setattr(console, "width", 300)
        runner = CliRunner()
        for number, step in enumerate(journey(), 1):
            try:
                result = runner.invoke(app, list(step.args))
            finally:
                setup_logging(incremental=False)
            outputs[step.label] = result.output
            assert result.exit_code == 0, (
                f"第 {number} 步失败（{result.exit_code}）：{step.label}\n{result.output[-4000:]}"
                + (f"\n{result.exception!r}" if result.exception else "")
            )
        yield Journey(url=url, output=folder / "output", outputs=outputs)
    get_engine(url).dispose()


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", done.stdout)


def _scalar(url: str, sql: str) -> int:
    with get_engine(url).connect() as connection:
        return int(connection.execute(text(sql)).scalar_one() or 0)


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def test_every_step_of_the_cycle_exits_0_and_the_archive_verifies(journey_run: Journey) -> None:
    verify = next(out for label, out in journey_run.outputs.items() if " cycle verify" in label)
    assert "文档校验通过" in verify
    assert (journey_run.output / CYCLE_REPORT).exists()
    from typer.testing import CliRunner

    from cli import app

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GONGYI_DATABASE_URL", journey_run.url)
        patch.setenv("GONGYI_OUTPUT_DIR", str(journey_run.output))
        again = CliRunner().invoke(app, ["cycle", "verify", "--cycle", CYCLE])
    assert again.exit_code == 0, again.output


def test_the_cycle_report_counts_the_funded_projects_and_the_money_of_the_ledger(
    journey_run: Journey,
) -> None:
    url = journey_run.url
    projects = _scalar(url, "SELECT COUNT(*) FROM project")
    domains = _scalar(url, "SELECT COUNT(DISTINCT domain_id) FROM project")
    raised, committed, paid, refunded = (
        _scalar(url, f"SELECT SUM(amount_fen) FROM ledgerentry WHERE kind = '{kind}'")
        for kind in ("donation", "commitment", "payment", "refund")
    )
    assert projects == len(PROJECTS) == 5 and domains == 4
    assert (raised, committed) == (9_050_000, 6_000_000)

    report = _pdf_text(journey_run.output / CYCLE_REPORT)
    assert f"{domains}大领域{projects}个服务项目" in report
    assert f"募集公益基金{_yuan(raised)}元" in report
    assert f"承诺资助{_yuan(committed)}元，已拨付{_yuan(paid)}元" in report
    assert f"结项退回结余{_yuan(refunded)}元" in report
    shown = journey_run.outputs["gongyi fund show --cycle 1 --date 2026-07-15"]
    assert f"拨付 {_yuan(paid)}" in shown and f"退回 {_yuan(refunded)}" in shown


def test_the_screening_and_the_selection_took_the_paper_batches_at_their_dates(
    journey_run: Journey,
) -> None:
    url = journey_run.url
    assert _scalar(url, "SELECT COUNT(*) FROM proposal") == 7
    assert _scalar(url, "SELECT COUNT(*) FROM proposal WHERE status = 'ineligible'") == 1
    closed = next(out for label, out in journey_run.outputs.items() if "close-stage" in label)
    assert "指尖课堂·老年智能手机" in closed and "低于通过线 60" in closed
    assert _scalar(url, "SELECT COUNT(*) FROM dailyreport") == 54


def test_the_cycle_report_counts_the_people_the_daily_reports_reached(journey_run: Journey) -> None:
    with get_engine(journey_run.url).connect() as connection:
        refs: set[str] = set()
        for (value,) in connection.execute(
            text("SELECT beneficiary_refs FROM dailyreport WHERE is_current")
        ):
            refs.update(json.loads(value) if isinstance(value, str) else value)
    assert refs
    report = _pdf_text(journey_run.output / CYCLE_REPORT)
    assert f"受益{len(refs)}人" in report
