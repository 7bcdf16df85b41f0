"""The 月评估: measured against plan, scored, reviewed, published as PDF/A-3u, safe to run again."""

from __future__ import annotations

import csv
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from flows.monitoring.evaluation_review import review_evaluation, review_project
from flows.monitoring.evaluation_scores import read_score_sheet, record_scores
from flows.monitoring.monthly_evaluation import monthly_evaluation, plan_batches
from flows.monitoring.monthly_measures import measure_month
from models.fund import LedgerEntry
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.rows import RowsRejected
from services import Forbidden, Refused
from store import calls
from tests.monitoring_builders import build_running_cycle, evening, store_report, working_days

JUNE = "2026-06"
SHEET = ("评估专家", "项目名称", "服务质量", "评语", "满意度（%）", "资金违规")


def write_sheet(path: Path, rows: list[list[str]]) -> str:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SHEET)
        writer.writerows(rows)
    return str(path)


def june_reports(session: Session, project_id: int, *, skip: int = 0) -> None:
    """Store June's reports from the `skip`-th working day on; every tenth arrives next morning."""
    days = working_days(date(2026, 6, 1), date(2026, 6, 30))[skip:]
    for n, day in enumerate(days):
        sent = evening(day) if n % 10 else evening(day + timedelta(days=1), 9)
        store_report(
            session,
            project_id,
            day,
            people=10,
            sent=sent,
            refs=(f"E-{n % 7:03d}",),
            spend={"活动费": 4_000},
            issues="场地被占用" if n == 3 else "",
        )


def evaluation(session: Session, project_id: int, month: str = JUNE) -> MonthlyEvaluation:
    session.expire_all()
    return session.exec(
        select(MonthlyEvaluation).where(
            MonthlyEvaluation.project_id == project_id, MonthlyEvaluation.month == month
        )
    ).one()


def june_id(session: Session, project_id: int) -> int:
    """The id of a project's June evaluation (reviews find it by id, never by title)."""
    return evaluation(session, project_id).id or 0


def scored(session: Session, tmp_path: Path, rows: list[list[str]]) -> int:
    cycle = build_running_cycle(session, projects=2)
    june_reports(session, cycle.project_ids[0])
    june_reports(session, cycle.project_ids[1], skip=10)
    measure_month.fn(cycle.cycle_id, JUNE, list(cycle.project_ids))
    record_scores.fn(
        cycle.cycle_id,
        JUNE,
        read_score_sheet.fn(cycle.cycle_id, write_sheet(tmp_path / "s.csv", rows)),
    )
    return cycle.cycle_id


