"""Filing reports one by one in a shared transaction (`file_each`), as the API's writer does.

Each submission is answered as if it had been sent alone, after the ones
before it: a re-send is a duplicate, an edit needs `revise`, the budget counts
what the earlier ones spent, and a refused one leaves the others stored.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from models.monitoring import DailyReport
from models.project import Project
from models.report_input import Activity, DailyReportInput
from models.reporting import Filing
from services import clerk
from services.daily_reports import Filed, ReportsRejected, Submission, file_each
from store import monitoring
from store.awards import list_projects_by_id
from tests.monitoring_builders import BUDGET, SHANGHAI, build_running_cycle, store_report

NOW = datetime(2026, 6, 10, 20, tzinfo=SHANGHAI)
TODAY = date(2026, 6, 10)
DAY = date(2026, 6, 3)


def report(day: date = DAY, **fields) -> DailyReportInput:  # type: ignore[no-untyped-def]
    return DailyReportInput("", day, activities=(Activity("group", "手工", 8),), **fields)


def file(session: Session, project: Project, *reports: DailyReportInput) -> list:  # type: ignore[type-arg]
    results = file_each(
        session,
        [(Submission(f"第{n}份", r), project, clerk()) for n, r in enumerate(reports, start=1)],
        now=NOW,
        source="api",
    )
    session.commit()
    return results


def project_of(session: Session, projects: int = 1) -> list[Project]:
    cycle = build_running_cycle(session, projects=projects)
    return list_projects_by_id(session, project_ids=cycle.project_ids)


def rows(session: Session) -> list[tuple[date, int, bool, str]]:
    session.expire_all()
    found = session.exec(select(DailyReport).order_by(DailyReport.day, DailyReport.version))
    return [(r.day, r.version, r.is_current, r.summary) for r in found]


def test_a_re_send_in_the_same_batch_is_a_duplicate_of_the_first(session: Session) -> None:
    [project] = project_of(session)
    first, again = file(session, project, report(), report())
    assert isinstance(first, Filed) and isinstance(again, Filed)
    assert (first.filing, again.filing) == (Filing.NEW, Filing.DUPLICATE)
    assert again.report is first.report and first.report.id is not None
    assert rows(session) == [(DAY, 1, True, "")]


def test_an_edit_needs_revise_even_of_a_report_earlier_in_the_batch(session: Session) -> None:
    [project] = project_of(session)
    results = file(
        session,
        project,
        report(summary="一"),
        report(summary="二"),
        report(summary="三", revise=True),
    )
    assert isinstance(results[1], ReportsRejected) and "已提交日报告" in str(results[1].errors[0])
    assert [r.filing for r in results if isinstance(r, Filed)] == [Filing.NEW, Filing.REVISION]
    assert rows(session) == [(DAY, 1, False, "一"), (DAY, 2, True, "三")]
    versions = monitoring.list_report_versions(session, project_id=project.id or 0, day=DAY)
    assert versions[1].first_submitted_at == versions[0].first_submitted_at


def test_a_refused_report_leaves_the_others_of_its_batch_stored(session: Session) -> None:
    [project] = project_of(session)
    results = file(
        session,
        project,
        report(date(2026, 6, 1)),
        report(date(2026, 5, 20)),  # before the project starts
        report(date(2026, 6, 11)),  # still to come
        report(date(2026, 6, 2)),
    )
    kinds = [type(r).__name__ for r in results]
    assert kinds == ["Filed", "ReportsRejected", "ReportsRejected", "Filed"]
    assert "早于项目开始日期" in str(results[1].errors[0])  # type: ignore[union-attr]
    assert [day for day, *_ in rows(session)] == [date(2026, 6, 1), date(2026, 6, 2)]


def test_the_budget_counts_what_earlier_reports_of_the_batch_spent(session: Session) -> None:
    [project] = project_of(session)
    budget = BUDGET["活动费"]
    store_report(session, project.id or 0, date(2026, 6, 1), spend={"活动费": budget // 2})
    session.commit()
    half_left = budget - budget // 2
    results = file(
        session,
        project,
        report(date(2026, 6, 2), spend_fen={"活动费": half_left - 100}),
        report(date(2026, 6, 3), spend_fen={"活动费": 200}),  # 100 fen over what is left
        report(date(2026, 6, 4), spend_fen={"活动费": 100}),  # exactly what is left
    )
    assert isinstance(results[1], ReportsRejected) and "超出预算" in str(results[1].errors[0])
    assert isinstance(results[0], Filed) and isinstance(results[2], Filed)


def test_a_revision_is_checked_without_the_spend_it_replaces(session: Session) -> None:
    [project] = project_of(session)
    budget = BUDGET["物资费"]
    results = file(
        session,
        project,
        report(spend_fen={"物资费": budget}),
        report(spend_fen={"物资费": budget - 1}, revise=True),
        report(date(2026, 6, 4), spend_fen={"物资费": 1}),
        report(date(2026, 6, 5), spend_fen={"物资费": 1}),  # now over
    )
    assert [type(r).__name__ for r in results] == ["Filed", "Filed", "Filed", "ReportsRejected"]
    assert monitoring.list_spend_totals(session, project_ids=[project.id or 0]) == {
        project.id: {"物资费": budget}
    }


def test_spend_totals_count_only_current_versions_per_project(session: Session) -> None:
    first, second = project_of(session, projects=2)
    store_report(session, first.id or 0, date(2026, 6, 1), spend={"活动费": 100, "物资费": 5})
    store_report(session, first.id or 0, date(2026, 6, 2), spend={"活动费": 7})
    store_report(session, second.id or 0, date(2026, 6, 2), spend={})
    session.commit()
    file(session, first, report(date(2026, 6, 2), spend_fen={"活动费": 3}, revise=True))
    totals = monitoring.list_spend_totals(session, project_ids=[first.id or 0, second.id or 0])
    assert totals == {first.id: {"活动费": 103, "物资费": 5}}
