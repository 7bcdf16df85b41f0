"""The reminder ladder for missing daily reports, and yellow cards (黄牌).

Each evening the check looks at the due days before today that still have no
report (today's report is due only by midnight). Days off (the call's holidays,
the project's excused days) are not due and are not counted. Counting working
days after the oldest such day:
- 1 or more: the agency is reminded, every evening until the gap is filled;
- 3 or more: the street officer is told as well (an escalation), once per
  gap. A gap is a missed stretch: a run of due days with no report on time,
  ended by a day reported on time, and known by its first day. A second
  stretch is a new gap even when the first was never back-filled;
- a second escalation of a project within one calendar month (a repeat: a new
  gap after the first) puts a yellow card on the agency's record, once per
  project and month.
A project gets at most one notice a day, keyed `daily:<project>:<day>`, so
running the check again that day sends nothing more.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

REMIND_AFTER = 1
ESCALATE_AFTER = 3
YELLOW_CARD_AT_ESCALATION = 2
LISTED_DAYS = 10


class NoticeKind(StrEnum):
    REMIND = "remind"
    ESCALATE = "escalate"
    TRANCHE_HELD = "tranche_held"


NOTICE_KIND_LABELS = {
    NoticeKind.REMIND: "提醒机构",
    NoticeKind.ESCALATE: "督办（告知街道）",
    NoticeKind.TRANCHE_HELD: "暂缓拨付",
}


@dataclass(frozen=True)
class NoticeText:
    """The subject and body of one e-mail."""

    subject: str
    body: str


def working_days_after(earlier: date, later: date, *, off: Collection[date] = ()) -> int:
    """Count the working days (Monday to Friday, not a day off) in (earlier, later]."""
    count, day = 0, earlier + timedelta(days=1)
    while day <= later:
        count += day.weekday() < 5 and day not in off
        day += timedelta(days=1)
    return count


def overdue_days(due: Iterable[date], reported: set[date], *, day: date) -> list[date]:
    """List the due days before `day` that have no report yet, oldest first."""
    return sorted(d for d in due if d < day and d not in reported)


def missed_stretches(
    due: Iterable[date], on_time: Collection[date], *, day: date
) -> list[tuple[date, ...]]:
    """Split the due days before `day` without a report on time into stretches, oldest first.

    A day reported on time ends a stretch; a day back-filled late stays in
    its stretch, so back-filling part of a gap does not make a new one.
    """
    stretches: list[tuple[date, ...]] = []
    run: list[date] = []
    for d in sorted(d for d in due if d < day):
        if d in on_time:
            if run:
                stretches.append(tuple(run))
            run = []
        else:
            run.append(d)
    if run:
        stretches.append(tuple(run))
    return stretches


def gap_to_escalate(
    overdue: Sequence[date],
    *,
    day: date,
    escalated: Iterable[date] = (),
    stretches: Sequence[Sequence[date]] | None = None,
    off: Collection[date] = (),
) -> date | None:
    """Return the first day of the oldest gap to tell the officer of today, or None.

    A gap is a stretch that still has a missing day, whose oldest missing day
    is `ESCALATE_AFTER` working days behind, and that holds no day the officer
    was already told about (`escalated`: the first days of escalated gaps).
    Without `stretches`, all of `overdue` is one gap.
    """
    missing = set(overdue)
    told = set(escalated)
    for stretch in stretches if stretches is not None else [sorted(missing)]:
        left = [d for d in stretch if d in missing]
        if not left or any(stretch[0] <= e <= stretch[-1] for e in told):
            continue
        if working_days_after(left[0], day, off=off) >= ESCALATE_AFTER:
            return stretch[0]
    return None


def notice_kind(
    overdue: Sequence[date],
    *,
    day: date,
    escalated: Iterable[date] = (),
    stretches: Sequence[Sequence[date]] | None = None,
    off: Collection[date] = (),
) -> NoticeKind | None:
    """Return the rung of the ladder a project stands on today, or None.

    `escalated` lists the gaps the officer was already told about (by their
    first day): a gap is escalated once, and the agency is reminded while any
    day is missing. `stretches` splits the missed days into gaps
    (`missed_stretches`); `off` holds the days off, which are not counted.
    """
    if not overdue:
        return None
    gap = gap_to_escalate(overdue, day=day, escalated=escalated, stretches=stretches, off=off)
    if gap is not None:
        return NoticeKind.ESCALATE
    if working_days_after(min(overdue), day, off=off) >= REMIND_AFTER:
        return NoticeKind.REMIND
    return None


def is_yellow_card_due(escalations_this_month: int) -> bool:
    """Tell whether this many escalations (gaps the officer was told of) in a month earn a card."""
    return escalations_this_month >= YELLOW_CARD_AT_ESCALATION


def daily_notice_key(project_id: int, day: date) -> str:
    """Key the one notice a project may get on `day`."""
    return f"daily:{project_id}:{day.isoformat()}"


def compose_daily_notice(
    kind: NoticeKind,
    *,
    project_title: str,
    agency_name: str,
    overdue: Sequence[date],
    day: date,
    yellow_card: bool,
    off: Collection[date] = (),
) -> NoticeText:
    """Write the reminder or escalation e-mail about missing daily reports."""
    title = _one_line(project_title)
    listed = "、".join(f"{d.month}月{d.day}日" for d in overdue[:LISTED_DAYS])
    if len(overdue) > LISTED_DAYS:
        listed += f" 等 {len(overdue)} 天"
    late_by = working_days_after(min(overdue), day, off=off)
    if kind == NoticeKind.REMIND:
        subject = f"【日报告提醒】「{title}」缺交 {len(overdue)} 天"
        lines = [f"{agency_name}：", "", f"服务项目「{title}」以下日期的日报告尚未提交：{listed}。"]
        lines.append("请于今日 23:59 前补交。")
    else:
        subject = f"【日报告督办】「{title}」已逾期 {late_by} 个工作日"
        lines = [
            f"{agency_name}、街道项目负责人：",
            "",
            f"服务项目「{title}」以下日期的日报告逾期 {late_by} 个工作日仍未提交：{listed}。",
            "请机构立即补交，街道跟进督办。",
        ]
    if yellow_card:
        lines.append("本月已第二次督办，按规定在机构记录中记黄牌一次。")
    lines += ["", f"（公益创投系统自动发送，{day.isoformat()}）"]
    return NoticeText(subject, "\n".join(lines))


def compose_tranche_held(
    *, project_title: str, agency_name: str, seq: int, amount: str, grade: str, month: str
) -> NoticeText:
    """Write the e-mail telling agency and officer that a tranche is held."""
    title = _one_line(project_title)
    subject = f"【拨付暂缓】「{title}」第 {seq} 期资金暂缓拨付"
    body = "\n".join(
        [
            f"{agency_name}、街道项目负责人：",
            "",
            f"服务项目「{title}」{month} 中期评估等级为「{grade}」，未达到合格，",
            f"第 {seq} 期资金 {amount} 元暂缓拨付。请机构提交整改说明，街道复核后再议。",
            "",
            "（公益创投系统自动发送）",
        ]
    )
    return NoticeText(subject, body)


def _one_line(text: str) -> str:
    # A line break in a subject would split the e-mail header.
    return " ".join(text.split())
