"""The PDFs themselves: Chinese text, embedded CJK fonts, and failures that leave nothing."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from reports.errors import ReportError
from reports.fonts import check_cjk_font, get_font_state
from reports.render import (
    STALE_PARTIAL_SECONDS,
    render_monthly_assessment,
    render_street_summary,
    render_weekly_minutes,
    write_pdf,
    write_pdf_reporting,
)
from reports.samples import (
    build_sample_monthly_assessment,
    build_sample_street_summary,
    build_sample_weekly_minutes,
)

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) is not installed",
)


def pdf_text(pdf: Path) -> str:
    """Return the PDF's text with all whitespace removed, as pdftotext reads it back."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True)
    return "".join(out.stdout.split())


def embedded_fonts(pdf: Path) -> list[tuple[str, str]]:
    """Return (font name, emb) for each font pdffonts lists."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
    return [(row[0], row[-5]) for row in rows]


def minimal_html(body: str) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><link rel="stylesheet" href="print.css">'
        f"</head><body>{body}</body></html>"
    )


@needs_poppler
def test_monthly_assessment_pdf_reads_back_as_chinese_with_embedded_cjk_font(
    templates_dir, tmp_path
):
    target = tmp_path / "2026-05" / "月度评估报告.pdf"
    written = render_monthly_assessment(
        build_sample_monthly_assessment(), templates_dir=templates_dir, target=target
    )
    assert written == target
    text = pdf_text(target)
    assert "项目月度评估报告" in text
    assert "第1页共3页" in text
    assert "银龄互助·长者食堂陪伴计划" in text
    assert "80,000.00元" in text
    assert "138****1234" in text and "13812341234" not in text
    fonts = embedded_fonts(target)
    assert fonts and all(emb == "yes" for _, emb in fonts)
    assert any("CJK" in name for name, _ in fonts)


@needs_poppler
def test_street_summary_pdf_reads_back_as_chinese_with_embedded_cjk_font(templates_dir, tmp_path):
    target = tmp_path / "街道月度汇总报告.pdf"
    render_street_summary(build_sample_street_summary(), templates_dir=templates_dir, target=target)
    text = pdf_text(target)
    assert "4大领域22个服务项目，本月服务20356人次" in text
    assert "第1页共" in text
    assert "260,000.00元" in text
    assert any("CJK" in name for name, emb in embedded_fonts(target) if emb == "yes")


@needs_poppler
def test_a_character_no_font_can_draw_is_a_placeholder_not_a_failure(templates_dir, tmp_path):
    rendered = write_pdf_reporting(
        minimal_html("<p>服务\ue000记录</p>"),
        target=tmp_path / "tofu.pdf",
        templates_dir=templates_dir,
    )
    assert "服务〓记录" in pdf_text(rendered.path)
    assert rendered.warnings and "U+E000" in rendered.warnings[0]
    assert [path.name for path in tmp_path.iterdir()] == ["tofu.pdf"]


def test_tofu_is_caught_even_when_weasyprint_logging_is_silenced(templates_dir, tmp_path):
    logger = logging.getLogger("weasyprint")
    logger.setLevel(logging.CRITICAL)
    try:
        rendered = write_pdf_reporting(
            minimal_html("<p>\ue000</p>"), target=tmp_path / "x.pdf", templates_dir=templates_dir
        )
        assert any("U+E000" in warning for warning in rendered.warnings)
        assert logger.level == logging.CRITICAL
    finally:
        logger.setLevel(logging.NOTSET)


def test_a_failed_render_keeps_the_previous_pdf(templates_dir, tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF-previous")
    with pytest.raises(ReportError):
        write_pdf(
            minimal_html('<link rel="stylesheet" href="http://example.com/x.css"><p>中文</p>'),
            target=target,
            templates_dir=templates_dir,
        )
    assert target.read_bytes() == b"%PDF-previous"
    assert [path.name for path in tmp_path.iterdir()] == ["report.pdf"]


@pytest.mark.parametrize(
    "link",
    [
        '<link rel="stylesheet" href="http://example.com/x.css">',
        '<img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="../../pyproject.toml">',
    ],
)
def test_a_document_that_reaches_outside_the_templates_folder_fails(templates_dir, tmp_path, link):
    with pytest.raises(ReportError, match="拒绝访问"):
        write_pdf(
            minimal_html(f"{link}<p>中文</p>"),
            target=tmp_path / "x.pdf",
            templates_dir=templates_dir,
        )
    assert list(tmp_path.iterdir()) == []


def test_output_folder_that_cannot_be_created_is_named(templates_dir, tmp_path):
    blocker = tmp_path / "output"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ReportError, match="无法写入输出文件夹") as raised:
        write_pdf(
            minimal_html("<p>中文</p>"), target=blocker / "a.pdf", templates_dir=templates_dir
        )
    assert str(blocker) in str(raised.value)


def test_written_pdf_is_readable_like_any_output_file(templates_dir, tmp_path):
    target = write_pdf(
        minimal_html("<p>中文</p>"), target=tmp_path / "a.pdf", templates_dir=templates_dir
    )
    assert target.read_bytes().startswith(b"%PDF-")
    assert target.stat().st_mode & 0o777 == 0o644


def test_the_process_shares_one_font_configuration():
    assert get_font_state() is get_font_state()
    assert get_font_state().font_config is get_font_state().font_config


def test_chinese_font_check_passes_here():
    check_cjk_font()


def test_missing_chinese_font_is_one_clear_line(tmp_path, monkeypatch):
    fake = tmp_path / "fc-list"
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReportError) as raised:
        check_cjk_font()
    assert str(raised.value) == "缺少中文字体：请运行 apt-get install fonts-noto-cjk"


def test_missing_fontconfig_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReportError, match="apt-get install fontconfig"):
        check_cjk_font()


def test_renders_from_several_threads_each_write_a_whole_pdf(templates_dir, tmp_path):
    targets = [tmp_path / f"{n}.pdf" for n in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [
            pool.submit(
                render_monthly_assessment,
                build_sample_monthly_assessment(),
                templates_dir=templates_dir,
                target=target,
            )
            for target in targets
        ]
        written = [future.result() for future in futures]
    assert written == targets
    sizes = {target.stat().st_size for target in targets}
    assert len(sizes) == 1 and sizes.pop() > 10_000


def pdf_metadata(pdf: Path) -> str:
    """Return the XMP metadata pdfinfo reads from the PDF."""
    out = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, check=True, text=True)
    return out.stdout


@needs_poppler
def test_every_report_is_archived_as_pdf_a_3u(templates_dir, tmp_path):
    target = tmp_path / "a.pdf"
    write_pdf(minimal_html("<p>中文</p>"), target=target, templates_dir=templates_dir)
    meta = pdf_metadata(target)
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="U"' in meta


@needs_poppler
def test_chart_labels_are_text_in_the_pdf_not_pictures(templates_dir, tmp_path):
    target = tmp_path / "monthly.pdf"
    render_monthly_assessment(
        build_sample_monthly_assessment(), templates_dir=templates_dir, target=target
    )
    text = pdf_text(target)
    for label in (
        "按时提交",
        "当日无活动",
        "日均计划29人次",
        "预算30,000.00",
        "支出11,500.50",
        "人员费",
    ):
        assert label in text, label


@needs_poppler
def test_a_long_table_repeats_its_header_on_the_next_page(templates_dir, tmp_path):
    target = tmp_path / "street.pdf"
    sample = build_sample_street_summary()
    longer = replace(sample, project_rows=sample.project_rows * 3)  # 66 rows: over two pages
    render_street_summary(longer, templates_dir=templates_dir, target=target)
    pages = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, check=True, text=True
    ).stdout.split("\f")
    with_project_head = [p for p in pages if "序号" in p and "累计支出（元）" in p]
    assert len(with_project_head) >= 2


@needs_poppler
def test_weekly_minutes_pdf_reads_back_as_chinese(templates_dir, tmp_path):
    target = tmp_path / "minutes.pdf"
    render_weekly_minutes(build_sample_weekly_minutes(), templates_dir=templates_dir, target=target)
    text = pdf_text(target)
    assert "周例会纪要" in text and "本周日报告应交110份" in text
    assert "139****5678" in text


def test_a_partial_file_left_by_a_crashed_run_is_swept_by_the_next_render(templates_dir, tmp_path):
    target = tmp_path / "report.pdf"
    stale = tmp_path / ".report.pdf.abc123.partial"
    fresh = tmp_path / ".report.pdf.def456.partial"  # another render of it, in progress
    other = tmp_path / ".other.pdf.abc123.partial"  # another document's: not ours to sweep
    for path in (stale, fresh, other):
        path.write_bytes(b"%PDF-half")
    old = time.time() - STALE_PARTIAL_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    write_pdf(minimal_html("<p>中文</p>"), target=target, templates_dir=templates_dir)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, fresh.name, other.name]
    )
