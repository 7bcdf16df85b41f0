"""Proposals through `services.proposals` on a real session: the call open at the server's time,
an agency's own proposals only, the office's paper batches, withdrawal and its audit event.

The world is the demo call (deadline 2026-05-20 17:00 Shanghai) with the demo registry.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import Session, select

from models.proposal import Proposal
from models.rows import Row, RowsRejected
from models.status import CallStatus, Role
from models.user import AuditEvent
from services import SYSTEM, Actor, Forbidden, NotFound, Refused
from services.proposal_batch import PROPOSAL_SHEET, read_bid_files
from services.proposals import CallClosed, receive_proposals, withdraw_proposal
from store import agencies, calls
from tests.builders import DEMO_DIR
from tests.flows.call_setup import (
    SHANGHAI,
    open_demo_cycle,
    publish_demo_call,
    raise_demo_fund,
    register_demo_agencies,
)

QINGHE = "青禾社会工作服务中心"
BEFORE = datetime(2026, 5, 19, 10, 0, tzinfo=SHANGHAI)
AFTER = datetime(2026, 5, 21, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def call_id(database_url: str) -> int:
    """The published demo call with the demo registry, no proposals yet."""
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id)
    register_demo_agencies()
    return publish_demo_call(cycle_id)


def _agency(session: Session, name: str) -> Actor:
    agency_id = next(a.id for a in agencies.list_agencies(session) if a.name == name)
    return Actor(
        login="qinghe", name="青禾经办人", role=Role.AGENCY, user_id=7, agency_id=agency_id
    )


def _tables_of(name: str) -> dict[str, list[Row]]:
    """The demo batch cut down to one agency's proposals and their lines."""
    tables = read_bid_files(str(DEMO_DIR / "proposals.csv"))
    heads = [r for r in tables[PROPOSAL_SHEET] if r.values["机构名称"] == name]
    titles = {r.values["项目名称"] for r in heads}
    cut = {
        sheet: [r for r in rows if r.values.get("项目名称") in titles]
        for sheet, rows in tables.items()
    }
    cut[PROPOSAL_SHEET] = heads
    return cut


def _stored(session: Session) -> list[Proposal]:
    session.expire_all()
    return list(session.exec(select(Proposal).order_by(Proposal.id)))  # type: ignore[arg-type]


def _events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def _office(session: Session, call_id: int, tables, **kwargs):  # type: ignore[no-untyped-def]
    return receive_proposals(
        session,
        actor=SYSTEM,
        call_id=call_id,
        tables=tables,
        submit=True,
        refuse_repeats=False,
        source="proposals.csv",
        **kwargs,
    )


def test_the_office_enters_a_paper_batch_at_the_business_moment_it_gives_not_the_files(
    call_id: int, session: Session
) -> None:
    tables = read_bid_files(str(DEMO_DIR / "proposals.csv"))

    summary = _office(session, call_id, tables, now=AFTER, received_at=BEFORE)

    assert (summary.received, summary.already_there) == (26, 0)
    # Every row states its own 提交时间 (2026-05-06 …); none of them is read.
    assert {p.submitted_at for p in _stored(session)} == {BEFORE}
    [event] = _events(session, "proposal_submit")
    assert (event.actor, event.subject_id, event.detail) == (
        "系统",
        call_id,
        "proposals.csv：26 份，已有相同 0 份，纸质申报收到时间 2026-05-19 10:00",
    )


def test_the_office_entering_a_batch_after_the_deadline_without_a_date_is_refused(
    call_id: int, session: Session
) -> None:
    tables = read_bid_files(str(DEMO_DIR / "proposals.csv"))  # rows state times before it

    with pytest.raises(CallClosed, match="申报已于 2026-05-20 17:00 截止，不再受理申报书"):
        _office(session, call_id, tables, now=AFTER)

    assert _stored(session) == []
    assert _events(session, "proposal_submit") == []


