"""The learned classifier: keywords, the shipped set and staff corrections decide a need's domain."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.categorisation import DEFAULT_DOMAINS, REVIEW_THRESHOLD, DomainSeed
from models.classifier import Example, classifier_input, train_classifier

DATA = Path(__file__).resolve().parents[2] / "data"


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


SHIPPED = [Example(row["text"], row["domain"]) for row in _read("needs_labelled.csv")]
CHECK = _read("needs_check.csv")


@pytest.fixture(scope="module")
def classifier():  # type: ignore[no-untyped-def]
    return train_classifier(DEFAULT_DOMAINS, SHIPPED)


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("小区独居老人吃饭难，希望开设助餐点", "elderly"),
        ("孩子放学后无人看管，希望开设四点半课堂", "youth"),
        ("楼道堆放杂物，存在消防隐患", "community"),
        ("残疾人家庭需要康复器具", "special"),
        # The hard cases the labelling rule settles: a special status wins over age.
        ("我爸是残疾人，七十多岁了，一个人住", "special"),
        ("低保户家的小孩放暑假没人管", "special"),
        ("失独老人独居，希望每天有人打电话问候", "special"),
    ],
)
def test_a_need_goes_to_the_domain_the_labelling_rule_gives_it(classifier, text, domain):
    assert classifier.classify([text])[0].domain_key == domain


def test_each_suggestion_names_the_seed_words_it_matched(classifier):
    suggestion = classifier.classify(["独居老人吃饭难"])[0]
    assert suggestion.domain_key == "elderly"
    assert suggestion.matched == ("老人", "独居")


def test_the_classifier_is_right_on_nine_in_ten_needs_written_by_someone_else(classifier):
    # data/needs_check.csv: the demo's needs, labelled by the same rule, never trained on.
    texts = [classifier_input(row["text"], row["target_group"]) for row in CHECK]
    found = [s.domain_key for s in classifier.classify(texts)]
    right = sum(f == row["domain"] for f, row in zip(found, CHECK, strict=True))
    assert right / len(CHECK) >= 0.9


def test_confident_suggestions_are_right_more_often_than_unsure_ones(classifier):
    suggestions = classifier.classify([row["text"] for row in CHECK])
    sure = [
        s.domain_key == r["domain"]
        for s, r in zip(suggestions, CHECK, strict=True)
        if not s.needs_review()
    ]
    unsure = [
        s.domain_key == r["domain"]
        for s, r in zip(suggestions, CHECK, strict=True)
        if s.needs_review()
    ]
    assert sure and sum(sure) / len(sure) > sum(unsure) / max(len(unsure), 1)
    assert sum(sure) / len(sure) >= 0.95


def test_a_staff_correction_decides_the_same_text_next_time_with_full_confidence():
    text = "希望组织居民学习家庭急救"
    before = train_classifier(DEFAULT_DOMAINS, SHIPPED).classify([text])[0]
    corrected = train_classifier(
        DEFAULT_DOMAINS, SHIPPED, corrections=[Example("希望组织居民学习家庭急救。", "elderly")]
    )
    after = corrected.classify([text, text + "！"])
    assert before.domain_key != "elderly" or before.confidence < 1.0
    assert [(s.domain_key, s.confidence) for s in after] == [("elderly", 1.0), ("elderly", 1.0)]


def test_the_latest_correction_of_a_text_wins_and_replaces_the_shipped_label():
    shipped = Example("垃圾分类", "community")
    classifier = train_classifier(
        DEFAULT_DOMAINS,
        [*SHIPPED, shipped],
        corrections=[Example("垃圾分类", "youth"), Example("垃圾分类", "elderly")],
    )
    assert classifier.classify(["垃圾分类"])[0].domain_key == "elderly"


def test_a_correction_for_a_domain_the_cycle_does_not_have_is_ignored():
    classifier = train_classifier(
        DEFAULT_DOMAINS, SHIPPED, corrections=[Example("路灯坏了", "health")]
    )
    assert classifier.classify(["路灯坏了"])[0].domain_key == "community"


def test_a_cycle_with_its_own_domains_learns_from_their_keywords_alone():
    seeds = (
        DomainSeed("health", "健康社区", "健康", ("体检", "义诊", "血压", "慢病")),
        DomainSeed("culture", "文化社区", "文化", ("读书", "书法", "合唱", "演出")),
    )
    classifier = train_classifier(seeds, SHIPPED)
    assert [s.domain_key for s in classifier.classify(["希望组织免费体检", "想参加合唱团"])] == [
        "health",
        "culture",
    ]


def test_with_only_one_domain_to_learn_the_keyword_baseline_decides():
    seeds = (DomainSeed("health", "健康社区", "健康", ("体检",)),)
    classifier = train_classifier(seeds, [])
    assert [(s.domain_key, s.confidence) for s in classifier.classify(["免费体检", "读书"])] == [
        ("health", 1.0),
        (None, 0.0),
    ]


def test_classifier_input_adds_the_target_group_when_there_is_one():
    assert classifier_input("辅导功课", "低保家庭儿童") == "辅导功课（低保家庭儿童）"
    assert classifier_input("辅导功课", " ") == "辅导功课"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=8))
def test_any_texts_get_a_known_domain_and_a_confidence_in_order(texts):
    suggestions = _SHARED.classify(texts)
    assert len(suggestions) == len(texts)
    for text, suggestion in zip(texts, suggestions, strict=True):
        assert suggestion.domain_key in {"elderly", "youth", "special", "community"}
        assert 0.0 <= suggestion.confidence <= 1.0
        assert suggestion == _SHARED.classify([text])[0]
    assert REVIEW_THRESHOLD == 0.6


_SHARED = train_classifier(DEFAULT_DOMAINS, SHIPPED)
