"""Filing daily reports (日报告): check a batch against its projects, then store all or none.

Reports arrive from a spreadsheet, from the CLI, from the portal's form or the
JSON API. A spreadsheet, the CLI and the form file them through `file_reports`,
all or nothing; the API files the submissions of many clients at once through
`file_each`, which answers each on its own. Each report is checked
against its project by the rules in `models.reporting` — the day is within the
run and not in the future, the project is running, spend stays within the
budget lines, no personal data — and the whole batch is refused, naming each
problem, if any report is bad. A report that repeats the stored one is not
stored again; a changed one marked as a revision becomes the next version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.monitoring import DailyReport
from models.project import Project
from models.report_input import DailyReportInput, InputError
from models.reporting import (
    Filing,
    ProjectRun,
    build_version,
    check_report,
    classify_filing,
    duplicate_message,
)
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
    # The day's current report after the intake, one per submission, in order.
    reports: tuple[DailyReport, ...] = ()


@dataclass(frozen=True)
class Filed:
    """What filing one report did (new, revision or duplicate) and the day's current report."""

    filing: Filing
    report: DailyReport


class ReportsRejected(ValueError):
    """Reports refused as a whole; `problems` names each one, `errors` holds each field error."""

    def __init__(self, problems: list[str], *, errors: tuple[InputError, ...] = ()) -> None:
        super().__init__(f"{len(problems)} 处错误，未写入任何日报告")
        self.problems = problems
        self.errors = errors


def _rejected(problems: list[tuple[str, InputError]]) -> ReportsRejected:
    return ReportsRejected(
        [f"{where}{error}" for where, error in problems], errors=tuple(e for _, e in problems)
    )


def file_reports(
    session: Session,
    submissions: list[Submission],
    *,
    cycle_id: int,
    now: datetime,
    source: str,
    today: date | None = None,
    known: Mapping[str, Project] | None = None,
) -> IntakeSummary:
    """Check every submission, then store them all or raise ReportsRejected storing none.

    `known` maps project names to projects the caller has already read (the API
    has, from the URL), which saves looking them up again.
    """
    projects = _projects(session, cycle_id, submissions, known or {})
    problems = [
        (s.where, InputError("项目名称", f"本周期没有服务项目「{s.report.project}」"))
        for s in submissions
        if s.report.project not in projects
    ]
    if problems:
        raise _rejected(problems)
    ids = {p.id for p in projects.values()}
    budgets = plans.list_budgets(session, project_ids=ids)  # type: ignore[arg-type]
    # Spend of every day so far, for the budget-line check; whole rows only for the days sent.
    spent = monitoring.list_spend_by_day(session, project_ids=ids)  # type: ignore[arg-type]
    current = monitoring.list_current_reports(
        session, keys={(projects[s.report.project].id, s.report.day) for s in submissions}
    )
    plan = _plan(
        submissions, projects, spent, current, budgets, today=today or now.date(), problems=problems
    )
    if problems:
        raise _rejected(problems)
    return _store(session, plan, now=now, source=source)


def _store(session: Session, plan: list, *, now: datetime, source: str) -> IntakeSummary:  # type: ignore[type-arg]
    """Store each checked report as a new or next version; duplicates are only counted."""
    added = revised = 0
    unchanged, reports = [], []
    for submission, project, current, filing in plan:
        if filing == Filing.DUPLICATE:
            unchanged.append(duplicate_message(submission.report, current))
            reports.append(current)
            continue
        version = build_version(
            submission.report,
            project_id=project.id,
            current=current,
            now=submission.at or now,
            source=source,
        )
        reports.append(monitoring.add_report_version(session, version, current=current))
        added += filing == Filing.NEW
        revised += filing == Filing.REVISION
    return IntakeSummary(source, added, revised, tuple(unchanged), reports=tuple(reports))


def _projects(
    session: Session, cycle_id: int, submissions: list[Submission], known: Mapping[str, Project]
) -> dict[str, Project]:
    found = {n: p for n, p in known.items() if p.cycle_id == cycle_id}
    for name in {s.report.project for s in submissions} - set(found):
        try:
            found[name] = awards.get_project_by_title(session, cycle_id=cycle_id, title=name)
        except LookupError:
            continue
    return found


