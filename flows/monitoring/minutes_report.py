"""Task `write_minutes_pdf`: render a weekly meeting's 周例会纪要 from what is stored.

The document is the stored agenda, the minutes and the meeting's action
items. Before minutes are recorded it is titled 周例会议程 and leaves room
to write; afterwards it is the 周例会纪要. Both are named and dated for the
meeting they are about, never for the day they are printed: the PDF goes to
`output/<month of the meeting>/周例会纪要-<meeting date>.pdf` and its date is
the meeting's (an agenda printed before the meeting day carries that day).
Both are published through the document register (`services.register`).
Every user text is masked as the context is built, with the names of the
people the cycle knows (`flows.monitoring.report_contexts.known_names`).
Both end with the issuing office's 落款 and public contact
(`flows.fund.fund_reports.issuing_office`), and the minutes name their host.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flows.fund.fund_reports import issuing_office
from flows.monitoring.report_contexts import (
    ACTION_STATUS_LABELS,
    action_row,
    known_names,
    mask_all,
)
from flows.runtime import (
    current_render_pool,
    get_now,
    get_output_dir,
    get_templates_dir,
    io_task,
    session_scope,
)
from models.cycle import OfficeIdentity
from models.monitoring import ActionItem, WeeklyMeeting
from models.status import ActionItemStatus
from reports.contexts import (
    ActionRow,
    DocumentHeader,
    IssueRow,
    RiskRow,
    WeeklyMinutesContext,
    WeeklyProgressRow,
)
from reports.errors import BatchFailed
from reports.render import WEEKLY_MINUTES_TEMPLATE
from services import SYSTEM
from services.register import DocumentSpec, publish_documents
from store import awards, cycles, meetings

PROGRESS_FIELDS = (
    "project_title",
    "agency_name",
    "reports_expected",
    "reports_on_time",
    "reports_late",
    "people_served",
    "people_planned",
)


def _week_label(week_start: date) -> str:
    end = week_start + timedelta(days=6)
    return f"{week_start.year}年{week_start.month}月{week_start.day}日至{end.month}月{end.day}日"


def minutes_context(
    agenda: dict[str, Any],
    *,
    header: DocumentHeader,
    week_start: date,
    held_on: date,
    minutes: tuple[str, str, str],
    items: list[ActionRow],
    names: Sequence[str] = (),
    host: str = "",
    office: OfficeIdentity | None = None,
) -> WeeklyMinutesContext:
    """Turn a stored agenda, the minutes and the action items into the report's context.

    `names` are the people the cycle knows: every user text is masked with them.
    `host` chaired the meeting; `office` issues the document (its 落款).
    """
    text, attendees, recorder = minutes
    return WeeklyMinutesContext(
        header=header,
        week_label=_week_label(week_start),
        held_on=held_on,
        headline=agenda.get("headline", ""),
        progress=tuple(
            WeeklyProgressRow(**{k: row[k] for k in PROGRESS_FIELDS})
            for row in agenda.get("progress", [])
        ),
        issues=tuple(
            IssueRow(
                i["project_title"],
                date.fromisoformat(i["day"]),
                i["kind"],
                mask_all(i["text"], names),
            )
            for i in agenda.get("issues", [])
        ),
        overdue_items=tuple(
            ActionRow(
                o["seq"],
                o["project_title"],
                mask_all(o["text"], names),
                o["owner"],
                date.fromisoformat(o["due_on"]),
                "未完成",
                None,
            )
            for o in agenda.get("overdue", [])
        ),
        at_risk=tuple(
            RiskRow(r["project_title"], r["agency_name"], tuple(r["reasons"]))
            for r in agenda.get("at_risk", [])
        ),
        attendees=mask_all(attendees, names),
        recorder=mask_all(recorder, ()),  # staff, named; a number typed beside it is masked
        host=mask_all(host, ()),  # staff too, as the recorder
        office=office,
        minutes=mask_all(text, names),
        action_items=tuple(items),
        # The texts are masked already; the list of names stays out of the context, so
        # a name learnt later changes a document only where its text names that person.
    )


IN_PROGRESS = "进行中"


def _rows(
    items: list[ActionItem], titles: dict[int, str], names: Sequence[str], *, held_on: date
) -> list[ActionRow]:
    """The meeting's action items as they stood on the meeting's day.

    An item closed after the meeting is shown 进行中, without its later date: the
    minutes record what the meeting decided, so closing an item later changes nothing.
    """
    rows = [action_row(i, titles.get(i.project_id or 0, ""), names, as_of=held_on) for i in items]
    still_open = ACTION_STATUS_LABELS[ActionItemStatus.OPEN]
    return [
        replace(r, status_label=IN_PROGRESS) if r.status_label == still_open else r for r in rows
    ]


def _host(meeting: WeeklyMeeting) -> str:
    # The host is recorded with the minutes: an agenda leaves the line blank to sign.
    return meeting.host if meeting.minutes else ""


def document_date(held_on: date, *, has_minutes: bool, today: date) -> date:
    """The date a meeting's document carries: the meeting's, or today for an agenda printed before it."""
    return held_on if has_minutes else min(today, held_on)


def minutes_file(folder: Path, title: str, held_on: date) -> Path:
    """Where a meeting's agenda or minutes is written: named for the meeting's date."""
    return folder / held_on.strftime("%Y-%m") / f"{title}-{held_on.isoformat()}.pdf"


@io_task
def write_minutes_pdf(cycle_id: int, week_start: date, today: date) -> str:
    """Render the meeting's 周例会纪要 (or agenda, before minutes) and return the PDF's path.

    `today` is the office's date: an agenda printed before its meeting day carries
    it; otherwise the document carries the meeting's date, however late it is printed.
    """
    with session_scope() as session:
        meeting = meetings.get_weekly_meeting(session, cycle_id=cycle_id, week_start=week_start)
        cycle = cycles.get_cycle(session, cycle_id)
        titles = {p.id or 0: p.title for p in awards.list_projects(session, cycle_id=cycle_id)}
        names = known_names(session, cycle_id)
        items = _rows(
            meetings.list_meeting_items(session, meeting_id=meeting.id),  # type: ignore[arg-type]
            titles,
            names,
            held_on=meeting.held_on,
        )
        title = "周例会纪要" if meeting.minutes else "周例会议程"
        on = document_date(meeting.held_on, has_minutes=bool(meeting.minutes), today=today)
        context = minutes_context(
            meeting.agenda,
            header=DocumentHeader(cycle.street_office, cycle.name, title, on),
            week_start=week_start,
            held_on=meeting.held_on,
            minutes=(meeting.minutes, meeting.attendees, meeting.recorder),
            items=items,
            names=names,
            host=_host(meeting),
            office=issuing_office(session, cycle_id),
        )
    output_dir = get_output_dir()
    target = minutes_file(output_dir, title, meeting.held_on)
    spec = DocumentSpec(
        kind="weekly_minutes" if meeting.minutes else "weekly_agenda",
        subject=f"cycle:{cycle_id}",
        period=week_start.isoformat(),
        as_of=on,
        template_name=WEEKLY_MINUTES_TEMPLATE,
        context=context,
        path=str(target.relative_to(output_dir)),
        cycle_id=cycle_id,
        title=f"{title} · {meeting.held_on.isoformat()}",
    )
    # Through the register: the same inputs render nothing again, a lost file is
    # rendered again, and minutes changed after publication (an item closed) get a
    # 第2版 beside the first. The agenda printed before the meeting stays published.
    with session_scope() as session:
        published = publish_documents(
            session,
            [spec],
            output_dir=output_dir,
            templates_dir=get_templates_dir(),
            actor=SYSTEM,
            now=get_now(),
            render=current_render_pool().render_batch,
        )
    if published.failures:
        raise BatchFailed(published.failures, ())
    return str(published.paths[0])