def test_a_business_moment_after_the_deadline_is_refused_naming_both(
    call_id: int, session: Session
) -> None:
    tables = read_bid_files(str(DEMO_DIR / "proposals.csv"))
    later = datetime(2026, 5, 20, 17, 1, tzinfo=SHANGHAI)

    with pytest.raises(CallClosed) as refused:
        _office(session, call_id, tables, now=AFTER, received_at=later)

    assert refused.value.message == (
        "申报已于 2026-05-20 17:00 截止，收到时间 2026-05-20 17:01 已晚于截止时间，不予受理"
    )
    assert _stored(session) == []


def test_an_agency_cannot_name_its_own_received_time(call_id: int, session: Session) -> None:
    with pytest.raises(Forbidden, match="申报机构的提交时间以系统收到的时间为准"):
        receive_proposals(
            session,
            actor=_agency(session, QINGHE),
            now=AFTER,
            call_id=call_id,
            tables=_tables_of(QINGHE),
            submit=True,
            refuse_repeats=True,
            received_at=BEFORE,
        )
    assert _stored(session) == []


def test_the_demo_batch_cites_needs_of_its_own_communities_so_nothing_is_warned(
    call_id: int, session: Session
) -> None:
    summary = _office(session, call_id, read_bid_files(str(DEMO_DIR / "proposals.csv")), now=BEFORE)

    assert summary.citation_warnings == ()
    assert all(p.citation_warnings == [] for p in _stored(session))


def test_a_cited_need_of_another_community_is_warned_and_kept_on_the_proposal(
    call_id: int, session: Session
) -> None:
    tables = _tables_of(QINGHE)
    meals = next(r for r in tables[PROPOSAL_SHEET] if r.values["项目名称"].startswith("银龄互助"))
    meals.values["引用需求编号"] = "48、80"  # 80: 路灯坏了, in 新安社区

    summary = receive_proposals(
        session,
        actor=_agency(session, QINGHE),
        now=BEFORE,
        call_id=call_id,
        tables=tables,
        submit=True,
        refuse_repeats=True,
    )

    warning = "引用的需求 #80 属于新安社区，本项目在明珠社区，请核实是否回应该需求"
    assert summary.citation_warnings == (f"「银龄互助·幸福食堂助餐服务」{warning}",)
    assert summary.citation_warnings[0] in summary.warnings
    stored = {p.title: p for p in _stored(session)}
    assert stored["银龄互助·幸福食堂助餐服务"].citation_warnings == [warning]
    assert stored["银龄互助·幸福食堂助餐服务"].status == "submitted"  # warned, not refused
    [event] = _events(session, "proposal_submit")
    assert event.detail.endswith("引用需求提醒 1 条")


def test_an_agency_submits_at_the_servers_time_not_the_time_its_file_states(
    call_id: int, session: Session
) -> None:
    actor = _agency(session, QINGHE)

    summary = receive_proposals(
        session,
        actor=actor,
        now=BEFORE,
        call_id=call_id,
        tables=_tables_of(QINGHE),
        submit=True,
        refuse_repeats=True,
    )

    stored = _stored(session)
    assert summary.received == len(stored) > 0
    assert {p.submitted_at for p in stored} == {BEFORE}
    assert {p.agency_id for p in stored} == {actor.agency_id}
    [event] = _events(session, "proposal_submit")
    assert event.actor == "qinghe（青禾经办人）"


def test_an_agency_submitting_after_the_deadline_is_refused_whatever_its_file_states(
    call_id: int, session: Session
) -> None:
    with pytest.raises(CallClosed, match="申报已于 2026-05-20 17:00 截止，不再受理申报书"):
        receive_proposals(
            session,
            actor=_agency(session, QINGHE),
            now=AFTER,
            call_id=call_id,
            tables=_tables_of(QINGHE),  # every row states a 提交时间 before the deadline
            submit=True,
            refuse_repeats=True,
        )
    assert _stored(session) == []
    assert _events(session, "proposal_submit") == []


