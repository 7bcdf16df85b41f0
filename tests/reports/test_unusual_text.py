"""Unusual text in real PDFs: emoji, CJK Extension B, private-use characters (issue #17).

A daily report holding 😀, 𠀀 or a private-use character once failed the whole
monthly run. Now Extension B is drawn by HanaMin, emoji by Noto Color Emoji, a
character no font has is drawn as 〓 with a warning, and one document's failure
never stops the rest of its batch.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from reports.batch import RenderJob, RenderPool, render_batch, render_jobs
from reports.contexts import DailyNote
from reports.errors import BatchFailed
from reports.fonts import MISSING_EXTENSION_B_FONT, PLACEHOLDER, extension_b_font_problem
from reports.render import (
    MONTHLY_ASSESSMENT_TEMPLATE,
    STREET_SUMMARY_TEMPLATE,
    WEEKLY_MINUTES_TEMPLATE,
    render_document,
    write_pdf_reporting,
)
from reports.samples import (
    build_sample_monthly_assessment,
    build_sample_street_summary,
    build_sample_weekly_minutes,
)

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) is not installed",
)

EMOJI = "😀"
EXT_B = ("𠀀", "𪚥")
PRIVATE_USE = "\ue000"
UNUSUAL = f"拓印{EXT_B[0]}字和{EXT_B[1]}字碑活动{EMOJI}，备注{PRIVATE_USE}完"


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True)
    return "".join(out.stdout.split())


def embedded_fonts(pdf: Path) -> list[tuple[str, str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
    return [(row[0], row[-5]) for row in rows]


def minimal_html(body: str) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><link rel="stylesheet" href="print.css">'
        f"</head><body>{body}</body></html>"
    )


def unusual_assessment(title: str = "银龄互助") -> object:
    ctx = build_sample_monthly_assessment()
    note = DailyNote(date(2026, 5, 27), 3, UNUSUAL)
    return replace(ctx, project_title=f"{title}{EXT_B[1]}", notes=(*ctx.notes, note))


def test_a_report_with_emoji_extension_b_and_private_use_is_written_with_every_font_embedded(
    templates_dir, tmp_path, caplog
):
    target = tmp_path / "2026-05" / "月度评估.pdf"
    with caplog.at_level(logging.WARNING, logger="gongyi.reports"):
        rendered = render_document(
            MONTHLY_ASSESSMENT_TEMPLATE,
            unusual_assessment(),
            templates_dir=templates_dir,
            target=target,
        )
    assert rendered.path == target and target.read_bytes().startswith(b"%PDF-")
    text = pdf_text(target)
    assert f"拓印{EXT_B[0]}字和{EXT_B[1]}字碑活动{EMOJI}" in text
    assert f"银龄互助{EXT_B[1]}" in text
    # The private-use character had no font: it is drawn as the placeholder, named in a warning.
    assert f"备注{PLACEHOLDER}完" in text and PRIVATE_USE not in text
    assert rendered.warnings == (
        "月度评估.pdf：有 1 种字符没有字体可以显示（U+E000），PDF 中以“〓”代替",
    )
    assert rendered.warnings[0] in caplog.text
    fonts = embedded_fonts(target)
    assert fonts and all(emb == "yes" for _, emb in fonts), fonts
    names = " ".join(name for name, _ in fonts)
    assert "HanaMinB" in names and "Emoji" in names and "CJK" in names


def test_extension_b_and_emoji_are_drawn_by_fonts_not_as_placeholders(templates_dir, tmp_path):
    rendered = write_pdf_reporting(
        minimal_html(f"<p>{''.join(EXT_B)}{EMOJI}</p>"),
        target=tmp_path / "a.pdf",
        templates_dir=templates_dir,
    )
    assert rendered.warnings == ()
    assert pdf_text(rendered.path) == f"{''.join(EXT_B)}{EMOJI}第1页共1页"


def test_a_character_no_font_has_is_a_placeholder_and_a_warning_even_with_logging_silenced(
    templates_dir, tmp_path
):
    logger = logging.getLogger("weasyprint")
    logger.setLevel(logging.CRITICAL)
    try:
        rendered = write_pdf_reporting(
            minimal_html("<p>服务\ue000记录\U000f0000</p>"),
            target=tmp_path / "x.pdf",
            templates_dir=templates_dir,
        )
        assert logger.level == logging.CRITICAL
    finally:
        logger.setLevel(logging.NOTSET)
    assert pdf_text(rendered.path).startswith("服务〓记录〓")
    assert rendered.warnings == (
        "x.pdf：有 2 种字符没有字体可以显示（U+E000、U+F0000），PDF 中以“〓”代替",
    )
    assert [path.name for path in tmp_path.iterdir()] == ["x.pdf"]  # no .partial left


def test_the_set_up_installs_a_font_for_extension_b():
    assert extension_b_font_problem() is None
    found = subprocess.run(
        ["fc-list", ":charset=20000", "family"], capture_output=True, text=True, check=True
    )
    assert "HanaMinB" in found.stdout


def test_without_an_extension_b_font_the_operator_is_told_what_to_install(tmp_path, monkeypatch):
    fake = tmp_path / "fc-list"
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert extension_b_font_problem() == MISSING_EXTENSION_B_FONT
    assert "apt-get install fonts-hanazono" in MISSING_EXTENSION_B_FONT


def test_the_month_with_an_unusual_daily_report_still_renders_every_pdf(templates_dir, tmp_path):
    jobs = [
        RenderJob(
            MONTHLY_ASSESSMENT_TEMPLATE, unusual_assessment(f"项目{n}"), tmp_path / f"{n}.pdf"
        )
        for n in range(3)
    ]
    jobs.append(
        RenderJob(STREET_SUMMARY_TEMPLATE, build_sample_street_summary(), tmp_path / "s.pdf")
    )
    jobs.append(
        RenderJob(WEEKLY_MINUTES_TEMPLATE, build_sample_weekly_minutes(), tmp_path / "w.pdf")
    )
    result = render_batch(jobs, templates_dir=templates_dir)
    assert result.failures == ()
    assert list(result.written) == [job.target for job in jobs]
    assert len(result.warnings) == 3 and all("U+E000" in w for w in result.warnings)
    assert all(EXT_B[0] in pdf_text(tmp_path / f"{n}.pdf") for n in range(3))


def failing_batch(folder: Path) -> list[RenderJob]:
    """Three jobs; the middle one's folder is a file, so that one document cannot be written."""
    folder.mkdir(parents=True, exist_ok=True)
    blocker = folder / "blocked"
    blocker.write_text("not a folder", encoding="utf-8")
    ctx = build_sample_monthly_assessment()
    return [
        RenderJob(MONTHLY_ASSESSMENT_TEMPLATE, ctx, folder / "0.pdf"),
        RenderJob(MONTHLY_ASSESSMENT_TEMPLATE, ctx, blocker / "1.pdf"),
        RenderJob(MONTHLY_ASSESSMENT_TEMPLATE, ctx, folder / "2.pdf"),
    ]


