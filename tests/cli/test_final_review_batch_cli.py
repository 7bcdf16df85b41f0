"""`gongyi cycle review-batch`: approve or send back a cycle's final evaluations, all or none."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlmodel import Session, SQLModel

from cli import app
from models.final_evaluation import FinalEvaluation
from models.status import EvaluationStatus, Role
from store import users
from store.database import get_engine
from store.migrate import get_alembic_config
from tests.monitoring_builders import build_running_cycle


@pytest.fixture
def finals(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[int]]:
    """Two final evaluations scored by 评估专家甲, waiting for review."""
    monkeypatch.setenv("GONGYI_VAR_DIR", str(tmp_path / "var"))
    SQLModel.metadata.create_all(get_engine(database_url))
    command.stamp(get_alembic_config(database_url), "head")
    with Session(get_engine(database_url)) as session:
        cycle = build_running_cycle(session, projects=2)
        scorer = users.add_user(session, name="评估专家甲", role=Role.EVALUATOR)
        waiting = [
            FinalEvaluation(
                project_id=pid,
                status=EvaluationStatus.IN_REVIEW,
                period_end=date(2026, 11, 30),
                evaluator_id=scorer.id,
            )
            for pid in cycle.project_ids
        ]
        session.add_all(waiting)
        session.commit()
        return cycle.cycle_id, [w.id or 0 for w in waiting]


def _statuses(database_url: str, ids: list[int]) -> list[tuple[str, date | None]]:
    with Session(get_engine(database_url)) as session:
        found = [session.get(FinalEvaluation, i) for i in ids]
        return [(f.status, f.reviewed_on) for f in found if f is not None]


def test_a_batch_of_final_evaluations_is_reviewed_whole_or_not_at_all(
    runner, finals, database_url
) -> None:  # type: ignore[no-untyped-def]
    cycle_id, ids = finals
    base = ["cycle", "review-batch", "--cycle", str(cycle_id), "--on", "2026-07-01"]
    neither = runner.invoke(app, [*base, "--reviewer", "评估专家乙"])
    assert neither.exit_code == 1 and "--all 或 --ids" in neither.output
    nobody = runner.invoke(app, [*base, "--all"])
    assert nobody.exit_code == 1 and "--reviewer" in nobody.output

    own = runner.invoke(app, [*base, "--all", "--reviewer", "评估专家甲"])
    assert own.exit_code == 1 and "本批均未办理" in own.output, own.output
    assert own.output.count("不能审核自己评分的结项评估") == 2
    unknown = runner.invoke(app, [*base, "--ids", f"{ids[0]},99999", "--reviewer", "评估专家乙"])
    assert unknown.exit_code == 1 and "结项评估 #99999" in unknown.output
    assert "Traceback" not in unknown.output
    assert _statuses(database_url, ids) == [(EvaluationStatus.IN_REVIEW, None)] * 2

    approved = runner.invoke(app, [*base, "--all", "--reviewer", "评估专家乙"])
    assert approved.exit_code == 0, approved.output
    assert approved.output.count("结项评估已审定") == 2
    assert _statuses(database_url, ids) == [(EvaluationStatus.APPROVED, date(2026, 7, 1))] * 2
    again = runner.invoke(app, [*base, "--all", "--reviewer", "评估专家乙"])
    assert again.exit_code == 1 and "没有待审核的结项评估" in again.output
