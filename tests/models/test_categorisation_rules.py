"""The keyword-seed classifier: a need goes to the domain it mentions most, or to staff review."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.categorisation import (
    DEFAULT_DOMAINS,
    REVIEW_THRESHOLD,
    DomainSeed,
    Suggestion,
    suggest_domain,
)


def test_default_domains_are_the_four_huaihe_domains_with_stable_keys():
    assert [(d.key, d.name, d.theme) for d in DEFAULT_DOMAINS] == [
        ("elderly", "情暖夕阳", "敬老孝老"),
        ("youth", "护航花蕾", "关爱青少年"),
        ("special", "爱在淮河", "关爱特殊群体"),
        ("community", "绿色生活", "社区公共服务"),
    ]


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("小区独居老人吃饭难，希望开设助餐点", "elderly"),
        ("孩子放学后无人看管，希望开设四点半课堂", "youth"),
        ("低保户和残疾人家庭需要上门帮扶", "special"),
        ("楼道堆放杂物，存在消防隐患", "community"),
    ],
)
def test_a_need_goes_to_the_domain_its_words_point_to(text, domain):
    suggestion = suggest_domain(text, DEFAULT_DOMAINS)
    assert suggestion.domain_key == domain
    assert suggestion.confidence == 1.0
    assert not suggestion.needs_review()


def test_a_need_about_lonely_elders_goes_to_elderly_and_names_the_words_it_matched():
    assert suggest_domain("独居老人吃饭难", DEFAULT_DOMAINS) == Suggestion(
        "elderly", 1.0, ("老人", "独居")
    )


@pytest.mark.parametrize("text", ["希望多开展读书会", "", "   ", "ok"])
def test_unmatched_text_goes_to_review(text):
    suggestion = suggest_domain(text, DEFAULT_DOMAINS)
    assert suggestion == Suggestion(None, 0.0, ())
    assert suggestion.needs_review()


def test_confidence_is_the_best_domains_share_of_all_matched_weight():
    suggestion = suggest_domain("低保家庭孩子的学业辅导", DEFAULT_DOMAINS)
    assert (suggestion.domain_key, suggestion.confidence) == ("youth", 0.667)
    assert suggestion.matched == ("孩子", "学业")
    assert not suggestion.needs_review()


def test_longer_keywords_weigh_more_than_shorter_ones():
    suggestion = suggest_domain("阿尔茨海默 儿童", DEFAULT_DOMAINS)
    assert (suggestion.domain_key, suggestion.confidence) == ("elderly", 0.714)


def test_an_even_split_goes_to_the_earlier_domain_and_to_review():
    suggestion = suggest_domain("残疾老人", DEFAULT_DOMAINS)
    assert (suggestion.domain_key, suggestion.confidence) == ("elderly", 0.5)
    assert suggestion.needs_review()


def test_tie_break_follows_the_order_the_seeds_are_given_in():
    reordered = (DEFAULT_DOMAINS[2], DEFAULT_DOMAINS[0])
    assert suggest_domain("残疾老人", reordered).domain_key == "special"


@pytest.mark.parametrize(
    ("confidence", "review"),
    [(REVIEW_THRESHOLD, False), (0.599, True), (1.0, False), (0.0, True)],
)
def test_a_suggestion_below_the_threshold_needs_review(confidence, review):
    assert Suggestion("elderly", confidence, ("老人",)).needs_review() is review


def test_the_review_threshold_can_be_raised():
    suggestion = Suggestion("elderly", 0.75, ("老人",))
    assert not suggestion.needs_review()
    assert suggestion.needs_review(threshold=0.8)


def test_a_cycle_may_bring_its_own_domains_and_empty_keywords_match_nothing():
    seeds = (DomainSeed("health", "健康社区", "健康", ("", "体检")),)
    assert suggest_domain("免费体检", seeds) == Suggestion("health", 1.0, ("体检",))
    assert suggest_domain("读书", seeds).domain_key is None


@given(st.text(max_size=60))
def test_any_text_gets_a_known_domain_or_none_with_a_confidence_between_0_and_1(text):
    suggestion = suggest_domain(text, DEFAULT_DOMAINS)
    assert suggestion.domain_key in {None, "elderly", "youth", "special", "community"}
    assert 0.0 <= suggestion.confidence <= 1.0
    assert (suggestion.domain_key is None) == (suggestion.matched == ())
    assert all(word in text for word in suggestion.matched)


def test_staff_can_add_and_remove_seed_keywords_keeping_their_order_and_no_repeats():
    from models.categorisation import edit_keywords

    assert edit_keywords(("老人", "助餐"), add=(" 喘息服务 ", "老人"), remove=("助餐",)) == (
        "老人",
        "喘息服务",
    )


@pytest.mark.parametrize(
    ("add", "remove", "message"),
    [
        (("",), (), "关键词不能为空"),
        (("字" * 21,), (), "超过 20 字"),
        ((), ("没有的词",), "这些词不在关键词中：没有的词"),
    ],
)
def test_a_keyword_edit_that_would_spoil_the_seeds_is_refused(add, remove, message):
    from models.categorisation import KeywordError, edit_keywords

    with pytest.raises(KeywordError, match=message):
        edit_keywords(("老人",), add=add, remove=remove)
