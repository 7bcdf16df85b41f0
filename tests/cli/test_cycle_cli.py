"""`gongyi cycle verify` re-checks an archive's hashes and names the file that changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cli import app
from flows.closing.cycle_archive import write_archive
from models.cycle import Cycle


def _archive(tmp_path: Path) -> Path:
    output = tmp_path / "output"
    for name, data in (
        ("2026-06/月度评估-01.pdf", b"%PDF one"),
        ("needs/需求调研报告-1.pdf", b"%PDF two"),
    ):
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_bytes(data)
    cycle = Cycle(
        id=1,
        street_office="淮河路街道办事处",
        name="2026年度公益创投",
        year=2026,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
    )
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

    assert result.exit_code == 0 and "归档校验通过：2 个文件" in result.output


def test_verify_names_a_tampered_file_and_fails(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _archive(tmp_path)
    (folder / "2026-06/月度评估-01.pdf").write_bytes(b"%PDF 0ne")

    result = runner.invoke(app, ["cycle", "verify", "--archive", str(folder)])

    assert result.exit_code == 1 and "文件已被改动：2026-06/月度评估-01.pdf" in result.output
    assert "Traceback" not in result.output


def test_the_cycle_group_lists_its_commands(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["cycle", "--help"])

    for command in ("final", "review", "close", "verify", "new", "refund"):
        assert command in result.output