def test_an_agency_files_in_its_own_name_only(call_id: int, session: Session) -> None:
    with pytest.raises(Forbidden, match=f"只能提交本机构的申报书：表中「机构名称」应为 {QINGHE}"):
        receive_proposals(
            session,
            actor=_agency(session, QINGHE),
            now=BEFORE,
            call_id=call_id,
            tables=read_bid_files(str(DEMO_DIR / "proposals.csv")),
            submit=False,
            refuse_repeats=False,
        )
    assert _stored(session) == []


def _received(session: Session, call_id: int) -> list[Proposal]:
    receive_proposals(
        session,
        actor=SYSTEM,
        now=BEFORE,
        call_id=call_id,
        tables=read_bid_files(str(DEMO_DIR / "proposals.csv")),
        submit=True,
        refuse_repeats=False,
    )
    return _stored(session)


def test_an_agency_withdraws_its_own_proposal_once_before_the_deadline(
    call_id: int, session: Session
) -> None:
    actor = _agency(session, QINGHE)
    own = next(p for p in _received(session, call_id) if p.agency_id == actor.agency_id)

    withdrawn = withdraw_proposal(session, actor=actor, now=BEFORE, proposal_id=own.id)  # type: ignore[arg-type]

    assert withdrawn.status == "withdrawn"
    session.expire_all()
    assert session.get(Proposal, own.id).status == "withdrawn"  # type: ignore[union-attr]
    [event] = _events(session, "proposal_withdraw")
    assert (event.actor, event.subject_id) == ("qinghe（青禾经办人）", own.id)
    with pytest.raises(Refused, match="状态为 withdrawn，不能撤回"):
        withdraw_proposal(session, actor=actor, now=BEFORE, proposal_id=own.id)  # type: ignore[arg-type]


def test_a_withdrawal_is_refused_after_the_deadline_for_another_agency_and_for_others(
    call_id: int, session: Session
) -> None:
    actor = _agency(session, QINGHE)
    proposals = _received(session, call_id)
    own = next(p for p in proposals if p.agency_id == actor.agency_id)
    other = next(p for p in proposals if p.agency_id != actor.agency_id)
    evaluator = Actor(login="e1", name="评审甲", role=Role.EVALUATOR, user_id=9)

    with pytest.raises(Refused, match=f"申报已于 2026-05-20 17:00 截止，不能再撤回「{own.title}」"):
        withdraw_proposal(session, actor=actor, now=AFTER, proposal_id=own.id)  # type: ignore[arg-type]
    with pytest.raises(NotFound, match=f"找不到申报书 #{other.id}"):
        withdraw_proposal(session, actor=actor, now=BEFORE, proposal_id=other.id)  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="找不到申报书 #99999"):
        withdraw_proposal(session, actor=actor, now=BEFORE, proposal_id=99_999)
    with pytest.raises(Forbidden):
        withdraw_proposal(session, actor=evaluator, now=BEFORE, proposal_id=own.id)  # type: ignore[arg-type]

    assert {p.status for p in _stored(session)} == {"submitted"}
    assert _events(session, "proposal_withdraw") == []


def test_after_screening_a_paper_batch_is_refused_but_the_same_batch_again_changes_nothing(
    call_id: int, session: Session
) -> None:
    tables = read_bid_files(str(DEMO_DIR / "proposals.csv"))
    _office(session, call_id, tables, now=BEFORE)
    call = calls.get_call(session, call_id)
    call.status = CallStatus.CLOSED
    session.add(call)
    session.commit()

    again = _office(session, call_id, tables, now=AFTER, received_at=BEFORE)
    late = _tables_of(QINGHE)
    old = late[PROPOSAL_SHEET][0].values["项目名称"]
    for rows in late.values():  # one proposal renamed: a new one, with its lines
        for row in rows:
            if row.values["项目名称"] == old:
                row.values["项目名称"] = "新的纸质申报书"
    with pytest.raises(RowsRejected) as refused:
        _office(session, call_id, late, now=AFTER, received_at=BEFORE)

    assert (again.received, again.already_there) == (0, 26)
    assert any(
        "「项目名称」：申报已于 2026-05-20 17:00 截止并完成资格审查，不能再录入新的申报书" in str(e)
        for e in refused.value.errors
    )
    assert len(_stored(session)) == 26
