"""The arrival time (送达时间) of a daily report a clerk enters from paper or a message.

The office may type in last week's forms today; it gives the time each form
reached the office, and lateness is judged on that (`models.compliance`).
Only the office gives it (an agency's own filing arrives when it is sent), it
is a business time in the office's zone, it is not before the report's
service day and not after the moment it is entered.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from models.rows import Row, RowError

ARRIVAL_COLUMN = "送达时间"
ARRIVAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


class ArrivalError(ValueError):
    """An arrival time written the wrong way or out of bounds."""


def parse_arrival(text: str, *, tz: tzinfo) -> datetime | None:
    """Read an arrival time like 2026-05-20 18:30 (or a bare date, read as its start) in `tz`."""
    value = text.strip().replace("/", "-")
    if not value:
        return None
    for form in ARRIVAL_FORMATS:
        try:
            return datetime.strptime(value, form).replace(tzinfo=tz)
        except ValueError:
            continue
    try:
        return datetime.combine(date.fromisoformat(value), time(0, 0), tz)
    except ValueError:
        raise ArrivalError(f"送达时间格式应为 2026-05-20 18:30，收到 {value!r}") from None


def arrival_problem(received: datetime, *, day: date, now: datetime) -> str | None:
    """Say what is wrong with an arrival time for a report of `day`, entered at `now`, or None."""
    local = received.astimezone(now.tzinfo) if now.tzinfo else received
    if local.date() < day:
        return f"送达时间 {local:%Y-%m-%d %H:%M} 早于服务日期 {day}"
    if received > now:
        return f"送达时间 {local:%Y-%m-%d %H:%M} 晚于录入时间，不能预填"
    return None


def read_arrival(row: Row, *, tz: tzinfo) -> datetime | None:
    """Read a sheet row's optional 送达时间, naming the row and column of an error."""
    try:
        return parse_arrival(row.values.get(ARRIVAL_COLUMN) or "", tz=tz)
    except ArrivalError as error:
        raise RowError(row.file, row.number, ARRIVAL_COLUMN, str(error)) from None
