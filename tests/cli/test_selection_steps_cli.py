"""`gongyi selection` step by step: seat, sheets, scores, close-stage, decide; status says what is next.

Each step is a command taken at any time; a missing input is one line that says what
to do, never a traceback, and the committee's decision is given days later, dated --on.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli import app
from models.committee import CommitteeDecision
from models.proposal import Proposal
from models.publicity import PublicNotice
from models.status import ProposalStatus
from tests.builders import DEMO_DIR
from tests.flows.test_select_projects import _prepare

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(autouse=True)
def _stamped_and_wide(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test database stamped at the newest migration; output as on a wide terminal."""
    from alembic import command

    from cli.common import console
    from store.migrate import get_alembic_config

    command.stamp(get_alembic_config(database_url), "head")
    monkeypatch.setattr(console, "width", 400)


def _book() -> dict[tuple[str, str, str], list[str]]:
    """The demo's score book: each reviewer's opinion of each proposal in each stage."""
    with (DEMO_DIR / "reviews.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    return {(r[0], r[1], r[2]): r[3:] for r in rows[1:]}


def _fill(folder: Path, stage: str) -> list[Path]:
    """Fill every exported sheet of the stage from the score book, as reviewers would."""
    book, filled = _book(), []
    for sheet in sorted(folder.glob(f"{stage}*评分表-*.csv")):
        with sheet.open(encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
        for row in rows[1:]:
            title = row[2].removeprefix("'")
            row[5:] = book[(stage, row[1], title)]
        with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
        filled.append(sheet)
    return filled


def _ok(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["selection", *args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def _refused(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["selection", *args])
    assert result.exit_code != 0 and "Traceback" not in result.output, result.output
    return result.output


def test_a_clerk_takes_selection_step_by_step_and_the_committee_decides_later(
    runner: CliRunner, session: Session, tmp_path: Path
) -> None:
    call = str(_prepare())
    assert "请先发布申报指南" in _refused(runner, "decide", "--call", "99", "--by", "主任")
    sheets = tmp_path / "sheets"
    assert "selection seat --call 1 --stage 初审" in _ok(runner, "status", "--call", call)
    # `run` with no input takes no step and says, in one line, what to do next.
    ran = _ok(runner, "run", "--call", call)
    assert ran.strip().splitlines()[-1].startswith("下一步：初审") and "selection seat" in ran

    missing = _refused(runner, "seat", "--call", call, "--stage", "初审", "--reviewers", "无.csv")
    assert "找不到文件" in missing
    seated = _ok(
        runner,
        "seat",
        "--call",
        call,
        "--stage",
        "初审",
        "--reviewers",
        str(DEMO_DIR / "reviewers.csv"),
        "--conflicts",
        str(DEMO_DIR / "conflicts.csv"),
        "--sheets",
        str(sheets),
    )
    assert "已安排 24 份申报书的评审专家组；评分表 4 份" in seated and "初审评分未齐" in seated

    empty = tmp_path / "空表.csv"
    empty.write_text("", encoding="utf-8")
    assert "文件是空的" in _refused(runner, "scores", str(empty), "--call", call, "--stage", "初审")
    assert "初审评分未齐" in _refused(runner, "close-stage", "--call", call, "--stage", "初审")
    assert "没有等待终审决定的遴选" in _refused(runner, "decide", "--call", call, "--by", "主任")

    for sheet in _fill(sheets, "初审"):
        _ok(runner, "scores", str(sheet), "--call", call, "--stage", "初审")
    closed = _ok(runner, "close-stage", "--call", call, "--stage", "初审", "--on", "2026-05-22")
    assert "入围 22 份，未通过 2 份" in closed and "加权原始均分" in closed
    # Only 初审 scores: the committee is not asked about an empty list; the next step is named.
    assert "路演" in _refused(runner, "decide", "--call", call, "--by", "主任")

    _ok(
        runner,
        "seat",
        "--call",
        call,
        "--stage",
        "路演",
        "--reviewers",
        str(DEMO_DIR / "reviewers.csv"),
        "--sheets",
        str(sheets),
    )
    for sheet in _fill(sheets, "路演答辩"):
        _ok(runner, "scores", str(sheet), "--call", call, "--stage", "路演")
    proposed = _ok(runner, "propose", "--call", call)
    assert "拟资助 22 个项目" in proposed and "selection decide" in proposed

    decided = _ok(runner, "decide", "--call", call, "--by", "主任", "--on", "2026-05-25")
    assert "立项 22 个" in decided and "公示至" in decided
    session.expire_all()
    notice = session.exec(select(PublicNotice)).one()
    assert notice.published_on == date(2026, 5, 25)
    decision = session.exec(select(CommitteeDecision)).one()
    assert (decision.decided_by, decision.decided_on) == ("主任", date(2026, 5, 25))
    assert (
        len(session.exec(select(Proposal).where(Proposal.status == ProposalStatus.APPROVED)).all())
        == 22
    )
    assert "已作出" in _refused(runner, "decide", "--call", call, "--by", "主任")
    assert "期满" in _ok(runner, "status", "--call", call)
