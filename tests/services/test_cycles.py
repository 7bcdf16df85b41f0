"""Opening a cycle through `services.cycles` on a real session: who may, what is refused, where it stands."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from models.categorisation import DEFAULT_DOMAINS
from models.cycle import Cycle
from models.cycle_stages import CURRENT, DONE, LATER, SKIPPED, CycleFacts, cycle_stages
from models.status import CycleStatus, Role
from models.user import AuditEvent
from services import Actor, Forbidden, NotFound, Refused
from services import cycles as service
from store import cycles
from tests.monitoring_builders import build_running_cycle

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CLERK = Actor(login="王科长", name="王科长", role=Role.STAFF)
ADMIN = Actor(login="admin", name="管理员", role=Role.ADMIN)
AGENCY = Actor(login="agency1", name="机构一", role=Role.AGENCY, user_id=2, agency_id=1)
STREET = "新安街道办事处"


def _open(session: Session, actor: Actor = CLERK, **changes: object) -> service.CycleLine:
    values: dict[str, object] = {
        "street_office": STREET,
        "year": 2027,
        "name": "2027 年度新安街道公益创投",
        "starts_on": date(2027, 3, 1),
        "ends_on": date(2027, 12, 31),
        "communities": ["明珠社区", "新安社区"],
    }
    return service.open_cycle(session, actor=actor, now=NOW, **(values | changes))  # type: ignore[arg-type]


def test_staff_open_a_cycle_with_communities_default_domains_and_an_audit_event(
    session: Session,
) -> None:
    line = _open(session)
    session.expire_all()
    cycle = session.get(Cycle, line.cycle_id)
    assert cycle is not None and cycle.status == CycleStatus.COLLECTING
    assert line.status_label == "需求征集" and line.next_step == "需求征集"
    names = [c.name for c in cycles.list_communities(session, street_office=STREET)]
    assert names == ["明珠社区", "新安社区"]
    domains = cycles.list_domains(session, cycle_id=line.cycle_id)
    assert [d.key for d in domains] == [seed.key for seed in DEFAULT_DOMAINS]
    assert domains[0].keywords  # the default seeds keep their keywords
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "cycle_open")).one()
    assert event.subject_id == line.cycle_id and "2 个社区" in event.detail


def test_an_admin_may_open_one_with_its_own_domains_and_office_contact(session: Session) -> None:
    line = _open(session, ADMIN, domains=["情暖夕阳", "文化传承"], office_contact="李主任")
    domains = cycles.list_domains(session, cycle_id=line.cycle_id)
    assert [(d.key, d.name) for d in domains] == [("elderly", "情暖夕阳"), ("domain2", "文化传承")]
    cycle = session.get(Cycle, line.cycle_id)
    assert cycle is not None and cycle.office_contact == "李主任"


def test_an_agency_may_not_open_or_list_cycles(session: Session) -> None:
    with pytest.raises(Forbidden):
        _open(session, AGENCY)
    with pytest.raises(Forbidden):
        service.list_cycles(session, actor=AGENCY)
    assert session.exec(select(Cycle)).all() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"street_office": "  "}, "街道办名称"),
        ({"name": ""}, "周期名称"),
        ({"year": 27}, "年度"),
        ({"ends_on": date(2027, 2, 1)}, "结束日期"),
        ({"communities": ["", " "]}, "社区"),
        ({"communities": ["明珠社区", "明珠社区"]}, "社区「明珠社区」"),
        ({"domains": ["情暖夕阳", "elderly"]}, "服务领域"),
        ({"domains": ["一" * 41]}, "服务领域"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    session: Session, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(Refused) as refused:
        _open(session, **changes)
    assert refused.value.message.startswith(field)
    assert session.exec(select(Cycle)).all() == []


def test_a_second_cycle_for_the_same_office_and_year_is_refused(session: Session) -> None:
    first = _open(session)
    with pytest.raises(Refused) as refused:
        _open(session)
    assert f"#{first.cycle_id}" in refused.value.message
    assert "2027 年度已有创投周期" in refused.value.message
    assert len(session.exec(select(Cycle)).all()) == 1
    assert _open(session, year=2028).cycle_id != first.cycle_id


def test_list_and_status_say_where_each_cycle_stands(session: Session) -> None:
    running = build_running_cycle(session, projects=2)
    opened = _open(session)
    lines = service.list_cycles(session, actor=CLERK)
    assert [line.cycle_id for line in lines] == [opened.cycle_id, running.cycle_id]
    assert lines[0].next_step == "需求征集"
    view = service.cycle_status(session, actor=CLERK, cycle_id=running.cycle_id)
    states = {stage.name: stage.state for stage in view.stages}
    assert states["遴选"] == DONE and states["执行"] == CURRENT and states["结项"] == LATER
    assert view.next is not None and view.next.name == "执行"
    assert view.domains and view.communities
    fresh = service.cycle_status(session, actor=CLERK, cycle_id=opened.cycle_id)
    assert fresh.next is not None and f"--cycle {opened.cycle_id}" in fresh.next.how
    assert fresh.communities == ["明珠社区", "新安社区"]


def test_status_of_a_missing_cycle_says_what_to_do_first(session: Session) -> None:
    with pytest.raises(NotFound) as missing:
        service.cycle_status(session, actor=CLERK, cycle_id=9)
    assert missing.value.message.startswith("找不到创投周期 #9：请先用 gongyi cycle open")


def test_stages_in_order_skipped_next_and_closed() -> None:
    empty = cycle_stages(CycleFacts(), cycle_id=1)
    assert [s.state for s in empty] == [CURRENT] + [LATER] * 5
    no_needs = cycle_stages(CycleFacts(has_fund=True, donations=3), cycle_id=1)
    assert [s.state for s in no_needs][:3] == [SKIPPED, DONE, CURRENT]
    closed = cycle_stages(
        CycleFacts(
            needs=1, donations=1, calls=1, calls_published=1, awards=2, projects=2, closed=True
        ),
        cycle_id=1,
    )
    assert all(s.state == DONE for s in closed)


def test_staff_set_the_office_printed_in_the_documents_and_it_is_audited(
    session: Session,
) -> None:
    line = _open(session)
    office = service.set_office(
        session,
        actor=CLERK,
        now=NOW,
        cycle_id=line.cycle_id,
        name="新安街道办事处",
        phone=" 0551-62881234 ",
        email="gongyi@xinan.example.cn",
    )
    assert office.phone == "0551-62881234" and office.email == "gongyi@xinan.example.cn"
    kept = service.set_office(
        session, actor=ADMIN, now=NOW, cycle_id=line.cycle_id, address="新安路 1 号"
    )
    assert kept.phone == "0551-62881234" and kept.address == "新安路 1 号"
    assert service.cycle_status(session, actor=CLERK, cycle_id=line.cycle_id).office == kept
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "cycle_office")).all()
    assert [e.detail for e in events] == [
        "落款：发布单位名称、联系电话、电子邮箱",
        "落款：办公地址",
    ]


def test_a_bad_office_phone_or_email_is_refused_and_nothing_changes(session: Session) -> None:
    line = _open(session)
    with pytest.raises(Refused, match=r"^联系电话：「六二八八」不是电话号码"):
        service.set_office(
            session, actor=CLERK, now=NOW, cycle_id=line.cycle_id, phone="六二八八", name="甲"
        )
    with pytest.raises(Refused, match=r"^电子邮箱："):
        service.set_office(
            session, actor=CLERK, now=NOW, cycle_id=line.cycle_id, email="no-at-sign"
        )
    session.expire_all()
    cycle = session.get(Cycle, line.cycle_id)
    assert cycle is not None and cycle.office_name == "" and cycle.office_phone == ""


def test_only_staff_and_admins_set_the_office_of_a_cycle_that_exists(session: Session) -> None:
    line = _open(session)
    with pytest.raises(Forbidden):
        service.set_office(session, actor=AGENCY, now=NOW, cycle_id=line.cycle_id, name="甲")
    with pytest.raises(NotFound, match="gongyi cycle open"):
        service.set_office(session, actor=CLERK, now=NOW, cycle_id=99, name="甲")
