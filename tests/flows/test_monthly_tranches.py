"""The mid-term tranche: paid once on a passing grade, held (and the agency told) on a failing one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlmodel import Session, select

from flows.monitoring.notices import send_notices
from flows.monitoring.release_tranches import decide_midterm_tranches, release_tranches
from models.award import Tranche
from models.fund import LedgerEntry, LedgerKind
from models.monitoring import MonthlyEvaluation, Notice
from tests.monitoring_builders import AWARD_FEN, SmtpSink, build_running_cycle, free_port

DAY = date(2026, 9, 5)


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    handler, port = SmtpSink(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("GONGYI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GONGYI_SMTP_PORT", str(port))
    monkeypatch.setenv("GONGYI_OFFICER_EMAIL", "officer@street.example")
    yield handler
    controller.stop()


def midterm(
    session: Session,
    project_id: int,
    grade: str,
    *,
    status: str = "published",
    month: str = "2026-08",
) -> None:
    session.add(
        MonthlyEvaluation(
            project_id=project_id,
            month=month,
            month_index=3,
            status=status,
            grade=grade,
            total_score=75.0,
        )
    )
    session.commit()


def payments(session: Session) -> list[LedgerEntry]:
    session.expire_all()
    return list(
        session.exec(
            select(LedgerEntry)
            .where(LedgerEntry.kind == LedgerKind.PAYMENT)
            .order_by(LedgerEntry.id)
        )
    )


def second_tranche(session: Session, project_id: int) -> Tranche:
    session.expire_all()
    return session.exec(
        select(Tranche).where(Tranche.award_id == project_id, Tranche.seq == 2)
    ).one()


def test_a_passing_midterm_grade_pays_the_second_tranche_once(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    midterm(session, cycle.project_ids[0], "合格")
    summary, _ = decide_midterm_tranches.fn(cycle.cycle_id, DAY)
    again, _ = decide_midterm_tranches.fn(cycle.cycle_id, DAY)
    assert (summary.released, summary.released_fen) == (("测试项目1",), AWARD_FEN * 30 // 100)
    assert again.released == ()
    paid = payments(session)
    assert [(p.amount_fen, p.idempotency_key) for p in paid[1:]] == [
        (360_000, f"payment:tranche:{second_tranche(session, 1).id}")
    ]
    tranche = second_tranche(session, 1)
    assert (tranche.status, tranche.released_on) == ("released", DAY)


def test_a_failing_midterm_grade_holds_the_tranche_and_tells_agency_and_officer_once(
    session: Session, sink: SmtpSink
) -> None:
    cycle = build_running_cycle(session, projects=1)
    midterm(session, cycle.project_ids[0], "不合格")
    for _ in range(2):
        _summary, keys = decide_midterm_tranches.fn(cycle.cycle_id, DAY)
        send_notices.fn(keys)
    assert second_tranche(session, 1).status == "withheld"
    assert len(payments(session)) == 1  # only the first tranche, paid at signing
    [message] = sink.messages
    assert message["To"] == "agency1@example.org, officer@street.example"
    assert "暂缓拨付" in message["Subject"] and "不合格" in message.get_content()
    assert len(session.exec(select(Notice)).all()) == 1


def test_a_held_tranche_is_paid_if_a_later_published_midterm_passes(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    midterm(session, cycle.project_ids[0], "不合格")
    decide_midterm_tranches.fn(cycle.cycle_id, DAY)
    evaluation = session.exec(select(MonthlyEvaluation)).one()
    evaluation.grade = "合格"
    session.add(evaluation)
    session.commit()
    summary, _ = decide_midterm_tranches.fn(cycle.cycle_id, DAY)
    assert summary.released == ("测试项目1",)
    assert second_tranche(session, 1).status == "released"


@pytest.mark.parametrize("status", ["draft", "in_review", "approved"])
def test_the_tranche_waits_until_the_midterm_evaluation_is_published(
    session: Session, status: str
) -> None:
    cycle = build_running_cycle(session, projects=1)
    midterm(session, cycle.project_ids[0], "良好", status=status)
    summary, _ = decide_midterm_tranches.fn(cycle.cycle_id, DAY)
    assert (summary.released, summary.held, summary.waiting) == ((), (), 1)


def test_only_the_middle_months_evaluation_counts(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    midterm(session, cycle.project_ids[0], "优秀", month="2026-07")
    summary, _ = decide_midterm_tranches.fn(cycle.cycle_id, DAY)
    assert summary.waiting == 1 and payments(session)[1:] == []


def test_a_payment_the_fund_cannot_cover_is_reported_and_not_made(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    midterm(session, cycle.project_ids[0], "良好")
    entry = session.exec(select(LedgerEntry).where(LedgerEntry.kind == LedgerKind.DONATION)).one()
    entry.amount_fen = 700_000  # 600,000.00 of it went out as the first tranche
    session.add(entry)
    session.commit()
    summary, _ = decide_midterm_tranches.fn(cycle.cycle_id, DAY)
    assert summary.released == () and "未能拨付" in summary.errors[0]
    assert second_tranche(session, 1).status == "planned"


@pytest.mark.usefixtures("prefect_harness")
def test_the_release_flow_pays_and_holds_in_one_run(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    midterm(session, cycle.project_ids[0], "优秀")
    midterm(session, cycle.project_ids[1], "不合格")
    result = release_tranches(cycle.cycle_id, DAY)
    assert (result.released, result.held) == (("测试项目1",), ("测试项目2",))
    assert release_tranches(cycle.cycle_id, DAY).released == ()
    assert len(payments(session)) == 3


def test_a_closed_projects_midterm_tranche_is_no_longer_decided(session: Session) -> None:
    from models.project import Project

    cycle = build_running_cycle(session, projects=1)
    project = session.get(Project, cycle.project_ids[0])
    assert project is not None
    project.status = "completed"  # closed at 结项: its unpaid commitment was released then
    session.add(project)
    session.commit()
    midterm(session, cycle.project_ids[0], "合格")

    summary, keys = decide_midterm_tranches.fn(cycle.cycle_id, DAY)

    assert (summary.released, summary.held, summary.waiting, summary.errors) == ((), (), 0, ())
    assert keys == [] and len(payments(session)) == 1
    assert second_tranche(session, 1).status == "planned"
