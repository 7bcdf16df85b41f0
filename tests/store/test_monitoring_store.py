"""Monitoring rows are keyed so a second run finds them: report versions, notices, cards, evaluations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.monitoring import DailyReport, MonthlyEvaluation, Notice, YellowCard
from store import evaluations, monitoring, notices
from tests.monitoring_builders import build_running_cycle, evening, store_report

DAY = date(2026, 6, 3)


def test_only_the_current_version_of_a_report_is_listed(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    first = store_report(session, cycle.project_ids[0], DAY, people=5)
    second = DailyReport(
        project_id=first.project_id,
        day=DAY,
        version=2,
        first_submitted_at=evening(DAY),
        submitted_at=evening(DAY, 21),
        people_served=7,
    )
    monitoring.add_report_version(session, second, current=first)
    session.commit()
    listed = monitoring.list_daily_reports(session, cycle_id=cycle.cycle_id, first=DAY, last=DAY)
    assert [(r.version, r.people_served) for r in listed] == [(2, 7)]
    assert [
        v.version
        for v in monitoring.list_report_versions(session, project_id=first.project_id, day=DAY)
    ] == [1, 2]
    assert monitoring.get_current_report(session, project_id=first.project_id, day=DAY).version == 2  # type: ignore[union-attr]


def test_two_editors_cannot_both_write_the_same_version(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    store_report(session, cycle.project_ids[0], DAY)
    session.add(
        DailyReport(
            project_id=cycle.project_ids[0],
            day=DAY,
            version=1,
            first_submitted_at=evening(DAY),
            submitted_at=evening(DAY),
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()


def test_a_notice_key_is_claimed_once(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    notice = dict(
        key="daily:1:2026-06-03",
        kind="remind",
        project_id=cycle.project_ids[0],
        day=DAY,
        subject="s",
        body="b",
    )
    _, first = notices.add_notice(session, Notice(**notice))  # type: ignore[arg-type]
    found, second = notices.add_notice(session, Notice(**notice))  # type: ignore[arg-type]
    session.commit()
    assert (first, second) == (True, False)
    assert len(notices.list_notices(session)) == 1 and found.key == notice["key"]


def test_a_project_gets_one_yellow_card_a_month(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    card = dict(
        agency_id=cycle.agency_ids[0],
        project_id=cycle.project_ids[0],
        month="2026-06",
        issued_on=DAY,
        reason="x",
    )
    assert notices.add_yellow_card(session, YellowCard(**card))[1] is True  # type: ignore[arg-type]
    assert notices.add_yellow_card(session, YellowCard(**card))[1] is False  # type: ignore[arg-type]
    session.commit()
    assert len(notices.list_yellow_cards(session, cycle_id=cycle.cycle_id, month="2026-06")) == 1


def test_measuring_again_keeps_the_scores_and_review(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    project = cycle.project_ids[0]
    stored = evaluations.set_measures(
        session, MonthlyEvaluation(project_id=project, month="2026-06", reports_expected=22)
    )
    stored.scores, stored.comment, stored.status = {"服务质量": 90.0}, "好", "in_review"
    session.commit()
    again = evaluations.set_measures(
        session, MonthlyEvaluation(project_id=project, month="2026-06", reports_expected=21)
    )
    session.commit()
    assert again.id == stored.id
    assert (again.reports_expected, again.scores, again.comment, again.status) == (
        21,
        {"服务质量": 90.0},
        "好",
        "in_review",
    )
