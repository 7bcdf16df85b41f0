"""Proposal attachments through the portal and the API, on the real app and a real database.

The agency uploads several files on its proposal's 附件 page, and refusals name each file;
its uploaded workbook is kept as 原始申报书.xlsx. A seated evaluator downloads at 初审
under a neutral name (附件1.pdf), without the uploader, and the download is audited;
an evaluator without the seat and another agency are refused (403). The clock is the
portal's one clock (`NowDep`); the world's call closed 2026-05-20 17:00 Shanghai.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from models.account import Account
from models.proposal import Proposal, ProposalAttachment
from models.status import Role
from models.user import AuditEvent
from services.proposal_template import write_template
from settings import Settings
from store.accounts import add_account, add_api_token
from store.database import get_engine
from tests.web.conftest import csrf_of, sign_in
from tests.web.portal_builders import PASSWORD, PortalWorld
from web.app import create_app
from web.deps import get_now

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE = datetime(2026, 5, 19, 10, 0, tzinfo=SHANGHAI)
AFTER = datetime(2026, 5, 21, 9, 0, tzinfo=SHANGHAI)
PDF = b"%PDF-1.4\n% qualification\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def client(settings: Settings, world: PortalWorld) -> Iterator[TestClient]:
    """The portal, its request body allowed past the 10 MiB an attachment may have."""
    roomy = settings.model_copy(update={"web_max_upload_mb": 12})
    with TestClient(create_app(roomy), raise_server_exceptions=False) as test_client:
        yield test_client


def _at(client: TestClient, now: datetime) -> None:
    client.app.dependency_overrides[get_now] = lambda: now  # type: ignore[attr-defined]


def _as(client: TestClient, login: str, now: datetime) -> str:
    """Sign in afresh on the real clock (the session's lifetime is), then set the clock."""
    client.app.dependency_overrides.clear()  # type: ignore[attr-defined]
    client.cookies.clear()
    token = sign_in(client, login)
    _at(client, now)
    return token


def _page(proposal_id: int) -> str:
    return f"/agency/proposals/{proposal_id}/attachments"


def _upload(client: TestClient, proposal_id: int, files: list[tuple[str, bytes, str]]):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(_page(proposal_id)).text)
    return client.post(
        _page(proposal_id),
        data={"csrf_token": token},
        files=[("files", f) for f in files],
        follow_redirects=False,
    )


def _rows(database_url: str) -> list[ProposalAttachment]:
    with Session(get_engine(database_url)) as session:
        return list(session.exec(select(ProposalAttachment).order_by(ProposalAttachment.id)))  # type: ignore[arg-type]


def _views(database_url: str) -> list[AuditEvent]:
    with Session(get_engine(database_url)) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == "view_attachment")))


def _attached(client: TestClient, world: PortalWorld) -> None:
    """Agency 1 attaches a PDF and a PNG before the deadline."""
    _as(client, "agency1", BEFORE)
    response = _upload(
        client,
        world.proposal_id,
        [("测试社工机构1资质证明.pdf", PDF, "application/pdf"), ("活动照片.png", PNG, "image/png")],
    )
    assert response.status_code == 303, response.text


