"""Proposal attachments through `services.attachments` on a real session and a real folder.

The world is the portal world: agency 1's proposal in 初审 (submitted, eligible) under
a call that closed 2026-05-20 17:00 Shanghai, evaluators 1 and 2 seated on it (blind).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from models.attachment_rules import MAX_BYTES
from models.panel import ReviewAssignment
from models.proposal import Proposal, ProposalAttachment
from models.rows import RowsRejected
from models.status import ProposalStatus, Role, Stage
from models.user import AuditEvent
from services import Actor, Forbidden, Refused, attachments, project_pages, proposal_view
from services.attachments import AttachmentsRefused, Upload
from services.deadlines import CallClosed
from services.proposal_batch import read_bid_files
from services.proposal_template import write_template
from services.proposals import receive_proposals
from store import portal
from store.attachments import AttachmentFolder
from tests.web.portal_builders import PortalWorld, build_portal_world

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE = datetime(2026, 5, 19, 10, 0, tzinfo=SHANGHAI)
AFTER = datetime(2026, 5, 21, 9, 0, tzinfo=SHANGHAI)
PDF = b"%PDF-1.4\n% a test pdf\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 60


def docx() -> bytes:
    """A minimal DOCX: a ZIP with its content types and its document part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.fixture
def world(session: Session, tmp_path: Path) -> PortalWorld:
    return build_portal_world(session, tmp_path / "output")


@pytest.fixture
def folder(tmp_path: Path) -> AttachmentFolder:
    return AttachmentFolder(tmp_path / "var" / "attachments")


def _agency(world: PortalWorld, n: int = 0) -> Actor:
    return Actor(
        login=f"agency{n + 1}", role=Role.AGENCY, user_id=100 + n, agency_id=world.agency_ids[n]
    )


def _add(session, world, folder, uploads, *, now=BEFORE, actor=None):  # type: ignore[no-untyped-def]
    return attachments.add_attachments(
        session,
        actor=actor or _agency(world),
        now=now,
        folder=folder,
        proposal_id=world.proposal_id,
        uploads=uploads,
    )


def _rows(session: Session) -> list[ProposalAttachment]:
    session.expire_all()
    return list(session.exec(select(ProposalAttachment).order_by(ProposalAttachment.id)))  # type: ignore[arg-type]


def _stored_files(folder: AttachmentFolder) -> list[Path]:
    return sorted(p for p in folder.root.rglob("*") if p.is_file()) if folder.root.exists() else []


