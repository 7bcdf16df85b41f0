"""`gongyi monitor …`: reports, checks, meetings and evaluations from the command line, errors in one line."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlmodel import Session, SQLModel, select

from cli import app
from models.monitoring import ActionItem, DailyReport, ExcusedDay, WeeklyMeeting
from models.register import DocumentRecord
from store.database import get_engine
from store.migrate import get_alembic_config
from tests.monitoring_builders import SHANGHAI, build_running_cycle

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def runner(runner):  # type: ignore[no-untyped-def]
    """The CLI runner, with Prefect's log handlers moved back to the real stderr after each call.

    Prefect binds its console handler to whatever stderr is when it sets up
    logging: inside `invoke` that is the runner's capture, closed afterwards.
    """
    from prefect.logging.configuration import setup_logging

    class Runner:
        def invoke(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            try:
                return runner.invoke(*args, **kwargs)
            finally:
                setup_logging(incremental=False)

    return Runner()


@pytest.fixture
def cycle(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A running cycle in a database the CLI's upgrade step leaves alone."""
    monkeypatch.setenv("GONGYI_VAR_DIR", str(tmp_path / "var"))
    SQLModel.metadata.create_all(get_engine(database_url))
    command.stamp(get_alembic_config(database_url), "head")
    with Session(get_engine(database_url)) as session:
        return build_running_cycle(session, projects=1)


def test_a_report_submitted_on_the_command_line_is_saved_then_refused_as_a_duplicate(
    runner, cycle
) -> None:  # type: ignore[no-untyped-def]
    args = [
        "monitor",
        "report",
        "submit",
        "测试项目1",
        "--day",
        "2026-06-03",
        "--activity",
        "小组:手工:8",
        "--spend",
        "活动费:12.5",
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "日报告已保存" in first.output
    second = runner.invoke(app, args)
    assert second.exit_code == 1
    assert "与已保存的第 1 版相同，未重复保存" in second.output and "Traceback" not in second.output


def test_a_bad_field_is_one_line_naming_it(runner, cycle) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app,
        [
            "monitor",
            "report",
            "submit",
            "测试项目1",
            "--day",
            "2026-06-03",
            "--activity",
            "讲座:健康:3",
        ],
    )
    assert result.exit_code == 1
    assert "「活动」活动类型应为 个案 / 小组 / 社区活动" in result.output
    assert "Traceback" not in result.output


def test_a_json_report_goes_through_the_same_checks(runner, cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.json"
    path.write_text(
        json.dumps(
            {"project": "测试项目1", "day": "2026-06-03", "no_activity_reason": "端午节前布置场地"}
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["monitor", "report", "submit", "测试项目1", "--json", str(path)])
    assert result.exit_code == 0, result.output


def test_reviewing_an_evaluation_that_does_not_exist_is_one_line(runner, cycle) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["monitor", "review", "测试项目1", "2026-06", "--reviewer", "陈慧敏"]
    )
    assert result.exit_code == 1
    assert "还没有 2026-06 的月评估" in result.output and "Traceback" not in result.output


def test_a_month_written_wrongly_is_one_line(runner, cycle) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["monitor", "month", "2026/13"])
    assert result.exit_code == 1
    assert "月份格式应为 2026-06" in result.output


# Business dates, excused days, action items and the sheet's template (issue #15).


def stored_reports(database_url: str) -> list[DailyReport]:
    with Session(get_engine(database_url)) as session:
        return list(session.exec(select(DailyReport)))


def test_a_paper_report_entered_later_keeps_its_arrival_time(runner, cycle, database_url) -> None:  # type: ignore[no-untyped-def]
    args = ["monitor", "report", "submit", "测试项目1", "--day", "2026-06-03"]
    result = runner.invoke(
        app, [*args, "--activity", "小组:手工:8", "--received", "2026-06-03T18:30"]
    )
    assert result.exit_code == 0, result.output
    [report] = stored_reports(database_url)
    assert report.received_at is not None
    assert report.received_at.astimezone(SHANGHAI) == datetime(2026, 6, 3, 18, 30, tzinfo=SHANGHAI)
    bad = runner.invoke(app, [*args, "--revise", "--summary", "改", "--on", "周三"])
    assert bad.exit_code == 1 and "送达时间格式应为" in bad.output


def test_an_officer_excuses_a_range_of_days_in_one_command(runner, cycle, database_url) -> None:  # type: ignore[no-untyped-def]
    project = str(cycle.project_ids[0])
    days = ["2026-06-05", "2026-06-09"]
    result = runner.invoke(
        app, ["monitor", "excuse", project, *days, "--reason", "场地维修", "--on", "2026-06-04"]
    )
    assert result.exit_code == 0, result.output
    assert "2026-06-05、2026-06-08、2026-06-09" in result.output
    with Session(get_engine(database_url)) as session:
        assert len(session.exec(select(ExcusedDay)).all()) == 3
    refused = runner.invoke(app, ["monitor", "excuse", project, "2026-06-10"])
    assert refused.exit_code == 1 and "免交原因" in refused.output


def add_meeting_item(database_url: str, cycle) -> int:  # type: ignore[no-untyped-def]
    with Session(get_engine(database_url)) as session:
        meeting = WeeklyMeeting(
            cycle_id=cycle.cycle_id,
            week_start=date(2026, 6, 8),
            held_on=date(2026, 6, 15),
            minutes="讨论了各项目进度。",
            attendees="街道、机构",
            recorder="李文",
        )
        session.add(meeting)
        session.flush()
        item = ActionItem(
            meeting_id=meeting.id,  # type: ignore[arg-type]
            seq=1,
            project_id=cycle.project_ids[0],
            text="补交活动照片",
            owner="机构",
            due_on=date(2026, 6, 19),
        )
        session.add(item)
        session.commit()
        return item.id or 0


