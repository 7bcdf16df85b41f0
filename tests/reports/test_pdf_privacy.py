"""Issue #17: no full phone, no full ID number and no known person's name in a rendered PDF.

The sample contexts get personal data planted in every user-text field, in
every written form a hostile demo run slipped past the old masking; the real
PDF is read back with `pdftotext` and counted. The pre-publish scan must fail
a document whose template prints a raw number.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from models.privacy import find_personal_numbers, normalise
from reports.batch import RenderJob, render_batch
from reports.contexts import ActionRow, DailyNote, IssueRow, RiskRow
from reports.environment import build_environment
from reports.privacy_scan import (
    PersonalDataFound,
    pdf_text,
    refuse_personal_numbers,
    scan_html,
)
from reports.render import (
    MONTHLY_ASSESSMENT_TEMPLATE,
    STREET_SUMMARY_TEMPLATE,
    WEEKLY_MINUTES_TEMPLATE,
    render_html,
    render_report,
)
from reports.samples import (
    build_sample_monthly_assessment,
    build_sample_street_summary,
    build_sample_weekly_minutes,
)

PHONES = (
    "tel13955501235",
    "１３９５５５０１２３６",
    "138.1234.5670",
    "138-1234-5671",
    "+86 138 1234 5672",
    "TEL:13612345673",
)
IDS = ("ID340302195001011235", "110101 19900307 7779", "34030219800101123X")
# Planted as 责任人 and named again in the free text around them.
NAMES = ("王小明", "欧阳娜娜")
PLANTED = "，".join(PHONES + IDS) + "，" + "、".join(NAMES)
_SEPARATORS = re.compile(r"[\s\-.·+:]")


def _planted_digits() -> list[str]:
    digits = [re.sub(r"\D", "", normalise(number)) for number in PHONES]
    digits += [re.sub(r"[^0-9X]", "", normalise(number)) for number in IDS]
    return [value[-11:] if len(value) > 11 and len(value) < 18 else value for value in digits]


def _hostile_items(project: str) -> tuple[ActionRow, ...]:
    return tuple(
        ActionRow(seq, project, f"联系{name}：{PLANTED}", name, date(2026, 5, 29), "未完成", None)
        for seq, name in enumerate(NAMES, start=1)
    )


def _hostile_monthly():  # type: ignore[no-untyped-def]
    ctx = build_sample_monthly_assessment()
    return replace(
        ctx,
        project_title=f"{ctx.project_title}{PHONES[0]}",
        veto=PLANTED,
        issues=(IssueRow(ctx.project_title, date(2026, 5, 12), "问题", PLANTED),),
        action_items=_hostile_items(ctx.project_title),
        comment=f"{PLANTED}\n服务对象{NAMES[0]}，电话{PHONES[2]}",
        review_comment=PLANTED,
        notes=(DailyNote(date(2026, 5, 13), 18, PLANTED),),
    )


def _hostile_weekly():  # type: ignore[no-untyped-def]
    ctx = build_sample_weekly_minutes()
    items = _hostile_items("服务项目07")
    return replace(
        ctx,
        headline=f"{ctx.headline}{PHONES[1]}",
        issues=(IssueRow("服务项目07", date(2026, 5, 20), "风险", PLANTED),),
        overdue_items=items,
        at_risk=(RiskRow(f"服务项目07{IDS[0]}", "启航社工", (PLANTED,)),),
        attendees=f"街道社会事务科、{NAMES[1]}",
        minutes=f"{PLANTED}\n{NAMES[0]}说明缺交原因，电话{PHONES[3]}。",
        action_items=items,
    )


def _hostile_street():  # type: ignore[no-untyped-def]
    ctx = build_sample_street_summary()
    return replace(
        ctx,
        at_risk=(RiskRow(f"服务项目07{IDS[1]}", "启航社工", (PLANTED,)),),
        # The names the builder hands: need contacts and objectors the system knows.
        names=NAMES,
    )


HOSTILE = [
    (MONTHLY_ASSESSMENT_TEMPLATE, _hostile_monthly),
    (WEEKLY_MINUTES_TEMPLATE, _hostile_weekly),
    (STREET_SUMMARY_TEMPLATE, _hostile_street),
]


def _counts(text: str) -> tuple[int, int, int]:
    """Full phones, full IDs and planted names in a PDF's text."""
    joined = _SEPARATORS.sub("", normalise(text))
    found = find_personal_numbers(text)
    ids = [number for number in found if len(re.sub(r"[^0-9Xx]", "", normalise(number))) == 18]
    phones = (
        len(found) - len(ids) + sum(digits in joined for digits in _planted_digits()[: len(PHONES)])
    )
    id_count = len(ids) + sum(digits in joined for digits in _planted_digits()[len(PHONES) :])
    names = sum(text.count(name) for name in NAMES)
    return phones, id_count, names


@pytest.mark.parametrize(("template", "build"), HOSTILE, ids=["monthly", "weekly", "street"])
def test_a_rendered_pdf_holds_no_full_phone_id_or_planted_name(
    template: str, build, templates_dir: Path, tmp_path: Path
) -> None:
    context = build()
    target = render_report(
        template, context, templates_dir=templates_dir, target=tmp_path / "r.pdf"
    )
    text = pdf_text(target)
    # The planted text did reach the PDF (masked): the count below is not vacuous.
    assert "****" in text
    assert _counts(text) == (0, 0, 0)


