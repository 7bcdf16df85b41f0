"""Reading a daily report (日报告) as people write it: activities, spend, hours, beneficiary ids.

The CLI and spreadsheets give compact text ("小组:智能手机课:18；个案:入户探访:3",
"活动费:120.50；物资费:30", "2.5"); the JSON API gives the same fields as
JSON values. Both become one `DailyReportInput`. Every reader raises
`InputError` naming the field, which the callers turn into a row or field error.
Every text is held to `models.text` (no C0/C1 control characters, valid
Unicode) by the readers and again by `DailyReportInput` itself, so no door
that builds one can store such a text.

Beneficiaries are counted only through pseudonymous ids chosen by the agency
(E01-0007). Under PIPL a report must never carry a name, 身份证 number or
phone number, so an id that looks like one is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from models.cells import amount_problem, quantity_problem
from models.money import MoneyError, parse_yuan
from models.monitoring import ACTIVITY_KIND_LABELS, ActivityKind
from models.text import text_problem

SEPARATORS = re.compile(r"[；;\n]+")
REF_SEPARATORS = re.compile(r"[，,；;\s]+")
PSEUDONYM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{2,31}")
LONG_NUMBER = re.compile(r"\d{11,}")
KIND_BY_LABEL = {label: kind for kind, label in ACTIVITY_KIND_LABELS.items()} | {
    str(kind): kind for kind in ActivityKind
}


class InputError(ValueError):
    """A field of a daily report that cannot be read; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"「{field}」{message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class Activity:
    """One activity of the day: its type (个案/小组/社区活动), title and 服务人次."""

    kind: str
    title: str
    people: int


@dataclass(frozen=True)
class DailyReportInput:
    """A daily report as submitted, before it is checked against its project."""

    project: str
    day: date
    activities: tuple[Activity, ...] = ()
    beneficiary_refs: tuple[str, ...] = ()
    service_minutes: int = 0
    volunteers: int = 0
    volunteer_minutes: int = 0
    spend_fen: Mapping[str, int] = field(default_factory=dict)
    issues: str = ""
    risks: str = ""
    attachments: tuple[str, ...] = ()
    summary: str = ""
    no_activity_reason: str = ""
    revise: bool = False

    def __post_init__(self) -> None:
        for label, text in self._texts():
            check_input_text(text, field=label)

    def _texts(self) -> list[tuple[str, str]]:
        texts = [
            ("项目名称", self.project),
            ("发现的问题", self.issues),
            ("风险", self.risks),
            ("当天小结", self.summary),
            ("未开展活动原因", self.no_activity_reason),
        ]
        texts += [("活动", activity.title) for activity in self.activities]
        texts += [("受益人编号", ref) for ref in self.beneficiary_refs]
        texts += [("附件", name) for name in self.attachments]
        texts += [("支出", category) for category in self.spend_fen]
        return texts

    @property
    def people_served(self) -> int:
        """服务人次: the sum over the day's activities."""
        return sum(activity.people for activity in self.activities)


def check_input_text(value: Any, *, field: str) -> None:
    """Raise InputError naming the field if a text holds a control character or bad Unicode."""
    problem = text_problem(value) if isinstance(value, str) else None
    if problem is not None:
        raise InputError(field, problem)


def parse_activities(text: str, *, field: str = "活动") -> tuple[Activity, ...]:
    """Read activities written as 类型:名称:人次, separated by ；."""
    check_input_text(text, field=field)
    activities = []
    for part in filter(None, (p.strip() for p in SEPARATORS.split(text))):
        pieces = [p.strip() for p in re.split(r"[:：]", part)]
        if len(pieces) != 3:
            raise InputError(field, f"应写成 类型:名称:人次，收到 {part!r}")
        activities.append(read_activity(pieces[0], pieces[1], pieces[2], field=field))
    return tuple(activities)


def read_activity(kind: Any, title: Any, people: Any, *, field: str = "活动") -> Activity:
    """Check one activity's type, title and 服务人次."""
    if str(kind) not in KIND_BY_LABEL:
        raise InputError(field, f"活动类型应为 个案 / 小组 / 社区活动，收到 {kind!r}")
    check_input_text(str(title), field=field)  # before strip: a C1 NEL (\x85) is whitespace
    title = str(title).strip()
    if not title or len(title) > 100:
        raise InputError(field, "活动名称不能为空，且不超过 100 字")
    return Activity(str(KIND_BY_LABEL[str(kind)]), title, read_count(people, field=field))


def read_count(value: Any, *, field: str) -> int:
    """Read a whole number that is not negative."""
    if isinstance(value, bool | float):
        raise InputError(field, f"应为整数，收到 {value!r}")
    try:
        number = int(str(value).strip() or "0")
    except ValueError:
        raise InputError(field, f"应为整数，收到 {value!r}") from None
    if number < 0:
        raise InputError(field, f"不能为负数，收到 {number}")
    if (problem := quantity_problem(number)) is not None:
        raise InputError(field, problem)
    return number


def parse_minutes(value: Any, *, field: str) -> int:
    """Read hours (2.5) as whole minutes; a fraction of a minute is refused."""
    if isinstance(value, bool):
        raise InputError(field, f"应为小时数，收到 {value!r}")
    text = str(value).strip() or "0"
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise InputError(field, f"应为小时数（如 2.5），收到 {value!r}") from None
    if not hours.is_finite() or hours < 0:
        raise InputError(field, f"不能为负数，收到 {value!r}")
    if (problem := quantity_problem(hours)) is not None:
        raise InputError(field, f"小时数{problem}，收到 {text[:20]!r}")
    minutes = hours * 60
    if minutes != minutes.to_integral_value():
        raise InputError(field, f"小时数应能折算为整分钟（如 2.5），收到 {value!r}")
    return int(minutes)


