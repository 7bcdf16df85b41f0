"""The flows an office runs, in the order of a cycle, with the parameters the 运行流程 page asks for.

Each entry names a flow of `web.flow_runs.FLOWS`, its label and stage, and its
parameters after the cycle (a call of the cycle, a date defaulting to today, a
month). `flow_arguments` turns the submitted form into the flow's positional
arguments, refusing a bad value with one line naming the field. A date after
today is refused as the cycle's forms refuse it (`services.business_day`: an act
is not entered ahead of time), except a parameter marked `future`, which is
about days to come (the projects' start date the contracts carry). Steps done
on their own pages (publishing the call, the committee's decision) are listed
with a link instead of a form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from models.calendar import PeriodError, month_bounds
from services import Refused
from services.business_day import business_day
from web.i18n import N_

CALL = "call"
DAY = "day"
MONTH = "month"
SOME_DAY = "some_day"


@dataclass(frozen=True)
class Param:
    """One parameter a flow asks for: its form key, its label (msgid) and its kind.

    A date is no later than today unless `future` says it names a day to come.
    """

    key: str
    label: str
    kind: str
    future: bool = False


@dataclass(frozen=True)
class OfferedFlow:
    """One flow the office runs: its registry name, label, stage, parameters, or a page that does it."""

    name: str
    label: str
    stage: str
    params: tuple[Param, ...] = ()
    takes_cycle: bool = True
    page: str = ""


TODAY = Param("day", N_("日期（不填为今天）"), DAY)
OFFERED: tuple[OfferedFlow, ...] = (
    OfferedFlow("needs_survey", N_("需求调研报告"), N_("需求征集"), (TODAY,)),
    OfferedFlow("publish_call", N_("发布申报指南"), N_("发布申报指南"), page="cycle#call"),
    OfferedFlow(
        "close_call",
        N_("截止申报并资格审查"),
        N_("遴选"),
        (Param("call_id", N_("申报指南"), CALL), TODAY),
        takes_cycle=False,
    ),
    OfferedFlow("screening", N_("资格审查结果与复核"), N_("遴选"), page="/officer/screening"),
    OfferedFlow("committee_decision", N_("终审决定"), N_("遴选"), page="/officer/committee"),
    OfferedFlow(
        "conclude_publicity",
        N_("公示期满：结论与签约"),
        N_("遴选"),
        (
            Param("call_id", N_("申报指南"), CALL),
            TODAY,
            Param("projects_start_on", N_("项目开始日期"), DAY, future=True),
        ),
        takes_cycle=False,
    ),
    OfferedFlow("daily_check", N_("日报告检查"), N_("执行"), (TODAY,)),
    OfferedFlow(
        "weekly_meeting",
        N_("周例会"),
        N_("执行"),
        (Param("week_start", N_("所议一周的周一（不填为上周）"), SOME_DAY),),
    ),
    OfferedFlow(
        "monthly_evaluation",
        N_("运行月评估"),
        N_("执行"),
        (Param("month", N_("评估月份"), MONTH),),
    ),
    OfferedFlow("release_tranches", N_("按条件拨付"), N_("执行"), (TODAY,)),
    OfferedFlow(
        "donor_statement",
        N_("捐赠资金去向说明"),
        N_("公益基金"),
        (Param("as_of", N_("截至日期（不填为今天）"), DAY),),
    ),
    OfferedFlow(
        "final_evaluation",
        N_("结项评估"),
        N_("结项"),
        (Param("period_end", N_("统计截止日"), DAY),),
    ),
    OfferedFlow("close_cycle", N_("结项"), N_("结项"), (TODAY,)),
)
"""The office's flows in the order of a cycle."""

BY_NAME = {flow.name: flow for flow in OFFERED if not flow.page}


class BadParameter(ValueError):
    """A parameter the form gave that the flow cannot take; the message names it."""


def flow_arguments(
    offered: OfferedFlow,
    form: dict[str, str],
    *,
    cycle_id: int,
    call_ids: set[int],
    today: date,
) -> tuple[Any, ...]:
    """The flow's positional arguments from the form (an empty date is today)."""
    args: list[Any] = [cycle_id] if offered.takes_cycle else []
    for param in offered.params:
        value = form.get(param.key, "").strip()
        if param.kind == CALL:
            if not value.isdigit() or int(value) not in call_ids:
                raise BadParameter(f"{param.label}：请选择本周期的一版申报指南")
            args.append(int(value))
        elif param.kind == MONTH:
            try:
                month_bounds(value)
            except PeriodError as error:
                raise BadParameter(f"{param.label}：{error}") from None
            args.append(value)
        else:
            args.append(_day(param, value, today=today))
    return tuple(args)


def _day(param: Param, value: str, *, today: date) -> date | None:
    """The date typed (empty: today, or None for a SOME_DAY); one after today only if `future`."""
    if not value:
        return None if param.kind == SOME_DAY else today
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadParameter(f"{param.label}：请按 2027-05-20 的格式填写日期") from None
    if param.future:
        return day
    try:
        return business_day(day, now=datetime.combine(today, time()), what=param.label)
    except Refused as refused:
        raise BadParameter(refused.message) from None
