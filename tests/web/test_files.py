"""The documents page (报告文件): the register's documents each role may see, by name, and their download by row id."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlmodel import Session, select

from models.register import DocumentRecord
from models.user import AuditEvent
from store import portal
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _add(
    session: Session,
    output_dir: Path,
    kind: str,
    subject: str,
    period: str,
    path: str,
    title: str,
    version: int = 1,
) -> int:
    target = output_dir / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"%PDF-1.4\n% " + path.encode() + b"\n")
    row = DocumentRecord(
        kind=kind,
        subject=subject,
        period=period,
        as_of=date(2026, 6, 30),
        version=version,
        title=title,
        path=path,
        sha256="0" * 64,
        inputs_digest=str(version) * 64,
        reason="数据已更新" if version > 1 else "",
        published_at=datetime(2026, 7, 2, tzinfo=UTC),
    )
    session.add(row)
    session.commit()
    return row.id or 0


def _register(database_url: str, world: PortalWorld, output_dir: Path) -> dict[str, int]:
    """Register documents of both agencies, a donor, the call and the street; return their row ids."""
    p1, p2 = world.project_ids
    t1, t2 = world.titles
    with Session(get_engine(database_url)) as session:
        # These tests want the portal world's own files unregistered (legacy files, staff only).
        session.execute(delete(DocumentRecord))
        session.commit()
        [proposal] = portal.list_agency_proposals(session, agency_id=world.agency_ids[1])[:1]
        return {
            "june1": _add(
                session,
                output_dir,
                "monthly_assessment",
                f"project:{p1}",
                "2026-06",
                f"登记/2026-06/月度评估-{p1:02d}-{t1}.pdf",
                f"项目月度评估报告 · {t1} · 2026-06",
            ),
            "june1v2": _add(
                session,
                output_dir,
                "monthly_assessment",
                f"project:{p1}",
                "2026-06",
                f"登记/2026-06/月度评估-{p1:02d}-{t1}（第2版）.pdf",
                f"项目月度评估报告 · {t1} · 2026-06",
                version=2,
            ),
            "june2": _add(
                session,
                output_dir,
                "monthly_assessment",
                f"project:{p2}",
                "2026-06",
                f"登记/2026-06/月度评估-{p2:02d}-{t2}.pdf",
                f"项目月度评估报告 · {t2} · 2026-06",
            ),
            "contract2": _add(
                session,
                output_dir,
                "contract",
                f"proposal:{proposal.id}",
                "",
                f"selection/call-1/资助协议/HHL-2026-002-{proposal.id:02d}.pdf",
                f"资助协议 · HHL-2026-002 · {proposal.title}",
            ),
            "donor": _add(
                session,
                output_dir,
                "donor_statement",
                "donor:爱心企业甲",
                "2026-07-01",
                "捐赠资金去向说明/2026-07-01/爱心企业甲（登记）.pdf",
                "捐赠资金去向说明 · 爱心企业甲",
            ),
            "call": _add(
                session,
                output_dir,
                "call",
                "call:1",
                "v1",
                "call/申报指南-v1.pdf",
                "申报指南 · 2026年公益创投（第1版）",
            ),
            "street": _add(
                session,
                output_dir,
                "street_summary",
                f"cycle:{world.cycle_id}",
                "2026-06",
                "2026-06/街道月度汇总-2026-06.pdf",
                "街道月度汇总报告 · 2026-06",
            ),
        }


def _links(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/files/(\d+)"', html)}


def test_staff_see_every_document_once_by_name_grouped_by_kind_with_unregistered_files_apart(
    client: TestClient, world: PortalWorld, output_dir: Path, database_url: str
) -> None:
    ids = _register(database_url, world, output_dir)
    sign_in(client, "staff")
    page = client.get("/files")
    assert page.status_code == 200
    html = page.text
    for label in (
        "资助协议",
        "申报指南",
        "项目月度评估报告",
        "街道月度汇总报告",
        "捐赠资金去向说明",
        "2026年6月",
        "其他文件",
    ):
        assert label in html, label
    t1 = world.titles[0]
    # One entry per document: its latest version, named for people, with the earlier one linked.
    assert html.count(f">项目月度评估报告 · {t1} · 2026-06</a>") == 1
    assert "第2版（数据已更新）" in html and f'href="/files/{ids["june1"]}">第1版' in html
    assert _links(html) == set(ids.values())
    # The portal world's files were written without the register: listed apart, by path.
    others = html.split("其他文件")[1]
    assert all(name in others for name in world.files.values())
    assert "月度评估-" not in html.split("其他文件")[0].replace("/files/", "")
    response = client.get(f"/files/{ids['june1v2']}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_an_agency_sees_and_downloads_only_its_own_documents_by_row_id(
    client: TestClient, world: PortalWorld, output_dir: Path, database_url: str
) -> None:
    ids = _register(database_url, world, output_dir)
    sign_in(client, "agency2")
    html = client.get("/files").text
    assert _links(html) == {ids["june2"], ids["contract2"], ids["call"]}
    assert "其他文件" not in html and world.files["project2"] not in html
    assert client.get(f"/files/{ids['contract2']}").status_code == 200
    for refused in ("june1", "june1v2", "donor", "street"):
        assert client.get(f"/files/{ids[refused]}").status_code == 404, refused
    assert client.get("/files/999999").status_code == 404
    with Session(get_engine(database_url)) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.subject_type == "document")).all()
    assert sorted((e.action, e.subject_id) for e in events) == sorted(
        [("download", ids["contract2"])]
        + [("download_refused", ids[k]) for k in ("june1", "june1v2", "donor", "street")]
        + [("download_refused", 999999)]
    )


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("donor", {"donor", "call"}),
        (
            "evaluator1",
            {"june1", "june1v2", "call"},
        ),  # the June evaluation of project 1 is in review
        ("resident", {"call"}),
    ],
)
def test_donors_evaluators_and_residents_see_their_documents_and_the_public_ones(
    login: str,
    expected: set[str],
    client: TestClient,
    world: PortalWorld,
    output_dir: Path,
    database_url: str,
) -> None:
    ids = _register(database_url, world, output_dir)
    sign_in(client, login)
    html = client.get("/files").text
    assert _links(html) == {ids[k] for k in expected}
    assert "其他文件" not in html
    for key, row_id in ids.items():
        assert client.get(f"/files/{row_id}").status_code == (200 if key in expected else 404), key
