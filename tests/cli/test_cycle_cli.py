"""`gongyi cycle verify` re-checks the register's and the archive's hashes and names each file that changed."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from cli import app
from flows.closing.cycle_archive import write_archive
from models.cycle import Cycle
from models.register import DocumentRecord
from store.database import get_engine

CYCLE = {
    "id": 1,
    "street_office": "淮河路街道办事处",
    "name": "2026年度公益创投",
    "year": 2026,
    "starts_on": date(2026, 3, 1),
    "ends_on": date(2026, 12, 31),
}


def _archive(tmp_path: Path) -> Path:
    output = tmp_path / "output"
    for name, data in (
        ("2026-06/月度评估-01.pdf", b"%PDF one"),
        ("needs/需求调研报告-1.pdf", b"%PDF two"),
    ):
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_bytes(data)
    cycle = Cycle(**CYCLE)
    folder, _ = write_archive(
        output,
        cycle,
        sorted(output.rglob("*.pdf")),
        rules_version=1,
        rules_sha256="0" * 64,
        created_on=date(2026, 12, 1),
    )
    return folder


def test_verify_passes_an_untouched_archive(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["cycle", "verify", "--archive", str(_archive(tmp_path))])

    assert result.exit_code == 0 and "文档校验通过：归档 2 个文件" in result.output


def test_verify_names_a_tampered_file_and_fails(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _archive(tmp_path)
    (folder / "2026-06/月度评估-01.pdf").write_bytes(b"%PDF 0ne")

    result = runner.invoke(app, ["cycle", "verify", "--archive", str(folder)])

    assert result.exit_code == 1 and "文件已被改动：2026-06/月度评估-01.pdf" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_verify_checks_the_output_folder_against_the_register_and_names_each_file(
    runner, database_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    output = tmp_path / "output"
    kept, changed = (
        output / "2026-06/街道月度汇总-2026-06.pdf",
        output / "2026-06/月度评估-01-甲.pdf",
    )
    with Session(get_engine(database_url)) as session:
        session.add(Cycle(**CYCLE))
        for path in (kept, changed):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF " + path.name.encode())
            session.add(
                DocumentRecord(
                    cycle_id=1,
                    kind="street_summary" if path == kept else "monthly_assessment",
                    subject="cycle:1" if path == kept else "project:1",
                    period="2026-06",
                    as_of=date(2026, 6, 30),
                    path=path.relative_to(output).as_posix(),
                    sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                    inputs_digest="0" * 64,
                    published_at=datetime(2026, 7, 1, 9, 0, tzinfo=UTC),
                )
            )
        session.commit()

    passed = runner.invoke(app, ["cycle", "verify", "--cycle", "1"])
    assert passed.exit_code == 0 and "输出文件夹 2 份登记文档" in passed.output

    changed.write_bytes(b"%PDF changed")
    kept.unlink()
    failed = runner.invoke(app, ["cycle", "verify", "--cycle", "1"])
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    assert "缺少文件：2026-06/街道月度汇总-2026-06.pdf" in failed.output
    assert "文件与登记不符：2026-06/月度评估-01-甲.pdf" in failed.output


def test_the_cycle_group_lists_its_commands(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["cycle", "--help"])

    for command in ("final", "review", "close", "verify", "new", "refund"):
        assert command in result.output