def test_a_month_is_measured_against_the_proposals_plan(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    project = cycle.project_ids[0]
    june_reports(session, project)
    assert measure_month.fn(cycle.cycle_id, JUNE, [project]) == 1
    found = evaluation(session, project)
    assert (found.status, found.month_index) == ("draft", 1)
    assert (found.reports_expected, found.reports_submitted, found.reports_late) == (22, 22, 3)
    assert [(i["name"], i["planned"], i["actual"]) for i in found.indicators] == [
        ("服务人次", 200, 220),
        ("活动场次", 20, 22),
        ("受益人数", 30, 7),
        ("志愿服务时长", 40, 44),
    ]
    assert (found.beneficiaries_new, found.beneficiaries_to_date, found.volunteers) == (7, 7, 22)
    # 活动费 5,000.00 over six months plans 833.33 for June; 880.00 was spent (+5.6%).
    activity = next(line for line in found.budget_lines if line["category"] == "活动费")
    assert (
        activity["planned_to_date_fen"],
        activity["spent_to_date_fen"],
        activity["flagged"],
    ) == (83_333, 88_000, False)
    assert (found.issues_raised, found.budget_flagged) == (1, True)  # 人员费 and 物资费 unspent


def test_running_the_measure_again_updates_the_same_row(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    measure_month.fn(cycle.cycle_id, JUNE, list(cycle.project_ids))
    store_report(session, cycle.project_ids[0], date(2026, 6, 1))
    measure_month.fn(cycle.cycle_id, JUNE, list(cycle.project_ids))
    assert session.exec(select(func.count()).select_from(MonthlyEvaluation)).one() == 1
    assert evaluation(session, cycle.project_ids[0]).reports_submitted == 1


def test_a_score_outside_the_scale_is_refused_naming_row_and_column(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    path = write_sheet(
        tmp_path / "s.csv",
        [["周立衡", "测试项目1", "101", "好", "", ""], ["周立衡", "测试项目1", "80", "", "", ""]],
    )
    with pytest.raises(RowsRejected) as refused:
        read_score_sheet.fn(cycle.cycle_id, path)
    assert [str(e) for e in refused.value.errors] == [
        "s.csv 第 2 行「服务质量」：得分应在 0–100 之间，收到 101"
    ]


def test_a_project_scored_twice_in_one_sheet_is_refused(session: Session, tmp_path: Path) -> None:
    cycle = build_running_cycle(session, projects=1)
    path = write_sheet(
        tmp_path / "s.csv",
        [["周立衡", "测试项目1", "90", "", "", ""], ["周立衡", "测试项目1", "80", "", "", ""]],
    )
    with pytest.raises(RowsRejected, match="1 处错误"):
        read_score_sheet.fn(cycle.cycle_id, path)


def test_scoring_a_month_not_yet_measured_is_refused_and_nothing_is_scored(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=2)
    measure_month.fn(cycle.cycle_id, JUNE, [cycle.project_ids[0]])
    sheet = read_score_sheet.fn(
        cycle.cycle_id,
        write_sheet(
            tmp_path / "s.csv",
            [["周立衡", "测试项目1", "90", "", "", ""], ["周立衡", "测试项目2", "90", "", "", ""]],
        ),
    )
    with pytest.raises(RowsRejected) as refused:
        record_scores.fn(cycle.cycle_id, JUNE, sheet)
    assert "还没有 2026-06 的月评估" in str(refused.value.errors[0])
    assert evaluation(session, cycle.project_ids[0]).status == "draft"


def test_a_title_two_projects_share_is_refused_naming_them_and_the_number_is_taken(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=2)
    second = session.get(Project, cycle.project_ids[1])
    assert second is not None
    second.title = cycle.titles[0]
    session.add(second)
    session.commit()
    measure_month.fn(cycle.cycle_id, JUNE, list(cycle.project_ids))
    rows = [["周立衡", cycle.titles[0], "90", "", "", ""]]
    sheet = read_score_sheet.fn(cycle.cycle_id, write_sheet(tmp_path / "s.csv", rows))
    with pytest.raises(RowsRejected) as refused:
        record_scores.fn(cycle.cycle_id, JUNE, sheet)
    [error] = refused.value.errors
    assert (error.row, error.column) == (2, "项目名称")
    assert f"编号 {cycle.project_ids[0]}、{cycle.project_ids[1]}" in error.message
    assert {evaluation(session, p).status for p in cycle.project_ids} == {"draft"}
    by_number = [["周立衡", str(cycle.project_ids[1]), "90", "", "", ""]]
    record_scores.fn(
        cycle.cycle_id,
        JUNE,
        read_score_sheet.fn(cycle.cycle_id, write_sheet(tmp_path / "n.csv", by_number)),
    )
    assert evaluation(session, cycle.project_ids[1]).status == "in_review"
    assert evaluation(session, cycle.project_ids[0]).status == "draft"
    first = str(cycle.project_ids[0])
    twice = [
        ["周立衡", first, "80", "", "", ""],
        ["周立衡", f"{int(first):d}".zfill(2), "81", "", "", ""],
    ]
    with pytest.raises(RowsRejected) as refused:
        record_scores.fn(
            cycle.cycle_id,
            JUNE,
            read_score_sheet.fn(cycle.cycle_id, write_sheet(tmp_path / "t.csv", twice)),
        )
    assert [str(e) for e in refused.value.errors] == [
        "t.csv 第 3 行「项目名称」：与第 2 行是同一个项目"
    ]
    assert evaluation(session, cycle.project_ids[0]).status == "draft"


def test_scores_give_the_weighted_grade_and_send_the_evaluation_to_review(
    session: Session, tmp_path: Path
) -> None:
    scored(
        session,
        tmp_path,
        [
            ["周立衡", "测试项目1", "90", "很好", "95", ""],
            ["周立衡", "测试项目2", "70", "一般", "", ""],
        ],
    )
    first, second = evaluation(session, 1), evaluation(session, 2)
    assert (
        first.status,
        first.scores,
        first.total_score,
        first.grade,
        first.satisfaction_percent,
    ) == (
        "in_review",
        # 服务进度: 服务人次 and 活动场次 met, 7 of 30 beneficiaries (23.3%): 74.4 on average.
        {"日报告合规": 86.0, "服务进度": 74.4, "服务质量": 90.0},
        84.12,
        "良好",
        95,
    )
    assert (second.reports_submitted, second.grade) == (12, "不合格")


def test_misused_money_sets_the_total_to_zero(session: Session, tmp_path: Path) -> None:
    scored(session, tmp_path, [["周立衡", "测试项目1", "95", "", "", "是"]])
    found = evaluation(session, 1)
    assert (found.total_score, found.grade, found.veto) == (
        0.0,
        "不合格",
        "资金违规使用：总分计 0 分",
    )


def test_a_month_without_a_single_report_is_unqualified(session: Session, tmp_path: Path) -> None:
    cycle = build_running_cycle(session, projects=1)
    measure_month.fn(cycle.cycle_id, JUNE, list(cycle.project_ids))
    record_scores.fn(
        cycle.cycle_id,
        JUNE,
        read_score_sheet.fn(
            cycle.cycle_id,
            write_sheet(tmp_path / "s.csv", [["周立衡", "测试项目1", "100", "", "", ""]]),
        ),
    )
    found = evaluation(session, cycle.project_ids[0])
    assert (found.grade, found.veto) == ("不合格", "本月日报告全部缺交：评为最低等级")


def test_the_scorer_cannot_approve_their_own_evaluation(session: Session, tmp_path: Path) -> None:
    scored(session, tmp_path, [["周立衡", "测试项目1", "90", "", "", ""]])
    with pytest.raises(Forbidden, match="不能是评分的评估专家本人"):
        review_project.fn(june_id(session, 1), "周立衡", True, "")
    assert evaluation(session, 1).status == "in_review"


def test_a_sent_back_evaluation_needs_a_comment_and_returns_to_review_when_rescored(
    session: Session, tmp_path: Path
) -> None:
    cycle_id = scored(session, tmp_path, [["周立衡", "测试项目1", "90", "", "", ""]])
    with pytest.raises(Refused, match="请写明需要修改的内容"):
        review_project.fn(june_id(session, 1), "陈慧敏", False, "")
    review_project.fn(june_id(session, 1), "陈慧敏", False, "服务质量评分依据不足")
    assert evaluation(session, 1).status == "needs_revision"
    rows = [["周立衡", "测试项目1", "85", "已补充依据", "", ""]]
    record_scores.fn(
        cycle_id, JUNE, read_score_sheet.fn(cycle_id, write_sheet(tmp_path / "t.csv", rows))
    )
    found = evaluation(session, 1)
    assert (found.status, found.scores["服务质量"], found.comment) == (
        "in_review",
        85.0,
        "已补充依据",
    )


def test_an_approved_evaluation_is_frozen(session: Session, tmp_path: Path) -> None:
    cycle_id = scored(session, tmp_path, [["周立衡", "测试项目1", "90", "", "", ""]])
    review_project.fn(june_id(session, 1), "陈慧敏", True, "")
    store_report(session, 2, date(2026, 6, 1))
    before = evaluation(session, 1).total_score
    measure_month.fn(cycle_id, JUNE, [1])
    assert evaluation(session, 1).total_score == before
    rows = [["周立衡", "测试项目1", "60", "", "", ""]]
    with pytest.raises(RowsRejected) as refused:
        record_scores.fn(
            cycle_id, JUNE, read_score_sheet.fn(cycle_id, write_sheet(tmp_path / "t.csv", rows))
        )
    assert "已审定，不能再修改评分" in str(refused.value.errors[0])


@pytest.mark.parametrize(
    ("count", "processes", "sizes"),
    [(0, 2, []), (5, 2, [3, 2]), (22, 2, [11, 11]), (100, 2, [20] * 5), (3, 8, [1, 1, 1])],
)
def test_batches_keep_every_render_process_busy_and_stay_small(count, processes, sizes):
    assert [len(b) for b in plan_batches(list(range(count)), processes=processes)] == sizes


def _pdf_text(path: str) -> str:
    return subprocess.run(
        ["pdftotext", path, "-"], capture_output=True, text=True, check=True
    ).stdout


def _ledger_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(LedgerEntry)).one()


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.one_backend
def test_a_month_is_scored_reviewed_published_and_rendered_and_runs_again_the_same(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGYI_RENDER_PROCESSES", "2")
    cycle = build_running_cycle(session, projects=3)
    for project in cycle.project_ids:
        june_reports(session, project, skip=project)
    sheet = write_sheet(
        tmp_path / "s.csv",
        [
            ["周立衡", f"测试项目{n}", str(80 + n), f"评语{n}，电话13912345678", "", ""]
            for n in (1, 2, 3)
        ],
    )
    drafts = monthly_evaluation(cycle.cycle_id, JUNE, sheet, date(2026, 7, 1))
    assert (drafts.statuses, len(drafts.pdfs)) == ({"待审核": 3}, 1)
    for project_id in cycle.project_ids:
        assert review_evaluation(june_id(session, project_id), "陈慧敏", True, "").ok
    ledger = _ledger_count(session)
    published = monthly_evaluation(cycle.cycle_id, JUNE, sheet, date(2026, 7, 5))
    again = monthly_evaluation(cycle.cycle_id, JUNE, sheet, date(2026, 7, 5))
    assert published.statuses == again.statuses == {"已发布": 3}
    assert published.grades == again.grades and len(published.grades) == 3
    assert sorted(published.pdfs) == sorted(again.pdfs) and len(published.pdfs) == 4
    assert session.exec(select(func.count()).select_from(MonthlyEvaluation)).one() == 3
    assert _ledger_count(session) == ledger  # no mid-term yet in June: nothing paid
    report = next(p for p in published.pdfs if "月度评估-01" in p)
    text = _pdf_text(report)
    for words in (
        "项目月度评估报告",
        "测试项目1",
        "按时提交",
        "预算与支出",
        "评估人：周立衡",
        "审核人：陈慧敏",
        "139****5678",
    ):
        assert words in text, words
    assert "13912345678" not in text
    meta = subprocess.run(
        ["pdfinfo", "-meta", report], capture_output=True, text=True, check=True
    ).stdout
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="U"' in meta
    street = _pdf_text(next(p for p in published.pdfs if "街道月度汇总" in p))
    assert "1大领域3个服务项目" in street and "3个项目的月度评估已审定发布" in street


@pytest.mark.usefixtures("prefect_harness")
def test_a_bad_score_sheet_stops_the_month_before_anything_is_written(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    sheet = write_sheet(tmp_path / "s.csv", [["周立衡", "测试项目1", "-5", "", "", ""]])
    result = monthly_evaluation(cycle.cycle_id, JUNE, sheet, date(2026, 7, 1))
    assert result.errors == ("s.csv 第 2 行「服务质量」：不能小于 0",)
    assert session.exec(select(func.count()).select_from(MonthlyEvaluation)).one() == 0


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.one_backend
def test_one_report_that_cannot_be_written_does_not_stop_the_month(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=3)
    for project in cycle.project_ids:
        june_reports(session, project, skip=project)
    sheet = write_sheet(
        tmp_path / "s.csv",
        [["周立衡", f"测试项目{n}", str(80 + n), f"评语{n}", "", ""] for n in (1, 2, 3)],
    )
    monthly_evaluation(cycle.cycle_id, JUNE, sheet, date(2026, 7, 1))
    for project_id in cycle.project_ids:
        assert review_evaluation(june_id(session, project_id), "陈慧敏", True, "").ok
    published = monthly_evaluation(cycle.cycle_id, JUNE, sheet, date(2026, 7, 5))
    blocked = Path(next(p for p in published.pdfs if "月度评估-02" in p))
    blocked.unlink()
    blocked.mkdir()  # a folder where the PDF must go: this one document cannot be written
    again = monthly_evaluation(cycle.cycle_id, JUNE, sheet, date(2026, 7, 5))
    assert len(again.failed_pdfs) == 1 and again.failed_pdfs[0].startswith(blocked.name)
    assert len(again.pdfs) == 3 and all(Path(p).is_file() for p in again.pdfs)
    assert any("街道月度汇总" in p for p in again.pdfs)
    assert again.statuses == {"已发布": 3}


def plausibility_reports(session: Session, project_id: int) -> None:
    """June on time every day, two new beneficiaries a day, and one day claiming 50 activities."""
    days = working_days(date(2026, 6, 1), date(2026, 6, 30))
    for n, day in enumerate(days):
        report = store_report(
            session,
            project_id,
            day,
            refs=(f"P-{2 * n:03d}", f"P-{2 * n + 1:03d}"),
            spend={"活动费": 4_000},
        )
        if n == 5:
            report.activities = [{"kind": "group", "title": "小组活动", "people": 0}] * 50
            session.add(report)
            session.commit()


def test_an_implausible_output_is_capped_and_keeps_the_month_below_excellent(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    project = cycle.project_ids[0]
    plausibility_reports(session, project)
    measure_month.fn(cycle.cycle_id, JUNE, [project])
    rows = [["周立衡", "测试项目1", "100", "", "", ""]]
    record_scores.fn(
        cycle.cycle_id,
        JUNE,
        read_score_sheet.fn(cycle.cycle_id, write_sheet(tmp_path / "s.csv", rows)),
    )
    found = evaluation(session, project)
    activities = next(i for i in found.indicators if i["name"] == "活动场次")
    assert (activities["planned"], activities["actual"]) == (20, 71)  # 355 %: above 300 %
    assert activities["flag"] == "异常"
    assert [i["flag"] for i in found.indicators if i["name"] != "活动场次"] == ["", "", ""]
    # Every criterion at 100, 活动场次 counted at 100 % of plan: the total is full ...
    assert (found.scores["服务进度"], found.total_score) == (100.0, 100.0)
    # ... but a figure nobody has checked does not make the month 优秀.
    assert (found.grade, found.veto) == ("良好", "活动场次远超计划，数据异常待核实：本月不评为优秀")


def test_underspending_is_slow_not_over_and_overspending_is_over(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    slow, fast = cycle.project_ids
    for day in working_days(date(2026, 6, 1), date(2026, 6, 30)):
        store_report(session, fast, day, spend={"活动费": 40_000, "人员费": 40_000})
        store_report(session, slow, day)
    measure_month.fn(cycle.cycle_id, JUNE, [slow, fast])
    assert evaluation(session, fast).budget_flagged and evaluation(session, slow).budget_flagged
    over = {line["category"]: line for line in evaluation(session, fast).budget_lines}
    under = {line["category"]: line for line in evaluation(session, slow).budget_lines}
    assert over["活动费"]["flagged"] and over["活动费"]["deviation_percent"] > 10
    assert under["活动费"]["flagged"] and under["活动费"]["deviation_percent"] == -100.0
    assert (over["活动费"]["state"], under["活动费"]["state"]) == ("超支", "执行偏慢")


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.one_backend
def test_the_monthly_pdf_shows_an_implausible_output_as_abnormal_and_names_slow_spending(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGYI_RENDER_PROCESSES", "1")
    cycle = build_running_cycle(session, projects=1)
    project = cycle.project_ids[0]
    plausibility_reports(session, project)
    sheet = write_sheet(tmp_path / "s.csv", [["周立衡", "测试项目1", "100", "", "", ""]])
    monthly_evaluation(cycle.cycle_id, JUNE, sheet, date(2026, 7, 1))
    assert review_evaluation(june_id(session, project), "陈慧敏", True, "").ok
    published = monthly_evaluation(cycle.cycle_id, JUNE, sheet, date(2026, 7, 5))
    text = "".join(_pdf_text(next(p for p in published.pdfs if "月度评估-01" in p)).split())
    assert "活动场次完成71场，远超计划的20场，标为异常，待评估人员核实" in text
    assert "活动场次场2071异常" in text  # the indicator row: plan, actual, 异常 instead of 355.0%
    assert "355.0%" not in text
    assert "等级良好" in text
    assert "等级说明：活动场次远超计划，数据异常待核实：本月不评为优秀" in text
    assert "否决项" not in text
    # 活动费 is spent on plan; 人员费 and 物资费 are not spent at all: slow, not over budget.
    assert "执行偏慢" in text and "超支" not in text.replace("“超支”", "") and "超限" not in text


def test_the_calls_plausibility_section_sets_the_multiple_and_the_budget_thresholds(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    call = calls.get_latest_call(session, cycle_id=cycle.cycle_id)
    call.rules = call.rules | {
        "plausibility": {"indicator_max_ratio": 4, "overspend_pct": 10, "underspend_pct": 95}
    }
    session.add(call)
    session.commit()
    project = cycle.project_ids[0]
    plausibility_reports(session, project)
    measure_month.fn(cycle.cycle_id, JUNE, [project])
    rows = [["周立衡", "测试项目1", "100", "", "", ""]]
    record_scores.fn(
        cycle.cycle_id,
        JUNE,
        read_score_sheet.fn(cycle.cycle_id, write_sheet(tmp_path / "s.csv", rows)),
    )
    found = evaluation(session, project)
    # 71 activities against 20 is 355 %: within 4 times the plan, so plausible here.
    assert (found.grade, found.veto) == ("优秀", "")
    assert all(i["flag"] == "" for i in found.indicators)
    # 人员费 and 物资费 unspent (-100 %) is beyond 95 %: still slow; 活动费 on plan is not.
    assert [line["flagged"] for line in found.budget_lines] == [
        line["deviation_percent"] == -100.0 for line in found.budget_lines
    ]
