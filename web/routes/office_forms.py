"""The office's registry forms: registering agencies from a sheet, recording a weekly meeting's minutes.

Both are the use cases the CLI runs, through the same doors. Staff and admins only;
a refusal is listed on the page (status 400), each bad row by its row and column,
and nothing is written.

URLs and form fields (kept stable for the browser journey):
- POST /officer/agencies/import — `registry` (社会组织名录 .xlsx/.csv), `track_records`
  (往期记录, optional). `gongyi agency import` (services.agencies.register_agencies).
- POST /officer/meetings/{id}/minutes — `minutes` (会议记录), `attendees`, `host`,
  `recorder`, `actions` (待办事项表 .xlsx/.csv, optional), `on` (日期, empty: today).
  `gongyi monitor minutes` (the flow `record_minutes`, which stores through
  services.meetings.record_minutes and re-issues the 周例会纪要 PDF).
- POST /officer/meetings/{id}/actions/{item_id} — `note`, `outcome` (done | dropped), `on`:
  close one action item; `gongyi monitor action close` (the flow `close_action_and_publish`,
  which re-issues the minutes).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.rows import RowError, RowsRejected
from services import ServiceError, agencies, office_pages
from services.business_day import business_day
from web.deps import NowDep, SessionDep, TodayDep, actor_of
from web.flow_runs import close_action_item as close_action_item_and_publish
from web.flow_runs import record_meeting_minutes
from web.forms import (
    BadInput,
    DateField,
    OfficerForm,
    Upload,
    read_day,
    saved_upload,
)
from web.pages import redirect, render, tr

router = APIRouter(include_in_schema=False)
MINUTES_FORM_LIMIT = 20_000
"""What the form takes; the flow refuses minutes over 5000 characters, naming them."""


def _problems(request: Request, error: Exception) -> list[str]:
    if isinstance(error, RowsRejected):
        return [str(e) for e in error.errors]
    if isinstance(error, ServiceError):
        return [error.message]
    return [str(error)]


def agencies_page(
    request: Request, session: Session, user: OfficerForm, *, errors: list[str], status: int
) -> Response:
    """The registry page with the import's problems listed."""
    session.rollback()  # nothing of a refused import is left; read what is stored
    listed = office_pages.list_agencies(session, actor=actor_of(request, user))
    context = {"agencies": listed, "errors": errors}
    return render(request, "officer/agencies.html", context, status=status)


@router.post("/agencies/import")
def import_agencies(
    request: Request,
    session: SessionDep,
    user: OfficerForm,
    now: NowDep,
    registry: Upload = None,
    track_records: Upload = None,
) -> Response:
    """Register the agencies of an uploaded registry sheet (and their past results), all or nothing."""
    try:
        with tempfile.TemporaryDirectory(prefix="gongyi-agencies-") as folder:
            sheet = saved_upload(request, registry, Path(folder))
            if sheet is None:
                raise BadInput(tr(request, "请选择社会组织名录（.xlsx 或 .csv）"))
            records = saved_upload(request, track_records, Path(folder))
            summary = agencies.register_agencies(
                session,
                actor=actor_of(request, user),
                now=now,
                agencies_path=str(sheet),
                track_records_path=str(records or ""),
            )
    except (BadInput, RowError, RowsRejected, ServiceError) as error:
        errors = _problems(request, error)
        return agencies_page(request, session, user, errors=errors, status=400)
    message = tr(
        request, "社会组织名录已导入：新增 {added} 家，更新 {updated} 家，往期记录 {records} 条。"
    )
    return redirect(
        "/officer/agencies",
        message=message.format(
            added=summary.added, updated=summary.updated, records=summary.track_records
        ),
    )


def meeting_page(
    request: Request,
    session: Session,
    user: OfficerForm,
    *,
    meeting_id: int,
    errors: list[str],
    form: dict[str, str],
) -> Response:
    """The meeting's page with the minutes form's problems listed and its text kept."""
    session.rollback()
    meeting = office_pages.show_meeting(
        session,
        actor=actor_of(request, user),
        meeting_id=meeting_id,
        output_dir=request.app.state.output_dir,
    )
    context = {"meeting": meeting, "errors": errors, "form": form}
    return render(request, "officer/meeting.html", context, status=400)


