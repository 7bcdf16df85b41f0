"""The demo's monitoring stage: three months of 日报告, checks, meetings, evaluations and tranches.

The one thing invented here is the agencies' daily reports, because in real
use they arrive through the portal, the CLI or a spreadsheet.
`submit_demo_daily_reports` writes them deterministically (the same on every
run) from `demo/daily_notes.csv` and `demo/activities.csv`, and stores them
through the same checks as any other intake: most on time, some a day or two
late, some missing, reliability varying by project, and one project that
stops reporting for a few days and so is reminded, escalated and carded.
Everything after that runs as the real flows: the evening checks of June,
the June meetings (minutes and action items from `demo/`), the June
evaluation (scored, reviewed, published), and then, compressing July, the
mid-term evaluation of August that pays or holds the second tranche.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flows.monitoring.daily_check import DailyCheckSummary, daily_check
from flows.monitoring.evaluation_review import review
from flows.monitoring.meeting_minutes import MinutesSummary, record_minutes
from flows.monitoring.monthly_evaluation import EvaluationSummary, monthly_evaluation
from flows.monitoring.weekly_meeting import MeetingSummary, weekly_meeting
from flows.runtime import get_tz, io_task, session_scope
from models.calendar import month_bounds, weeks_in_month
from models.compliance import due_days
from models.evaluation import monthly_plan
from models.indicators import SERVICE_VISITS, month_index
from models.project import Project
from models.report_input import Activity, DailyReportInput
from models.rows import read_all
from models.status import EvaluationStatus
from services import SYSTEM
from services.daily_reports import Submission, file_reports
from store import awards, cycles, evaluations, monitoring, plans
from store.spreadsheets import read_rows

REVIEWER = "陈慧敏"
MIDTERM_MONTH = "2026-08"
FAST_FORWARD = ("2026-07", MIDTERM_MONTH)
MINUTES_WEEK = date(2026, 6, 8)
STOPS_REPORTING = "共享工具屋·便民维修服务"
# It misses two stretches in June, each filled in only after the officer was told
# (two escalations: a yellow card), and stops reporting for two weeks in August.
BACKFILLED = {date(2026, 6, d): date(2026, 6, 15) for d in (8, 9, 10, 11)} | {
    date(2026, 6, d): date(2026, 6, 29) for d in (22, 23, 24)
}
NEVER_SENT = {date(2026, 8, d) for d in range(10, 22)}
NO_ACTIVITY_REASON = "社区活动室维修，当日暂停服务"


@dataclass(frozen=True)
class DemoMonitoring:
    """What the demo's monitoring stage did."""

    reports: int
    daily: DailyCheckSummary
    meetings: tuple[MeetingSummary, ...]
    minutes: MinutesSummary
    evaluation: EvaluationSummary
    midterm: EvaluationSummary


@dataclass(frozen=True)
class DemoText:
    """The phrases demo reports are written from, by domain key."""

    notes: dict[str, list[str]]
    activities: dict[str, list[tuple[str, str]]]


def read_demo_text(data: Path) -> DemoText:
    """Read the demo's service phrases and activity names."""
    notes: dict[str, list[str]] = {}
    for key, text in read_all(
        read_rows(data / "daily_notes.csv", required=("服务领域", "服务摘要")),
        lambda row: (row.text("服务领域"), row.text("服务摘要")),
    ):
        notes.setdefault(key, []).append(text)
    activities: dict[str, list[tuple[str, str]]] = {}
    for key, kind, title in read_all(
        read_rows(data / "activities.csv", required=("服务领域", "类型", "活动名称")),
        lambda row: (row.text("服务领域"), row.text("类型"), row.text("活动名称")),
    ):
        activities.setdefault(key, []).append((kind, title))
    return DemoText(notes, activities)