def test_the_agency_uploads_a_pdf_and_a_png_and_sees_them_listed(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _attached(client, world)
    _as(client, "agency1", BEFORE)

    page = client.get(_page(world.proposal_id))

    assert page.status_code == 200
    assert "测试社工机构1资质证明.pdf" in page.text and "活动照片.png" in page.text
    assert "初审为匿名评审，附件中请勿出现机构名称" in page.text
    assert 'name="files" multiple' in page.text
    [pdf, png] = _rows(database_url)
    assert (pdf.content_type, png.content_type) == ("application/pdf", "image/png")
    download = client.get(f"{_page(world.proposal_id)}/{pdf.id}")
    assert download.content == PDF and download.headers["content-disposition"].startswith(
        "attachment"
    )


def test_a_program_renamed_pdf_is_refused_naming_the_file(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _as(client, "agency1", BEFORE)

    response = _upload(client, world.proposal_id, [("<b>setup.pdf", EXE, "application/pdf")])

    assert response.status_code == 400
    assert (
        "「bsetup.pdf」的内容不是允许的文件类型（只接受 PDF、JPG、PNG、DOCX、XLSX）"
        in response.text
    )
    assert _rows(database_url) == []


def test_a_file_over_ten_mib_is_refused(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _as(client, "agency1", BEFORE)

    big = PDF + b"0" * (10 * 1024 * 1024)
    response = _upload(client, world.proposal_id, [("年报.pdf", big, "application/pdf")])

    assert response.status_code == 400
    assert "「年报.pdf」大小 10.0 MB，超过单个附件上限 10.0 MB" in response.text
    assert _rows(database_url) == []


def test_after_the_deadline_the_upload_is_refused_and_the_form_is_gone(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _as(client, "agency1", BEFORE)
    token = csrf_of(client.get(_page(world.proposal_id)).text)
    _at(client, AFTER)

    response = client.post(
        _page(world.proposal_id),
        data={"csrf_token": token},
        files=[("files", ("资质证明.pdf", PDF, "application/pdf"))],
    )

    assert response.status_code == 400
    assert "申报已于 2026-05-20 17:00 截止" in response.text and "「资质证明.pdf」" in response.text
    assert 'name="files"' not in response.text
    assert _rows(database_url) == []


def test_the_same_file_twice_is_one_attachment(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _attached(client, world)
    _attached(client, world)

    assert [r.filename for r in _rows(database_url)] == [
        "测试社工机构1资质证明.pdf",
        "活动照片.png",
    ]


def _workbook(folder: Path) -> bytes:
    path = write_template(folder / "申报书.xlsx")
    workbook = load_workbook(path)
    workbook["申报书"].append(
        ["测试社工机构1", "社区长者饭堂", "elderly", "长淮社区", "8000", "800", "300", "2",
         "高龄老人", "", "为高龄老人提供午餐。", ""]
    )  # fmt: skip
    for category, yuan in (("人员费", 3000), ("活动费", 4200), ("管理费", 800)):
        workbook["预算明细"].append(["社区长者饭堂", category, yuan])
    workbook["绩效指标"].append(["社区长者饭堂", "服务人次", 140, 160])
    workbook["进度安排"].append(["社区长者饭堂", 1, "建档与试运营"])
    workbook.save(path)
    return path.read_bytes()


def test_the_uploaded_workbook_is_kept_as_the_original(
    client: TestClient, world: PortalWorld, database_url: str, tmp_path: Path
) -> None:
    data = _workbook(tmp_path)
    token = _as(client, "agency1", BEFORE)

    response = client.post(
        "/agency/proposals",
        data={"csrf_token": token, "action": "draft"},
        files={"workbook": ("我的申报书.xlsx", data, XLSX)},
        follow_redirects=False,
    )

    assert response.status_code == 303, response.text
    with Session(get_engine(database_url)) as session:
        proposal = session.exec(select(Proposal).where(Proposal.title == "社区长者饭堂")).one()
    [kept] = _rows(database_url)
    assert (kept.proposal_id, kept.filename, kept.size_bytes) == (
        proposal.id,
        "原始申报书.xlsx",
        len(data),
    )
    page = client.get(_page(proposal.id or 0))
    assert "原始申报书.xlsx" in page.text and "申报书原件" in page.text
    assert client.get(f"{_page(proposal.id or 0)}/{kept.id}").content == data


def test_a_seated_evaluator_downloads_under_a_neutral_name_at_the_blind_preliminary(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _attached(client, world)
    _as(client, "evaluator1", AFTER)
    seat = world.seat_ids["evaluator1"]
    [pdf, _png] = _rows(database_url)

    page = client.get(f"/evaluator/assignments/{seat}")
    download = client.get(f"/evaluator/assignments/{seat}/attachments/{pdf.id}")

    assert "附件1.pdf" in page.text and "附件2.png" in page.text
    assert "资质证明" not in page.text and "机构一用户" not in page.text
    assert download.status_code == 200 and download.content == PDF
    assert "%E9%99%84%E4%BB%B61.pdf" in download.headers["content-disposition"]  # 附件1.pdf
    [event] = _views(database_url)
    assert event.actor.startswith("evaluator1") and event.subject_id == world.proposal_id


def test_the_api_lists_the_attachments_without_their_bytes(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _attached(client, world)
    with Session(get_engine(database_url)) as session:
        evaluator = session.exec(select(Account).where(Account.login == "evaluator1")).one()
        token = add_api_token(session, account_id=evaluator.id or 0, now=datetime.now(UTC))
        session.commit()
    seat = world.seat_ids["evaluator1"]

    body = client.get(
        f"/api/assignments/{seat}", headers={"Authorization": f"Bearer {token}"}
    ).json()

    assert [(a["name"], a["size"], a["type"]) for a in body["proposal"]["attachments"]] == [
        ("附件1.pdf", len(PDF), "application/pdf"),
        ("附件2.png", len(PNG), "image/png"),
    ]


def test_an_evaluator_without_the_seat_and_another_agency_are_refused(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _attached(client, world)
    with Session(get_engine(database_url)) as session:
        add_account(
            session, login="evaluator3", password=PASSWORD, name="评估专家丙", role=Role.EVALUATOR
        )
        session.commit()
    [pdf, _png] = _rows(database_url)
    seat = world.seat_ids["evaluator1"]

    _as(client, "evaluator3", AFTER)
    unseated = client.get(f"/evaluator/assignments/{seat}/attachments/{pdf.id}")
    by_agency_door = client.get(f"{_page(world.proposal_id)}/{pdf.id}")
    _as(client, "agency2", BEFORE)
    other_agency = client.get(f"{_page(world.proposal_id)}/{pdf.id}")
    other_page = client.get(_page(world.proposal_id))

    assert [r.status_code for r in (unseated, by_agency_door, other_agency, other_page)] == [
        403
    ] * 4
    assert "未被分配评审任务" in unseated.text
    assert PDF not in other_agency.content
    assert _views(database_url) == []
