"""Downloads through `services.documents`: who may fetch which file, and the audit of each."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from models.status import Role
from services import Actor, NotFound, documents
from store.users import list_audit_events
from tests.monitoring_builders import build_running_cycle

NOW = datetime(2026, 7, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _world(session: Session, output_dir: Path) -> tuple[Actor, dict[str, str]]:
    running = build_running_cycle(session, projects=2)
    session.commit()
    files = {
        "own": f"2026-06/月度评估-01-{running.titles[0]}.pdf",
        "other": f"2026-06/月度评估-02-{running.titles[1]}.pdf",
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
