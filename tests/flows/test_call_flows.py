"""Publishing the call: the rules file is checked against the cycle, named by line, and versioned."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlmodel import Session, select

from flows.call import publish_call
from models.call import Call
from tests.builders import DEMO_DIR
from tests.flows.call_setup import open_demo_cycle, raise_demo_fund, write_csv_donations

DEMO_TEXT = (DEMO_DIR / "call.toml").read_text(encoding="utf-8")


def rules_file(folder: Path, old: str = "", new: str = "") -> Path:
    """Write the demo rules file with one edit."""
    assert not old or DEMO_TEXT.count(old) == 1
    path = folder / "call.toml"
    path.write_text(DEMO_TEXT.replace(old, new) if old else DEMO_TEXT, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_a_rules_file_with_an_unknown_key_is_refused_with_its_line(
    database_url: str, tmp_path: Path
) -> None:
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id)
    path = rules_file(tmp_path, "max_yuan = 15000", "max_yuan = 15000\nmax_yaun = 20000")
    with pytest.raises(publish_call.CallFileError) as refused:
        publish_call.read_rules_file.fn(cycle_id, str(path))
    assert str(refused.value).startswith(f"call.toml 第 {line_of(path, 'max_yaun')} 行：")
    assert "未知的键 max_yaun" in str(refused.value)


def test_a_total_above_what_the_fund_raised_is_refused_with_its_line(
    database_url: str, tmp_path: Path
) -> None:
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id, write_csv_donations(tmp_path, 259_999))
    path = rules_file(tmp_path)
    with pytest.raises(publish_call.CallFileError) as refused:
        publish_call.read_rules_file.fn(cycle_id, str(path))
    assert str(refused.value) == (
        f"call.toml 第 {line_of(path, 'total_yuan')} 行：申报指南 [amount]（资助金额）total_yuan "
        "260,000.00 元超过基金已募集的 259,999.00 元"
    )


def test_a_call_before_any_donation_is_refused(database_url: str, tmp_path: Path) -> None:
    cycle_id = open_demo_cycle()
    with pytest.raises(publish_call.CallFileError, match="还没有公益基金"):
        publish_call.read_rules_file.fn(cycle_id, str(rules_file(tmp_path)))


def test_a_call_for_a_domain_the_cycle_lacks_is_refused_with_its_line(
    database_url: str, tmp_path: Path
) -> None:
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id)
    path = rules_file(tmp_path, '"special", "community"]', '"special", "health"]')
    with pytest.raises(
        publish_call.CallFileError, match=f"第 {line_of(path, 'domains =')} 行.*health"
    ):
        publish_call.read_rules_file.fn(cycle_id, str(path))


def test_publishing_the_same_version_again_changes_nothing_but_other_content_is_refused(
    database_url: str, session: Session, tmp_path: Path
) -> None:
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id)
    data = publish_call.read_rules_file.fn(cycle_id, str(rules_file(tmp_path)))
    first = publish_call.store_call.fn(cycle_id, data, publish_call.date(2026, 5, 1))
    assert publish_call.store_call.fn(cycle_id, data, publish_call.date(2026, 5, 2)) == first
    changed = publish_call.read_rules_file.fn(
        cycle_id, str(rules_file(tmp_path, "max_yuan = 15000", "max_yuan = 12000"))
    )
    with pytest.raises(publish_call.CallFileError, match=r"第 1 版申报指南已发布.*version 改为 2"):
        publish_call.store_call.fn(cycle_id, changed, publish_call.date(2026, 5, 2))
    calls = session.exec(select(Call)).all()
    assert [(c.version, c.status, c.published_on) for c in calls] == [
        (1, "published", publish_call.date(2026, 5, 1))
    ]
    assert calls[0].deadline.astimezone(publish_call.get_tz()).hour == 17


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_call_pdf_has_the_six_standards_in_chinese_with_an_embedded_font(
    database_url: str, tmp_path: Path
) -> None:
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id)
    data = publish_call.read_rules_file.fn(cycle_id, str(rules_file(tmp_path)))
    call_id = publish_call.store_call.fn(cycle_id, data, publish_call.date(2026, 5, 1))
    pdf = publish_call.render_call.fn(call_id, publish_call.date(2026, 5, 1))

    text = subprocess.run(
        ["pdftotext", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    headings = [
        "一、资助主体",
        "二、资助方式",
        "三、资助内容",
        "四、资助金额",
        "五、资金来源",
        "六、项目评估",
    ]
    assert [text.index(h) for h in headings] == sorted(text.index(h) for h in headings)
    for figure in (
        "15,000.00",
        "260,000.00",
        "全额资助",
        "签约后拨付",
        "需求契合度",
        "2026年5月20日 17:00",
    ):
        assert figure in text, figure
    assert "CJK" in fonts and " yes " in fonts
    assert Path(pdf).name == "2026年度淮河路街道公益创投大赛申报指南（第1版）.pdf"
