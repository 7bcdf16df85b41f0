"""Flows `daily_report_intake` and `submit_daily_report`: take in 日报告, all or nothing.

Reports arrive as a spreadsheet batch (one row per project and day), as one
JSON document (the API's shape) or from the CLI. Every report is checked
against its project — the day is within the run and not in the future, the
project is running, spend stays within the budget lines, counts are not
negative, no personal data — and the whole batch is refused, naming each
problem, if any report is bad. A report that repeats the stored one is not
stored again; a changed one marked as a revision becomes the next version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from prefect import flow
from sqlmodel import Session

from flows.runtime import get_now, io_task, read_sheet, resolve_cycle, session_scope
from models.monitoring import DailyReport
from models.project import Project
from models.report_input import DailyReportInput, InputError, read_report_payload
from models.report_rows import REQUIRED_COLUMNS, read_report_row
from models.reporting import (
    Filing,
    ProjectRun,
    build_version,
    check_report,
    classify_filing,
    duplicate_message,
)
from models.rows import RowError, RowsRejected, read_all
from store import awards, monitoring, plans


@dataclass(frozen=True)
class Submission:
    """One report, where it came from (for error messages) and, if known, when it was sent."""

    where: str
    report: DailyReportInput
    at: datetime | None = None


@dataclass(frozen=True)
class IntakeSummary:
    """What an intake stored, or why it stored nothing."""

    source: str
    added: int = 0
    revised: int = 0
    unchanged: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


class ReportsRejected(ValueError):
    """Reports refused as a whole; `problems` names each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} 处错误，未写入任何日报告")
        self.problems = problems


def file_reports(
    session: Session,
    submissions: list[Submission],
    *,
    cycle_id: int,
    now: datetime,
    source: str,
    today: date | None = None,
) -> IntakeSummary:
    """Check every submission, then store them all or raise ReportsRejected storing none."""
    projects = _projects(session, cycle_id, submissions)
    problems = [
        f"{s.where}「项目名称」本周期没有服务项目「{s.report.project}」"
        for s in submissions
        if s.report.project not in projects
    ]
    if problems:
        raise ReportsRejected(problems)
    ids = {p.id for p in projects.values()}
    budgets = plans.list_budgets(session, project_ids=ids)  # type: ignore[arg-type]
    stored = monitoring.list_project_reports(
        session,
        project_ids=ids,
        first=date.min,
        last=date.max,  # type: ignore[arg-type]
    )
    plan = _plan(
        submissions, projects, stored, budgets, today=today or now.date(), problems=problems
    )
    if problems:
        raise ReportsRejected(problems)
    return _store(session, plan, now=now, source=source)


def _store(session: Session, plan: list, *, now: datetime, source: str) -> IntakeSummary:  # type: ignore[type-arg]
    """Store each checked report as a new or next version; duplicates are only counted."""
    added = revised = 0
    unchanged = []
    for submission, project, current, filing in plan:
        if filing == Filing.DUPLICATE:
            unchanged.append(duplicate_message(submission.report, current))
            continue
        version = build_version(
            submission.report,
            project_id=project.id,
            current=current,
            now=submission.at or now,
            source=source,
        )
        monitoring.add_report_version(session, version, current=current)
        added += filing == Filing.NEW
        revised += filing == Filing.REVISION
    return IntakeSummary(source, added, revised, tuple(unchanged))


def _projects(session: Session, cycle_id: int, submissions: list[Submission]) -> dict[str, Project]:
    found = {}
    for name in {s.report.project for s in submissions}:
        try:
            found[name] = awards.get_project_by_title(session, cycle_id=cycle_id, title=name)
        except LookupError:
            continue
    return found


def _plan(submissions, projects, stored, budgets, *, today, problems):  # type: ignore[no-untyped-def]
    """Check each submission in order, counting earlier ones' spend; return what to store."""
    spent: dict[int, dict[date, dict[str, int]]] = defaultdict(dict)
    current: dict[tuple[int, date], DailyReport] = {}
    for project_id, reports in stored.items():
        for report in reports:
            spent[project_id][report.day] = dict(report.spend_fen)
            current[(project_id, report.day)] = report
    seen: dict[tuple[int, date], str] = {}
    plan = []
    for submission in submissions:
        report, project = submission.report, projects[submission.report.project]
        key = (project.id, report.day)
        if key in seen:
            problems.append(f"{submission.where}「日期」与{seen[key]}是同一项目同一天的日报告")
            continue
        seen[key] = submission.where
        spent_before = _sum_except(spent[project.id], report.day)
        errors = check_report(
            report,
            run=ProjectRun(project.title, project.status, project.starts_on, project.ends_on),
            budget=budgets.get(project.id, {}),
            spent_before=spent_before,
            today=today,
        )
        try:
            filing = classify_filing(report, current.get(key))
        except InputError as error:
            errors.append(error)
        problems.extend(f"{submission.where}{error}" for error in errors)
        if not errors:
            spent[project.id][report.day] = dict(report.spend_fen)
            plan.append((submission, project, current.get(key), filing))
    return plan


def _sum_except(by_day: dict[date, dict[str, int]], day: date) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for other, spend in by_day.items():
        if other != day:
            for category, amount in spend.items():
                totals[category] += amount
    return dict(totals)


@io_task
def store_submissions(cycle_id: int, submissions: list[Submission], source: str) -> IntakeSummary:
    """Store a batch of reports in one transaction, or none of them."""
    with session_scope() as session:
        return file_reports(session, submissions, cycle_id=cycle_id, now=get_now(), source=source)


@io_task
def read_report_file(path: str) -> list[Submission]:
    """Read every row of a daily-report spreadsheet; raise RowsRejected listing bad cells."""
    rows = read_sheet(Path(path), required=REQUIRED_COLUMNS)
    reports = read_all(rows, read_report_row)
    return [
        Submission(f"{row.file} 第 {row.number} 行", report)
        for row, report in zip(rows, reports, strict=True)
    ]


@flow(name="daily_report_intake", log_prints=True)
def daily_report_intake(path: str, cycle_id: int | None = None) -> IntakeSummary:
    """Import a spreadsheet of daily reports, all or nothing."""
    try:
        submissions = read_report_file(path)
        summary = store_submissions(resolve_cycle(cycle_id), submissions, "xlsx")
    except (RowError, RowsRejected, ReportsRejected) as error:
        return _refused("xlsx", error)
    print(
        f"{Path(path).name}：新增 {summary.added} 份，修订 {summary.revised} 份，未变化 {len(summary.unchanged)} 份"
    )
    return summary


@flow(name="submit_daily_report", log_prints=True)
def submit_daily_report(
    payload: dict[str, Any], cycle_id: int | None = None, source: str = "api"
) -> IntakeSummary:
    """Store one daily report sent as JSON (the API's shape)."""
    try:
        report = read_report_payload(payload)
        submission = Submission("", report)
        return store_submissions(resolve_cycle(cycle_id), [submission], source)
    except InputError as error:
        return IntakeSummary(source, errors=(str(error),))
    except ReportsRejected as error:
        return _refused(source, error)


def _refused(source: str, error: Exception) -> IntakeSummary:
    if isinstance(error, RowsRejected):
        problems = [str(e) for e in error.errors]
    elif isinstance(error, ReportsRejected):
        problems = error.problems
    else:
        problems = [str(error)]
    for line in problems:
        print(f"  {line}")
    return IntakeSummary(source, errors=tuple(problems))