def demo_report(
    project: Project,
    day: date,
    *,
    key: str,
    text: DemoText,
    daily_people: float,
    daily_budget: dict[str, int],
) -> DailyReportInput:
    """Write the report an agency would send for `day` (deterministic)."""
    rng = random.Random(f"{project.title}-{day.isoformat()}")
    if rng.random() < 0.03:
        return DailyReportInput(project.title, day, no_activity_reason=NO_ACTIVITY_REASON)
    chosen = rng.sample(text.activities[key], k=rng.choice((1, 1, 2, 2, 3)))
    people = max(len(chosen), round(daily_people * rng.uniform(0.75, 1.3)))
    shares = [people // len(chosen)] * len(chosen)
    shares[0] += people - sum(shares)
    refs = [
        f"B{project.id:02d}-{day.toordinal() % 10000:04d}{n}" for n in range(rng.randrange(1, 4))
    ]
    earlier = day - timedelta(days=7)
    refs += [f"B{project.id:02d}-{earlier.toordinal() % 10000:04d}0"] if rng.random() < 0.5 else []
    spend = {
        c: round(amount * rng.uniform(0.6, 1.4) / 0.4)
        for c, amount in daily_budget.items()
        if rng.random() < 0.4
    }
    return DailyReportInput(
        project=project.title,
        day=day,
        activities=tuple(
            Activity(kind, title, n) for (kind, title), n in zip(chosen, shares, strict=True)
        ),
        beneficiary_refs=tuple(refs),
        service_minutes=60 * rng.randrange(2, 7),
        volunteers=rng.randrange(0, 5),
        volunteer_minutes=30 * rng.randrange(0, 9),
        spend_fen=spend,
        issues="场地临时被占用，活动改期" if rng.random() < 0.03 else "",
        risks="一位服务对象身体不适，已联系家属陪同就医" if rng.random() < 0.02 else "",
        attachments=(f"签到表-{day:%m%d}.jpg",),
        summary=rng.choice(text.notes[key]),
    )


def _sent_at(project: Project, day: date, tz) -> datetime | None:  # type: ignore[no-untyped-def]
    """When the agency sent `day`'s report, or None when it never did."""
    rng = random.Random(f"sent-{project.title}-{day.isoformat()}")
    at = time(17 + rng.randrange(5), rng.randrange(60))
    if project.title == STOPS_REPORTING and day in BACKFILLED:
        return datetime.combine(BACKFILLED[day], at, tz)
    if project.title == STOPS_REPORTING and day in NEVER_SENT:
        return None
    chance = rng.random()
    if chance < 0.01:
        return None
    # A few come a day late; some only after a reminder, two to four days late.
    late_by = rng.randrange(2, 5) if chance < 0.05 else 1 if chance < 0.11 else 0
    return datetime.combine(day + timedelta(days=late_by), at, tz)


def _project_month(
    project: Project, month: str, text: DemoText, keys, targets, budgets
) -> list[Submission]:  # type: ignore[no-untyped-def]
    first, last = month_bounds(month)
    run = {"starts_on": project.starts_on, "ends_on": project.ends_on}
    days = due_days(first, last, **run)
    planned = targets.get(month_index(project.starts_on, month), {}).get(
        SERVICE_VISITS, monthly_plan(project.people_planned, project.months)
    )
    whole_run = len(due_days(project.starts_on, project.ends_on, **run)) or 1
    budget = {c: amount // whole_run for c, amount in budgets.items()}
    submissions = []
    for day in days:
        sent = _sent_at(project, day, get_tz())
        if sent is not None:
            report = demo_report(
                project,
                day,
                key=keys[project.domain_id],
                text=text,
                daily_people=planned / max(len(days), 1),
                daily_budget=budget,
            )
            submissions.append(
                Submission(f"演示日报告 {project.title} {day}", report, sent, project.id)
            )
    return submissions


@io_task
def submit_demo_daily_reports(cycle_id: int, month: str, data_dir: str) -> int:
    """Store the month's demo reports through the intake checks; return how many are new."""
    text = read_demo_text(Path(data_dir))
    _, last = month_bounds(month)
    with session_scope() as session:
        keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=cycle_id)}
        projects = awards.list_projects(session, cycle_id=cycle_id)
        ids = [p.id for p in projects]
        targets = plans.list_month_targets(session, project_ids=ids)  # type: ignore[arg-type]
        budgets = plans.list_budgets(session, project_ids=ids)  # type: ignore[arg-type]
        submissions = [
            s
            for p in projects
            for s in _project_month(
                p, month, text, keys, targets.get(p.id, {}), budgets.get(p.id, {})
            )  # type: ignore[arg-type]
        ]
        # A second run sends nothing already on record, so a closed cycle (its projects
        # completed, taking no more reports) runs through the demo again unchanged.
        first, _ = month_bounds(month)
        titles = {p.id: p.title for p in projects}
        stored = monitoring.list_project_reports(session, project_ids=ids, first=first, last=last)  # type: ignore[arg-type]
        done = {(titles[pid], r.day) for pid, found in stored.items() for r in found}
        submissions = [s for s in submissions if (s.report.project, s.report.day) not in done]
        end = datetime.combine(last + timedelta(days=3), time(23, 0), get_tz())
        summary = file_reports(
            session, submissions, actor=SYSTEM, now=end, source="demo", cycle_id=cycle_id
        )
    return summary.added


@io_task
def approve_demo_evaluations(cycle_id: int, month: str) -> int:
    """Have the demo's second evaluator approve every evaluation waiting for review."""
    with session_scope() as session:
        waiting = evaluations.list_monthly_evaluations(
            session, cycle_id=cycle_id, month=month, status=EvaluationStatus.IN_REVIEW
        )
        now = datetime.combine(month_bounds(month)[1] + timedelta(days=3), time(10), get_tz())
        for evaluation in waiting:
            review(
                session,
                evaluation,
                reviewer=REVIEWER,
                approve=True,
                comment="同意评估意见。",
                now=now,
            )
        return len(waiting)


def _evaluate(cycle_id: int, month: str, scores: Path) -> EvaluationSummary:
    """Score the month, have it reviewed, then publish it with its PDFs."""
    _, last = month_bounds(month)
    monthly_evaluation(cycle_id, month, str(scores), last + timedelta(days=1))
    approve_demo_evaluations(cycle_id, month)
    return monthly_evaluation(cycle_id, month, None, last + timedelta(days=5))


def run_demo_monitoring(cycle_id: int, data: Path, month: str) -> DemoMonitoring:
    """Run the monitoring stage of the demo cycle for `month` and fast-forward to the mid-term."""
    first, last = month_bounds(month)
    reports = submit_demo_daily_reports(cycle_id, month, str(data))
    daily = daily_check(cycle_id, last, first)
    mondays = [m for m in weeks_in_month(month) if m + timedelta(days=7) <= last]
    meetings, minutes = [], MinutesSummary(MINUTES_WEEK, 0, 0)
    for monday in mondays:
        meetings.append(weekly_meeting(cycle_id, monday))
        if monday == MINUTES_WEEK:
            minutes = record_minutes(
                monday,
                str(data / "meeting_minutes.txt"),
                str(data / "action_items.csv"),
                "街道社会事务科、5家承接机构项目负责人、第三方评估机构",
                "李晓雯",
                cycle_id,
                monday + timedelta(days=7),
            )
    evaluation = _evaluate(cycle_id, month, data / "monthly_scores.csv")
    for later in FAST_FORWARD:
        reports += submit_demo_daily_reports(cycle_id, later, str(data))
    midterm = _evaluate(cycle_id, MIDTERM_MONTH, data / "midterm_scores.csv")
    return DemoMonitoring(reports, daily, tuple(meetings), minutes, evaluation, midterm)