@router.post("/meetings/{meeting_id}/minutes")
def record_minutes(
    request: Request,
    session: SessionDep,
    user: OfficerForm,
    now: NowDep,
    today: TodayDep,
    meeting_id: int,
    minutes: Annotated[str, Form(max_length=MINUTES_FORM_LIMIT)] = "",
    attendees: Annotated[str, Form(max_length=1000)] = "",
    host: Annotated[str, Form(max_length=1000)] = "",
    recorder: Annotated[str, Form(max_length=1000)] = "",
    actions: Upload = None,
    on: DateField = "",
) -> Response:
    """Record a meeting's minutes and action items as `gongyi monitor minutes` does."""
    form = {"minutes": minutes, "attendees": attendees, "host": host, "recorder": recorder}
    meeting = office_pages.show_meeting(
        session,
        actor=actor_of(request, user),
        meeting_id=meeting_id,
        output_dir=request.app.state.output_dir,
    )
    session.rollback()  # the flow writes on its own connection
    try:
        day = business_day(read_day(request, on, today), now=now, what="纪要日期")
        with tempfile.TemporaryDirectory(prefix="gongyi-minutes-") as folder:
            text = Path(folder) / "会议记录.txt"
            text.write_text(minutes.replace("\r\n", "\n"), encoding="utf-8")
            sheet = saved_upload(request, actions, Path(folder))
            result = record_meeting_minutes(
                meeting["week_start"],
                minutes_path=str(text) if minutes.strip() else None,
                actions_path=str(sheet) if sheet else None,
                attendees=attendees.strip(),
                recorder=recorder.strip(),
                cycle_id=meeting["cycle_id"],
                today=day,
                host=host,
                actor_login=user.login,
                actor_name=user.name,
                actor_user_id=user.user_id,
            )
    except (BadInput, ServiceError) as error:
        errors = _problems(request, error)
        return meeting_page(request, session, user, meeting_id=meeting_id, errors=errors, form=form)
    if result.errors:
        return meeting_page(
            request, session, user, meeting_id=meeting_id, errors=list(result.errors), form=form
        )
    message = tr(
        request, "纪要已保存：待办 {n} 项（本次关闭 {closed} 项），周例会纪要 PDF 已重新生成。"
    )
    return redirect(
        f"/officer/meetings/{meeting_id}",
        message=message.format(n=result.action_items, closed=result.closed),
    )


@router.post("/meetings/{meeting_id}/actions/{item_id}")
def close_action_item(
    request: Request,
    session: SessionDep,
    user: OfficerForm,
    now: NowDep,
    today: TodayDep,
    meeting_id: int,
    item_id: int,
    note: Annotated[str, Form(max_length=500)] = "",
    outcome: Annotated[str, Form(max_length=10)] = "done",
    on: DateField = "",
) -> Response:
    """Close an action item (完成 or 取消) and re-issue the minutes, as `gongyi monitor action close`."""
    office_pages.show_meeting(  # the meeting exists and the officer may see it
        session,
        actor=actor_of(request, user),
        meeting_id=meeting_id,
        output_dir=request.app.state.output_dir,
    )
    session.rollback()  # the flow writes on its own connection
    try:
        day = business_day(read_day(request, on, today), now=now, what="关闭日期")
        closed = close_action_item_and_publish(
            item_id,
            note=note.strip(),
            dropped=outcome == "dropped",
            on=day,
            actor=actor_of(request, user),
        )
    except (BadInput, ServiceError) as error:
        errors = _problems(request, error)
        return meeting_page(request, session, user, meeting_id=meeting_id, errors=errors, form={})
    if not closed.changed:
        message = tr(request, "待办 #{id} 此前已关闭，未重复记录。").format(id=item_id)
    else:
        message = tr(request, "待办 #{id} 已关闭，周例会纪要已重新发布。").format(id=item_id)
    return redirect(f"/officer/meetings/{meeting_id}", message=message)
