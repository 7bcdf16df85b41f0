"""Checking a daily report (日报告) against its project, and deciding what storing it means.

A report is refused when its day is before the project starts, after it ends
or still to come; when the project is not running; when it has neither an
activity nor a reason for having none; or when it spends in a category the
budget lacks or beyond what is left of a budget line. A report that repeats
the stored one is a duplicate; a different one for a day already reported is
an edit, allowed only when the submitter says so, and becomes the next
version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from models.money import format_fen
from models.monitoring import DailyReport
from models.report_input import DailyReportInput, InputError
from models.status import ProjectStatus

PROJECT_STATUS_LABELS = {
    ProjectStatus.ACTIVE: "执行中",
    ProjectStatus.SUSPENDED: "已暂停",
    ProjectStatus.COMPLETED: "已结项",
    ProjectStatus.TERMINATED: "已终止",
}


@dataclass(frozen=True)
class ProjectRun:
    """What the checks need of a project: its title, status and run."""

    title: str
    status: str
    starts_on: date
    ends_on: date


class Filing(StrEnum):
    NEW = "new"
    REVISION = "revision"
    DUPLICATE = "duplicate"


def check_report(
    report: DailyReportInput,
    *,
    run: ProjectRun,
    budget: Mapping[str, int],
    spent_before: Mapping[str, int],
    today: date,
) -> list[InputError]:
    """List every problem of a report for `run`; empty means it may be stored."""
    problems = _check_day(report.day, run=run, today=today)
    problems += _check_content(report)
    problems += _check_spend(report.spend_fen, budget=budget, spent_before=spent_before)
    return problems


def _check_day(day: date, *, run: ProjectRun, today: date) -> list[InputError]:
    problems = []
    if run.status != ProjectStatus.ACTIVE:
        label = PROJECT_STATUS_LABELS.get(ProjectStatus(run.status), run.status)
        problems.append(InputError("项目", f"「{run.title}」不在执行中（{label}），不能提交日报告"))
    if day > today:
        problems.append(InputError("日期", f"{day} 还没有到（今天是 {today}），不能提前填报"))
    if day < run.starts_on:
        problems.append(InputError("日期", f"{day} 早于项目开始日期 {run.starts_on}"))
    if day > run.ends_on:
        problems.append(InputError("日期", f"{day} 晚于项目结束日期 {run.ends_on}"))
    return problems


def _check_content(report: DailyReportInput) -> list[InputError]:
    busy = bool(report.activities or report.spend_fen or report.beneficiary_refs)
    if report.no_activity_reason and busy:
        return [InputError("无活动原因", "已写明当天无活动，就不能再填写活动、受益人或支出")]
    if not report.no_activity_reason and not report.activities:
        return [InputError("活动", "请填写当天的活动；当天没有活动时，请写明原因")]
    return []


def _check_spend(
    spend: Mapping[str, int], *, budget: Mapping[str, int], spent_before: Mapping[str, int]
) -> list[InputError]:
    problems = []
    for category, amount in spend.items():
        if category not in budget:
            allowed = "、".join(budget) or "（无）"
            problems.append(
                InputError("支出", f"预算中没有科目「{category}」（预算科目：{allowed}）")
            )
            continue
        left = budget[category] - spent_before.get(category, 0)
        if amount > left:
            problems.append(
                InputError(
                    "支出",
                    f"「{category}」超出预算：预算 {format_fen(budget[category])} 元，"
                    f"此前已支出 {format_fen(spent_before.get(category, 0))} 元，"
                    f"本次 {format_fen(amount)} 元",
                )
            )
    return problems


def report_fields(report: DailyReportInput) -> dict[str, Any]:
    """Return the stored fields of a report, as the table keeps them."""
    return {
        "no_activity_reason": report.no_activity_reason,
        "activities": [
            {"kind": a.kind, "title": a.title, "people": a.people} for a in report.activities
        ],
        "people_served": report.people_served,
        "beneficiary_refs": list(report.beneficiary_refs),
        "service_minutes": report.service_minutes,
        "volunteers": report.volunteers,
        "volunteer_minutes": report.volunteer_minutes,
        "spend_fen": dict(report.spend_fen),
        "issues": report.issues,
        "risks": report.risks,
        "attachments": list(report.attachments),
        "summary": report.summary,
    }


def classify_filing(report: DailyReportInput, current: DailyReport | None) -> Filing:
    """Tell whether a report is new, an edit of the stored one, or a duplicate of it."""
    if current is None:
        return Filing.NEW
    stored = {name: getattr(current, name) for name in report_fields(report)}
    if stored == report_fields(report):
        return Filing.DUPLICATE
    if not report.revise:
        raise InputError(
            "日期",
            f"{report.day} 已提交日报告（第 {current.version} 版）；"
            "如需修改，请注明“修订”（CLI 加 --revise，表格“修订”列填“是”）",
        )
    return Filing.REVISION


def build_version(
    report: DailyReportInput,
    *,
    project_id: int,
    current: DailyReport | None,
    now: datetime,
    source: str,
) -> DailyReport:
    """Build the row that stores `report` as the next version of the day's report."""
    return DailyReport(
        project_id=project_id,
        day=report.day,
        version=current.version + 1 if current else 1,
        is_current=True,
        first_submitted_at=current.first_submitted_at if current else now,
        submitted_at=now,
        source=source,
        **report_fields(report),
    )


def duplicate_message(report: DailyReportInput, current: DailyReport) -> str:
    """Say that a report repeats the stored version."""
    return f"「{report.project}」{report.day} 的日报告与已保存的第 {current.version} 版相同，未重复保存"