def test_one_failed_document_does_not_stop_the_rest_of_its_batch(templates_dir, tmp_path):
    jobs = failing_batch(tmp_path)
    result = render_batch(jobs, templates_dir=templates_dir)
    assert result.written == (tmp_path / "0.pdf", tmp_path / "2.pdf")
    assert all(path.read_bytes().startswith(b"%PDF-") for path in result.written)
    [failure] = result.failures
    assert failure.target == jobs[1].target
    assert str(failure).startswith("1.pdf：无法写入输出文件夹")


def test_a_template_error_fails_only_its_document_and_names_it(templates_dir, tmp_path):
    ctx = build_sample_monthly_assessment()
    jobs = [
        RenderJob(MONTHLY_ASSESSMENT_TEMPLATE, None, tmp_path / "broken.pdf"),
        RenderJob(MONTHLY_ASSESSMENT_TEMPLATE, ctx, tmp_path / "ok.pdf"),
    ]
    result = render_batch(jobs, templates_dir=templates_dir)
    assert result.written == (tmp_path / "ok.pdf",)
    [failure] = result.failures
    assert failure.target.name == "broken.pdf" and "Undefined" in failure.reason
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ok.pdf"]


def test_asking_for_the_paths_alone_raises_after_the_whole_batch_naming_the_failure(
    templates_dir, tmp_path
):
    with pytest.raises(BatchFailed) as raised:
        render_jobs(failing_batch(tmp_path), templates_dir=templates_dir)
    assert raised.value.written == (tmp_path / "0.pdf", tmp_path / "2.pdf")
    assert str(raised.value).startswith(
        "1 份 PDF 未能生成（其余 2 份已写出）：1.pdf：无法写入输出文件夹"
    )
    assert (tmp_path / "2.pdf").exists()


