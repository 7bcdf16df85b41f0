"""Publishing through the register: a real render, a no-op re-run, a restored file, a second version."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from models.register import DocumentRecord
from reports.render import WEEKLY_MINUTES_TEMPLATE
from reports.samples import build_sample_weekly_minutes
from services import SYSTEM
from services.register import DocumentSpec, publish_document, verify_documents
from store import register
from tests.reports.conftest import TEMPLATES_DIR

NOW = datetime(2026, 6, 9, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PATH = "2026-06/周例会纪要-2026-06-08.pdf"


def _spec(context=None) -> DocumentSpec:  # type: ignore[no-untyped-def]
    return DocumentSpec(
        kind="weekly_minutes",
        subject="cycle:none",
        period="2026-06-08",
        as_of=date(2026, 6, 8),
        template_name=WEEKLY_MINUTES_TEMPLATE,
        context=context or build_sample_weekly_minutes(),
        path=PATH,
        title="周例会纪要",
    )


def _publish(session: Session, output: Path, spec: DocumentSpec) -> Path:
    path = publish_document(
        session, spec, output_dir=output, templates_dir=TEMPLATES_DIR, actor=SYSTEM, now=NOW
    )
    session.commit()
    return path


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_document_is_rendered_once_restored_when_lost_and_versioned_when_its_inputs_change(
    session: Session, tmp_path: Path
) -> None:
    first = _publish(session, tmp_path, _spec())
    [row] = register.list_records(session)
    assert (
        first == tmp_path / PATH and row.version == 1 and row.sha256 == register.file_sha256(first)
    )
    written_at = first.stat().st_mtime_ns

    assert _publish(session, tmp_path, _spec()) == first  # same inputs: nothing rendered
    assert first.stat().st_mtime_ns == written_at and len(register.list_records(session)) == 1

    first.unlink()  # a file lost (a render killed half-way, a file deleted)
    assert verify_documents(session, cycle_id=None, output_dir=tmp_path).problems == (
        f"缺少文件：{PATH}",
    )
    assert _publish(session, tmp_path, _spec()) == first and first.is_file()
    assert register.file_sha256(first) == row.sha256  # the same bytes: rendering is deterministic
    assert verify_documents(session, cycle_id=None, output_dir=tmp_path).problems == ()

    changed = replace(build_sample_weekly_minutes(), headline="本周新增一项整改")
    second = _publish(session, tmp_path, _spec(changed))
    assert second == tmp_path / "2026-06/周例会纪要-2026-06-08（第2版）.pdf"
    assert first.is_file() and register.file_sha256(first) == row.sha256  # never overwritten
    rows = register.list_records(session)
    assert [(r.version, r.reason) for r in rows] == [(1, ""), (2, "数据已更新")]
    assert register.list_records(session, latest_only=True)[0].version == 2


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_verify_names_every_registered_file_that_is_missing_or_differs(
    session: Session, tmp_path: Path
) -> None:
    path = _publish(session, tmp_path, _spec())
    path.write_bytes(path.read_bytes() + b"\n% changed")
    session.add(
        DocumentRecord(
            kind="contract",
            subject="proposal:9",
            period="",
            as_of=date(2026, 5, 1),
            path="selection/call-1/资助协议/GY-2026-009.pdf",
            sha256="0" * 64,
            inputs_digest="0" * 64,
            published_at=NOW,
        )
    )
    session.commit()
    problems = verify_documents(session, cycle_id=None, output_dir=tmp_path).problems
    assert problems[0] == "缺少文件：selection/call-1/资助协议/GY-2026-009.pdf"
    assert problems[1].startswith(f"文件与登记不符：{PATH}")
