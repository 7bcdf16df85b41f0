"""The one ownership rule: an agency acts on its own projects, the office on any."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from models.status import Role
from services import Actor, Forbidden, NotFound, clerk
from services.projects import check_own, find_project, own_project
from tests.monitoring_builders import build_running_cycle


def agency(agency_id: int) -> Actor:
    return Actor(login="a", name="机构", role=Role.AGENCY, user_id=1, agency_id=agency_id)


def test_an_agency_gets_its_own_project_and_not_anothers(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    session.commit()
    mine, theirs = cycle.project_ids
    actor = agency(cycle.agency_ids[0])
    assert own_project(session, actor=actor, project_id=mine).id == mine
    with pytest.raises(NotFound) as refused:
        own_project(session, actor=actor, project_id=theirs)
    with pytest.raises(NotFound) as missing:
        own_project(session, actor=actor, project_id=99_999)
    # Another agency's project reads exactly like one that does not exist.
    assert refused.value.message == f"找不到服务项目 #{theirs}，或您的账号无权访问"
    assert missing.value.message == "找不到服务项目 #99999，或您的账号无权访问"


def test_the_office_gets_any_project_and_other_roles_none(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    session.commit()
    assert (
        own_project(session, actor=clerk(), project_id=cycle.project_ids[1]).agency_id
        == (cycle.agency_ids[1])
    )
    with pytest.raises(Forbidden, match="不能查看服务项目"):
        own_project(
            session,
            actor=Actor(login="e", role=Role.EVALUATOR, user_id=3),
            project_id=cycle.project_ids[0],
        )
    with pytest.raises(NotFound):
        check_own(clerk(), None, 5)
    # An agency account without an agency has no projects at all.
    with pytest.raises(Forbidden):
        own_project(
            session, actor=Actor(login="x", role=Role.AGENCY), project_id=cycle.project_ids[0]
        )


def test_find_project_works_by_id_and_says_which_is_missing(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    session.commit()
    assert find_project(session, cycle.project_ids[0]).title == cycle.titles[0]
    with pytest.raises(NotFound, match="没有编号为 424242 的服务项目"):
        find_project(session, 424_242)
