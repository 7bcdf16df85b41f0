"""Headline figures as of a date: pure arithmetic over dated facts (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from models.compliance import ReportStamp
from models.figures import (
    DatedMovement,
    NeedFact,
    PlannedKpi,
    ProjectSpan,
    ServiceFact,
    count_needs,
    count_people,
    count_reports,
    current_versions,
    money_by_award,
    month_index,
    sum_money,
)
from models.report_calendar import ProjectRun
from models.status import ProjectStatus

SHANGHAI = timezone(timedelta(hours=8))
LEDGER = [
    DatedMovement("donation", 100_000_00, date(2026, 4, 8)),
    DatedMovement("commitment", 80_000_00, date(2026, 6, 1), award_id=1),
    DatedMovement("payment", 40_000_00, date(2026, 6, 1), award_id=1),
    DatedMovement("payment", 30_000_00, date(2026, 9, 5), award_id=1),
    DatedMovement("refund", 5_000_00, date(2026, 12, 1), award_id=1),
    DatedMovement("release", 10_000_00, date(2026, 12, 1), award_id=1),
]


def test_money_counts_only_entries_dated_by_the_day() -> None:
    june = sum_money(LEDGER, as_of=date(2026, 7, 1))
    assert (june.raised_fen, june.committed_fen, june.paid_fen) == (
        100_000_00,
        80_000_00,
        40_000_00,
    )
    assert june.refunded_fen == june.released_fen == 0
    assert june.unpaid_fen == 40_000_00 and june.held_fen == 60_000_00
    closed = sum_money(LEDGER, as_of=date(2026, 12, 31))
    assert closed.paid_fen == 70_000_00 and closed.refunded_fen == 5_000_00
    assert closed.released_fen == 10_000_00 and closed.unpaid_fen == 0
    assert closed.available_fen == 100_000_00 + 5_000_00 + 10_000_00 - 80_000_00
    assert closed.net_paid_fen == 65_000_00


def test_money_by_award_as_of() -> None:
    assert money_by_award(LEDGER, as_of=date(2026, 6, 30))[1].paid_fen == 40_000_00
    assert money_by_award(LEDGER, as_of=date(2026, 9, 5))[1].paid_fen == 70_000_00
    assert money_by_award(LEDGER, as_of=date(2026, 5, 1)) == {}


def test_needs_per_domain_count_pending_in_their_suggested_domain() -> None:
    day = date(2026, 3, 1)
    needs = [
        NeedFact(1, 1, "youth", True, day),
        NeedFact(2, 1, "", False, day),  # merged into 1: a resident of youth's group
        NeedFact(3, 3, "youth", False, day),  # suggested, not confirmed
        NeedFact(4, 4, "", False, day),  # no domain at all
        NeedFact(5, 5, "elderly", True, date(2026, 4, 1)),  # submitted later
    ]
    figures = count_needs(needs, domain_keys=["elderly", "youth"], as_of=date(2026, 3, 31))
    youth = figures.of("youth")
    assert (youth.groups, youth.pending, youth.residents) == (2, 1, 3)
    assert figures.of("elderly").groups == 0
    assert figures.unsorted.groups == 1 and figures.groups == 3 and figures.residents == 4
    later = count_needs(needs, domain_keys=["elderly", "youth"], as_of=date(2026, 4, 30))
    assert later.of("elderly").groups == 1 and later.pending == 1


def test_people_distinct_and_visits_beside_the_plan() -> None:
    at = datetime(2026, 6, 2, 20, 0)
    reports = [
        ServiceFact(1, date(2026, 6, 1), 1, at, 10, ("a", "b")),
        ServiceFact(1, date(2026, 6, 1), 2, datetime(2026, 7, 10), 12, ("a", "b", "c")),
        ServiceFact(1, date(2026, 6, 2), 1, at, 5, ("a",)),
        ServiceFact(1, date(2026, 7, 1), 1, datetime(2026, 7, 1, 9), 7, ("d",)),
    ]
    plan = [
        PlannedKpi(1, 1, "服务人次", 20),
        PlannedKpi(1, 2, "服务人次", 30),
        PlannedKpi(1, 1, "受益人数", 4),
    ]
    known = current_versions(reports, known_by=datetime(2026, 7, 5, 23, 59))
    june = count_people(
        known, plan, starts_on={1: date(2026, 6, 1)}, first=date(2026, 6, 1), last=date(2026, 6, 30)
    )
    assert (june.service_visits, june.beneficiaries) == (15, 2)
    assert (june.planned_visits, june.planned_beneficiaries) == (20, 4)
    assert june.planned_visits_total == 50
    later = count_people(
        current_versions(reports),
        plan,
        starts_on={1: date(2026, 6, 1)},
        first=None,
        last=date(2026, 7, 31),
    )
    assert (later.service_visits, later.beneficiaries, later.planned_visits) == (24, 4, 50)
    assert month_index(date(2026, 6, 15), date(2027, 1, 1)) == 8


def test_reports_due_and_on_time() -> None:
    spans = [ProjectSpan(1, date(2026, 6, 1), date(2026, 6, 5))]  # Monday to Friday
    stamps = [
        (1, ReportStamp(date(2026, 6, 1), datetime(2026, 6, 1, 20, 0))),
        (1, ReportStamp(date(2026, 6, 2), datetime(2026, 6, 3, 9, 0))),  # late
        (1, ReportStamp(date(2026, 6, 3), datetime(2026, 6, 3, 12, 0, tzinfo=UTC))),
    ]
    figures = count_reports(
        spans, stamps, first=date(2026, 6, 1), last=date(2026, 6, 30), tz=SHANGHAI
    )
    assert (figures.due, figures.submitted, figures.on_time) == (5, 3, 2)
    assert (figures.late, figures.missing, figures.on_time_percent) == (1, 2, 40)


def test_a_need_changed_after_the_day_is_counted_as_it_stood() -> None:
    day = date(2026, 3, 1)
    needs = [
        NeedFact(1, 1, "youth", True, day, changed_on=date(2026, 3, 5)),  # confirmed on 3-5
        NeedFact(2, 1, "youth", False, day, changed_on=date(2026, 4, 1)),  # merged into 1 on 4-1
    ]
    march = count_needs(needs, domain_keys=["youth"], as_of=date(2026, 3, 2))
    assert (march.of("youth").groups, march.of("youth").pending) == (2, 2)
    later = count_needs(needs, domain_keys=["youth"], as_of=date(2026, 4, 1))
    assert (later.of("youth").groups, later.of("youth").pending, later.residents) == (1, 0, 2)


def test_no_report_is_due_once_a_project_stopped() -> None:
    run = ProjectRun(
        date(2026, 6, 1), date(2026, 6, 30), ProjectStatus.TERMINATED, date(2026, 6, 4)
    )
    spans = [ProjectSpan(1, run.starts_on, run.last_due)]
    stamps = [(1, ReportStamp(date(2026, 6, 4), datetime(2026, 6, 4, 18)))]  # sent on the stop day
    figures = count_reports(
        spans, stamps, first=date(2026, 6, 1), last=date(2026, 6, 30), tz=SHANGHAI
    )
    assert (figures.due, figures.submitted) == (3, 0)  # Monday to Wednesday


def test_a_paper_form_typed_in_later_counts_from_its_arrival() -> None:
    typed = datetime(2026, 12, 2, 10, 0)
    arrived = datetime(2026, 6, 3, 18, 30)
    reports = [
        ServiceFact(1, date(2026, 6, 3), 1, typed, 8, ("a",), received_at=arrived),
        # A correction typed in later that gives no arrival of its own keeps the first one's:
        # it is known from when it was typed, not from the paper form's day.
        ServiceFact(1, date(2026, 6, 3), 2, datetime(2026, 12, 3, 9), 9, ("a", "b"), 0, arrived),
        # A correction with its own arrival counts from that arrival.
        ServiceFact(1, date(2026, 6, 4), 1, typed, 4, ("c",), received_at=datetime(2026, 6, 4, 19)),
        ServiceFact(
            1, date(2026, 6, 4), 2, typed, 5, ("c", "d"), received_at=datetime(2026, 6, 6, 9)
        ),
    ]
    july = current_versions(reports, known_by=datetime(2026, 7, 5, 23, 59))
    assert [(r.day.day, r.version) for r in july] == [(3, 1), (4, 2)]
    june_5 = current_versions(reports, known_by=datetime(2026, 6, 5, 23, 59))
    assert [(r.day.day, r.version) for r in june_5] == [(3, 1), (4, 1)]
    assert [(r.day.day, r.version) for r in current_versions(reports)] == [(3, 2), (4, 2)]
