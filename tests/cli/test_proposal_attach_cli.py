"""`gongyi proposal attach|attachments`: the office attaches files to a proposal and lists them.

The same use case as the agency's 附件 page (`services.attachments`): files known by
their bytes, a refused file named with its reason and nothing written, the same bytes
twice one attachment. The portal world's proposal is made a draft, which takes files
whatever the date (the CLI acts at the server's time).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from cli import app
from models.proposal import Proposal, ProposalAttachment
from models.status import ProposalStatus
from store.database import get_engine
from tests.web.portal_builders import build_portal_world

PDF = b"%PDF-1.4\n% cli\n%%EOF\n"


@pytest.fixture
def proposal_id(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("GONGYI_VAR_DIR", str(tmp_path / "var"))
    with Session(get_engine(database_url), expire_on_commit=False) as session:
        world = build_portal_world(session, tmp_path / "output")
        proposal = session.get(Proposal, world.proposal_id)
        assert proposal is not None
        proposal.status = ProposalStatus.DRAFT
        session.add(proposal)
        session.commit()
        return world.proposal_id


def _rows(database_url: str) -> list[ProposalAttachment]:
    with Session(get_engine(database_url)) as session:
        return list(session.exec(select(ProposalAttachment)))


def test_the_office_attaches_and_lists_and_the_same_file_again_is_one(  # type: ignore[no-untyped-def]
    runner, proposal_id: int, database_url: str, tmp_path: Path
) -> None:
    pdf = tmp_path / "资质证明.pdf"
    pdf.write_bytes(PDF)
    attach = ["proposal", "attach", "--proposal", str(proposal_id), str(pdf)]

    first = runner.invoke(app, attach)
    again = runner.invoke(app, attach)
    listed = runner.invoke(app, ["proposal", "attachments", "--proposal", str(proposal_id)])

    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    assert "资质证明.pdf" in first.output
    assert "资质证明.pdf" in listed.output and "application/pdf" in listed.output
    [row] = _rows(database_url)
    assert (tmp_path / "var" / "attachments" / row.storage_key).read_bytes() == PDF


def test_a_program_renamed_pdf_is_refused_naming_it(  # type: ignore[no-untyped-def]
    runner, proposal_id: int, database_url: str, tmp_path: Path
) -> None:
    good, bad = tmp_path / "照片.pdf", tmp_path / "setup.pdf"
    good.write_bytes(PDF)
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)

    result = runner.invoke(
        app, ["proposal", "attach", "--proposal", str(proposal_id), str(good), str(bad)]
    )

    assert result.exit_code == 1
    output = "".join(result.output.split())
    assert "「setup.pdf」的内容不是允许的文件类型" in output and "未写入任何数据" in output
    assert "Traceback" not in result.output
    assert _rows(database_url) == []
