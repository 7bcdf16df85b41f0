"""A rules file is refused with the line and the reason: unknown keys, wrong types, inconsistency."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.call_file import index_lines, locate_line, read_rules_text, split_key, to_plain
from models.call_keys import RulesError
from models.call_rules import check_domains_known, check_rules_fit_fund, read_call_rules

DEMO_TEXT = (Path(__file__).resolve().parents[2] / "demo" / "call.toml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """Return the 1-based line of the first line containing `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def refused(old: str, new: str) -> tuple[str, str]:
    """Read the demo file with one edit; return the refusal and the edited text."""
    assert DEMO_TEXT.count(old) == 1, old
    text = DEMO_TEXT.replace(old, new)
    with pytest.raises(RulesError) as error:
        read_rules_text(text, file_name="call.toml")
    return str(error.value), text


def test_the_demo_rules_file_reads_and_its_data_can_be_stored_as_json():
    rules, data = read_rules_text(DEMO_TEXT, file_name="call.toml")
    assert rules.title == "2026年度淮河路街道公益创投大赛申报指南"
    assert read_call_rules(data) == rules


@pytest.mark.parametrize(
    ("old", "new", "needle", "reason"),
    [
        (
            "max_yuan = 15000",
            "max_yuan = 4000",
            "max_yuan = 4000",
            "申报指南 [amount]（资助金额）max_yuan 低于 min_yuan",
        ),
        (
            "total_yuan = 260000",
            "total_yuan = 10000",
            "total_yuan = 10000",
            "total_yuan 低于 max_yuan",
        ),
        (
            '{ name = "创新性", weight = 10 }',
            '{ name = "创新性", weight = 15 }',
            "review_criteria = [",
            "review_criteria 的权重之和应为 100",
        ),
        (
            '{ percent = 20, condition = "final_pass" }',
            '{ percent = 25, condition = "final_pass" }',
            "tranches = [",
            "tranches 的比例之和应为 100",
        ),
        (
            'condition = "final_pass"',
            'condition = "final"',
            'condition = "final"',
            "第 3 期的条件「final」不认识",
        ),
        ("min_yuan = 5000", "min_yuan = 5000.5", "min_yuan = 5000.5", "min_yuan 应为非负整数"),
        ("min_yuan = 5000", "min_yuan = -5000", "min_yuan = -5000", "min_yuan 应为非负整数"),
        (
            "personnel_share_max = 40",
            "personnel_share_max = 140",
            "personnel_share_max = 140",
            "personnel_share_max 是占申请金额的百分比",
        ),
        (
            'admin_category = "管理费"',
            'admin_category = "办公费"',
            'admin_category = "办公费"',
            "admin_category 应是 budget_categories 中的一项",
        ),
        (
            'min_past_grade = "合格"',
            'min_past_grade = "及格"',
            'min_past_grade = "及格"',
            "min_past_grade 应为等级之一",
        ),
        (
            '"defence", "final", "publicity"]',
            '"final", "defence", "publicity"]',
            "stages = [",
            "stages 应按",
        ),
        (
            '[[90, "优秀"], [80, "良好"]',
            '[[80, "优秀"], [90, "良好"]',
            "grade_bands = ",
            "grade_bands 的分数下限应从高到低排列",
        ),
        (
            'deadline = "2026-05-20 17:00"',
            'deadline = "2026-04-20 17:00"',
            "deadline = ",
            "早于开始日期 opens_on",
        ),
        (
            "matching_percent = 0 ",
            "matching_percent = 120 ",
            "matching_percent = 120",
            "matching_percent 应在 0–100 之间",
        ),
    ],
)
def test_an_inconsistent_value_is_refused_with_its_line_and_reason(old, new, needle, reason):
    message, text = refused(old, new)
    assert message.startswith(f"call.toml 第 {line_of(text, needle)} 行：")
    assert reason in message


@pytest.mark.parametrize(
    ("old", "new", "needle", "key"),
    [
        ("max_months = 6", "max_months = 6\nmax_monts = 3", "max_monts", "max_monts"),
        ("version = 1", "version = 1\nrevision = 2", "revision", "revision"),
        ("weight = 25 }", "weight = 25, bonus = 1 }", "bonus", "bonus"),
        (
            'weekly = "每周一上午周例会"',
            'weekly = "每周一上午周例会", yearly = "x"',
            "yearly",
            "yearly",
        ),
        ("[source]", "[budget]\nx = 1\n\n[source]", "[budget]", "budget"),
    ],
)
def test_an_unknown_key_is_refused_with_its_line(old, new, needle, key):
    message, text = refused(old, new)
    assert message.startswith(f"call.toml 第 {line_of(text, needle)} 行：")
    assert f"未知的键 {key}" in message


def test_a_missing_key_points_at_its_section_header():
    message, text = refused('fund = "淮河路街道专项公益基金"\n', "")
    assert (
        message
        == f"call.toml 第 {line_of(text, '[source]')} 行：申报指南 [source]（资金来源）缺少 fund"
    )


def test_broken_toml_is_refused_with_the_parsers_line():
    message, _ = refused("max_yuan = 15000", "max_yuan = 15,000")
    assert message.startswith(f"call.toml 第 {line_of(DEMO_TEXT, 'max_yuan')} 行：TOML 格式错误")


def test_the_same_section_twice_is_refused():
    message, _ = refused("[amount]", "[amount]\n[amount]")
    assert "TOML 格式错误" in message


def test_lines_are_found_for_headers_keys_and_array_entries():
    text = '# c\ntitle = "a # not a comment"\n\n[amount]\nmin_yuan = 1\n"max_yuan" = 2\nlist = [\n  { a = 1 },\n  [2, 3],\n]\n'
    found = index_lines(text)
    assert found[("title",)] == 2
    assert found[("amount",)] == 4
    assert found[("amount", "min_yuan")] == 5
    assert found[("amount", "max_yuan")] == 6
    assert found[("amount", "list", 0)] == 8
    assert found[("amount", "list", 1)] == 9


def test_array_of_tables_entries_have_their_own_lines():
    text = "[funding_mode]\nmatching_percent = 0\n[[funding_mode.tranches]]\npercent = 50\n[[funding_mode.tranches]]\npercent = 50\n"
    assert locate_line(text, ("funding_mode", "tranches", 1, "percent")) == 6
    assert locate_line(text, ("funding_mode", "tranches", 0)) == 3


def test_multiline_strings_are_counted_as_lines():
    text = 'title = """one\ntwo\nthree"""\nversion = 1\n'
    assert locate_line(text, ("version",)) == 4


def test_an_unknown_path_falls_back_to_the_nearest_key_or_the_first_line():
    assert locate_line(DEMO_TEXT, ("amount", "nothing")) == line_of(DEMO_TEXT, "[amount]")
    assert locate_line(DEMO_TEXT, ("nowhere",)) == 1


@pytest.mark.parametrize(
    ("raw", "parts"),
    [("a.b", ("a", "b")), ('"a.b".c', ("a.b", "c")), (" key ", ("key",)), ("'x'", ("x",))],
)
def test_dotted_and_quoted_keys_split_into_their_parts(raw, parts):
    assert split_key(raw) == parts


def test_toml_dates_become_iso_text_for_storage():
    rules, data = read_rules_text(
        DEMO_TEXT.replace('opens_on = "2026-05-01"', "opens_on = 2026-05-01").replace(
            'deadline = "2026-05-20 17:00"', "deadline = 2026-05-20T17:00:00"
        ),
        file_name="call.toml",
    )
    assert (data["opens_on"], data["deadline"]) == ("2026-05-01", "2026-05-20 17:00")
    assert to_plain({"a": [1]}) == {"a": [1]}
    assert rules.deadline.hour == 17


def test_a_total_above_what_the_fund_raised_is_refused_naming_the_key():
    rules, _ = read_rules_text(DEMO_TEXT, file_name="call.toml")
    with pytest.raises(RulesError) as error:
        check_rules_fit_fund(rules, fund_name=rules.fund_name, raised_fen=25_999_999)
    assert error.value.path == ("amount", "total_yuan")
    assert "260,000.00 元超过基金已募集的 259,999.99 元" in str(error.value)
    check_rules_fit_fund(rules, fund_name=rules.fund_name, raised_fen=26_000_000)


def test_a_call_naming_another_fund_is_refused():
    rules, _ = read_rules_text(DEMO_TEXT, file_name="call.toml")
    with pytest.raises(RulesError, match="不是本周期的公益基金「别的基金」"):
        check_rules_fit_fund(rules, fund_name="别的基金", raised_fen=26_000_000)


def test_a_call_naming_a_domain_the_cycle_lacks_is_refused():
    rules, _ = read_rules_text(DEMO_TEXT, file_name="call.toml")
    check_domains_known(rules, {"elderly", "youth", "special", "community"})
    with pytest.raises(RulesError, match="有本周期没有的服务领域：special"):
        check_domains_known(rules, {"elderly", "youth", "community"})


def test_selection_settings_are_read_and_checked_against_the_domains():
    text = DEMO_TEXT.replace(
        "objection_days = 5",
        'objection_days = 5\nholidays = [2026-06-19, "2026-10-01"]\n'
        "domain_max_yuan = { youth = 80000 }\ndomain_min_projects = { special = 2 }",
    )
    rules, data = read_rules_text(text, file_name="call.toml")
    assert [d.isoformat() for d in rules.holidays] == ["2026-06-19", "2026-10-01"]
    assert data["evaluation"]["holidays"] == ["2026-06-19", "2026-10-01"]
    assert rules.domain_max_fen == {"youth": 8_000_000}
    assert rules.domain_min_projects == {"special": 2}
    assert rules.blind_preliminary is True and rules.preliminary_pass_score == 70.0


def test_a_quota_for_a_domain_the_call_does_not_fund_is_refused_with_its_line():
    message, text = refused(
        "objection_days = 5", "objection_days = 5\ndomain_max_yuan = { health = 1 }"
    )
    assert message.startswith(f"call.toml 第 {line_of(text, 'domain_max_yuan')} 行：")
    assert "有资助内容 domains 之外的领域：health" in message