def parse_spend(text: str, *, field: str = "支出") -> dict[str, int]:
    """Read spend written as 预算科目:金额（元）, separated by ；, as fen per category."""
    check_input_text(text, field=field)
    spend: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in SEPARATORS.split(text))):
        pieces = [p.strip() for p in re.split(r"[:：]", part)]
        if len(pieces) != 2 or not pieces[0]:
            raise InputError(field, f"应写成 科目:金额，收到 {part!r}")
        try:
            amount = parse_yuan(pieces[1])
        except MoneyError as error:
            raise InputError(field, f"{pieces[0]}：{error}") from None
        add_spend(spend, pieces[0], amount, field=field)
    return spend


def add_spend(spend: dict[str, int], category: str, amount_fen: Any, *, field: str) -> None:
    """Add one category's spend in fen, refusing negatives, floats and repeats."""
    check_input_text(category, field=field)
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise InputError(field, f"{category} 的金额应为整数分，收到 {amount_fen!r}")
    if amount_fen < 0:
        raise InputError(field, f"{category} 的金额不能为负数")
    if (problem := amount_problem(amount_fen)) is not None:
        raise InputError(field, f"{category}：{problem}")
    if category in spend:
        raise InputError(field, f"科目「{category}」重复填写")
    spend[category] = amount_fen


def parse_refs(text: str, *, field: str = "受益人编号") -> tuple[str, ...]:
    """Read pseudonymous beneficiary ids separated by commas or spaces."""
    check_input_text(text, field=field)
    return check_refs([ref for ref in REF_SEPARATORS.split(text) if ref], field=field)


def check_refs(refs: list[str] | tuple[str, ...], *, field: str) -> tuple[str, ...]:
    """Refuse any id that looks like a name, a 身份证 number or a phone number."""
    for ref in refs:
        if not isinstance(ref, str) or not is_pseudonymous(ref):
            raise InputError(
                field,
                f"「{str(ref)[:4]}…」不是化名编号：日报告只能填写机构自编的受益人编号"
                "（如 E01-0007，3–32 位字母、数字或连字符），不能填写姓名、身份证号或手机号",
            )
    return tuple(dict.fromkeys(refs))


def is_pseudonymous(ref: str) -> bool:
    """Tell whether an id is a plain code rather than personal data."""
    return bool(PSEUDONYM.fullmatch(ref)) and not LONG_NUMBER.search(ref)


PAYLOAD_FIELDS = {
    "project",
    "day",
    "activities",
    "beneficiaries",
    "service_hours",
    "volunteers",
    "volunteer_hours",
    "spend_fen",
    "issues",
    "risks",
    "attachments",
    "summary",
    "no_activity_reason",
    "revise",
}


def read_report_payload(data: Mapping[str, Any]) -> DailyReportInput:
    """Read a daily report sent as JSON (the API's shape; money in integer fen)."""
    unknown = sorted(set(data) - PAYLOAD_FIELDS)
    if unknown:
        raise InputError(unknown[0], "不是日报告的字段")
    return DailyReportInput(
        project=_text(data, "project", required=True, limit=200),
        day=_day(data.get("day")),
        activities=tuple(_activity(item) for item in _list(data, "activities")),
        beneficiary_refs=check_refs(_list(data, "beneficiaries"), field="beneficiaries"),
        service_minutes=parse_minutes(data.get("service_hours", 0), field="service_hours"),
        volunteers=read_count(data.get("volunteers", 0), field="volunteers"),
        volunteer_minutes=parse_minutes(data.get("volunteer_hours", 0), field="volunteer_hours"),
        spend_fen=_spend(data.get("spend_fen") or {}),
        issues=_text(data, "issues", limit=1000),
        risks=_text(data, "risks", limit=1000),
        attachments=tuple(
            _text({"attachments": a}, "attachments", limit=300) for a in _list(data, "attachments")
        ),
        summary=_text(data, "summary", limit=2000),
        no_activity_reason=_text(data, "no_activity_reason", limit=500),
        revise=data.get("revise", False) is True,
    )


def _text(data: Mapping[str, Any], name: str, *, required: bool = False, limit: int) -> str:
    value = data.get(name, "")
    if isinstance(value, int) and not isinstance(value, bool) and name == "project":
        value = str(value)
    if not isinstance(value, str):
        raise InputError(name, f"应为文字，收到 {value!r}")
    check_input_text(value, field=name)
    value = value.strip()
    if required and not value:
        raise InputError(name, "不能为空")
    if len(value) > limit:
        raise InputError(name, f"超过 {limit} 字")
    return value


def _day(value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError("day", f"日期格式应为 2026-06-01，收到 {value!r}") from None


def _list(data: Mapping[str, Any], name: str) -> list[Any]:
    value = data.get(name) or []
    if not isinstance(value, list):
        raise InputError(name, "应为列表")
    return value


def _activity(item: Any) -> Activity:
    if not isinstance(item, Mapping):
        raise InputError("activities", "每项应为 {kind, title, people}")
    return read_activity(
        item.get("kind"), item.get("title", ""), item.get("people", 0), field="activities"
    )


def _spend(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise InputError("spend_fen", "应为 {科目: 金额（分）}")
    spend: dict[str, int] = {}
    for category, amount in value.items():
        check_input_text(str(category), field="spend_fen")  # before strip, like every text
        add_spend(spend, str(category).strip(), amount, field="spend_fen")
    return spend