def test_the_counter_sees_what_the_masking_hides() -> None:
    # The same text unmasked is counted: the zero above could fail.
    phones, ids, names = _counts(PLANTED)
    assert phones >= len(PHONES)
    assert ids >= len(IDS)
    assert names == len(NAMES)


def test_owner_column_masks_a_person_and_keeps_a_body(templates_dir: Path) -> None:
    ctx = build_sample_weekly_minutes()
    items = (
        ActionRow(1, "", "核对台账", "欧阳娜娜", date(2026, 6, 5), "未完成", None),
        ActionRow(2, "", "补交日报告", "启航社工", date(2026, 6, 5), "未完成", None),
    )
    html = render_html(
        build_environment(templates_dir), WEEKLY_MINUTES_TEMPLATE, replace(ctx, action_items=items)
    )
    assert "欧***" in html
    assert "欧阳娜娜" not in html
    assert "启航社工" in html


def test_the_scan_fails_a_document_whose_template_prints_a_raw_number(templates_dir: Path) -> None:
    # agency_name is printed as written (an organisation's registered name), so a phone in it
    # reaches the HTML whole: the scan is what stops it.
    ctx = replace(build_sample_monthly_assessment(), agency_name="暖阳社工 tel13955501235")
    html = render_html(build_environment(templates_dir), MONTHLY_ASSESSMENT_TEMPLATE, ctx)
    with pytest.raises(PersonalDataFound) as refused:
        refuse_personal_numbers(html, document="2026-05-月度评估.pdf")
    message = str(refused.value)
    assert "2026-05-月度评估.pdf" in message
    assert "一、项目概况" in message
    assert "139****1235" in message
    assert "13955501235" not in message


@pytest.mark.parametrize(
    "written",
    [
        "13955501235",
        "&#49;3955501235",
        "<span>139</span>5550<b>1235</b>",
        "１３９５５５０１２３５",
        "340302195001011235",
    ],
)
def test_the_scan_sees_a_number_however_the_html_writes_it(written: str) -> None:
    html = f"<html><body><h2>三、记录</h2><p>联系 {written}</p></body></html>"
    hits = scan_html(html)
    assert len(hits) == 1
    assert hits[0].section == "三、记录"


def test_the_scan_passes_masked_numbers_and_ignores_styles() -> None:
    html = "<style>.x{width:13955501235px}</style><p>139****1235，340302********1235，编号12345678901234</p>"
    assert scan_html(html) == ()


def test_the_scan_reads_a_written_pdf(templates_dir: Path, tmp_path: Path) -> None:
    ctx = build_sample_monthly_assessment()
    target = render_report(
        MONTHLY_ASSESSMENT_TEMPLATE, ctx, templates_dir=templates_dir, target=tmp_path / "ok.pdf"
    )
    text = pdf_text(target)
    assert ctx.header.street_office in text
    assert find_personal_numbers(text) == []


@pytest.mark.parametrize(
    ("template", "build"),
    [
        (MONTHLY_ASSESSMENT_TEMPLATE, build_sample_monthly_assessment),
        (WEEKLY_MINUTES_TEMPLATE, build_sample_weekly_minutes),
        (STREET_SUMMARY_TEMPLATE, build_sample_street_summary),
    ],
    ids=["monthly", "weekly", "street"],
)
def test_the_scan_passes_every_sample_document(template: str, build, templates_dir: Path) -> None:
    html = render_html(build_environment(templates_dir), template, build())
    assert scan_html(html) == ()


def test_a_document_with_a_raw_number_is_never_written(templates_dir: Path, tmp_path: Path) -> None:
    # Through the render path itself: the hook in reports.render refuses before any file exists.
    ctx = replace(build_sample_monthly_assessment(), agency_name="暖阳社工 ID340302195001011235")
    target = tmp_path / "月度评估-01.pdf"
    with pytest.raises(PersonalDataFound, match=re.escape("月度评估-01.pdf")):
        render_report(MONTHLY_ASSESSMENT_TEMPLATE, ctx, templates_dir=templates_dir, target=target)
    assert list(tmp_path.iterdir()) == []


def test_a_refused_document_fails_alone_and_its_batch_goes_on(
    templates_dir: Path, tmp_path: Path
) -> None:
    bad = replace(build_sample_monthly_assessment(), agency_name="暖阳社工 13955501235")
    jobs = [
        RenderJob(MONTHLY_ASSESSMENT_TEMPLATE, bad, tmp_path / "bad.pdf"),
        RenderJob(WEEKLY_MINUTES_TEMPLATE, build_sample_weekly_minutes(), tmp_path / "good.pdf"),
    ]
    result = render_batch(jobs, templates_dir=templates_dir)
    assert result.written == (tmp_path / "good.pdf",)
    [failure] = result.failures
    assert failure.target == tmp_path / "bad.pdf" and "139****1235" in failure.reason
    assert not (tmp_path / "bad.pdf").exists()


def test_the_offices_own_public_phone_marked_by_the_template_is_not_refused() -> None:
    from reports.privacy_scan import scan_html

    html = (
        "<p>异议受理电话：<span data-public-contact>0551-62881234</span></p>"
        "<p>联系人 <span data-public-contact>王老师 <b>13955501235</b></span> 之后 13955501236</p>"
    )
    assert [hit.masked for hit in scan_html(html)] == ["139****1236"]
    escaped = "<p>&lt;span data-public-contact&gt;13955501237&lt;/span&gt;</p>"
    assert len(scan_html(escaped)) == 1  # user text is escaped, so it can never mark itself public
