"""Sorting needs into domains: the default domains, their seed keywords, and the review rule.

Each domain has seed keywords that staff can edit. `suggest_domain` is the
keyword baseline: a need goes to the domain whose keywords it mentions most,
weighted by keyword length. The learned classifier (`models.classifier`)
takes the seeds as training data too, and uses `suggest_domain` to show which
seed words a need matched. A suggestion whose confidence is below
`REVIEW_THRESHOLD` goes to staff review.
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
            "敬老",
            "助老",
            "托老",
            "日间照料",
            "老年大学",
            "高龄津贴",
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
            "青春期",
            "夏令营",
            "课后",
            "放学",
            "早教",
            "托育",
            "婴幼儿",
            "中考",
            "高考",
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
            "失业",
            "零就业",
            "孤儿",
            "孤残",
            "孤独症",
            "自闭症",
            "脑瘫",
            "唐氏",
            "智障",
            "视障",
            "听障",
            "瘫痪",
            "截肢",
            "大病",
            "低收入",
            "刑满释放",
            "社区矫正",
            "安置帮教",
            "五保",
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
            "业主",
            "监控",
            "充电桩",
            "快递",
            "议事",
            "小广告",
            "积水",
            "下水道",
            "高空抛物",
            "养犬",
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


MAX_KEYWORD = 20


class KeywordError(ValueError):
    """A keyword edit that would leave a domain's seeds unusable."""


def edit_keywords(
    keywords: Sequence[str], *, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> tuple[str, ...]:
    """Return a domain's keywords with `add` appended and `remove` taken out."""
    words = [word.strip() for word in add]
    for word in words:
        if not word:
            raise KeywordError("关键词不能为空")
        if len(word) > MAX_KEYWORD:
            raise KeywordError(f"关键词「{word}」超过 {MAX_KEYWORD} 字")
    unknown = [word for word in remove if word not in keywords]
    if unknown:
        raise KeywordError(f"这些词不在关键词中：{'、'.join(unknown)}")
    kept = [word for word in keywords if word not in set(remove)]
    return tuple(dict.fromkeys([*kept, *words]))
