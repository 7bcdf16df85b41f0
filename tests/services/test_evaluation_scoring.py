"""Scoring a month in the portal is scoring it by sheet; a batch review is all its reviews or none."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from flows.monitoring.evaluation_scores import read_score_sheet, record_scores
from flows.monitoring.monthly_measures import measure_month
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.rows import Row, RowsRejected
from models.status import EvaluationStatus, Role
from models.user import AuditEvent
from services import Actor, Forbidden, Refused
from services.evaluation_batch import BatchRefused, list_month_in_review, review_evaluations
from services.evaluation_scoring import ScoreCells, read_score_cells, score_evaluation
from services.evaluations import review_evaluation, reviewer_actor
from store import users
from tests.monitoring_builders import build_running_cycle, evening, store_report, working_days

JUNE = "2026-06"
NOW = datetime(2026, 7, 3, 10, tzinfo=UTC)
SHEET = ("评估专家", "项目名称", "服务质量", "评语", "满意度（%）", "资金违规")


def _evaluator(session: Session, name: str) -> Actor:
    user = users.add_user(session, name=name, role=Role.EVALUATOR)
    session.commit()
    return Actor(login=name, name=name, role=Role.EVALUATOR, user_id=user.id)


def _measured_june(session: Session) -> tuple[int, int, str]:
    """A cycle with one project whose June is measured: (cycle id, evaluation id, title)."""
    cycle = build_running_cycle(session, projects=1)
    project = cycle.project_ids[0]
    for n, day in enumerate(working_days(date(2026, 6, 1), date(2026, 6, 30))[2:]):
        store_report(session, project, day, people=12, sent=evening(day), refs=(f"E-{n % 5}",))
    measure_month.fn(cycle.cycle_id, JUNE, [project])
    session.expire_all()
    found = session.exec(
        select(MonthlyEvaluation).where(MonthlyEvaluation.project_id == project)
    ).one()
    return cycle.cycle_id, found.id or 0, cycle.titles[0]


def _by_sheet(tmp_path: Path, cycle_id: int, row: list[str]) -> None:
    path = tmp_path / "scores.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([SHEET, row])
    record_scores.fn(cycle_id, JUNE, read_score_sheet.fn(cycle_id, str(path)))


def _result(session: Session, evaluation_id: int) -> tuple[object, ...]:
    session.expire_all()
    e = session.get(MonthlyEvaluation, evaluation_id)
    assert e is not None
    return (e.status, e.scores, e.total_score, e.grade, e.veto, e.comment, e.satisfaction_percent)


def test_scores_given_in_the_portal_grade_the_month_as_the_same_sheet_row_does(
    session: Session, tmp_path: Path
) -> None:
    cycle_id, evaluation_id, title = _measured_june(session)
    actor = _evaluator(session, "评估专家甲")
    cells = ScoreCells({"服务质量": 85}, "服务扎实", 90, False)
    scored = score_evaluation(
        session, actor=actor, now=NOW, evaluation_id=evaluation_id, cells=cells
    )
    by_portal = _result(session, evaluation_id)
    assert by_portal[0] == EvaluationStatus.IN_REVIEW
    assert (scored.total, scored.grade) == (by_portal[2], by_portal[3])
    _by_sheet(tmp_path, cycle_id, ["评估专家乙", title, "40", "另一份", "", ""])
    assert _result(session, evaluation_id) != by_portal
    _by_sheet(tmp_path, cycle_id, ["评估专家乙", title, "85", "服务扎实", "90", ""])
    assert _result(session, evaluation_id) == by_portal


def test_money_misused_scored_in_the_portal_sets_the_total_to_zero(session: Session) -> None:
    _, evaluation_id, _ = _measured_june(session)
    actor = _evaluator(session, "评估专家甲")
    cells = ScoreCells({"服务质量": 95}, "", None, True)
    scored = score_evaluation(
        session, actor=actor, now=NOW, evaluation_id=evaluation_id, cells=cells
    )
    assert (scored.total, scored.grade, scored.veto) == (0.0, "不合格", "资金违规使用：总分计 0 分")


def test_a_bad_cell_is_refused_naming_its_column_and_each_bad_cell_is_named() -> None:
    row = Row("评分表", 0, {"服务质量": "120", "满意度（%）": "很好", "评语": "好"})
    with pytest.raises(RowsRejected) as rejected:
        read_score_cells(row, criteria=["服务质量"])
    assert [(e.column, e.message) for e in rejected.value.errors] == [
        ("服务质量", "得分应在 0–100 之间，收到 120"),
        ("满意度（%）", "应为整数，收到 '很好'"),
    ]


def test_scoring_is_audited_and_the_scorer_cannot_approve_it(session: Session) -> None:
    _, evaluation_id, title = _measured_june(session)
    scorer, other = _evaluator(session, "评估专家甲"), _evaluator(session, "评估专家乙")
    cells = ScoreCells({"服务质量": 80}, "按计划推进", None, False)
    score_evaluation(session, actor=scorer, now=NOW, evaluation_id=evaluation_id, cells=cells)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "evaluation_score")).one()
    assert (event.actor, event.subject_id) == ("评估专家甲（评估专家甲）", evaluation_id)
    assert title in event.detail
    with pytest.raises(Forbidden, match="不能审核自己评分"):
        review_evaluation(
            session, actor=scorer, now=NOW, evaluation_id=evaluation_id, approve=True, comment=""
        )
    review_evaluation(
        session, actor=other, now=NOW, evaluation_id=evaluation_id, approve=True, comment=""
    )
    assert _result(session, evaluation_id)[0] == EvaluationStatus.APPROVED


def test_an_approved_evaluation_cannot_be_scored_again(session: Session) -> None:
    _, evaluation_id, title = _measured_june(session)
    scorer, other = _evaluator(session, "评估专家甲"), _evaluator(session, "评估专家乙")
    cells = ScoreCells({"服务质量": 80}, "按计划推进", None, False)
    score_evaluation(session, actor=scorer, now=NOW, evaluation_id=evaluation_id, cells=cells)
    review_evaluation(
        session, actor=other, now=NOW, evaluation_id=evaluation_id, approve=True, comment=""
    )
    again = ScoreCells({"服务质量": 95}, "按计划推进", None, False)
    with pytest.raises(Refused, match=f"「{title}」2026-06 的月评估已审定，不能再修改评分"):
        score_evaluation(session, actor=other, now=NOW, evaluation_id=evaluation_id, cells=again)
    same = score_evaluation(
        session, actor=scorer, now=NOW, evaluation_id=evaluation_id, cells=cells
    )
    assert not same.changed


def test_only_an_evaluator_scores(session: Session) -> None:
    _, evaluation_id, _ = _measured_june(session)
    staff = Actor(login="staff", name="街道专干", role=Role.STAFF, user_id=1)
    cells = ScoreCells({"服务质量": 80}, "", None, False)
    with pytest.raises(Forbidden, match="只有评估专家"):
        score_evaluation(session, actor=staff, now=NOW, evaluation_id=evaluation_id, cells=cells)
    assert _result(session, evaluation_id)[0] == EvaluationStatus.DRAFT


def _three_in_review(session: Session, *, scorers: tuple[int | None, ...]) -> list[int]:
    cycle = build_running_cycle(session, projects=3)
    rows = [
        MonthlyEvaluation(
            project_id=project,
            month=JUNE,
            status=EvaluationStatus.IN_REVIEW,
            total_score=82.0,
            grade="良好",
            evaluator_id=scorer,
        )
        for project, scorer in zip(cycle.project_ids, scorers, strict=True)
    ]
    session.add_all(rows)
    session.commit()
    return [r.id or 0 for r in rows]


def _statuses(session: Session, ids: list[int]) -> list[str]:
    session.expire_all()
    return [session.get(MonthlyEvaluation, i).status for i in ids]  # type: ignore[union-attr]


def test_a_batch_approves_every_evaluation_in_it(session: Session) -> None:
    scorer, reviewer = _evaluator(session, "评估专家甲"), _evaluator(session, "评估专家乙")
    ids = _three_in_review(session, scorers=(scorer.user_id,) * 3)
    reviewed = review_evaluations(
        session, actor=reviewer, now=NOW, evaluation_ids=ids, approve=True, comment=""
    )
    assert [r.evaluation_id for r in reviewed] == ids
    assert _statuses(session, ids) == [EvaluationStatus.APPROVED] * 3
    actions = session.exec(select(AuditEvent.action)).all()
    assert actions.count("evaluation_review") == 3
    assert actions.count("evaluation_batch_review") == 1


def test_a_batch_of_three_with_one_the_reviewer_scored_changes_nothing(session: Session) -> None:
    scorer, reviewer = _evaluator(session, "评估专家甲"), _evaluator(session, "评估专家乙")
    # The reviewer's own scores come last, after two reviews the batch had already made.
    ids = _three_in_review(session, scorers=(scorer.user_id, scorer.user_id, reviewer.user_id))
    with pytest.raises(BatchRefused) as refused:
        review_evaluations(
            session, actor=reviewer, now=NOW, evaluation_ids=ids, approve=True, comment=""
        )
    assert [p.evaluation_id for p in refused.value.problems] == [ids[2]]
    assert "2026-06：不能审核自己评分的月度评估" in refused.value.message
    assert _statuses(session, ids) == [EvaluationStatus.IN_REVIEW] * 3
    assert session.exec(select(AuditEvent)).all() == []


def test_a_batch_names_every_evaluation_it_refuses(session: Session) -> None:
    scorer, reviewer = _evaluator(session, "评估专家甲"), _evaluator(session, "评估专家乙")
    ids = _three_in_review(session, scorers=(scorer.user_id,) * 3)
    review_evaluations(
        session, actor=reviewer, now=NOW, evaluation_ids=ids[1:2], approve=True, comment=""
    )
    with pytest.raises(BatchRefused) as refused:
        review_evaluations(
            session,
            actor=reviewer,
            now=NOW,
            evaluation_ids=[*ids, 999],
            approve=False,
            comment="请补充签到表",
        )
    problems = refused.value.problems
    assert [p.evaluation_id for p in problems] == [ids[1], 999]
    assert "已审定，不在待审核状态" in str(problems[0]) and problems[0].month == JUNE
    assert str(problems[1]) == "月度评估 #999：找不到月度评估 #999"
    assert _statuses(session, ids) == [
        EvaluationStatus.IN_REVIEW,
        EvaluationStatus.APPROVED,
        EvaluationStatus.IN_REVIEW,
    ]


def test_sending_a_batch_back_needs_one_comment(session: Session) -> None:
    scorer, reviewer = _evaluator(session, "评估专家甲"), _evaluator(session, "评估专家乙")
    ids = _three_in_review(session, scorers=(scorer.user_id,) * 3)
    with pytest.raises(BatchRefused, match="退回修改时请写明"):
        review_evaluations(
            session, actor=reviewer, now=NOW, evaluation_ids=ids, approve=False, comment=" "
        )
    reviewed = review_evaluations(
        session, actor=reviewer, now=NOW, evaluation_ids=ids, approve=False, comment="补签到表"
    )
    assert {r.status for r in reviewed} == {EvaluationStatus.NEEDS_REVISION}
    assert _statuses(session, ids) == [EvaluationStatus.NEEDS_REVISION] * 3


def test_only_an_evaluator_reviews_a_batch_and_an_empty_one_is_refused(session: Session) -> None:
    staff = Actor(login="staff", name="街道专干", role=Role.STAFF, user_id=1)
    with pytest.raises(Forbidden):
        review_evaluations(
            session, actor=staff, now=NOW, evaluation_ids=[1], approve=True, comment=""
        )
    reviewer = _evaluator(session, "评估专家乙")
    with pytest.raises(Refused, match="请至少选择"):
        review_evaluations(
            session, actor=reviewer, now=NOW, evaluation_ids=[], approve=True, comment=""
        )


def test_the_cli_reviews_the_whole_month_for_a_reviewer_known_by_name(session: Session) -> None:
    scorer = _evaluator(session, "评估专家甲")
    ids = _three_in_review(session, scorers=(scorer.user_id,) * 3)
    project = session.get(MonthlyEvaluation, ids[0]).project_id  # type: ignore[union-attr]
    cycle_id = session.get(Project, project).cycle_id  # type: ignore[union-attr]
    month = list_month_in_review(session, cycle_id=cycle_id, month=JUNE)
    assert month == ids
    with pytest.raises(BatchRefused) as refused:
        review_evaluations(
            session,
            actor=reviewer_actor("评估专家甲"),
            now=NOW,
            evaluation_ids=month,
            approve=True,
            comment="",
        )
    assert len(refused.value.problems) == 3
    reviewed = review_evaluations(
        session,
        actor=reviewer_actor("评估专家丙"),
        now=NOW,
        evaluation_ids=month,
        approve=True,
        comment="",
    )
    assert len(reviewed) == 3
    assert _statuses(session, ids) == [EvaluationStatus.APPROVED] * 3
