"""Filing daily reports (日报告): the one filing path every door calls.

Reports arrive from a spreadsheet, from the CLI, from the portal's form or the
JSON API; each door only shapes its input into `Submission`s
(`models.report_input`) and calls here with the actor and `now`. A batch (a
spreadsheet, the CLI, the form, the demo) is filed by `file_reports`, all or
nothing; the API files the submissions of many clients at once through
`file_each`, which answers each on its own. Every report is checked for the
actor (an agency files for its own projects only: `services.projects`) and
against its project by the rules in `models.reporting` — the day is within the
run and not in the future (today is `now`'s date), the project is running,
spend stays within the budget lines, no personal data — and a batch is refused,
naming each problem, if any report is bad. The office may give the time a
paper form reached it (`Submission.received_at`, `models.arrival`): lateness is
judged on it, the entry time is still stored, and a revision keeps the
arrival of the version it replaces unless the office gives a new one. A report that repeats the stored one
is not stored again; a changed one marked as a revision becomes the next
version. Writes go through `store.monitoring`, with the audit event, in one
unit of work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.arrival import ARRIVAL_COLUMN, arrival_problem
from models.monitoring import DailyReport
from models.project import Project
from models.report_input import DailyReportInput, InputError
from models.reporting import (
    PROJECT_STATUS_LABELS,
    Filing,
    ProjectRun,
    build_version,
    check_report,
    classify_filing,
    duplicate_message,
)
from models.status import CLOSED_PROJECT_STATUSES, ProjectStatus, Role, asks_for_reports
from models.text import text_problem
from services import Actor, Forbidden, NotFound, Refused, ServiceError, audit
from services.projects import OFFICE_ROLES, check_own, own_project
from store import awards, monitoring, plans, portal
from store.database import unit_of_work


@dataclass(frozen=True)
class Submission:
    """One report, where it came from (for error messages) and, if known, when it was sent.

    `project_id` is the project when the door knows it (the portal's form, the
    API's URL); otherwise the report names its project as people write it (a
    spreadsheet's 项目名称, or its id), looked up in the cycle.
    """

    where: str
    report: DailyReportInput
    at: datetime | None = None
    project_id: int | None = None
    # When the office received the paper form or message (business time); office staff only.
    received_at: datetime | None = None


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


class ReportsRejected(Refused, ValueError):
    """Reports refused as a whole; `problems` names each one, `errors` holds each field error."""

    def __init__(self, problems: list[str], *, errors: tuple[InputError, ...] = ()) -> None:
        super().__init__(f"{len(problems)} 处错误，未写入任何日报告")
        self.problems = problems
        self.errors = errors


def _rejected(problems: list[tuple[str, InputError]]) -> ReportsRejected:
    return ReportsRejected(
        [f"{where}{error}" for where, error in problems], errors=tuple(e for _, e in problems)
    )


def _may_file(actor: Actor) -> None:
    if actor.role not in OFFICE_ROLES and actor.role != Role.AGENCY:
        raise Forbidden(f"您的账号角色（{actor.role}）不能提交日报告")


def require_reporting(project: Project) -> None:
    """Refuse, naming the project, a report or draft for a project that asks for none.

    A project closed at 结项 (or terminated) never takes another daily report, at any door.
    """
    if asks_for_reports(project.status):
        return
    label = PROJECT_STATUS_LABELS.get(ProjectStatus(project.status), project.status)
    if project.status in CLOSED_PROJECT_STATUSES:
        raise Refused(f"服务项目「{project.title}」{label}，不再提交日报告")
    raise Refused(f"服务项目「{project.title}」不在执行中（{label}），不能提交日报告")


def file_reports(
    session: Session,
    submissions: list[Submission],
    *,
    actor: Actor,
    now: datetime,
    source: str,
    cycle_id: int | None = None,
) -> IntakeSummary:
    """Check every submission, then store them all or raise ReportsRejected storing none.

    A submission names its project by id, or by name within `cycle_id`. An
    agency's report for a project not its own is refused as not found.
    """
    summary = _file_batch(
        session, submissions, actor=actor, now=now, source=source, cycle_id=cycle_id
    )
    days = {s.report.day for s in submissions}
    with unit_of_work(session):
        audit.record(
            session,
            actor=actor,
            now=now,
            action="daily_reports_filed",
            subject_type="daily_report",
            # The batch's service day, when it is one day (a sheet of many days has none).
            on=days.pop() if len(days) == 1 else None,
            detail=f"{source}：新增 {summary.added} 份，修订 {summary.revised} 份，"
            f"未变化 {len(summary.unchanged)} 份",
        )
    return summary


def submit_form(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    project_id: int,
    report: DailyReportInput,
    account_id: int | None = None,
    where: str = "",
) -> IntakeSummary:
    """File the portal form's report for one of the agency's projects, then drop its draft.

    `account_id` is the portal account whose draft of that day the report replaces.
    """
    project = own_project(session, actor=actor, project_id=project_id)
    require_reporting(project)
    summary = _file_batch(
        session,
        [Submission(where, report, project_id=project_id)],
        actor=actor,
        now=now,
        source="web",
        cycle_id=project.cycle_id,
        commit=False,
    )
    with unit_of_work(session):
        if account_id is not None:
            portal.set_draft_removed(
                session, account_id=account_id, project_id=project_id, day=report.day
            )
        audit.record(
            session,
            actor=actor,
            now=now,
            action="report_submit",
            subject_type="project",
            subject_id=project_id,
            on=report.day,
            detail=f"{report.day} " + ("重复提交，未变化" if summary.unchanged else "已保存"),
        )
    return summary


def save_draft(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    account_id: int,
    project_id: int,
    day: date,
    fields: dict[str, str],
) -> None:
    """Keep the form's fields as a portal account's draft of one project's day."""
    require_reporting(own_project(session, actor=actor, project_id=project_id))
    for name, value in fields.items():
        if (problem := text_problem(value)) is not None:
            raise Refused(f"「{name}」{problem}")
    with unit_of_work(session):
        portal.set_draft(
            session,
            account_id=account_id,
            project_id=project_id,
            day=day,
            fields=fields,
            now=now,
        )
        audit.record(
            session,
            actor=actor,
            now=now,
            action="report_draft",
            subject_type="project",
            subject_id=project_id,
            detail=day.isoformat(),
        )


def _file_batch(
    session: Session,
    submissions: list[Submission],
    *,
    actor: Actor,
    now: datetime,
    source: str,
    cycle_id: int | None,
    commit: bool = True,
) -> IntakeSummary:
    """Check the batch, then store it (committed unless `commit` is False) or refuse it whole."""
    _may_file(actor)
    found, problems = _projects(session, submissions, actor=actor, cycle_id=cycle_id)
    if problems:
        raise _rejected(problems)
    ids = {p.id or 0 for p in found}
    budgets = plans.list_budgets(session, project_ids=ids)
    # Spend of every day so far, for the budget-line check; whole rows only for the days sent.
    spent = monitoring.list_spend_by_day(session, project_ids=ids)
    current = monitoring.list_current_reports(
        session,
        keys={(p.id or 0, s.report.day) for s, p in zip(submissions, found, strict=True)},
    )
    problems.extend(_arrival_problems(submissions, actor=actor, now=now))
    plan = _plan(submissions, found, spent, current, budgets, today=now.date(), problems=problems)
    if problems:
        raise _rejected(problems)
    if not commit:
        return _store(session, plan, now=now, source=source)
    with unit_of_work(session):
        return _store(session, plan, now=now, source=source)


Planned = tuple[Submission, Project, DailyReport | None, Filing]
"""A checked report, its project, the day's stored version and what filing it is."""


def _store(session: Session, plan: list[Planned], *, now: datetime, source: str) -> IntakeSummary:
    """Store each checked report as a new or next version; duplicates are only counted."""
    added = revised = 0
    unchanged: list[str] = []
    reports: list[DailyReport] = []
    for submission, project, current, filing in plan:
        if filing == Filing.DUPLICATE and current is not None:
            unchanged.append(duplicate_message(submission.report, current))
            reports.append(current)
            continue
        version = build_version(
            submission.report,
            project_id=project.id or 0,
            current=current,
            now=submission.at or now,
            source=source,
        )
        version.received_at = _received(submission, current)
        reports.append(monitoring.add_report_version(session, version, current=current))
        added += filing == Filing.NEW
        revised += filing == Filing.REVISION
    return IntakeSummary(source, added, revised, tuple(unchanged), reports=tuple(reports))


def _arrival_problems(
    submissions: list[Submission], *, actor: Actor, now: datetime
) -> list[tuple[str, InputError]]:
    """Name each arrival time the actor may not give, or that is out of its bounds."""
    problems = []
    for s in submissions:
        if s.received_at is None:
            continue
        if actor.role not in OFFICE_ROLES:
            problem: str | None = "只有街道工作人员可以填写送达时间"
        else:
            problem = arrival_problem(s.received_at, day=s.report.day, now=now)
        if problem is not None:
            problems.append((s.where, InputError(ARRIVAL_COLUMN, problem)))
    return problems


def _received(submission: Submission, current: DailyReport | None) -> datetime | None:
    """The arrival a new version keeps: the one given now, else the replaced version's."""
    if submission.received_at is not None:
        return submission.received_at
    return current.received_at if current is not None else None


def _projects(
    session: Session, submissions: list[Submission], *, actor: Actor, cycle_id: int | None
) -> tuple[list[Project], list[tuple[str, InputError]]]:
    """Each submission's project, by id or by name in the cycle; name the ones not found.

    A project given by id that is not the actor's is refused as not found
    (NotFound); one named in a sheet that is not the actor's is reported like a
    name the cycle does not have, so neither reveals another agency's project.
    """
    by_id = {
        p.id: p
        for p in awards.list_projects_by_id(
            session, project_ids={s.project_id for s in submissions if s.project_id is not None}
        )
    }
    named = _by_name(session, submissions, cycle_id=cycle_id)
    found: list[Project] = []
    problems: list[tuple[str, InputError]] = []
    for s in submissions:
        if s.project_id is not None:
            project = check_own(actor, by_id.get(s.project_id), s.project_id)
            if cycle_id is not None and project.cycle_id != cycle_id:
                raise NotFound(f"本周期没有服务项目 #{s.project_id}")
            found.append(project)
            continue
        name = s.report.project
        candidates = [p for p in named.get(name, []) if _may_see(actor, p)]
        if len(candidates) == 1:
            found.append(candidates[0])
        elif candidates:
            # Titles are not unique: a name two projects share files for neither.
            message = f"本周期有 {len(candidates)} 个服务项目名为「{name}」，请改填项目编号"
            problems.append((s.where, InputError("项目名称", message)))
        else:
            problems.append((s.where, InputError("项目名称", f"本周期没有服务项目「{name}」")))
    return found, problems


def _by_name(
    session: Session, submissions: list[Submission], *, cycle_id: int | None
) -> dict[str, list[Project]]:
    """The cycle's projects by title, and by id written as a number, when a report names one."""
    if cycle_id is None or all(s.project_id is not None for s in submissions):
        return {}
    projects = awards.list_projects(session, cycle_id=cycle_id)
    by_name: dict[str, list[Project]] = defaultdict(list)
    for project in projects:
        by_name[project.title].append(project)
    # A number is the project's id, as the CLI's help says (项目名称或编号).
    return by_name | {str(project.id): [project] for project in projects}


def _may_see(actor: Actor, project: Project) -> bool:
    try:
        check_own(actor, project, project.id or 0)
    except ServiceError:
        return False
    return True


def _plan(
    submissions: list[Submission],
    projects: list[Project],
    spent: Mapping[int, dict[date, dict[str, int]]],
    current: Mapping[tuple[int, date], DailyReport],
    budgets: Mapping[int, Mapping[str, int]],
    *,
    today: date,
    problems: list[tuple[str, InputError]],
) -> list[Planned]:
    """Check each submission in order, counting earlier ones' spend; return what to store."""
    by_day: defaultdict[int, dict[date, dict[str, int]]] = defaultdict(dict, spent)
    seen: dict[tuple[int, date], str] = {}
    plan: list[Planned] = []
    for submission, project in zip(submissions, projects, strict=True):
        report, project_id = submission.report, project.id or 0
        key = (project_id, report.day)
        if key in seen:
            problems.append(
                (submission.where, InputError("日期", f"与{seen[key]}是同一项目同一天的日报告"))
            )
            continue
        seen[key] = submission.where
        errors, filing = _check(
            report,
            project,
            budget=budgets.get(project_id, {}),
            spent_before=_sum_except(by_day[project_id], report.day),
            current=current.get(key),
            today=today,
        )
        problems.extend((submission.where, error) for error in errors)
        if not errors:
            by_day[project_id][report.day] = dict(report.spend_fen)
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
    submissions: Sequence[tuple[Submission, Project, Actor]],
    *,
    now: datetime,
    source: str,
) -> list[Filed | ServiceError]:
    """Check and store each submission on its own, in order; a refused one stores nothing.

    Each comes with its project (read by the caller, for the whole batch at once)
    and the actor who sent it; an agency's report for a project not its own is
    answered NotFound, a report the rules refuse ReportsRejected. The
    submissions are taken as if sent one after another: a later one for the
    same project and day finds the earlier one stored (so a re-send is a
    duplicate and an edit needs `revise`), and the budget check counts what the
    earlier ones spent. All the projects' budgets, spend and stored days are read
    once for the whole batch; everything is stored, with each report's audit
    event, in one unit of work (the API's group commit).
    """
    today = now.date()
    ids = {project.id or 0 for _, project, _ in submissions}
    budgets = plans.list_budgets(session, project_ids=ids)
    # What each project spent so far in all; a day's own spend is taken off when it is checked.
    totals = defaultdict(dict, monitoring.list_spend_totals(session, project_ids=ids))
    current = monitoring.list_current_reports(
        session, keys={(project.id or 0, s.report.day) for s, project, _ in submissions}
    )
    results: list[Filed | ServiceError] = []
    versions: list[tuple[DailyReport, DailyReport | None]] = []
    for submission, project, actor in submissions:
        try:
            _may_file(actor)
            check_own(actor, project, project.id or 0)
            require_reporting(project)
        except ServiceError as error:
            results.append(error)
            continue
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
            version.received_at = _received(submission, stored)
            versions.append((version, stored))
            current[key] = version
            totals[key[0]] = _add(_add(totals[key[0]], replaced, sign=-1), report.spend_fen)
        results.append(Filed(filing, current[key]))
    with unit_of_work(session):
        monitoring.add_report_versions(session, versions)
        for (submission, project, actor), result in zip(submissions, results, strict=True):
            if isinstance(result, Filed):
                _audit_filed(session, actor, now, project, submission.report.day, result)
    return results


def _audit_filed(
    session: Session, actor: Actor, now: datetime, project: Project, day: date, filed: Filed
) -> None:
    audit.record(
        session,
        actor=actor,
        now=now,
        action=f"daily_report_{filed.filing}",
        subject_type="daily_report",
        subject_id=filed.report.id,
        on=day,
        detail=f"「{project.title}」{day} 第 {filed.report.version} 版",
    )


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
