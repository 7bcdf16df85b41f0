"""Dated acts keep their business date beside the time of entry (issue #15 §7).

Opening a cycle and setting up its fund take the day they happened (`on`, `--on`;
default today): the audit event stores it in `business_on` and the entry time in
`at`; a date after today is refused and nothing is written. The other dated acts
(a gift, closing the fund, an excused day) forward the date they already take.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli import app
from models.cycle import Cycle
from models.fund import Fund
from models.status import Role
from models.user import AuditEvent
from services import Actor, Refused, cycle_setup, cycles, excused_days, fund
from store.database import get_engine
from tests.monitoring_builders import build_running_cycle

NOW = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
CLERK = Actor(login="王科长", name="王科长", role=Role.STAFF)
STREET = "新安街道办事处"


def _open(session: Session, on: date | None) -> cycles.CycleLine:
    return cycles.open_cycle(
        session,
        actor=CLERK,
        now=NOW,
        street_office=STREET,
        year=2026,
        name="2026 年度新安街道公益创投",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
        communities=["明珠社区", "新安社区"],
        on=on,
    )


def _event(session: Session, action: str) -> AuditEvent:
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)).one()


def _entered_at(event: AuditEvent) -> datetime:
    # SQLite gives the stored UTC time back naive, PostgreSQL aware.
    at = event.at
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def test_opening_a_cycle_and_its_fund_on_an_earlier_day_keeps_that_day_beside_the_entry_time(
    session: Session,
) -> None:
    line = _open(session, date(2026, 2, 20))
    fund_id = cycle_setup.set_up_fund(
        session,
        actor=CLERK,
        now=NOW,
        cycle_id=line.cycle_id,
        name="新安街道公益创投基金",
        on=date(2026, 2, 27),
    )
    session.expire_all()
    opened, set_up = _event(session, "cycle_open"), _event(session, "fund_open")
    assert (opened.subject_id, opened.business_on) == (line.cycle_id, date(2026, 2, 20))
    assert (set_up.subject_id, set_up.business_on) == (fund_id, date(2026, 2, 27))
    assert _entered_at(opened) == NOW and _entered_at(set_up) == NOW


def test_without_a_date_the_business_date_is_today(session: Session) -> None:
    line = _open(session, None)
    cycle_setup.set_up_fund(
        session, actor=CLERK, now=NOW, cycle_id=line.cycle_id, name="新安街道公益创投基金"
    )
    session.expire_all()
    assert _event(session, "cycle_open").business_on == NOW.date()
    assert _event(session, "fund_open").business_on == NOW.date()


def test_a_cycle_opened_after_today_is_refused_and_nothing_is_written(session: Session) -> None:
    with pytest.raises(Refused, match="开设日期 2026-03-06 晚于今天（2026-03-05），不能预填"):
        _open(session, date(2026, 3, 6))
    session.rollback()
    assert session.exec(select(Cycle)).all() == []
    assert session.exec(select(AuditEvent)).all() == []


def test_a_fund_set_up_after_today_is_refused_and_nothing_is_written(session: Session) -> None:
    line = _open(session, None)
    with pytest.raises(Refused, match="设立日期 2026-03-09 晚于今天（2026-03-05），不能预填"):
        cycle_setup.set_up_fund(
            session,
            actor=CLERK,
            now=NOW,
            cycle_id=line.cycle_id,
            name="新安街道公益创投基金",
            on=date(2026, 3, 9),
        )
    session.rollback()
    assert session.exec(select(Fund)).all() == []
    assert [e.action for e in session.exec(select(AuditEvent))] == ["cycle_open"]


def test_a_gift_and_the_fund_close_keep_the_dates_they_were_given(session: Session) -> None:
    line = _open(session, None)
    cycle_setup.set_up_fund(
        session, actor=CLERK, now=NOW, cycle_id=line.cycle_id, name="新安街道公益创投基金"
    )
    common = {"actor": CLERK, "now": NOW, "cycle_id": line.cycle_id, "donor_type": "爱心企业"}
    fund.donate(session, **common, donor="新安商会", donated_on="2026-03-02", amount_yuan="5000")  # type: ignore[arg-type]
    cycle_setup.give_in_kind(
        session,
        **common,  # type: ignore[arg-type]
        donor="明珠物业",
        donated_on="2026-03-03",
        category="场地",
        description="活动室每周六半天",
    )
    fund.close_fund(
        session, actor=CLERK, now=NOW, cycle_id=line.cycle_id, closed_on=date(2026, 3, 4)
    )
    session.expire_all()
    assert _event(session, "fund_donate").business_on == date(2026, 3, 2)
    assert _event(session, "fund_in_kind").business_on == date(2026, 3, 3)
    assert _event(session, "fund_close").business_on == date(2026, 3, 4)


def test_excused_days_keep_the_day_of_the_decision(session: Session) -> None:
    running = build_running_cycle(session, projects=1)
    office = Actor(login="clerk", name="街道工作人员", role=Role.STAFF, user_id=1)
    excused_days.excuse_days(
        session,
        actor=office,
        now=datetime(2026, 6, 16, 9, tzinfo=UTC),
        project_id=running.project_ids[0],
        first=date(2026, 6, 15),
        reason="场地停电",
        on=date(2026, 6, 12),
    )
    session.expire_all()
    assert _event(session, "daily_reports_excused").business_on == date(2026, 6, 12)


# --- the CLI: `gongyi cycle open --on`, `gongyi fund open --on` ---

OPEN = [
    "cycle",
    "open",
    "--street-office",
    STREET,
    "--year",
    "2027",
    "--name",
    "2027 年度新安街道公益创投",
    "--starts",
    "2027-03-01",
    "--ends",
    "2027-12-31",
    "--communities",
    "明珠社区,新安社区",
]


def _office_today() -> date:
    # The CLI reads the real clock (Settings.now, Asia/Shanghai by default).
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def test_cycle_open_and_fund_open_take_the_business_date_with_on(
    runner: CliRunner, database_url: str
) -> None:
    earlier = _office_today() - timedelta(days=10)
    opened = runner.invoke(app, [*OPEN, "--on", earlier.isoformat()])
    assert opened.exit_code == 0, opened.output
    assert f"（开设日期 {earlier}）" in opened.output
    day = (earlier + timedelta(days=1)).isoformat()
    fund_open = ["fund", "open", "--cycle", "1", "--name", "新安街道公益创投基金", "--on", day]
    set_up = runner.invoke(app, fund_open)
    assert set_up.exit_code == 0, set_up.output
    assert f"设立日期 {day}" in set_up.output
    with Session(get_engine(database_url)) as session:
        assert _event(session, "cycle_open").business_on == earlier
        assert _event(session, "fund_open").business_on == earlier + timedelta(days=1)


def test_cycle_open_on_a_later_day_is_one_red_line_and_writes_nothing(
    runner: CliRunner, database_url: str
) -> None:
    later = _office_today() + timedelta(days=2)
    refused = runner.invoke(app, [*OPEN, "--on", later.isoformat()], env={"COLUMNS": "300"})
    assert refused.exit_code == 1
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"错误：开设日期 {later} 晚于今天"), lines
    badly = runner.invoke(app, [*OPEN, "--on", "2027/02/20"], env={"COLUMNS": "300"})
    assert badly.exit_code == 1 and "日期格式应为 2026-03-31" in badly.output
    with Session(get_engine(database_url)) as session:
        assert session.exec(select(Cycle)).all() == []
        assert session.exec(select(AuditEvent)).all() == []
