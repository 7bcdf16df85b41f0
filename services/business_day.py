"""The business date of a dated act: the day it happened, which a clerk may type in later from paper.

Every door takes it (`--on`, the portal form's 日期（不填为今天）) and the service checks it
here before anything is written: none given is today; a date after today is refused, since
an act is not entered ahead of time. The audit event keeps it beside the time of entry
(`audit.record(..., on=...)`).
"""

from __future__ import annotations

from datetime import date, datetime

from services import Refused


def business_day(on: date | None, *, now: datetime, what: str) -> date:
    """The act's business date: `on`, else today; a date after today is refused naming `what`."""
    today = now.date()
    if on is None:
        return today
    if on > today:
        raise Refused(f"{what} {on} 晚于今天（{today}），不能预填")
    return on