def test_a_worker_process_reports_the_failed_document_and_writes_the_others(
    templates_dir, tmp_path
):
    with RenderPool(2, templates_dir=templates_dir) as pool:
        result = pool.render_batch(failing_batch(tmp_path / "a"))
        with pytest.raises(BatchFailed) as raised:
            pool.render(failing_batch(tmp_path / "b"))
    assert [path.name for path in result.written] == ["0.pdf", "2.pdf"]
    assert [failure.target.name for failure in result.failures] == ["1.pdf"]
    assert [failure.target.name for failure in raised.value.failures] == ["1.pdf"]
    assert (tmp_path / "b" / "2.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.one_backend
def test_a_daily_report_with_an_emoji_and_extension_b_still_renders_every_pdf_of_the_month(
    session, tmp_path, monkeypatch
):
    # The month that once exited 1 with 11 of 23 PDFs missing, on a smaller scale.
    from sqlmodel import select

    from flows.monitoring.evaluation_review import review_evaluation
    from flows.monitoring.monthly_evaluation import monthly_evaluation
    from models.monitoring import DailyReport, MonthlyEvaluation
    from tests.flows.test_monthly_evaluation import JUNE, june_reports, write_sheet
    from tests.monitoring_builders import build_running_cycle

    monkeypatch.setenv("GONGYI_RENDER_PROCESSES", "2")
    cycle = build_running_cycle(session, projects=3)
    for project in cycle.project_ids:
        june_reports(session, project, skip=project)
    last = session.exec(
        select(DailyReport)
        .where(DailyReport.project_id == cycle.project_ids[0])
        .order_by(DailyReport.day.desc())  # type: ignore[attr-defined]
    ).first()
    last.summary = UNUSUAL
    last.issues = f"场地{EMOJI}{EXT_B[0]}"
    session.add(last)
    session.commit()
    sheet = write_sheet(
        tmp_path / "s.csv", [["周立衡", f"测试项目{n}", "85", "", "", ""] for n in (1, 2, 3)]
    )
    monthly_evaluation(cycle.cycle_id, JUNE, sheet, date(2026, 7, 1))
    for evaluation in session.exec(select(MonthlyEvaluation)).all():
        assert review_evaluation(evaluation.id, "陈慧敏", True, "").ok
    published = monthly_evaluation(cycle.cycle_id, JUNE, sheet, date(2026, 7, 5))
    assert len(published.pdfs) == 4 and all(Path(p).exists() for p in published.pdfs)
    first = next(p for p in published.pdfs if "月度评估-01" in p)
    text = pdf_text(Path(first))
    assert f"拓印{EXT_B[0]}字和{EXT_B[1]}字碑活动{EMOJI}" in text
    assert PLACEHOLDER in text and PRIVATE_USE not in text
    for pdf in published.pdfs:
        assert all(emb == "yes" for _, emb in embedded_fonts(Path(pdf))), pdf
