"""Downloads through `services.documents`: who may fetch which file, and the audit of each."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.status import EvaluationStatus, Role
from services import Actor, NotFound, documents
from store import portal
from store.users import add_user, list_audit_events
from tests.monitoring_builders import build_running_cycle

NOW = datetime(2026, 7, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _world(session: Session, output_dir: Path) -> tuple[Actor, dict[str, str]]:
    running = build_running_cycle(session, projects=2)
    session.commit()
    files = {
        "own": f"2026-06/月度评估-{running.project_ids[0]:02d}-{running.titles[0]}.pdf",
        "other": f"2026-06/月度评估-{running.project_ids[1]:02d}-{running.titles[1]}.pdf",
        "donor": "捐赠资金去向说明/2026-07-01/爱心企业甲.pdf",
    }
    for name in files.values():
        path = output_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n")
    agency = Actor(
        login="agency1",
        name="机构一用户",
        role=Role.AGENCY,
        user_id=7,
        agency_id=running.agency_ids[0],
        address="10.0.0.5",
    )
    return agency, files


def test_an_agency_lists_and_downloads_its_own_projects_file(
    session: Session, tmp_path: Path
) -> None:
    agency, files = _world(session, tmp_path)
    assert documents.list_downloads(session, actor=agency, output_dir=tmp_path) == [files["own"]]
    path = documents.open_download(
        session, actor=agency, now=NOW, output_dir=tmp_path, name=files["own"]
    )
    assert path == tmp_path / files["own"] and path.read_bytes().startswith(b"%PDF")
    session.rollback()  # the download's event was committed by the service
    [event] = list_audit_events(session)
    assert (event.action, event.actor, event.detail, event.ip) == (
        "download",
        "agency1（机构一用户）",
        files["own"],
        "10.0.0.5",
    )


@pytest.mark.parametrize("which", ["other", "donor"])
def test_another_agencys_file_is_refused_and_not_logged_as_a_download(
    which: str, session: Session, tmp_path: Path
) -> None:
    agency, files = _world(session, tmp_path)
    with pytest.raises(NotFound):
        documents.open_download(
            session, actor=agency, now=NOW, output_dir=tmp_path, name=files[which]
        )
    session.rollback()
    assert [(e.action, e.detail) for e in list_audit_events(session)] == [
        ("download_refused", files[which])
    ]


def test_a_path_outside_the_output_folder_is_refused_even_for_staff(
    session: Session, tmp_path: Path
) -> None:
    _world(session, tmp_path)
    secret = tmp_path.parent / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4\n")
    staff = Actor(login="staff", name="专干", role=Role.STAFF, user_id=1)
    name = f"2026-06/../../{secret.name}"
    with pytest.raises(NotFound):
        documents.open_download(session, actor=staff, now=NOW, output_dir=tmp_path, name=name)
    assert len(documents.list_downloads(session, actor=staff, output_dir=tmp_path)) == 3
    assert [e.action for e in list_audit_events(session)] == ["download_refused"]


def test_a_donor_sees_only_the_statements_naming_them(session: Session, tmp_path: Path) -> None:
    _, files = _world(session, tmp_path)
    donor = Actor(login="donor", name="爱心企业甲", role=Role.DONOR, user_id=9)
    other = Actor(login="donor2", name="爱心企业乙", role=Role.DONOR, user_id=10)
    assert documents.list_downloads(session, actor=donor, output_dir=tmp_path) == [files["donor"]]
    assert documents.list_downloads(session, actor=other, output_dir=tmp_path) == []


# Issue #17: downloads are authorised through subject ids, never by a title inside a file name.


def _put(output_dir: Path, name: str) -> str:
    path = output_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n")
    return name


def test_a_crafted_title_does_not_serve_another_agencys_pdf(
    session: Session, tmp_path: Path
) -> None:
    running = build_running_cycle(session, projects=2)
    # The agency renames its own project after the other agency's file names.
    own = session.get(Project, running.project_ids[0])
    assert own is not None
    own.title = "月度评估"
    session.add(own)
    session.commit()
    other_id = running.project_ids[1]
    victims = [
        _put(tmp_path, f"2026-06/月度评估-{other_id:02d}-{running.titles[1]}.pdf"),
        _put(tmp_path, f"2026-06/草稿/月度评估-{other_id:02d}-{running.titles[1]}.pdf"),
        _put(tmp_path, f"2026-07/月度评估-{other_id:02d}-月度评估.pdf"),
    ]
    mine = _put(tmp_path, f"2026-06/月度评估-{running.project_ids[0]:02d}-月度评估.pdf")
    agency = Actor(
        login="agency1",
        name="机构一用户",
        role=Role.AGENCY,
        user_id=7,
        agency_id=running.agency_ids[0],
    )
    assert documents.list_downloads(session, actor=agency, output_dir=tmp_path) == [mine]
    for name in victims:
        with pytest.raises(NotFound):
            documents.open_download(session, actor=agency, now=NOW, output_dir=tmp_path, name=name)


def test_a_donor_named_inside_another_donors_name_gets_no_statement(
    session: Session, tmp_path: Path
) -> None:
    _put(tmp_path, "捐赠资金去向说明/2026-07-01/爱心企业甲.pdf")
    prefix = Actor(login="donor3", name="爱心企业", role=Role.DONOR, user_id=11)
    assert documents.list_downloads(session, actor=prefix, output_dir=tmp_path) == []


def test_an_evaluator_sees_only_the_evaluations_they_are_assigned(
    session: Session, tmp_path: Path
) -> None:
    running = build_running_cycle(session, projects=3)
    scorer = add_user(session, name="评估专家甲", role=Role.EVALUATOR)
    other = add_user(session, name="评估专家乙", role=Role.EVALUATOR)
    session.flush()
    first, second, third = running.project_ids
    session.add(MonthlyEvaluation(project_id=first, month="2026-06", evaluator_id=scorer.id))
    session.add(
        MonthlyEvaluation(
            project_id=second,
            month="2026-06",
            evaluator_id=other.id,
            status=EvaluationStatus.IN_REVIEW,
        )
    )
    session.add(MonthlyEvaluation(project_id=third, month="2026-06", evaluator_id=other.id))
    session.commit()
    scored = _put(tmp_path, f"2026-06/草稿/月度评估-{first:02d}-{running.titles[0]}.pdf")
    to_review = _put(tmp_path, f"2026-06/草稿/月度评估-{second:02d}-{running.titles[1]}.pdf")
    not_mine = _put(tmp_path, f"2026-06/草稿/月度评估-{third:02d}-{running.titles[2]}.pdf")
    _put(tmp_path, "捐赠资金去向说明/2026-07-01/爱心企业甲.pdf")
    evaluator = Actor(login="eval1", name="评估专家甲", role=Role.EVALUATOR, user_id=scorer.id)
    assert sorted(
        documents.list_downloads(session, actor=evaluator, output_dir=tmp_path)
    ) == sorted([scored, to_review])
    with pytest.raises(NotFound):
        documents.open_download(
            session, actor=evaluator, now=NOW, output_dir=tmp_path, name=not_mine
        )
    # The scorer of the third one, by contrast, may fetch it.
    scorer_of_third = Actor(login="eval2", name="评估专家乙", role=Role.EVALUATOR, user_id=other.id)
    assert not_mine in documents.list_downloads(session, actor=scorer_of_third, output_dir=tmp_path)


def test_an_agency_gets_its_own_contract_by_proposal_id(session: Session, tmp_path: Path) -> None:
    running = build_running_cycle(session, projects=2)
    session.commit()
    [own] = portal.list_agency_proposals(session, agency_id=running.agency_ids[0])[:1]
    [other] = portal.list_agency_proposals(session, agency_id=running.agency_ids[1])[:1]
    mine = _put(tmp_path, f"selection/call-1/资助协议/HHL-2026-001-{own.id:02d}.pdf")
    theirs = _put(tmp_path, f"selection/call-1/资助协议/HHL-2026-002-{other.id:02d}.pdf")
    agency = Actor(
        login="agency1", name="机构一", role=Role.AGENCY, user_id=7, agency_id=running.agency_ids[0]
    )
    listed = documents.list_downloads(session, actor=agency, output_dir=tmp_path)
    assert mine in listed and theirs not in listed