def _plan(submissions, projects, spent, current, budgets, *, today, problems):  # type: ignore[no-untyped-def]
    """Check each submission in order, counting earlier ones' spend; return what to store."""
    spent = defaultdict(dict, spent)
    seen: dict[tuple[int, date], str] = {}
    plan = []
    for submission in submissions:
        report, project = submission.report, projects[submission.report.project]
        key = (project.id, report.day)
        if key in seen:
            problems.append(
                (submission.where, InputError("日期", f"与{seen[key]}是同一项目同一天的日报告"))
            )
            continue
        seen[key] = submission.where
        errors, filing = _check(
            report,
            project,
            budget=budgets.get(project.id, {}),
            spent_before=_sum_except(spent[project.id], report.day),
            current=current.get(key),
            today=today,
        )
        problems.extend((submission.where, error) for error in errors)
        if not errors:
            spent[project.id][report.day] = dict(report.spend_fen)
            plan.append((submission, project, current.get(key), filing))
    return plan


def _check(
    report: DailyReportInput,
    project: Project,
    *,
    budget: Mapping[str, int],
    spent_before: Mapping[str, int],
    current: DailyReport | None,
    today: date,
) -> tuple[list[InputError], Filing]:
    """Check one report against its project and the day's stored version; say what filing it is."""
    errors = check_report(
        report,
        run=ProjectRun(project.title, project.status, project.starts_on, project.ends_on),
        budget=budget,
        spent_before=spent_before,
        today=today,
    )
    filing = Filing.NEW
    try:
        filing = classify_filing(report, current)
    except InputError as error:
        errors.append(error)
    return errors, filing


def file_each(
    session: Session,
    submissions: Sequence[tuple[Submission, Project]],
    *,
    now: datetime,
    source: str,
    today: date,
) -> list[Filed | ReportsRejected]:
    """Check and store each submission on its own, in order; a refused one stores nothing.

    The submissions are taken as if sent one after another: a later one for the
    same project and day finds the earlier one stored (so a re-send is a
    duplicate and an edit needs `revise`), and the budget check counts what the
    earlier ones spent. All the projects' budgets, spend and stored days are read
    once for the whole batch. The caller commits.
    """
    ids = {project.id or 0 for _, project in submissions}
    budgets = plans.list_budgets(session, project_ids=ids)
    # What each project spent so far in all; a day's own spend is taken off when it is checked.
    totals = defaultdict(dict, monitoring.list_spend_totals(session, project_ids=ids))
    current = monitoring.list_current_reports(
        session, keys={(project.id or 0, s.report.day) for s, project in submissions}
    )
    results: list[Filed | ReportsRejected] = []
    versions: list[tuple[DailyReport, DailyReport | None]] = []
    for submission, project in submissions:
        report, key = submission.report, (project.id or 0, submission.report.day)
        stored = current.get(key)
        replaced = stored.spend_fen if stored else {}
        errors, filing = _check(
            report,
            project,
            budget=budgets.get(key[0], {}),
            spent_before=_add(totals[key[0]], replaced, sign=-1),
            current=stored,
            today=today,
        )
        if errors:
            results.append(_rejected([(submission.where, error) for error in errors]))
            continue
        if filing != Filing.DUPLICATE:
            version = build_version(
                report, project_id=key[0], current=stored, now=submission.at or now, source=source
            )
            versions.append((version, stored))
            current[key] = version
            totals[key[0]] = _add(_add(totals[key[0]], replaced, sign=-1), report.spend_fen)
        results.append(Filed(filing, current[key]))
    monitoring.add_report_versions(session, versions)
    return results


def _add(totals: Mapping[str, int], spend: Mapping[str, int], *, sign: int = 1) -> dict[str, int]:
    added = dict(totals)
    for category, amount in spend.items():
        added[category] = added.get(category, 0) + sign * amount
    return added


def _sum_except(by_day: dict[date, dict[str, int]], day: date) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for other, spend in by_day.items():
        if other != day:
            for category, amount in spend.items():
                totals[category] += amount
    return dict(totals)
