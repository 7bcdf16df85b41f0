"""Sorting needs into domains: the default domains and a keyword-seed classifier.

This is the baseline classifier: each domain has seed keywords, and a need
goes to the domain whose keywords it mentions most, weighted by keyword
length. Confidence is that domain's share of all matched weight. A need that
matches nothing, or whose best domain wins by too little, goes to staff review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DomainSeed:
    """A domain's key, names and seed keywords."""

    key: str
    name: str
    theme: str
    keywords: tuple[str, ...]


DEFAULT_DOMAINS: tuple[DomainSeed, ...] = (
    DomainSeed(
        "elderly",
        "情暖夕阳",
        "敬老孝老",
        (
            "老人",
            "老年",
            "高龄",
            "独居",
            "空巢",
            "助餐",
            "养老",
            "失能",
            "失智",
            "阿尔茨海默",
            "血压",
            "慢病",
            "助浴",
            "适老",
            "老伴",
            "退休",
            "银龄",
            "长者",
            "陪诊",
        ),
    ),
    DomainSeed(
        "youth",
        "护航花蕾",
        "关爱青少年",
        (
            "儿童",
            "孩子",
            "青少年",
            "学生",
            "作业",
            "课堂",
            "托管",
            "暑期",
            "寒假",
            "亲子",
            "留守",
            "四点半",
            "心理辅导",
            "学业",
            "小学",
            "中学",
            "幼儿",
            "家庭教育",
            "未成年",
        ),
    ),
    DomainSeed(
        "special",
        "爱在淮河",
        "关爱特殊群体",
        (
            "残疾",
            "残障",
            "低保",
            "失独",
            "困难家庭",
            "困境",
            "特困",
            "就业",
            "康复",
            "重病",
            "精神障碍",
            "智力",
            "盲人",
            "聋",
            "轮椅",
            "救助",
            "帮扶",
            "孤寡",
            "临时救助",
        ),
    ),
    DomainSeed(
        "community",
        "绿色生活",
        "社区公共服务",
        (
            "垃圾",
            "分类",
            "楼道",
            "杂物",
            "绿化",
            "环境",
            "停车",
            "路灯",
            "消防",
            "卫生",
            "公共",
            "志愿",
            "邻里",
            "文体",
            "健身",
            "噪音",
            "飞线",
            "充电",
            "宠物",
            "物业",
        ),
    ),
)

REVIEW_THRESHOLD = 0.6


@dataclass(frozen=True)
class Suggestion:
    """The classifier's domain for one need and how sure it is."""

    domain_key: str | None
    confidence: float
    matched: tuple[str, ...]

    def needs_review(self, threshold: float = REVIEW_THRESHOLD) -> bool:
        """Tell whether staff must confirm this suggestion."""
        return self.domain_key is None or self.confidence < threshold


def suggest_domain(text: str, seeds: Sequence[DomainSeed]) -> Suggestion:
    """Suggest the domain whose seed keywords the text mentions most."""
    weights: dict[str, float] = {}
    matched: dict[str, list[str]] = {}
    for seed in seeds:
        hits = [word for word in seed.keywords if word and word in text]
        if hits:
            weights[seed.key] = sum(len(word) for word in hits)
            matched[seed.key] = hits
    if not weights:
        return Suggestion(None, 0.0, ())
    best = max(weights, key=lambda key: (weights[key], -_position(seeds, key)))
    confidence = round(weights[best] / sum(weights.values()), 3)
    return Suggestion(best, confidence, tuple(matched[best]))


def _position(seeds: Sequence[DomainSeed], key: str) -> int:
    return next(index for index, seed in enumerate(seeds) if seed.key == key)
