"""The call rules' document sections: [office], [application], [contract]; optional, checked by key."""

from __future__ import annotations

import copy
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from models.call_file import read_rules_text
from models.call_rules import (
    DEFAULT_DISPUTES,
    DEFAULT_MATERIALS,
    ApplicationInfo,
    ContractClauses,
    RulesError,
    read_call_rules,
)
from models.cycle import Cycle, OfficeIdentity, office_identity

CALL_TOML = Path(__file__).resolve().parents[2] / "demo" / "call.toml"
TEXT = CALL_TOML.read_text(encoding="utf-8")
DEMO: dict[str, Any] = tomllib.loads(TEXT)


def without(*sections: str) -> dict[str, Any]:
    data = copy.deepcopy(DEMO)
    for name in sections:
        data.pop(name, None)
    return data


def test_the_demo_call_words_its_office_its_application_and_its_contract():
    rules = read_call_rules(DEMO)
    assert rules.office.name == "淮河路街道办事处" and rules.office.email
    assert rules.office.seal_text == "淮河路街道办事处（公章）"
    assert rules.application.place and len(rules.application.materials) == 5
    assert rules.contract.copies == 4 and rules.contract.copies_each == (2, 2)
    assert rules.contract.attachments == ("项目申报书", "项目预算表")
    assert rules.objection_first_day_counts is True


def test_a_call_without_the_document_sections_gets_the_usual_wording():
    rules = read_call_rules(without("office", "application", "contract"))
    assert rules.office == OfficeIdentity()
    assert rules.application == ApplicationInfo()
    assert rules.application.materials == DEFAULT_MATERIALS
    assert rules.contract == ContractClauses()
    assert rules.contract.disputes == DEFAULT_DISPUTES


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("office", "fax", "1", "申报指南 [office]（发布单位）有未知的键 fax"),
        ("office", "phone", 12345, "申报指南 [office]（发布单位）phone 应为文字"),
        (
            "application",
            "materials",
            [],
            "申报指南 [application]（申报方式）materials 材料清单不能为空",
        ),
        ("application", "materials", ["申报书", "申报书"], "materials 有重复项"),
        ("contract", "copies", 1, "申报指南 [contract]（资助协议条款）copies 协议份数至少 2 份"),
        ("contract", "breach", "  ", "breach 应为文字"),
    ],
)
def test_a_wrong_document_key_is_refused_naming_its_section(section, key, value, message):
    data = copy.deepcopy(DEMO)
    data[section][key] = value
    with pytest.raises(RulesError) as refused:
        read_call_rules(data)
    assert message in str(refused.value)
    assert refused.value.path[:2] == (section, key)


def test_a_refused_document_key_names_its_line_in_the_file():
    text = TEXT.replace("copies = 4", "copies = 1")
    with pytest.raises(RulesError) as refused:
        read_rules_text(text, file_name="call.toml")
    line = TEXT.splitlines().index("copies = 4") + 1
    assert str(refused.value).startswith(f"call.toml 第 {line} 行：")


def test_a_document_section_that_is_not_a_table_is_refused():
    data = copy.deepcopy(DEMO)
    data["office"] = "淮河路街道办事处"
    with pytest.raises(RulesError, match=r"\[office\]（发布单位）应为一节"):
        read_call_rules(data)


def test_an_odd_number_of_copies_leaves_the_extra_one_with_the_office():
    assert ContractClauses(copies=5).copies_each == (3, 2)


def _cycle(**office: str) -> Cycle:
    return Cycle(
        street_office="淮河路街道",
        name="2026年度公益创投",
        year=2026,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        **office,
    )


def test_the_cycles_office_wins_field_by_field_over_the_call_rules():
    rules_office = OfficeIdentity(name="淮河路街道办事处", phone="12345", email="a@b.cn")
    merged = office_identity(
        _cycle(office_phone="0551-1234", office_address="淮河路 1 号"), rules_office
    )
    assert merged == OfficeIdentity(
        name="淮河路街道办事处", address="淮河路 1 号", phone="0551-1234", email="a@b.cn"
    )
    assert merged.has_contact


def test_with_nothing_set_the_office_is_the_street_office_with_a_plain_seal():
    office = office_identity(_cycle())
    assert office.name == "淮河路街道" and office.seal_text == "淮河路街道（盖章）"
    assert not office.has_contact


def test_the_plausibility_thresholds_are_read_as_the_monitoring_reads_them():
    from models.indicators import Plausibility, read_plausibility

    assert (
        read_call_rules(DEMO).plausibility == read_plausibility(DEMO) == Plausibility(3.0, 10, 30)
    )
    data = copy.deepcopy(DEMO)
    data["plausibility"] = {"indicator_max_ratio": 2}
    assert read_call_rules(data).plausibility == Plausibility(2.0, 10.0, 30.0)
    assert read_call_rules(without("plausibility")).plausibility == Plausibility()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("indicator_max_ratio", 1, "indicator_max_ratio 应大于 1"),
        ("indicator_max_ratio", "3", "indicator_max_ratio 应为非负数"),
        ("overspend_pct", 120, "overspend_pct 应为 0–100 之间的数"),
        ("underspend_pct", -1, "underspend_pct 应为 0–100 之间的数"),
        ("ratio", 3, "有未知的键 ratio"),
    ],
)
def test_a_bad_plausibility_threshold_is_refused_naming_the_key(key, value, message):
    data = copy.deepcopy(DEMO)
    data["plausibility"] = {key: value}
    with pytest.raises(RulesError) as refused:
        read_call_rules(data)
    assert "申报指南 [plausibility]（合理性检查）" in str(refused.value)
    assert message in str(refused.value)
    assert refused.value.path == ("plausibility", key)


def test_grade_bands_are_said_as_ranges_and_the_lowest_as_below_the_pass_mark():
    from models.call_rules import grade_band_texts

    demo = read_call_rules(DEMO).grade_bands
    assert grade_band_texts(demo) == (
        "优秀（90分及以上）",
        "良好（80分及以上、低于90分）",
        "合格（60分及以上、低于80分）",
        "不合格（低于60分）",
    )
    assert grade_band_texts([(0, "不合格"), (59.5, "合格")]) == (
        "合格（59.5分及以上）",
        "不合格（低于59.5分）",
    )
    assert grade_band_texts([(0, "通过")]) == ("通过（0分及以上）",)


def test_an_application_without_its_own_contact_uses_the_offices():
    from models.call_rules import resolve_application

    office = OfficeIdentity(
        name="街道", address="淮河路 1 号", contact="王老师", phone="0551-1", email="a@b.cn"
    )
    resolved = resolve_application(ApplicationInfo(place="二楼"), office)
    assert (resolved.place, resolved.email, resolved.contact, resolved.phone) == (
        "二楼",
        "a@b.cn",
        "王老师",
        "0551-1",
    )