def _events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_agency_attaches_a_pdf_and_a_png_kept_by_digest_and_audited(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    added = _add(session, world, folder, [Upload("资质证明.pdf", PDF), Upload("活动照片.png", PNG)])

    assert [(a.name, a.content_type) for a in added] == [
        ("资质证明.pdf", "application/pdf"),
        ("活动照片.png", "image/png"),
    ]
    rows = _rows(session)
    assert [r.uploaded_by for r in rows] == ["agency1", "agency1"]
    assert sorted(p.read_bytes() for p in _stored_files(folder)) == sorted([PDF, PNG])
    assert all(r.storage_key.endswith(r.sha256) for r in rows)
    [event] = _events(session, "attachment_add")
    assert event.subject_id == world.proposal_id and event.detail == "资质证明.pdf、活动照片.png"


def test_the_same_bytes_twice_are_one_attachment(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    _add(session, world, folder, [Upload("预算明细.docx", docx())])
    again = _add(session, world, folder, [Upload("预算明细（再次）.docx", docx())])

    assert [r.filename for r in _rows(session)] == ["预算明细.docx"]
    assert again[0].name == "预算明细.docx"
    assert len(_events(session, "attachment_add")) == 1


def test_a_program_renamed_pdf_is_refused_naming_the_file_and_nothing_is_kept(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    with pytest.raises(AttachmentsRefused) as refused:
        _add(session, world, folder, [Upload("照片.png", PNG), Upload("setup.pdf", EXE)])

    assert refused.value.problems == (
        "「setup.pdf」的内容不是允许的文件类型（只接受 PDF、JPG、PNG、DOCX、XLSX）",
    )
    assert _rows(session) == [] and _stored_files(folder) == []


def test_a_file_whose_name_disagrees_with_its_content_is_refused(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    with pytest.raises(
        AttachmentsRefused, match=re.escape("「照片.pdf」的扩展名 .pdf 与文件内容（PNG）不符")
    ):
        _add(session, world, folder, [Upload("照片.pdf", PNG)])


def test_a_file_over_ten_mib_is_refused_naming_its_size(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    big = PDF + b"0" * MAX_BYTES

    with pytest.raises(
        AttachmentsRefused, match=re.escape("「年报.pdf」大小 10.0 MB，超过单个附件上限 10.0 MB")
    ):
        _add(session, world, folder, [Upload("年报.pdf", big)])
    assert _rows(session) == []


def test_an_eleventh_file_is_refused(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    _add(session, world, folder, [Upload(f"照片{n}.pdf", PDF + bytes([n])) for n in range(10)])

    with pytest.raises(
        AttachmentsRefused,
        match=re.escape("「照片10.pdf」超出附件数量上限：每份申报书最多 10 个附件"),
    ):
        _add(session, world, folder, [Upload("照片10.pdf", PDF + b"x")])


def test_a_path_and_markup_in_a_name_are_cut_away(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    [added] = _add(session, world, folder, [Upload('..\\..\\etc/<script>证明"x".pdf', PDF)])

    assert added.name == "script证明x.pdf"


def test_after_the_deadline_a_submitted_proposal_takes_no_attachment(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    with pytest.raises(CallClosed) as refused:
        _add(session, world, folder, [Upload("资质证明.pdf", PDF)], now=AFTER)

    title = session.get(Proposal, world.proposal_id).title  # type: ignore[union-attr]
    assert refused.value.message == (
        f"申报已于 2026-05-20 17:00 截止，不能再为「{title}」添加附件 「资质证明.pdf」"
    )
    assert _rows(session) == []


def test_a_draft_takes_attachments_after_the_deadline(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    proposal = session.get(Proposal, world.proposal_id)
    assert proposal is not None
    proposal.status = ProposalStatus.DRAFT
    session.add(proposal)
    session.commit()

    _add(session, world, folder, [Upload("资质证明.pdf", PDF)], now=AFTER)

    assert len(_rows(session)) == 1


def test_another_agency_may_neither_add_nor_read(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    [mine] = _add(session, world, folder, [Upload("资质证明.pdf", PDF)])
    other = _agency(world, 1)

    with pytest.raises(Forbidden):
        _add(session, world, folder, [Upload("x.pdf", PDF)], actor=other)
    with pytest.raises(Forbidden):
        attachments.read_attachment(
            session, actor=other, now=BEFORE, folder=folder,
            proposal_id=world.proposal_id, attachment_id=mine.id,
        )  # fmt: skip
    assert _events(session, "view_attachment") == []


def test_the_agency_removes_one_before_the_deadline_and_the_file_goes(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    [added] = _add(session, world, folder, [Upload("资质证明.pdf", PDF)])

    name = attachments.remove_attachment(
        session, actor=_agency(world), now=BEFORE, folder=folder,
        proposal_id=world.proposal_id, attachment_id=added.id,
    )  # fmt: skip

    assert name == "资质证明.pdf"
    assert _rows(session) == [] and _stored_files(folder) == []
    assert _events(session, "attachment_remove")[0].detail == "资质证明.pdf"


def test_a_seated_evaluator_reads_a_neutral_name_at_a_blind_preliminary_and_is_audited(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    _add(session, world, folder, [Upload("青禾资质证明.pdf", PDF), Upload("照片.png", PNG)])
    seat_id = world.seat_ids["evaluator1"]
    reviewer = portal.get_reviewer_seat(session, assignment_id=seat_id, reviewer_id=None)
    actor = Actor(login="evaluator1", role=Role.EVALUATOR, user_id=reviewer.assignment.reviewer_id)
    view = proposal_view.read_for_seat(session, actor=actor, assignment_id=seat_id)

    assert [(a.name, a.uploaded_by) for a in view.attachments] == [
        ("附件1.pdf", None),
        ("附件2.png", None),
    ]
    found = proposal_view.read_seat_attachment(
        session, actor=actor, now=AFTER, folder=folder,
        assignment_id=seat_id, attachment_id=view.attachments[0].id,
    )  # fmt: skip

    assert (found.name, found.path.read_bytes()) == ("附件1.pdf", PDF)
    [event] = _events(session, "view_attachment")
    assert event.subject_id == world.proposal_id
    assert "青禾资质证明.pdf" in event.detail and "附件1.pdf" in event.detail


def test_an_evaluator_without_that_seat_is_refused(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    [added] = _add(session, world, folder, [Upload("资质证明.pdf", PDF)])
    stranger = Actor(login="evaluator9", role=Role.EVALUATOR, user_id=9999)

    with pytest.raises(Forbidden):
        proposal_view.read_seat_attachment(
            session, actor=stranger, now=AFTER, folder=folder,
            assignment_id=world.seat_ids["evaluator1"], attachment_id=added.id,
        )  # fmt: skip
    with pytest.raises(Forbidden):
        attachments.read_attachment(
            session, actor=stranger, now=AFTER, folder=folder,
            proposal_id=world.proposal_id, attachment_id=added.id,
        )  # fmt: skip
    assert _events(session, "view_attachment") == []


def test_a_withdrawn_proposal_takes_no_attachment(
    session: Session, world: PortalWorld, folder: AttachmentFolder
) -> None:
    proposal = session.get(Proposal, world.proposal_id)
    assert proposal is not None
    proposal.status = ProposalStatus.WITHDRAWN
    session.add(proposal)
    session.commit()

    with pytest.raises(Refused, match=re.escape("已撤回，不能再添加附件 「资质证明.pdf」")):
        _add(session, world, folder, [Upload("资质证明.pdf", PDF)])


def _workbook(
    folder: Path, title: str = "社区长者饭堂", summary: str = "为高龄老人提供午餐。"
) -> bytes:
    """A filled-in template for one proposal of agency 1 (测试社工机构1)."""
    path = write_template(folder / "申报书.xlsx")
    workbook = load_workbook(path)
    workbook["申报书"].append(
        ["测试社工机构1", title, "elderly", "长淮社区", "8000", "800", "300", "2", "高龄老人", "",
         summary, ""]
    )  # fmt: skip
    for category, yuan in (("人员费", 3000), ("活动费", 4200), ("管理费", 800)):
        workbook["预算明细"].append([title, category, yuan])
    workbook["绩效指标"].append([title, "服务人次", 140, 160])
    workbook["进度安排"].append([title, 1, "建档与试运营"])
    workbook.save(path)
    return path.read_bytes()


def _receive(session, world, folder, data, tmp_path, *, now=BEFORE, submit=True):  # type: ignore[no-untyped-def]
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    return receive_proposals(
        session,
        actor=_agency(world),
        now=now,
        call_id=session.get(Proposal, world.proposal_id).call_id,
        tables=read_bid_files(str(path)),
        submit=submit,
        refuse_repeats=submit,
        source="申报书.xlsx",
        workbook=data,
        folder=folder,
    )


def test_the_uploaded_workbook_is_kept_as_the_proposals_first_attachment(
    session: Session, world: PortalWorld, folder: AttachmentFolder, tmp_path: Path
) -> None:
    data = _workbook(tmp_path)

    summary = _receive(session, world, folder, data, tmp_path, submit=False)

    assert summary.received == 1
    proposal = session.exec(select(Proposal).where(Proposal.title == "社区长者饭堂")).one()
    [kept] = attachments.list_attachments(session, actor=_agency(world), proposal_id=proposal.id)
    assert (kept.name, kept.is_workbook, kept.size_bytes) == ("原始申报书.xlsx", True, len(data))
    assert [p.read_bytes() for p in _stored_files(folder)] == [data]
    with pytest.raises(Refused, match=re.escape("「原始申报书.xlsx」是提交的申报书原件，不能删除")):
        attachments.remove_attachment(
            session, actor=_agency(world), now=BEFORE, folder=folder,
            proposal_id=proposal.id, attachment_id=kept.id,
        )  # fmt: skip


def test_a_refused_workbook_keeps_nothing(
    session: Session, world: PortalWorld, folder: AttachmentFolder, tmp_path: Path
) -> None:
    with pytest.raises(CallClosed):
        _receive(session, world, folder, _workbook(tmp_path), tmp_path, now=AFTER)
    bad = _workbook(tmp_path, title="")  # a row without its 项目名称
    with pytest.raises(RowsRejected):
        _receive(session, world, folder, bad, tmp_path)

    assert _rows(session) == [] and _stored_files(folder) == []


def test_the_officers_project_page_lists_the_funded_proposals_attachments(
    session: Session, world: PortalWorld, folder: AttachmentFolder, tmp_path: Path
) -> None:
    staff = Actor(login="staff", name="街道专干", role=Role.STAFF, user_id=1)
    page = project_pages.show_project(
        session, actor=staff, now=AFTER, project_id=world.project_ids[0], output_dir=tmp_path
    )
    attachments.add_attachments(
        session, actor=staff, now=BEFORE, folder=folder,
        proposal_id=page.proposal_id, uploads=[Upload("机构资质证明.pdf", PDF)],
    )  # fmt: skip

    page = project_pages.show_project(
        session, actor=staff, now=AFTER, project_id=world.project_ids[0], output_dir=tmp_path
    )

    assert [(a.name, a.uploaded_by) for a in page.attachments] == [("机构资质证明.pdf", "街道专干")]


def test_a_draft_saved_again_keeps_only_the_newer_workbook(
    session: Session, world: PortalWorld, folder: AttachmentFolder, tmp_path: Path
) -> None:
    first = _workbook(tmp_path)
    _receive(session, world, folder, first, tmp_path, submit=False)
    (tmp_path / "again").mkdir()
    second = _workbook(tmp_path / "again", summary="为高龄老人提供午餐和送餐。")

    _receive(session, world, folder, second, tmp_path, submit=True)

    [kept] = _rows(session)
    assert (kept.filename, kept.size_bytes) == ("原始申报书.xlsx", len(second))
    assert [p.read_bytes() for p in _stored_files(folder)] == [second]


def test_after_the_preliminary_the_evaluator_sees_the_real_names_the_uploader_and_the_workbook(
    session: Session, world: PortalWorld, folder: AttachmentFolder, tmp_path: Path
) -> None:
    data = _workbook(tmp_path)
    _receive(session, world, folder, data, tmp_path, submit=False)
    proposal = session.exec(select(Proposal).where(Proposal.title == "社区长者饭堂")).one()
    attachments.add_attachments(
        session, actor=_agency(world), now=BEFORE, folder=folder,
        proposal_id=proposal.id or 0, uploads=[Upload("资质证明.pdf", PDF)],
    )  # fmt: skip
    evaluator = portal.get_reviewer_seat(
        session, assignment_id=world.seat_ids["evaluator1"], reviewer_id=None
    ).assignment.reviewer_id
    seat = ReviewAssignment(
        proposal_id=proposal.id or 0, stage=Stage.DEFENCE, reviewer_id=evaluator, assigned_at=AFTER
    )
    session.add(seat)
    session.commit()
    actor = Actor(login="evaluator1", role=Role.EVALUATOR, user_id=evaluator)

    view = proposal_view.read_for_seat(session, actor=actor, assignment_id=seat.id or 0)

    assert [(a.name, a.uploaded_by) for a in view.attachments] == [
        ("原始申报书.xlsx", "agency1"),
        ("资质证明.pdf", "agency1"),
    ]
