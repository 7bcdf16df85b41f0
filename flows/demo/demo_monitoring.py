"""The demo's monitoring stage: three months of 日报告, checks, meetings, evaluations and tranches.

The one thing invented here is the agencies' daily reports, because in real
use they arrive through the portal, the CLI or a spreadsheet.
`submit_demo_daily_reports` writes them deterministically (the same on every
run) and stores them through the same checks as any other intake: most on
time, some a day or two late, some missing, reliability varying by project,
and one project that stops reporting for a few days and so is reminded,
escalated and carded. Each project reports its own activities with its own
workers' notes (`demo/activities.csv` and `demo/daily_notes.csv`, by project
title), and holds about as many activities, for about as many people, as its
KPI targets plan for the month (`plan_month`); other days say why nothing was
held.
Everything after that runs as the real flows: the evening checks of June,
the June meetings (minutes and action items from `demo/`), the June
evaluation (scored, reviewed, published), and then, compressing July, the
mid-term evaluation of August that pays or holds the second tranche.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
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
from models.indicators import (
    ACTIVITY_COUNT,
    BENEFICIARIES,
    SERVICE_VISITS,
    VOLUNTEER_HOURS,
    month_index,
)
from models.project import Project
from models.report_calendar import ProjectRun
from models.report_input import Activity, DailyReportInput
from models.rows import read_all
from models.status import EvaluationStatus
from services import SYSTEM
from services.daily_reports import Submission, file_reports
from store import awards, cycles, days_off, evaluations, monitoring, plans
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
    """The phrases demo reports are written from.

    `activities` and `notes` are keyed by project title (each project's own
    activities, and what its workers write about each one), with the domain's
    phrases under the domain key for a project the files do not name. A note may
    hold `{n}` (the activity's 服务人次) and `{m}` (about a quarter of it).
    """

    notes: dict[str, list[str]]
    activities: dict[str, list[tuple[str, str]]]
    activity_notes: dict[tuple[str, str], list[str]] = field(default_factory=dict)


def read_demo_text(data: Path) -> DemoText:
    """Read the demo's activity names and service phrases, by project (and by domain)."""
    notes: dict[str, list[str]] = {}
    by_activity: dict[tuple[str, str], list[str]] = {}
    for project, activity, key, text in read_all(
        read_rows(data / "daily_notes.csv", required=("服务领域", "服务摘要")),
        lambda row: (
            row.text("项目名称", required=False),
            row.text("活动名称", required=False),
            row.text("服务领域"),
            row.text("服务摘要"),
        ),
    ):
        notes.setdefault(project or key, []).append(text)
        if project and activity:
            by_activity.setdefault((project, activity), []).append(text)
    activities: dict[str, list[tuple[str, str]]] = {}
    for project, key, kind, title in read_all(
        read_rows(data / "activities.csv", required=("服务领域", "类型", "活动名称")),
        lambda row: (
            row.text("项目名称", required=False),
            row.text("服务领域"),
            row.text("类型"),
            row.text("活动名称"),
        ),
    ):
        activities.setdefault(project or key, []).append((kind, title))
    return DemoText(notes, activities, by_activity)


@dataclass(frozen=True)
class MonthPlan:
    """What one project does in one month: the days it holds an activity, and how much.

    Drawn from the project's KPI targets for the month, so the month's reports add
    up to about its plan (活动场次 within a few of the target, 服务人次 and 受益人数
    near it): the demo's figures are plausible, and a flag means something.
    """

    activity_days: frozenset[date]
    people_per_activity: float
    new_people_per_day: float
    volunteer_minutes_per_day: float
    spend_per_day: dict[str, float]


NO_ACTIVITY_DAYS = (
    "当日为活动筹备日：整理服务台账，电话预约下次活动的服务对象",
    "当日无集中活动：整理签到表和服务记录，准备下次活动物资",
    "当日为内部督导和个案记录整理日，未开展直接服务",
)


def plan_month(
    project: Project, month: str, days: list[date], targets: dict[str, int], budget: dict[str, int]
) -> MonthPlan:
    """Plan the month's activity days from its targets (deterministic: seeded by project and month)."""
    rng = random.Random(f"plan-{project.title}-{month}")
    people = targets.get(SERVICE_VISITS) or monthly_plan(project.people_planned, project.months)
    planned = targets.get(ACTIVITY_COUNT) or max(1, len(days) // 5)
    count = min(len(days), max(1, round(planned * rng.uniform(0.95, 1.15))))
    chosen = frozenset(rng.sample(days, count))
    per = max(count, 1)  # a month with no due day (before the start) has no activity day
    return MonthPlan(
        activity_days=chosen,
        people_per_activity=people / per,
        new_people_per_day=targets.get(BENEFICIARIES, people // 4) / per,
        volunteer_minutes_per_day=60 * targets.get(VOLUNTEER_HOURS, per) / per,
        # The month's share of each budget line, spent over the activity days.
        spend_per_day={c: amount * len(days) / per for c, amount in budget.items()},
    )


def demo_report(
    project: Project, day: date, *, key: str, text: DemoText, plan: MonthPlan
) -> DailyReportInput:
    """Write the report an agency would send for `day` (deterministic).

    An activity day reports one of the project's own activities, with a note its
    workers wrote about that activity; any other day says why nothing was held.
    """
    rng = random.Random(f"{project.title}-{day.isoformat()}")
    if day not in plan.activity_days:
        return DailyReportInput(project.title, day, no_activity_reason=rng.choice(NO_ACTIVITY_DAYS))
    kind, title = rng.choice(text.activities.get(project.title) or text.activities[key])
    people = max(1, round(plan.people_per_activity * rng.uniform(0.88, 1.18)))
    new = max(1, min(people, round(plan.new_people_per_day * rng.uniform(0.88, 1.18))))
    stamp = f"B{project.id:02d}-{day.toordinal() % 10000:04d}"
    refs = [f"{stamp}{n:02d}" for n in range(new)]
    # Someone who came a week ago comes again (the first id of that day's activity).
    earlier = day - timedelta(days=7)
    if earlier in plan.activity_days:
        refs += [f"B{project.id:02d}-{earlier.toordinal() % 10000:04d}00"]
    spend = {c: round(amount * rng.uniform(0.88, 1.04)) for c, amount in plan.spend_per_day.items()}
    notes = (
        text.activity_notes.get((project.title, title))
        or text.notes.get(project.title)
        or text.notes[key]
    )
    summary = rng.choice(notes).replace("{n}", str(people)).replace("{m}", str(max(1, people // 4)))
    return DailyReportInput(
        project=project.title,
        day=day,
        activities=(Activity(kind, title, people),),
        beneficiary_refs=tuple(dict.fromkeys(refs)),
        service_minutes=60 * rng.randrange(2, 5),
        volunteers=rng.randrange(1, 6),
        volunteer_minutes=30
        * max(0, round(plan.volunteer_minutes_per_day * rng.uniform(0.9, 1.15) / 30)),
        spend_fen=spend,
        issues="场地临时被占用，活动改期" if rng.random() < 0.03 else "",
        risks="一位服务对象身体不适，已联系家属陪同就医" if rng.random() < 0.02 else "",
        attachments=(f"签到表-{day:%m%d}.jpg",),
        summary=summary,
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
    project: Project, month: str, text: DemoText, keys, targets, budgets, run: ProjectRun
) -> list[Submission]:  # type: ignore[no-untyped-def]
    first, last = month_bounds(month)
    # An agency reports on the days due by the one rule: none once its project stopped.
    days = run.due_days(first, last)
    # The budget is spent at the contract's daily rate, over the working days of its period.
    starts, ends = project.starts_on, project.ends_on
    whole_run = len(due_days(starts, ends, starts_on=starts, ends_on=ends)) or 1
    budget = {c: amount // whole_run for c, amount in budgets.items()}
    plan = plan_month(
        project, month, list(days), targets.get(month_index(project.starts_on, month), {}), budget
    )
    submissions = []
    for day in days:
        sent = _sent_at(project, day, get_tz())
        if sent is not None:
            report = demo_report(project, day, key=keys[project.domain_id], text=text, plan=plan)
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
        runs = days_off.list_report_runs(session, cycle_id=cycle_id)
        targets = plans.list_month_targets(session, project_ids=ids)  # type: ignore[arg-type]
        budgets = plans.list_budgets(session, project_ids=ids)  # type: ignore[arg-type]
        submissions = [
            s
            for p in projects
            for s in _project_month(
                p, month, text, keys, targets.get(p.id, {}), budgets.get(p.id, {}), runs[p.id or 0]
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
                host="张建国",
            )
    evaluation = _evaluate(cycle_id, month, data / "monthly_scores.csv")
    for later in FAST_FORWARD:
        reports += submit_demo_daily_reports(cycle_id, later, str(data))
    midterm = _evaluate(cycle_id, MIDTERM_MONTH, data / "midterm_scores.csv")
    return DemoMonitoring(reports, daily, tuple(meetings), minutes, evaluation, midterm)
