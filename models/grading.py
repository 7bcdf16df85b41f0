"""Scoring rules: weighted criteria and grade bands (优秀/良好/合格/不合格)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

GradeBands = Sequence[tuple[float, str]]

DEFAULT_GRADE_BANDS: GradeBands = ((90, "优秀"), (80, "良好"), (60, "合格"), (0, "不合格"))


class ScoringError(ValueError):
    """Scores or weights that cannot be combined."""


def weighted_score(scores: Mapping[str, float], weights: Mapping[str, int]) -> float:
    """Combine 0–100 criterion scores with weights that add up to 100."""
    negative = [name for name, weight in weights.items() if weight < 0]
    if negative:
        raise ScoringError(f"评分指标权重不能为负：{'、'.join(negative)}")
    if sum(weights.values()) != 100:
        raise ScoringError(f"评分指标权重之和应为 100，实为 {sum(weights.values())}")
    missing = [name for name in weights if name not in scores]
    if missing:
        raise ScoringError(f"缺少评分指标：{'、'.join(missing)}")
    for name in weights:
        if not 0 <= scores[name] <= 100:
            raise ScoringError(f"「{name}」得分应在 0–100 之间，实为 {scores[name]}")
    total = sum(scores[name] * weight for name, weight in weights.items()) / 100
    return round(total, 2)


def grade_for(score: float, bands: GradeBands = DEFAULT_GRADE_BANDS) -> str:
    """Return the grade whose band holds `score`."""
    for floor, grade in sorted(bands, key=lambda band: band[0], reverse=True):
        if score >= floor:
            return grade
    raise ScoringError(f"分数 {score} 不在任何等级区间内")


def is_passing(grade: str, bands: GradeBands = DEFAULT_GRADE_BANDS) -> bool:
    """Tell whether a grade is at or above the lowest passing band (合格)."""
    ordered = [name for _, name in sorted(bands, key=lambda band: band[0], reverse=True)]
    return grade in ordered[:-1]
