"""The call's six unified standards as a typed value, read from the rules file.

One rules file per cycle and version (TOML) drives proposal validation,
eligibility screening, the published call (申报指南) and the contract terms.
Reading it refuses unknown keys, checks every value's type and then checks
that the standards agree with each other: weights and tranches that add up to
100, a minimum below the cap below the total, known stages and conditions.
The keys are listed in `models.call_keys`; the README explains each one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from models.call_checks import check_consistency
from models.call_keys import (
    OPTIONAL_SECTION_KEYS,
    SECTION_KEYS,
    STANDARD_LABELS,
    TOP_KEYS,
    Path,
    RulesError,
    read_value,
    refuse_unknown,
    say,
)
from models.cycle import OfficeIdentity
from models.grading import GradeBands
from models.indicators import Plausibility, PlausibilityError, read_plausibility
from models.money import FEN_PER_YUAN, format_fen

__all__ = [
    "STANDARD_LABELS",
    "ApplicationInfo",
    "CallRules",
    "ContractClauses",
    "Criterion",
    "RulesError",
    "TrancheShare",
]

DEFAULT_MATERIALS = (
    "项目申报书（加盖机构公章）",
    "项目预算表",
    "机构登记证书复印件",
    "最近一次年检（年度报告）结果证明",
    "机构简介及近两年承接项目情况",
)
DEFAULT_BREACH = (
    "乙方未按本协议实施项目、虚报服务数据或挪用、截留资助资金的，甲方有权暂停拨付、"
    "责令限期整改；逾期不改或情节严重的，甲方有权解除本协议，追回已拨付的资金，"
    "乙方三年内不得申报本街道公益创投项目。甲方无正当理由未按拨付计划拨付资金的，"
    "应在乙方书面催告后十五个工作日内补足。"
)
DEFAULT_CHANGE = (
    "项目内容、绩效指标、预算结构或项目周期确需调整的，乙方应提前十五日书面申请，"
    "经甲方书面同意后签订补充协议，补充协议与本协议具有同等效力。因不可抗力致使协议无法履行的，"
    "双方可协商终止本协议，已拨付未使用的资金由乙方退回。乙方被列入活动异常名录或严重违法失信名单的，"
    "甲方可以解除本协议。"
)
DEFAULT_DISPUTES = "因本协议发生的争议，双方应友好协商解决；协商不成的，任何一方可向甲方所在地有管辖权的人民法院提起诉讼。"
DEFAULT_ACCOUNT = (
    "甲方将资助资金拨付至乙方以机构名义开立的银行对公账户，不得拨入个人账户。"
    "乙方账户信息如下，变更账户须提前书面通知甲方。"
)
DEFAULT_ATTACHMENTS = ("项目申报书", "项目预算表")


@dataclass(frozen=True)
class Criterion:
    """A scoring criterion (评分指标) and its weight out of 100."""

    name: str
    weight: int


@dataclass(frozen=True)
class TrancheShare:
    """One step of the tranche plan: a percentage and its release condition."""

    percent: int
    condition: str


@dataclass(frozen=True)
class ApplicationInfo:
    """How to apply (申报方式): where and how to hand in, what to hand in, whom to ask.

    An empty place, e-mail, contact or phone is the issuing office's own (see
    `models.cycle.office_identity`).
    """

    method: str = "纸质材料现场报送，电子版同时发送至申报邮箱"
    place: str = ""
    email: str = ""
    materials: tuple[str, ...] = DEFAULT_MATERIALS
    contact: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ContractClauses:
    """The clauses of the 资助协议 an office may word itself; the defaults are the usual ones."""

    breach: str = DEFAULT_BREACH  # 违约责任
    change_and_termination: str = DEFAULT_CHANGE  # 协议变更与终止
    disputes: str = DEFAULT_DISPUTES  # 争议解决
    account: str = DEFAULT_ACCOUNT  # 收款账户
    copies: int = 4  # 份数
    attachments: tuple[str, ...] = DEFAULT_ATTACHMENTS  # 附件

    @property
    def copies_each(self) -> tuple[int, int]:
        """How many copies 甲方 and 乙方 keep: 甲方 keeps the odd one."""
        return self.copies - self.copies // 2, self.copies // 2


@dataclass(frozen=True)
class CallRules:
    """The six standards of one call, with its title, version and dates."""

    title: str
    version: int
    opens_on: date
    deadline: datetime  # wall-clock time in the office's zone
    # 资助主体
    org_types: tuple[str, ...]
    min_years_registered: int
    annual_inspection_ok: tuple[str, ...]
    exclude_abnormal_list: bool
    exclude_serious_violation_list: bool
    max_proposals_per_agency: int
    min_past_grade: str | None
    max_yellow_cards: int | None
    # 资助方式
    matching_percent: int
    tranches: tuple[TrancheShare, ...]
    # 资助内容
    domain_keys: tuple[str, ...]
    budget_categories: tuple[str, ...]
    personnel_category: str
    admin_category: str
    personnel_share_max: int
    admin_share_max: int
    max_months: int | None
    # 资助金额
    min_fen: int
    max_fen: int
    total_fen: int
    # 资金来源
    fund_name: str
    restricted_parts: bool
    # 项目评估
    stages: tuple[str, ...]
    objection_days: int
    review_criteria: tuple[Criterion, ...]
    monthly_criteria: tuple[Criterion, ...]
    grade_bands: GradeBands
    min_award_score: float
    calendar: tuple[tuple[str, str], ...]
    reviewers_per_proposal: int | None
    blind_preliminary: bool
    publish_panel: bool
    holidays: tuple[date, ...]
    preliminary_pass_score: float
    domain_max_fen: Mapping[str, int]
    domain_min_projects: Mapping[str, int]
    raw: Mapping[str, Any]
    # Track record and close (optional keys; empty means not used).
    max_breaches: int | None = None
    past_grade_bonus: Mapping[str, int] = field(default_factory=dict)
    final_criteria: tuple[Criterion, ...] = ()
    # The documents (optional sections; empty means the defaults above / the cycle's office).
    objection_first_day_counts: bool = False
    office: OfficeIdentity = field(default_factory=OfficeIdentity)
    application: ApplicationInfo = field(default_factory=ApplicationInfo)
    contract: ContractClauses = field(default_factory=ContractClauses)
    plausibility: Plausibility = field(default_factory=Plausibility)

    @property
    def funding_mode(self) -> str:
        """Return "full" (全额资助) or "matching" (配套资助)."""
        return "matching" if self.matching_percent else "full"


def read_call_rules(data: Mapping[str, Any]) -> CallRules:
    """Check a parsed rules file and return its standards."""
    values = _read_all(data)
    top, sections = values[""], values
    applicants, mode, content = (
        sections["applicants"],
        sections["funding_mode"],
        sections["content"],
    )
    amount, source, evaluation = sections["amount"], sections["source"], sections["evaluation"]
    rules = CallRules(
        title=top["title"],
        version=top["version"],
        opens_on=top["opens_on"],
        deadline=top["deadline"],
        org_types=applicants["org_types"],
        min_years_registered=applicants["min_years_registered"],
        annual_inspection_ok=applicants["annual_inspection_ok"],
        exclude_abnormal_list=applicants.get("exclude_abnormal_list", True),
        exclude_serious_violation_list=applicants.get("exclude_serious_violation_list", True),
        max_proposals_per_agency=applicants["max_proposals_per_agency"],
        min_past_grade=applicants.get("min_past_grade"),
        max_yellow_cards=applicants.get("max_yellow_cards"),
        matching_percent=mode["matching_percent"],
        tranches=tuple(TrancheShare(t["percent"], t["condition"]) for t in mode["tranches"]),
        domain_keys=content["domains"],
        budget_categories=content["budget_categories"],
        personnel_category=content["personnel_category"],
        admin_category=content["admin_category"],
        personnel_share_max=content["personnel_share_max"],
        admin_share_max=content["admin_share_max"],
        max_months=content.get("max_months"),
        min_fen=amount["min_yuan"] * FEN_PER_YUAN,
        max_fen=amount["max_yuan"] * FEN_PER_YUAN,
        total_fen=amount["total_yuan"] * FEN_PER_YUAN,
        fund_name=source["fund"],
        restricted_parts=source.get("restricted_parts", True),
        stages=evaluation["stages"],
        objection_days=evaluation["objection_days"],
        review_criteria=_criteria(evaluation["review_criteria"]),
        monthly_criteria=_criteria(evaluation["monthly_criteria"]),
        grade_bands=evaluation["grade_bands"],
        min_award_score=evaluation.get("min_award_score", 0.0),
        calendar=evaluation["calendar"],
        reviewers_per_proposal=evaluation.get("reviewers_per_proposal"),
        blind_preliminary=evaluation.get("blind_preliminary", True),
        publish_panel=evaluation.get("publish_panel", True),
        holidays=evaluation.get("holidays", ()),
        preliminary_pass_score=evaluation.get("preliminary_pass_score", 60.0),
        domain_max_fen={k: v * FEN_PER_YUAN for k, v in evaluation.get("domain_max_yuan", ())},
        domain_min_projects=dict(evaluation.get("domain_min_projects", ())),
        raw=data,
        max_breaches=applicants.get("max_breaches"),
        past_grade_bonus=dict(evaluation.get("past_grade_bonus", ())),
        final_criteria=_criteria(evaluation.get("final_criteria", [])),
        objection_first_day_counts=evaluation.get("objection_first_day_counts", False),
        office=OfficeIdentity(**sections.get("office", {})),
        application=ApplicationInfo(**sections.get("application", {})),
        contract=ContractClauses(**sections.get("contract", {})),
        plausibility=_plausibility(data, sections.get("plausibility", {})),
    )
    check_consistency(rules)
    return rules


def _read_all(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    missing = [key for key in STANDARD_LABELS if key not in data]
    if missing:
        labels = "、".join(f"[{k}]（{STANDARD_LABELS[k]}）" for k in missing)
        raise RulesError(f"申报指南缺少：{labels}", path=(missing[0],))
    values = {"": _read_section(data, TOP_KEYS, ())}
    for name, keys in SECTION_KEYS.items():
        section = data[name]
        if not isinstance(section, Mapping):
            raise RulesError(say((name,), f"应为一节 [{name}]"), path=(name,))
        values[name] = _read_section(section, keys, (name,))
    for name, keys in OPTIONAL_SECTION_KEYS.items():
        if name in data:
            section = data[name]
            if not isinstance(section, Mapping):
                raise RulesError(say((name,), f"应为一节 [{name}]"), path=(name,))
            values[name] = _read_section(section, keys, (name,))
    return values


def _read_section(
    section: Mapping[str, Any], keys: Mapping[str, tuple[str, bool]], path: Path
) -> dict[str, Any]:
    refuse_unknown(
        section, {**keys, **({} if path else {**STANDARD_LABELS, **OPTIONAL_SECTION_KEYS})}, path
    )
    values = {}
    for key, (kind, required) in keys.items():
        if key in section:
            values[key] = read_value(section[key], kind, (*path, key))
        elif required:
            raise RulesError(say(path, f"缺少 {key}"), path=path or (key,))
    return values


def _plausibility(data: Mapping[str, Any], section: Mapping[str, float]) -> Plausibility:
    """The [plausibility] thresholds, read as the monitoring reads them, refused naming the key."""
    ratio = section.get("indicator_max_ratio")
    if ratio is not None and ratio <= 1:
        raise _refuse(
            ("plausibility", "indicator_max_ratio"), f"应大于 1（计划的倍数），实为 {ratio:g}"
        )
    try:
        return read_plausibility(data)
    except PlausibilityError as error:  # pragma: no cover - the keys were checked above
        raise RulesError(say(("plausibility",), str(error)), path=("plausibility",)) from None


def _criteria(items: list[dict[str, Any]]) -> tuple[Criterion, ...]:
    return tuple(Criterion(c["name"], c["weight"]) for c in items)


def _refuse(path: Path, reason: str) -> RulesError:
    return RulesError(say(path, reason), path=path)


def grade_band_texts(bands: GradeBands) -> tuple[str, ...]:
    """Say each grade band as a range: 优秀（90分及以上）… 不合格（低于60分）.

    A band reaches up to the next band's floor, not included; the lowest band,
    starting at 0, is said as below the floor above it — never "0 分及以上".
    """
    ordered = sorted(bands, key=lambda band: band[0], reverse=True)
    texts = []
    for index, (floor, grade) in enumerate(ordered):
        upper = ordered[index - 1][0] if index else None
        if upper is None:
            texts.append(f"{grade}（{_points(floor)}分及以上）")
        elif floor <= 0:
            texts.append(f"{grade}（低于{_points(upper)}分）")
        else:
            texts.append(f"{grade}（{_points(floor)}分及以上、低于{_points(upper)}分）")
    return tuple(texts)


def _points(value: float) -> str:
    return f"{value:g}"


def resolve_application(application: ApplicationInfo, office: OfficeIdentity) -> ApplicationInfo:
    """The call's way to apply, with each place or contact left empty taken from the office."""
    return ApplicationInfo(
        method=application.method,
        place=application.place or office.address,
        email=application.email or office.email,
        materials=application.materials,
        contact=application.contact or office.contact,
        phone=application.phone or office.phone,
    )


def check_rules_fit_fund(rules: CallRules, *, fund_name: str, raised_fen: int) -> None:
    """Raise RulesError if the call promises more than the fund holds, or names another fund."""
    if rules.fund_name != fund_name:
        raise _refuse(
            ("source", "fund"), f"「{rules.fund_name}」不是本周期的公益基金「{fund_name}」"
        )
    if rules.total_fen > raised_fen:
        raise _refuse(
            ("amount", "total_yuan"),
            f"{format_fen(rules.total_fen)} 元超过基金已募集的 {format_fen(raised_fen)} 元",
        )


def check_domains_known(rules: CallRules, domain_keys: set[str]) -> None:
    """Raise RulesError if the call names a domain the cycle does not have."""
    unknown = [key for key in rules.domain_keys if key not in domain_keys]
    if unknown:
        raise _refuse(
            ("content", "domains"),
            f"有本周期没有的服务领域：{'、'.join(unknown)}（本周期：{'、'.join(sorted(domain_keys))}）",
        )
