"""Queries for daily reports (日报告) and their versions.

A day's report is stored once per version; only the current version counts.
`add_report_version` (`add_report_versions` for a batch) retires the current
one and adds the next in the same transaction, and the (project, day, version)
key stops two editors from both writing the same version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import BigInteger, cast, func, insert, true, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from models.monitoring import DailyReport
from models.project import Project


def get_current_report(session: Session, *, project_id: int, day: date) -> DailyReport | None:
    """Return the current version of a project's report for `day`, if any."""
    return session.exec(
        select(DailyReport).where(
            DailyReport.project_id == project_id,
            DailyReport.day == day,
            col(DailyReport.is_current).is_(True),
        )
    ).first()


def add_report_version(
    session: Session, report: DailyReport, *, current: DailyReport | None
) -> DailyReport:
    """Store `report` as the day's current version, keeping the one it replaces."""
    if current is not None:
        current.is_current = False
        session.add(current)
        session.flush()
    session.add(report)
    session.flush()
    return report


def add_report_versions(
    session: Session, versions: Iterable[tuple[DailyReport, DailyReport | None]]
) -> None:
    """Store many reports at once, each as its day's current version, keeping those replaced.

    Each pair is (new version, the version it replaces, if any); the one replaced may
    itself be new in this batch, and is then stored already retired. The stored
    versions are retired by one UPDATE and the new rows written by one multi-row
    INSERT, without the ORM's unit of work; each new report gets its id.
    """
    versions = list(versions)
    retired = []
    for _, current in versions:
        if current is None:
            continue
        if current.id is None:
            current.is_current = False  # new in this batch, so written retired
        else:
            retired.append(current.id)
            # The row is retired by the UPDATE below; the session must not write it again.
            set_committed_value(current, "is_current", False)
    table = DailyReport.__table__  # type: ignore[attr-defined]
    if retired:
        session.execute(update(table).where(table.c.id.in_(retired)).values(is_current=False))
    if not versions:
        return
    columns = [c.key for c in table.columns if c.key != "id"]
    rows = [{name: getattr(report, name) for name in columns} for report, _ in versions]
    inserted = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    for (report, _), (report_id,) in zip(versions, inserted, strict=True):
        report.id = report_id


def list_report_versions(session: Session, *, project_id: int, day: date) -> list[DailyReport]:
    """List every version of a project's report for `day`, oldest first."""
    return list(
        session.exec(
            select(DailyReport)
            .where(DailyReport.project_id == project_id, DailyReport.day == day)
            .order_by(DailyReport.version)
        )
    )


def list_daily_reports(
    session: Session, *, cycle_id: int, first: date, last: date
) -> list[DailyReport]:
    """List the current reports of the cycle's projects for days in [first, last]."""
    return list(
        session.exec(
            select(DailyReport)
            .join(Project, Project.id == DailyReport.project_id)  # type: ignore[arg-type]
            .where(
                Project.cycle_id == cycle_id,
                DailyReport.day >= first,
                DailyReport.day <= last,
                col(DailyReport.is_current).is_(True),
            )
            .order_by(DailyReport.project_id, DailyReport.day)
        )
    )


def list_spend_by_day(
    session: Session, *, project_ids: Iterable[int]
) -> dict[int, dict[date, dict[str, int]]]:
    """Return the spend of every current report of some projects: project -> day -> category."""
    ids = list(project_ids)
    spend: dict[int, dict[date, dict[str, int]]] = defaultdict(dict)
    for chunk in range(0, len(ids), 500):
        for project_id, day, amounts in session.exec(
            select(DailyReport.project_id, DailyReport.day, DailyReport.spend_fen).where(
                col(DailyReport.project_id).in_(ids[chunk : chunk + 500]),
                col(DailyReport.is_current).is_(True),
            )
        ):
            spend[project_id][day] = dict(amounts)
    return spend


def list_spend_totals(session: Session, *, project_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Return what the current reports of some projects spent in all: project -> category."""
    # Summed by the database over each report's JSON spend, instead of a row per day here.
    sqlite = session.get_bind().dialect.name == "sqlite"
    pairs = func.json_each if sqlite else func.json_each_text
    each = pairs(DailyReport.spend_fen).table_valued("key", "value")
    ids = list(project_ids)
    totals: dict[int, dict[str, int]] = defaultdict(dict)
    for chunk in range(0, len(ids), 500):
        for project_id, category, amount in session.exec(
            select(DailyReport.project_id, each.c.key, func.sum(cast(each.c.value, BigInteger)))
            .select_from(DailyReport)
            .join(each, true())
            .where(
                col(DailyReport.project_id).in_(ids[chunk : chunk + 500]),
                col(DailyReport.is_current).is_(True),
            )
            .group_by(DailyReport.project_id, each.c.key)
        ):
            totals[project_id][category] = int(amount)
    return totals


def list_current_reports(
    session: Session, *, keys: Iterable[tuple[int, date]]
) -> dict[tuple[int, date], DailyReport]:
    """Return the current report for each (project, day) that has one."""
    wanted = set(keys)
    found: dict[tuple[int, date], DailyReport] = {}
    ids = sorted({project_id for project_id, _ in wanted})
    days = sorted({day for _, day in wanted})
    for chunk in range(0, len(ids), 500):
        for report in session.exec(
            select(DailyReport).where(
                col(DailyReport.project_id).in_(ids[chunk : chunk + 500]),
                col(DailyReport.day).in_(days),
                col(DailyReport.is_current).is_(True),
            )
        ):
            if (report.project_id, report.day) in wanted:
                found[(report.project_id, report.day)] = report
    return found


def list_project_reports(
    session: Session, *, project_ids: Iterable[int], first: date, last: date
) -> dict[int, list[DailyReport]]:
    """Return the current reports of some projects for days in [first, last], by project."""
    ids = list(project_ids)
    reports: dict[int, list[DailyReport]] = defaultdict(list)
    for chunk in range(0, len(ids), 500):
        for report in session.exec(
            select(DailyReport)
            .where(
                col(DailyReport.project_id).in_(ids[chunk : chunk + 500]),
                DailyReport.day >= first,
                DailyReport.day <= last,
                col(DailyReport.is_current).is_(True),
            )
            .order_by(DailyReport.project_id, DailyReport.day)
        ):
            reports[report.project_id].append(report)
    return reports
