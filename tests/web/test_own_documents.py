"""Agencies see their own contracts and documents; a donor sees its statements and figures."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.award import Award
from models.fund import Donation, DonorType, Fund
from models.project import Project
from models.register import DocumentRecord
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld


def _contract(session: Session, output_dir: Path, project_id: int, number: str) -> str:
    project = session.get(Project, project_id)
    assert project is not None
    award = session.get(Award, project.award_id)
    assert award is not None
    path = f"资助协议/{number}.pdf"
    (output_dir / "资助协议").mkdir(exist_ok=True)
    (output_dir / path).write_bytes(b"%PDF-1.4\n% contract\n")
    title = f"资助协议 · {number} · {project.title}"
    session.add(
        DocumentRecord(
            kind="contract",
            subject=f"proposal:{award.proposal_id}",
            as_of=date(2026, 5, 30),
            title=title,
            path=path,
            sha256=hashlib.sha256((output_dir / path).read_bytes()).hexdigest(),
            inputs_digest="0" * 64,
            published_at=datetime(2026, 5, 30, tzinfo=UTC),
        )
    )
    session.commit()
    return title


def test_an_agency_sees_its_own_contract_and_documents_not_anothers(
    client: TestClient, world: PortalWorld, database_url: str, output_dir: Path
) -> None:
    with Session(get_engine(database_url)) as session:
        own = _contract(session, output_dir, world.project_ids[0], "HT-2026-001")
        other = _contract(session, output_dir, world.project_ids[1], "HT-2026-002")
        record = session.exec(select(DocumentRecord).where(DocumentRecord.title == own)).one()
    sign_in(client, "agency1")
    home = client.get("/agency").text
    assert "合同与文件" in home and own in home and other not in home
    page = client.get("/agency/documents")
    assert page.status_code == 200
    assert own in page.text and world.titles[0] in page.text
    assert other not in page.text and world.titles[1] not in page.text
    assert page.text.index("资助协议") < page.text.index("项目月度评估报告")
    download = client.get(f"/files/{record.id}")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


def test_an_agency_without_a_contract_is_told_when_it_comes(
    client: TestClient, world: PortalWorld
) -> None:
    sign_in(client, "agency2")
    assert "还没有资助协议" in client.get("/agency").text


def test_the_evaluations_table_labels_each_cell_for_a_phone(
    client: TestClient, world: PortalWorld
) -> None:
    sign_in(client, "agency1")
    page = client.get("/agency/evaluations").text
    assert 'class="stack evaluations"' in page and 'data-label="等级"' in page


def test_the_donor_page_lists_statements_by_title_and_date_with_figures(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    with Session(get_engine(database_url)) as session:
        fund = session.exec(select(Fund)).first()
        assert fund is not None
        session.add(
            Donation(
                fund_id=fund.id or 0,
                donor_name="爱心企业甲",
                donor_type=DonorType.COMPANY,
                donated_on=date(2026, 3, 1),
                amount_fen=5_000_000,
                source_key="donor-page-test",
            )
        )
        session.commit()
    sign_in(client, "donor")
    page = client.get("/donor").text
    assert "捐赠资金去向说明（截至 2026-06-30）" in page
    assert world.files["donor"] not in page  # named for people, not a path
    assert "50,000.00" in page and "爱心企业" in page
    assert "/files/" in page
