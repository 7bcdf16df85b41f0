"""The demo's generated daily reports fit their project: its own activities and notes, about its plan.

No database: the reports are written from demo/activities.csv, demo/daily_notes.csv
and demo/kpis.csv for projects built in memory, as `submit_demo_daily_reports`
writes them before the intake checks them.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date

import pytest

from flows.demo.demo_monitoring import DemoText, demo_report, plan_month, read_demo_text
from models.calendar import month_bounds
from models.compliance import due_days
from models.project import Project
from tests.builders import DEMO_DIR

START, END = date(2026, 6, 1), date(2026, 11, 30)
TEXT = read_demo_text(DEMO_DIR)


def _funded() -> list[tuple[str, str]]:
    """(title, domain key) of the demo's proposals that have their own activities."""
    rows = csv.DictReader((DEMO_DIR / "proposals.csv").open(encoding="utf-8"))
    return [(r["项目名称"], r["服务领域"]) for r in rows if r["项目名称"] in TEXT.activities]


def _targets() -> dict[str, dict[int, dict[str, int]]]:
    found: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in csv.reader((DEMO_DIR / "kpis.csv").open(encoding="utf-8")):
        if row[0] == "项目名称":
            continue
        for month, value in enumerate(row[2:], start=1):
            found[row[0]][month][row[1]] = int(value)
    return found


def _month(project: Project, month: str, text: DemoText, key: str):  # type: ignore[no-untyped-def]
    first, last = month_bounds(month)
    days = due_days(first, last, starts_on=project.starts_on, ends_on=project.ends_on)
    targets = _targets()[project.title][int(month[-2:]) - 5]
    plan = plan_month(project, month, list(days), targets, {"活动费": 10_000})
    return targets, [demo_report(project, d, key=key, text=text, plan=plan) for d in days]


def _project(pid: int, title: str) -> Project:
    return Project(
        id=pid,
        award_id=pid,
        cycle_id=1,
        agency_id=1,
        domain_id=1,
        community_id=1,
        title=title,
        starts_on=START,
        ends_on=END,
        months=6,
        people_planned=1000,
    )


FUNDED = _funded()


def test_every_funded_demo_project_has_activities_and_notes_of_its_own() -> None:
    assert len(FUNDED) == 22
    for title, _ in FUNDED:
        for _, activity in TEXT.activities[title]:
            assert TEXT.activity_notes[(title, activity)], (title, activity)


@pytest.mark.parametrize(("pid", "title", "key"), [(n, t, k) for n, (t, k) in enumerate(FUNDED, 1)])
def test_a_projects_reports_show_only_its_own_activities_and_notes(
    pid: int, title: str, key: str
) -> None:
    project = _project(pid, title)
    own = set(TEXT.activities[title])
    others = {
        note
        for (other, _), notes in TEXT.activity_notes.items()
        if other != title
        for note in notes
    }
    _, reports = _month(project, "2026-06", TEXT, key)
    active = [r for r in reports if r.activities]
    assert active
    for report in active:
        assert {(a.kind, a.title) for a in report.activities} <= own
        (activity,) = report.activities
        templates = TEXT.activity_notes[(title, activity.title)]
        assert any(
            report.summary
            == t.replace("{n}", str(activity.people)).replace(
                "{m}", str(max(1, activity.people // 4))
            )
            for t in templates
        ), report.summary
        assert report.summary not in others


@pytest.mark.parametrize("month", ["2026-06", "2026-08"])
def test_a_months_reports_add_up_to_about_the_projects_plan(month: str) -> None:
    for pid, (title, key) in enumerate(FUNDED, 1):
        targets, reports = _month(_project(pid, title), month, TEXT, key)
        activities = sum(len(r.activities) for r in reports)
        people = sum(a.people for r in reports for a in r.activities)
        new = len({ref for r in reports for ref in r.beneficiary_refs})
        assert targets["活动场次"] <= activities <= targets["活动场次"] * 1.2 + 1, title
        assert 0.85 * targets["服务人次"] <= people <= 1.2 * targets["服务人次"], title
        assert 0.8 * targets["受益人数"] <= new <= 1.5 * targets["受益人数"] + 2, title
        idle = [r for r in reports if not r.activities]
        assert all(r.no_activity_reason for r in idle)


def test_the_reports_are_the_same_on_every_run() -> None:
    title, key = FUNDED[0]
    first = _month(_project(1, title), "2026-07", TEXT, key)
    again = _month(_project(1, title), "2026-07", read_demo_text(DEMO_DIR), key)
    assert first == again
