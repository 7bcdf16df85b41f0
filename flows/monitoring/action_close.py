"""Flow `close_action_and_publish`: close an action item, then publish its meeting's minutes again.

The minutes (周例会纪要) list each action item with its status, so closing one
changes them: the item is closed by `services.meetings.close_action_item` on
its business date, and the minutes go out again through the document register
(`flows.monitoring.minutes_report.write_minutes_pdf`), which keeps the
published version and adds the next one beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from prefect import flow

from flows.monitoring.minutes_report import write_minutes_pdf
from flows.runtime import get_now, session_scope
from services import Actor, clerk, meetings
from services.action_items import meeting_of_item


@dataclass(frozen=True)
class ItemClosedSummary:
    """What closing did, and the minutes published again (empty when nothing changed)."""

    item_id: int
    text: str
    changed: bool
    closed_on: date | None
    pdf: str = ""


@flow(name="close_action_and_publish", log_prints=True)
def close_action_and_publish(
    item_id: int,
    note: str = "",
    dropped: bool = False,
    on: date | None = None,
    actor: Actor | None = None,
) -> ItemClosedSummary:
    """Close an action item on `on` (default today) and publish its meeting's minutes again.

    `actor` is who closes it: the portal's signed-in officer or agency (whose own items
    only, as the service checks), or the CLI's clerk when none is given.
    """
    now = get_now()
    with session_scope() as session:
        closed = meetings.close_action_item(
            session,
            actor=actor or clerk(),
            now=now,
            item_id=item_id,
            note=note,
            dropped=dropped,
            on=on,
        )
        cycle_id, week_start = meeting_of_item(session, item_id=item_id)
        summary = ItemClosedSummary(
            item_id, closed.item.text, closed.changed, closed.item.closed_on
        )
    if not summary.changed:
        return summary
    pdf = write_minutes_pdf(cycle_id, week_start, now.date())
    print(f"待办事项 #{item_id} 已关闭；周例会文件已更新：{pdf}")
    return ItemClosedSummary(item_id, summary.text, True, summary.closed_on, pdf)
