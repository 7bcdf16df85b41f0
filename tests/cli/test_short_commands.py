"""Short commands answer from the database without Prefect; a refusal is one red line, exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import typer
from alembic import command
from sqlmodel import Session
from typer.testing import CliRunner

from cli.common import session_for
from services import NotFound
from settings import Settings
from store import cycles, fund
from store.database import get_engine
from store.migrate import get_alembic_config
from tests.monitoring_builders import build_running_cycle

# Each test starts real `gongyi` processes; what they check (no Prefect, no models at start)
# does not depend on the database, so they run once, on SQLite.
pytestmark = pytest.mark.one_backend

ROOT = Path(__file__).resolve().parents[2]

# Runs a command in a fresh interpreter, as `gongyi` would, and says afterwards which
# heavy libraries the process had imported.
PROBE = """
import sys
from typer.testing import CliRunner
from cli import app

result = CliRunner().invoke(app, sys.argv[1:])
print(result.output)
loaded = sorted(m for m in ("prefect", "sklearn", "weasyprint", "uvicorn") if m in sys.modules)
print("EXIT", result.exit_code, "LOADED", ",".join(loaded) or "-")
"""


def _run(args: list[str], database_url: str, tmp_path: Path) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "GONGYI_DATABASE_URL": database_url,
        "GONGYI_VAR_DIR": str(tmp_path / "var"),
        "GONGYI_OUTPUT_DIR": str(tmp_path / "output"),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    *output, last = done.stdout.rstrip().splitlines()
    _, code, _, loaded = last.split()
    return int(code), "\n".join(output), loaded


@pytest.fixture
def cycle_with_fund(database_url: str) -> int:
    with Session(get_engine(database_url)) as session:
        cycle = cycles.add_cycle(
            session,
            street_office="淮河路街道办事处",
            year=2026,
            name="2026年度公益创投",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 12, 31),
        )
        fund.add_fund(session, cycle_id=cycle.id, name="淮河路街道专项公益基金")  # type: ignore[arg-type]
        session.commit()
        return cycle.id  # type: ignore[return-value]


def test_fund_show_answers_without_prefect(
    database_url: str, cycle_with_fund: int, tmp_path: Path
) -> None:
    code, output, loaded = _run(
        ["fund", "show", "--cycle", str(cycle_with_fund)], database_url, tmp_path
    )
    assert code == 0, output
    assert "淮河路街道专项公益基金（开放）：募集 0.00 元" in output
    assert loaded == "-"
    assert not (tmp_path / "var" / "prefect").exists()


def test_needs_review_and_proposal_screening_answer_without_prefect(
    database_url: str, cycle_with_fund: int, tmp_path: Path
) -> None:
    code, output, loaded = _run(
        ["needs", "review", "--cycle", str(cycle_with_fund)], database_url, tmp_path
    )
    assert (code, loaded) == (0, "-"), output
    assert "待人工确认的需求：0 项" in output
    code, output, loaded = _run(["proposal", "screening", "--call", "1"], database_url, tmp_path)
    assert (code, loaded) == (0, "-"), output
    assert "申报书" in output


def test_a_refusal_from_a_short_command_is_one_red_line(
    database_url: str, cycle_with_fund: int, tmp_path: Path
) -> None:
    code, output, loaded = _run(["fund", "show", "--cycle", "999"], database_url, tmp_path)
    assert (code, loaded) == (1, "-")
    [line] = output.strip().splitlines()
    assert line.startswith("错误：找不到创投周期 #999：请先用 gongyi cycle open 开设创投周期")


def test_a_service_error_prints_its_message_once_and_exits_1(tmp_path: Path) -> None:
    probe = typer.Typer()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'g.db'}")

    @probe.command()
    def look() -> None:
        with session_for(settings):
            raise NotFound("找不到评审任务 #12")

    result = CliRunner().invoke(probe, [])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["错误：找不到评审任务 #12"]
    assert "Traceback" not in result.output


def test_cycle_refund_books_by_project_id_once_without_prefect(
    database_url: str, tmp_path: Path
) -> None:
    with Session(get_engine(database_url)) as session:
        running = build_running_cycle(session, projects=1)
    project, cycle = str(running.project_ids[0]), str(running.cycle_id)
    args = ["cycle", "refund", project, "--cycle", cycle, "--amount", "100", "--day", "2026-07-01"]
    code, output, loaded = _run(args, database_url, tmp_path)
    assert (code, loaded) == (0, "-"), output
    assert "已登记退回 100.00 元" in output
    code, output, _ = _run(args, database_url, tmp_path)
    assert (code, output.strip()) == (0, "该笔退回已登记过")
    too_much = [*args[:5], "--amount", "99999999"]
    code, output, _ = _run(too_much, database_url, tmp_path)
    assert code == 1 and len(output.strip().splitlines()) == 1 and "错误：" in output
    code, output, _ = _run(
        ["cycle", "refund", "999", "--cycle", cycle, "--amount", "1"], database_url, tmp_path
    )
    assert (code, output.strip()) == (1, "错误：没有编号为 999 的服务项目")
    with Session(get_engine(database_url)) as session:
        refunds = [
            e
            for e in fund.list_ledger_entries(session, fund_id=running.fund_id)
            if e.kind == "refund"
        ]
    assert sum(e.amount_fen for e in refunds) == 10_000


def test_a_daily_report_and_an_evaluation_review_need_no_prefect(
    database_url: str, tmp_path: Path
) -> None:
    with Session(get_engine(database_url)) as session:
        running = build_running_cycle(session, projects=1)
    title, cycle = running.titles[0], str(running.cycle_id)
    submit = ["monitor", "report", "submit", title, "--day", "2026-06-03", "--cycle", cycle]
    code, output, loaded = _run(
        [*submit, "--no-activity", "端午节前布置场地"], database_url, tmp_path
    )
    assert (code, loaded) == (0, "-"), output
    assert output.strip() == "日报告已保存。"
    code, output, loaded = _run(
        ["monitor", "review", title, "2026-06", "--reviewer", "陈慧敏"], database_url, tmp_path
    )
    assert (code, loaded) == (1, "-")
    assert output.strip() == f"错误：「{title}」还没有 2026-06 的月评估"


def test_withdrawing_a_proposal_and_closing_an_action_item_need_no_prefect(
    database_url: str, tmp_path: Path
) -> None:
    from models.proposal import Proposal
    from tests.web.portal_builders import build_portal_world

    with Session(get_engine(database_url), expire_on_commit=False) as session:
        world = build_portal_world(session, tmp_path / "output")
    withdraw = ["proposal", "withdraw", str(world.proposal_id), "--user", "王科长"]
    code, output, loaded = _run([*withdraw, "--at", "2026-05-21 09:00"], database_url, tmp_path)
    assert (code, loaded) == (1, "-")
    assert len(output.strip().splitlines()) == 1 and "截止，不能再撤回" in output
    code, output, loaded = _run([*withdraw, "--at", "2026-05-19 10:00"], database_url, tmp_path)
    assert (code, loaded, output.strip()) == (0, "-", f"申报书 #{world.proposal_id} 已撤回")
    with Session(get_engine(database_url)) as session:
        assert session.get(Proposal, world.proposal_id).status == "withdrawn"  # type: ignore[union-attr]

    # Closing an action item re-issues its meeting's minutes (issue #15), so it runs a
    # flow and renders a PDF: Prefect and WeasyPrint are loaded, and the database is
    # upgraded first (stamped here, as the models built it).
    with get_engine(database_url).begin() as connection:
        config = get_alembic_config(database_url)
        config.attributes["connection"] = connection
        command.stamp(config, "head")
    close = ["monitor", "action", "close", str(world.action_item_id), "--note", "已上门核实"]
    code, output, loaded = _run(close, database_url, tmp_path)
    assert code == 0, output
    assert f"待办事项 #{world.action_item_id}「" in output and "已完成" in output
    assert "周例会文件已更新" in output
    code, output, _ = _run(close, database_url, tmp_path)
    assert output.strip().endswith(f"待办事项 #{world.action_item_id} 已是该状态，未改动")


def test_a_gift_the_close_and_the_balance_go_through_the_fund_service(
    database_url: str, cycle_with_fund: int, tmp_path: Path
) -> None:
    cycle = str(cycle_with_fund)
    gift = [
        *("fund", "donate", "--cycle", cycle, "--donor", "高家浩", "--type", "热心人士"),
        *("--amount", "100", "--date", "2026-04-08"),
    ]
    code, output, loaded = _run(gift, database_url, tmp_path)
    assert (code, loaded, output.strip()) == (0, "-", "高家浩：已登记；基金现金合计 100.00 元")
    code, output, _ = _run(gift, database_url, tmp_path)
    assert output.strip() == "高家浩：已登记过，未重复记账；基金现金合计 100.00 元"
    code, output, _ = _run(
        [*gift[:-4], "--amount", "1.234", "--date", "2026-04-08"], database_url, tmp_path
    )
    assert code == 1 and output.strip().endswith("错误：这笔捐赠有 1 处错误，未写入任何数据")

    close = ["fund", "close", "--cycle", cycle, "--user", "王科长", "--date", "2026-05-01"]
    code, output, loaded = _run(close, database_url, tmp_path)
    assert (code, loaded, output.strip()) == (0, "-", "公益基金已关闭，不再接受捐赠。")
    code, output, _ = _run(close, database_url, tmp_path)
    assert (code, output.strip()) == (
        1,
        "错误：公益基金「淮河路街道专项公益基金」已于 2026-05-01 关闭，不必再关闭",
    )
    code, output, _ = _run([*gift[:-2], "--date", "2026-05-02"], database_url, tmp_path)
    assert code == 1 and len(output.strip().splitlines()) == 1
    code, output, _ = _run(["fund", "show", "--cycle", cycle], database_url, tmp_path)
    assert code == 0 and "淮河路街道专项公益基金（已关闭）：募集 100.00 元" in output


def test_a_title_two_projects_share_is_refused_naming_their_ids(
    database_url: str, tmp_path: Path
) -> None:
    from models.project import Project

    with Session(get_engine(database_url)) as session:
        running = build_running_cycle(session, projects=2)
        second = session.get(Project, running.project_ids[1])
        second.title = running.titles[0]  # type: ignore[union-attr]
        session.add(second)
        session.commit()
    first_id, second_id = running.project_ids
    review = ["monitor", "review", running.titles[0], "2026-06", "--reviewer", "陈慧敏"]
    code, output, loaded = _run([*review, "--cycle", str(running.cycle_id)], database_url, tmp_path)
    assert (code, loaded) == (1, "-")
    assert len(output.strip().splitlines()) == 1
    assert f"（编号 {first_id}、{second_id}）" in output and "请改用项目编号" in output
    by_id = ["monitor", "review", str(second_id), "2026-06", "--reviewer", "陈慧敏"]
    code, output, _ = _run([*by_id, "--cycle", str(running.cycle_id)], database_url, tmp_path)
    assert (code, output.strip()) == (1, f"错误：「{running.titles[0]}」还没有 2026-06 的月评估")


def test_the_command_tree_loads_no_database_or_flow_library() -> None:
    # What `gongyi --help` and every command pay before they start.
    heavy = (
        "prefect",
        "sqlmodel",
        "sqlalchemy",
        "sklearn",
        "weasyprint",
        "openpyxl",
        "pydantic_settings",
    )
    code = f"import sys, cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
