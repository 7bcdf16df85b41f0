"""Filing daily reports through the one service, on a real session: who may, today from now."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models.account import ReportDraft
from models.monitoring import DailyReport
from models.project import Project
from models.report_input import Activity, DailyReportInput
from models.status import Role
from models.user import AuditEvent
from services import SYSTEM, Actor, Forbidden, NotFound, Refused, clerk
from services.daily_reports import (
    Filed,
    ReportsRejected,
    Submission,
    file_each,
    file_reports,
    save_draft,
    submit_form,
)
from store.accounts import add_account, get_signed_in
from store.awards import list_projects_by_id
from tests.monitoring_builders import SHANGHAI, RunningCycle, build_running_cycle

NOW = datetime(2026, 6, 10, 20, tzinfo=SHANGHAI)


def report(title: str, day: date, **fields) -> DailyReportInput:  # type: ignore[no-untyped-def]
    return DailyReportInput(title, day, activities=(Activity("group", "手工", 8),), **fields)


def agency(cycle: RunningCycle, n: int = 0) -> Actor:
    return Actor(
        login=f"agency{n + 1}",
        name="机构用户",
        role=Role.AGENCY,
        user_id=10 + n,
        agency_id=cycle.agency_ids[n],
    )


def rows(session: Session) -> list[tuple[int, date, int, str]]:
    session.expire_all()
    found = session.exec(select(DailyReport).order_by(DailyReport.id))
    return [(r.project_id, r.day, r.version, r.source) for r in found]


def actions(session: Session) -> list[str]:
    session.expire_all()
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_batch_by_name_is_filed_with_one_audit_event(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    session.commit()
    summary = file_reports(
        session,
        [Submission("第1行", report(t, date(2026, 6, 3))) for t in cycle.titles],
        actor=clerk(),
        now=NOW,
        source="xlsx",
        cycle_id=cycle.cycle_id,
    )
    assert summary.added == 2
    assert rows(session) == [
        (cycle.project_ids[0], date(2026, 6, 3), 1, "xlsx"),
        (cycle.project_ids[1], date(2026, 6, 3), 1, "xlsx"),
    ]
    assert actions(session) == ["daily_reports_filed"]


def test_today_is_nows_date(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    session.commit()
    today = NOW.date()
    file_reports(
        session,
        [Submission("", report(cycle.titles[0], today))],
        actor=SYSTEM,
        now=NOW,
        source="demo",
        cycle_id=cycle.cycle_id,
    )
    with pytest.raises(ReportsRejected, match="1 处错误") as refused:
        file_reports(
            session,
            [Submission("", report(cycle.titles[0], today + timedelta(days=1)))],
            actor=SYSTEM,
            now=NOW,
            source="demo",
            cycle_id=cycle.cycle_id,
        )
    assert "今天是 2026-06-10" in refused.value.problems[0]
    assert [day for _, day, _, _ in rows(session)] == [today]


def test_an_agency_files_only_for_its_own_projects(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    session.commit()
    mine, theirs = cycle.project_ids
    actor = agency(cycle)
    # Named in a sheet: another agency's project reads like one the cycle does not have.
    with pytest.raises(ReportsRejected) as refused:
        file_reports(
            session,
            [
                Submission("第1份", report(cycle.titles[1], date(2026, 6, 3))),
                Submission("第2份", report("没有这个项目", date(2026, 6, 3))),
            ],
            actor=actor,
            now=NOW,
            source="cli",
            cycle_id=cycle.cycle_id,
        )
    assert refused.value.problems == [
        f"第1份「项目名称」本周期没有服务项目「{cycle.titles[1]}」",
        "第2份「项目名称」本周期没有服务项目「没有这个项目」",
    ]
    # By id: not found, as the portal and the API answer.
    with pytest.raises(NotFound, match=f"找不到服务项目 #{theirs}"):
        file_reports(
            session,
            [Submission("", report("", date(2026, 6, 3)), project_id=theirs)],
            actor=actor,
            now=NOW,
            source="web",
        )
    with pytest.raises(Forbidden):
        file_reports(
            session,
            [Submission("", report("", date(2026, 6, 3)), project_id=mine)],
            actor=Actor(login="e", role=Role.EVALUATOR, user_id=3),
            now=NOW,
            source="web",
        )
    assert rows(session) == [] and actions(session) == []
    filed = file_reports(
        session,
        [Submission("", report("", date(2026, 6, 3)), project_id=mine)],
        actor=actor,
        now=NOW,
        source="web",
    )
    assert filed.added == 1 and rows(session) == [(mine, date(2026, 6, 3), 1, "web")]


def test_the_form_keeps_a_draft_then_files_and_drops_it(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    account = add_account(
        session,
        login="agency1",
        password="portal-pass-1",
        name="机构用户",
        role=Role.AGENCY,
        agency_id=cycle.agency_ids[0],
    )
    session.commit()
    signed_in = get_signed_in(session, account.id or 0)
    assert signed_in is not None
    actor, account_id = Actor.of(signed_in, address="10.0.0.2"), signed_in.account_id
    day, project = date(2026, 6, 3), cycle.project_ids[0]
    save_draft(
        session,
        actor=actor,
        now=NOW,
        account_id=account_id,
        project_id=project,
        day=day,
        fields={"summary": "写了一半"},
    )
    assert len(session.exec(select(ReportDraft)).all()) == 1
    first = submit_form(
        session,
        actor=actor,
        now=NOW,
        project_id=project,
        report=report("", day),
        account_id=account_id,
    )
    again = submit_form(
        session,
        actor=actor,
        now=NOW,
        project_id=project,
        report=report("", day),
        account_id=account_id,
    )
    assert (first.added, len(again.unchanged)) == (1, 1)
    session.expire_all()
    assert session.exec(select(ReportDraft)).all() == []
    assert actions(session) == ["report_draft", "report_submit", "report_submit"]
    stranger = Actor(login="x", role=Role.AGENCY, user_id=99, agency_id=-1)
    with pytest.raises(NotFound):
        save_draft(
            session,
            actor=stranger,
            now=NOW,
            account_id=account_id,
            project_id=project,
            day=day,
            fields={},
        )
    assert session.exec(select(ReportDraft)).all() == []


def test_file_each_answers_each_sender_on_its_own(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    session.commit()
    mine, theirs = list_projects_by_id(session, project_ids=cycle.project_ids)
    one, two = agency(cycle, 0), agency(cycle, 1)
    results = file_each(
        session,
        [
            (Submission("", report("", date(2026, 6, 3))), mine, one),
            (Submission("", report("", date(2026, 6, 3))), theirs, one),  # not agency 1's
            (Submission("", report("", date(2026, 6, 3))), theirs, two),
            (Submission("", report("", date(2026, 6, 3))), mine, one),  # a re-send
        ],
        now=NOW,
        source="api",
    )
    assert [type(r).__name__ for r in results] == ["Filed", "NotFound", "Filed", "Filed"]
    assert isinstance(results[3], Filed) and results[3].filing == "duplicate"
    assert rows(session) == [
        (mine.id, date(2026, 6, 3), 1, "api"),
        (theirs.id, date(2026, 6, 3), 1, "api"),
    ]
    assert actions(session) == ["daily_report_new", "daily_report_new", "daily_report_duplicate"]


def test_a_title_two_projects_share_files_for_neither(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    second = session.get(Project, cycle.project_ids[1])
    assert second is not None
    second.title = cycle.titles[0]
    session.add(second)
    session.commit()
    with pytest.raises(ReportsRejected) as refused:
        file_reports(
            session,
            [Submission("第1行", report(cycle.titles[0], date(2026, 6, 3)))],
            actor=clerk(),
            now=NOW,
            source="xlsx",
            cycle_id=cycle.cycle_id,
        )
    assert refused.value.problems == [
        f"第1行「项目名称」本周期有 2 个服务项目名为「{cycle.titles[0]}」，请改填项目编号"
    ]
    # By id each is filed as itself; and an agency sees only its own of the two.
    by_id = file_reports(
        session,
        [Submission("", report(str(cycle.project_ids[1]), date(2026, 6, 3)))],
        actor=clerk(),
        now=NOW,
        source="cli",
        cycle_id=cycle.cycle_id,
    )
    mine = file_reports(
        session,
        [Submission("", report(cycle.titles[0], date(2026, 6, 4)))],
        actor=agency(cycle, 0),
        now=NOW,
        source="cli",
        cycle_id=cycle.cycle_id,
    )
    assert (by_id.added, mine.added) == (1, 1)
    assert rows(session) == [
        (cycle.project_ids[1], date(2026, 6, 3), 1, "cli"),
        (cycle.project_ids[0], date(2026, 6, 4), 1, "cli"),
    ]


def test_a_draft_with_a_control_character_is_refused_and_nothing_is_kept(
    session: Session,
) -> None:
    cycle = build_running_cycle(session, projects=1)
    account = add_account(
        session,
        login="agency1",
        password="portal-pass-1",
        name="机构用户",
        role=Role.AGENCY,
        agency_id=cycle.agency_ids[0],
    )
    session.commit()
    signed_in = get_signed_in(session, account.id or 0)
    assert signed_in is not None
    with pytest.raises(Refused, match="「summary」不能包含控制字符"):
        save_draft(
            session,
            actor=Actor.of(signed_in),
            now=NOW,
            account_id=signed_in.account_id,
            project_id=cycle.project_ids[0],
            day=date(2026, 6, 3),
            fields={"summary": "写了一半\x85"},
        )
    assert session.exec(select(ReportDraft)).all() == []


def test_a_closed_project_takes_no_report_nor_draft_at_any_door(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    closed = session.get(Project, cycle.project_ids[0])
    assert closed is not None
    closed.status = "completed"
    session.add(closed)
    session.commit()
    me, day = agency(cycle, 0), date(2026, 6, 3)
    message = f"服务项目「{cycle.titles[0]}」已结项，不再提交日报告"

    with pytest.raises(Refused) as refused:
        submit_form(session, actor=me, now=NOW, project_id=closed.id or 0, report=report("", day))
    assert str(refused.value) == message
    with pytest.raises(Refused, match=message):
        save_draft(
            session,
            actor=me,
            now=NOW,
            account_id=1,
            project_id=closed.id or 0,
            day=day,
            fields={"summary": "写了一半"},
        )
    [answer] = file_each(
        session, [(Submission("", report("", day)), closed, me)], now=NOW, source="api"
    )
    assert isinstance(answer, Refused) and str(answer) == message
    with pytest.raises(ReportsRejected) as rejected:
        file_reports(
            session,
            [Submission("第 2 行", report(cycle.titles[0], day))],
            actor=me,
            now=NOW,
            source="excel",
            cycle_id=cycle.cycle_id,
        )
    assert any("已结项" in problem for problem in rejected.value.problems)
    assert rows(session) == []
    assert session.exec(select(ReportDraft)).all() == []


# The arrival time of a paper form (issue #15).


def stored(session: Session) -> list[DailyReport]:
    session.expire_all()
    return list(session.exec(select(DailyReport).order_by(DailyReport.id)))


def test_a_paper_form_keeps_its_arrival_and_its_time_of_entry(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    session.commit()
    arrived = datetime(2026, 6, 3, 18, 30, tzinfo=SHANGHAI)
    file_reports(
        session,
        [Submission("第2行", report(cycle.titles[0], date(2026, 6, 3)), received_at=arrived)],
        actor=clerk(),
        now=NOW,
        source="xlsx",
        cycle_id=cycle.cycle_id,
    )
    [row] = stored(session)
    assert row.received_at is not None and row.received_at.astimezone(SHANGHAI) == arrived
    assert (
        row.first_submitted_at.astimezone(SHANGHAI) == NOW == row.submitted_at.astimezone(SHANGHAI)
    )
    # A revision that gives no new arrival keeps the first one.
    file_reports(
        session,
        [Submission("", report(cycle.titles[0], date(2026, 6, 3), summary="补充", revise=True))],
        actor=clerk(),
        now=NOW + timedelta(hours=1),
        source="cli",
        cycle_id=cycle.cycle_id,
    )
    latest = stored(session)[-1]
    assert latest.version == 2
    assert latest.received_at is not None and latest.received_at.astimezone(SHANGHAI) == arrived


@pytest.mark.parametrize(
    ("received", "problem"),
    [
        (datetime(2026, 6, 2, 9, tzinfo=SHANGHAI), "早于服务日期"),
        (NOW + timedelta(minutes=5), "晚于录入时间"),
    ],
)
def test_an_arrival_out_of_bounds_is_refused_naming_the_row_and_field(
    session: Session, received: datetime, problem: str
) -> None:
    cycle = build_running_cycle(session, projects=1)
    session.commit()
    good = Submission("第2行", report(cycle.titles[0], date(2026, 6, 4)))
    bad = Submission("第3行", report(cycle.titles[0], date(2026, 6, 3)), received_at=received)
    with pytest.raises(ReportsRejected) as refused:
        file_reports(
            session, [good, bad], actor=clerk(), now=NOW, source="xlsx", cycle_id=cycle.cycle_id
        )
    [line] = refused.value.problems
    assert line.startswith("第3行「送达时间」") and problem in line
    assert stored(session) == []


def test_an_agency_cannot_give_an_arrival_time(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    session.commit()
    arrived = datetime(2026, 6, 3, 18, tzinfo=SHANGHAI)
    with pytest.raises(ReportsRejected) as refused:
        file_reports(
            session,
            [Submission("", report(cycle.titles[0], date(2026, 6, 3)), received_at=arrived)],
            actor=agency(cycle),
            now=NOW,
            source="cli",
            cycle_id=cycle.cycle_id,
        )
    assert "只有街道工作人员" in refused.value.problems[0]
