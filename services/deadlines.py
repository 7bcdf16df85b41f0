"""The call's deadline (申报截止时间), one rule for every act on a proposal.

Submitting, withdrawing, and adding or removing an attachment are all refused once
the call's deadline has passed at the server's time (`now`, handed in by the door),
with one message naming the deadline in the office's zone and what was refused.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from models.call import Call
from services import Refused


class CallClosed(Refused):
    """The call's deadline has passed at the server's time."""


def is_past_deadline(call: Call, moment: datetime) -> bool:
    """Whether `moment` falls after the call's deadline."""
    return moment > call.deadline


def check_call_open(call: Call, now: datetime, what: str) -> None:
    """Refuse (`CallClosed`) an act after the deadline, saying what may no longer be done."""
    if is_past_deadline(call, now):
        raise CallClosed(closed_message(call, now, what))


def closed_message(call: Call, now: datetime, what: str) -> str:
    """申报已于 <deadline> 截止，<what>: the deadline in the office's zone."""
    deadline = call.deadline.astimezone(office_zone(now))
    return f"申报已于 {deadline:%Y-%m-%d %H:%M} 截止，{what}"


def office_zone(now: datetime) -> tzinfo:
    """The office's zone, as the doors hand it with `now` (a naive `now` is read as UTC)."""
    return now.tzinfo or UTC