def test_action_items_are_listed_with_ids_and_closing_one_republishes_the_minutes(
    runner, cycle, database_url, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    monkeypatch.setattr("cli.monitor_actions.console", Console(width=200))
    item = add_meeting_item(database_url, cycle)
    listed = runner.invoke(app, ["monitor", "action", "list", "--open"])
    assert listed.exit_code == 0, listed.output
    assert str(item) in listed.output and "补交活动照片" in listed.output
    closed = runner.invoke(app, ["monitor", "action", "close", str(item), "--on", "2026-06-20"])
    assert closed.exit_code == 0, closed.output
    assert "（2026-06-20）" in closed.output and "周例会文件已更新" in closed.output
    with Session(get_engine(database_url)) as session:
        stored = session.get(ActionItem, item)
        assert stored is not None and stored.closed_on == date(2026, 6, 20)
        [document] = session.exec(select(DocumentRecord)).all()
        assert document.kind == "weekly_minutes"
    assert (
        "没有未完成的待办事项" in runner.invoke(app, ["monitor", "action", "list", "--open"]).output
    )


def test_the_sheet_template_and_the_import_help_name_every_column(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from models.report_sheet import SHEET_COLUMNS

    out = tmp_path / "日报告.xlsx"
    result = runner.invoke(app, ["monitor", "report", "template", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert [c.value for c in book.worksheets[0][1]] == list(SHEET_COLUMNS)
    assert book.sheetnames[-1] == "填写说明"
    helped = runner.invoke(app, ["monitor", "report", "import", "--help"], terminal_width=200)
    assert all(column in helped.output for column in SHEET_COLUMNS)


def test_checking_since_a_day_prints_every_evening_it_checks(runner, cycle) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["monitor", "check", "--day", "2026-06-05", "--since", "2026-06-01"]
    )
    assert result.exit_code == 0, result.output
    for day in range(1, 6):
        assert f"2026-06-0{day}：应交 1" in result.output


def test_a_check_asked_for_a_day_off_prints_each_working_evening_under_its_own_date(
    runner, cycle
) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["monitor", "check", "--day", "2026-06-06", "--since", "2026-06-04"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line[:10] for line in lines if "应交" in line] == ["2026-06-04", "2026-06-05"]
    assert "2026-06-06：休息日或节假日，不需检查" in result.output


def test_a_review_is_dated_by_on_and_a_date_after_today_is_refused(
    runner, cycle, database_url
) -> None:  # type: ignore[no-untyped-def]
    from models.monitoring import MonthlyEvaluation
    from models.status import EvaluationStatus

    with Session(get_engine(database_url)) as session:
        waiting = MonthlyEvaluation(
            project_id=cycle.project_ids[0], month="2026-06", status=EvaluationStatus.IN_REVIEW
        )
        session.add(waiting)
        session.commit()
        evaluation_id = waiting.id
    args = ["monitor", "review", "测试项目1", "2026-06", "--reviewer", "陈慧敏"]
    refused = runner.invoke(app, [*args, "--on", "2999-01-01"])
    assert refused.exit_code == 1 and "晚于今天" in refused.output, refused.output
    assert "Traceback" not in refused.output
    result = runner.invoke(app, [*args, "--on", "2026-07-01"])
    assert result.exit_code == 0, result.output
    with Session(get_engine(database_url)) as session:
        stored = session.get(MonthlyEvaluation, evaluation_id)
        assert stored is not None and stored.reviewed_on == date(2026, 7, 1)
        assert stored.status == EvaluationStatus.APPROVED


def test_minutes_record_the_meetings_host(runner, cycle, database_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    add_meeting_item(database_url, cycle)
    text = tmp_path / "纪要.txt"
    text.write_text("一、通报各项目进度。", encoding="utf-8")
    result = runner.invoke(
        app, ["monitor", "minutes", "2026-06-08", "--text", str(text), "--host", "王主任"]
    )
    assert result.exit_code == 0, result.output
    with Session(get_engine(database_url)) as session:
        meeting = session.exec(select(WeeklyMeeting)).one()
        assert (meeting.host, meeting.minutes) == ("王主任", "一、通报各项目进度。")


def test_a_batch_review_approves_every_chosen_evaluation_or_none(
    runner, cycle, database_url
) -> None:  # type: ignore[no-untyped-def]
    from models.monitoring import MonthlyEvaluation
    from models.status import EvaluationStatus

    with Session(get_engine(database_url)) as session:
        waiting = [
            MonthlyEvaluation(project_id=pid, month="2026-06", status=EvaluationStatus.IN_REVIEW)
            for pid in cycle.project_ids[:2]
        ]
        session.add_all(waiting)
        session.commit()
        ids = [w.id for w in waiting]
    base = ["monitor", "review-batch", "--reviewer", "陈慧敏", "--on", "2026-07-01"]
    neither = runner.invoke(app, base)
    assert neither.exit_code == 1 and "--all 或 --ids" in neither.output
    refused = runner.invoke(app, [*base, "--ids", f"{ids[0]},99999"])
    assert refused.exit_code == 1 and "本批均未办理" in refused.output, refused.output
    assert "Traceback" not in refused.output
    with Session(get_engine(database_url)) as session:
        assert session.get(MonthlyEvaluation, ids[0]).status == EvaluationStatus.IN_REVIEW
    approved = runner.invoke(app, [*base, "--all", "--month", "2026-06"])
    assert approved.exit_code == 0, approved.output
    with Session(get_engine(database_url)) as session:
        for evaluation_id in ids:
            stored = session.get(MonthlyEvaluation, evaluation_id)
            assert stored.status == EvaluationStatus.APPROVED
            assert stored.reviewed_on == date(2026, 7, 1)
