"""The 落款 of a filed document is never alone on its last page.

The signatures, the office's contact and the seal placeholder are wrapped with
what comes before them (`<div class="closing">`, print.css): when they do not
fit at the foot of a page, the last rows above move to the next page with them.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

from jinja2 import Environment

from models.cycle import OfficeIdentity
from reports.contexts import ActionRow, WeeklyMinutesContext
from reports.render import WEEKLY_MINUTES_TEMPLATE, render_html, write_pdf
from reports.samples import build_sample_weekly_minutes

OFFICE = OfficeIdentity(
    name="淮河路街道办事处",
    address="合肥市庐阳区淮河路1号",
    contact="社会事务科 王老师",
    phone="0551-62881234",
    email="gongyi@hhl.example.cn",
)


def _minutes(items: int) -> WeeklyMinutesContext:
    """The sample 纪要 with `items` action items: three put its 落款 just past page two."""
    rows = tuple(
        ActionRow(
            n,
            "服务项目07",
            f"第{n}项待办：补交日报告",
            "启航社工",
            date(2026, 5, 29),
            "未完成",
            None,
        )
        for n in range(1, items + 1)
    )
    return replace(build_sample_weekly_minutes(), action_items=rows, office=OFFICE, host="周振华")


def _last_page(pdf: Path) -> str:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = next(line.split()[1] for line in info.stdout.splitlines() if line.startswith("Pages"))
    return subprocess.run(
        ["pdftotext", "-f", pages, "-l", pages, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_minutes_last_page_carries_the_last_item_with_the_sign_off(
    env: Environment, templates_dir: Path, tmp_path: Path
) -> None:
    html = render_html(env, WEEKLY_MINUTES_TEMPLATE, _minutes(3))
    kept = _last_page(write_pdf(html, target=tmp_path / "kept.pdf", templates_dir=templates_dir))
    assert "编制单位" in kept and "淮河路街道办事处（盖章）" in kept
    assert "第3项待办" in kept, kept
    # Without the wrapper the seal, the office's name and the date sit alone on that page.
    loose_html = html.replace('class="closing"', 'class="unwrapped"')
    loose = _last_page(
        write_pdf(loose_html, target=tmp_path / "loose.pdf", templates_dir=templates_dir)
    )
    assert "第3项待办" not in loose and "淮河路街道办事处（盖章）" in loose


def test_the_minutes_name_their_host_and_leave_a_line_to_sign_only_without_one(
    env: Environment,
) -> None:
    named = render_html(env, WEEKLY_MINUTES_TEMPLATE, _minutes(1))
    assert "主持人：周振华" in named and "主持人（签字）" not in named
    blank = render_html(env, WEEKLY_MINUTES_TEMPLATE, replace(_minutes(1), host=""))
    assert "主持人（签字）" in blank


def test_an_agenda_carries_the_office_contact_but_no_seal(env: Environment) -> None:
    agenda = replace(_minutes(0), minutes="", host="")
    html = render_html(env, WEEKLY_MINUTES_TEMPLATE, agenda)
    assert "gongyi@hhl.example.cn" in html and "合肥市庐阳区淮河路1号" in html
    assert "（盖章）" not in html and "seal-placeholder" not in html


def test_every_template_that_signs_off_wraps_its_sign_off_in_closing() -> None:
    """Each report template's 落款 (`sign_off(…)`) sits inside a `.closing` block."""
    folder = Path(__file__).resolve().parents[2] / "templates" / "reports"
    signing = [
        path
        for path in sorted(folder.glob("*.html"))
        if "{{ sign_off(" in path.read_text(encoding="utf-8")
    ]
    assert len(signing) >= 3
    for path in signing:
        text = path.read_text(encoding="utf-8")
        before = text[: text.index("{{ sign_off(")]
        assert 'class="closing"' in before, path.name
        opened = before.rindex('class="closing"')
        # The wrapper is still open where the 落款 is called: no </div> closes it in between
        # beyond the ones that close <div>s opened after it.
        between = before[opened:]
        assert between.count("</div>") < between.count("<div") + 1, path.name
