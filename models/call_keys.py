"""The keys a call's rules file may hold, and readers that check each value's type.

Every key of the rules file is listed here, with its kind and whether it is
required; a key that is not listed is refused, so a typo never silently
turns a standard off. Each reader raises `RulesError` carrying the key's
path, from which `models.call_file` finds the line in the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

STANDARD_LABELS = {
    "applicants": "资助主体",
    "funding_mode": "资助方式",
    "content": "资助内容",
    "amount": "资助金额",
    "source": "资金来源",
    "evaluation": "项目评估",
}

# Optional sections: what the documents carry besides the six standards. Each may be
# left out; then the office's identity comes from the cycle and the texts from defaults.
OPTIONAL_LABELS = {
    "office": "发布单位",
    "application": "申报方式",
    "contract": "资助协议条款",
    "plausibility": "合理性检查",
}

Path = tuple[str | int, ...]

# key -> (kind, required). Kinds are read by the functions below.
TOP_KEYS = {
    "title": ("text", True),
    "version": ("whole", True),
    "opens_on": ("day", True),
    "deadline": ("moment", True),
}
SECTION_KEYS: dict[str, dict[str, tuple[str, bool]]] = {
    "applicants": {
        "org_types": ("texts", True),
        "min_years_registered": ("whole", True),
        "annual_inspection_ok": ("texts", True),
        "exclude_abnormal_list": ("flag", False),
        "exclude_serious_violation_list": ("flag", False),
        "max_proposals_per_agency": ("whole", True),
        "min_past_grade": ("text", False),
        "max_yellow_cards": ("whole", False),
        "max_breaches": ("whole", False),
    },
    "funding_mode": {
        "matching_percent": ("whole", True),
        "tranches": ("tables", True),
    },
    "content": {
        "domains": ("texts", True),
        "budget_categories": ("texts", True),
        "personnel_category": ("text", True),
        "admin_category": ("text", True),
        "personnel_share_max": ("whole", True),
        "admin_share_max": ("whole", True),
        "max_months": ("whole", False),
    },
    "amount": {
        "min_yuan": ("whole", True),
        "max_yuan": ("whole", True),
        "total_yuan": ("whole", True),
    },
    "source": {
        "fund": ("text", True),
        "restricted_parts": ("flag", False),
    },
    "evaluation": {
        "stages": ("texts", True),
        "objection_days": ("whole", True),
        "min_award_score": ("number", False),
        "grade_bands": ("bands", True),
        "review_criteria": ("tables", True),
        "monthly_criteria": ("tables", True),
        "calendar": ("table", True),
        "reviewers_per_proposal": ("whole", False),
        "blind_preliminary": ("flag", False),
        "publish_panel": ("flag", False),
        "holidays": ("days", False),
        "preliminary_pass_score": ("number", False),
        "domain_max_yuan": ("quota", False),
        "domain_min_projects": ("quota", False),
        "final_criteria": ("tables", False),
        "past_grade_bonus": ("quota", False),
        "objection_first_day_counts": ("flag", False),
    },
}
OPTIONAL_SECTION_KEYS: dict[str, dict[str, tuple[str, bool]]] = {
    "office": {
        "name": ("text", False),
        "address": ("text", False),
        "contact": ("text", False),
        "phone": ("text", False),
        "email": ("text", False),
        "seal": ("text", False),
    },
    "application": {
        "method": ("text", False),
        "place": ("text", False),
        "email": ("text", False),
        "materials": ("texts", False),
        "contact": ("text", False),
        "phone": ("text", False),
    },
    "contract": {
        "breach": ("text", False),
        "change_and_termination": ("text", False),
        "disputes": ("text", False),
        "account": ("text", False),
        "copies": ("whole", False),
        "attachments": ("texts", False),
    },
    # Read by models.indicators.read_plausibility; the ranges are checked in models.call_checks.
    "plausibility": {
        "indicator_max_ratio": ("amount", False),
        "overspend_pct": ("number", False),
        "underspend_pct": ("number", False),
    },
}
TABLE_FIELDS = {
    "tranches": {"percent": "whole", "condition": "text"},
    "review_criteria": {"name": "text", "weight": "whole"},
    "monthly_criteria": {"name": "text", "weight": "whole"},
    "final_criteria": {"name": "text", "weight": "whole"},
}
CALENDAR_KEYS = {
    "daily": "日报告",
    "weekly": "周例会",
    "monthly": "月评估",
    "midterm": "中期评估",
    "final": "结项评估",
}


class RulesError(ValueError):
    """A rules file with a missing, unknown, wrongly typed or inconsistent key."""

    def __init__(self, message: str, *, path: Path = ()) -> None:
        super().__init__(message)
        self.message, self.path = message, path


def where(path: Path) -> str:
    """Name a key for a message: 申报指南 [amount]（资助金额）max_yuan."""
    if not path:
        return "申报指南"
    head, *rest = path
    label = STANDARD_LABELS.get(str(head)) or OPTIONAL_LABELS.get(str(head))
    if label is None:
        return f"申报指南 {'.'.join(str(p) for p in path)}"
    tail = ".".join(str(p) for p in rest if isinstance(p, str))
    return f"申报指南 [{head}]（{label}）{tail}".rstrip()


def say(path: Path, text: str) -> str:
    """Write a message about the key at `path`: 申报指南 [amount]（资助金额）max_yuan 应为…."""
    name = where(path)
    return f"{name}{'' if name.endswith(('）', '申报指南')) else ' '}{text}"


def refuse_unknown(data: Mapping[str, Any], known: Mapping[str, Any], path: Path) -> None:
    """Refuse the first key of `data` that `known` does not list."""
    for key in data:
        if key not in known:
            allowed = "、".join(known)
            raise RulesError(say(path, f"有未知的键 {key}（可用：{allowed}）"), path=(*path, key))


def read_value(value: Any, kind: str, path: Path) -> Any:
    """Check one value against its kind and return it in plain form."""
    return _READERS[kind](value, path)


def _text(value: Any, path: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RulesError(say(path, f"应为文字，实为 {value!r}"), path=path)
    return value.strip()


def _texts(value: Any, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulesError(say(path, f"应为文字列表，实为 {value!r}"), path=path)
    if len(set(value)) != len(value):
        raise RulesError(say(path, "有重复项"), path=path)
    return tuple(v.strip() for v in value)


def _whole(value: Any, path: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RulesError(say(path, f"应为非负整数，实为 {value!r}"), path=path)
    return value


def _number(value: Any, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise RulesError(say(path, f"应为 0–100 之间的数，实为 {value!r}"), path=path)
    return float(value)


def _amount(value: Any, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise RulesError(say(path, f"应为非负数，实为 {value!r}"), path=path)
    return float(value)


def _flag(value: Any, path: Path) -> bool:
    if not isinstance(value, bool):
        raise RulesError(say(path, f"应为 true 或 false，实为 {value!r}"), path=path)
    return value


def _day(value: Any, path: Path) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RulesError(say(path, f"应为日期，如 2026-05-01，实为 {value!r}"), path=path) from None


def _moment(value: Any, path: Path) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)
    except ValueError:
        raise RulesError(
            say(path, f"应为时间，如 2026-05-20 17:00，实为 {value!r}"), path=path
        ) from None


def _tables(value: Any, path: Path) -> list[dict[str, Any]]:
    fields = TABLE_FIELDS[str(path[-1])]
    if not isinstance(value, list) or not value:
        raise RulesError(say(path, f"应为非空列表，每项有 {'、'.join(fields)}"), path=path)
    items = []
    for index, item in enumerate(value):
        here = (*path, index)
        if not isinstance(item, Mapping):
            raise RulesError(say(path, f"第 {index + 1} 项应有 {'、'.join(fields)}"), path=here)
        refuse_unknown(item, fields, here)
        missing = [f for f in fields if f not in item]
        if missing:
            raise RulesError(say(path, f"第 {index + 1} 项缺少 {'、'.join(missing)}"), path=here)
        items.append({f: read_value(item[f], kind, (*here, f)) for f, kind in fields.items()})
    return items


def _bands(value: Any, path: Path) -> tuple[tuple[float, str], ...]:
    def is_band(b: Any) -> bool:
        return (
            isinstance(b, list)
            and len(b) == 2
            and isinstance(b[0], int | float)
            and not isinstance(b[0], bool)
            and isinstance(b[1], str)
            and bool(b[1].strip())
        )

    if not isinstance(value, list) or not value or not all(is_band(b) for b in value):
        raise RulesError(say(path, "应为 [[分数下限, 等级名], …]"), path=path)
    return tuple((float(floor), grade.strip()) for floor, grade in value)


def _days(value: Any, path: Path) -> tuple[date, ...]:
    if not isinstance(value, list):
        raise RulesError(say(path, f'应为日期列表，如 ["2026-06-19"]，实为 {value!r}'), path=path)
    return tuple(_day(day, (*path, index)) for index, day in enumerate(value))


def _quota(value: Any, path: Path) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, Mapping):
        raise RulesError(
            say(path, f"应为按服务领域的表，如 {{ youth = 2 }}，实为 {value!r}"), path=path
        )
    return tuple((str(key), _whole(number, (*path, key))) for key, number in value.items())


def _table(value: Any, path: Path) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise RulesError(say(path, '应为表，如 { daily = "…" }'), path=path)
    refuse_unknown(value, CALENDAR_KEYS, path)
    return tuple((key, _text(text, (*path, key))) for key, text in value.items())


_READERS = {
    "text": _text,
    "texts": _texts,
    "whole": _whole,
    "number": _number,
    "amount": _amount,
    "flag": _flag,
    "day": _day,
    "moment": _moment,
    "tables": _tables,
    "bands": _bands,
    "table": _table,
    "days": _days,
    "quota": _quota,
}
