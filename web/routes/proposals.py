"""An agency's proposals on the portal: download the template, upload it as a draft or a
submission (through the same `receive_bids` checks as `gongyi proposal submit`), withdraw.

The uploaded workbook may only name the signed-in user's own agency; anything else is
refused before the flow runs, so one agency can never file in another's name.
"""

from __future__ import annotations

import secrets
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from models.rows import RowError, RowsRejected
from models.status import Role
from store import agencies, calls, dashboard, portal
from store.proposal_forms import read_sheets
from web.audit import record
from web.deps import CurrentUser, Forbidden, NotFound, SessionDep
from web.flow_runs import run_flow, write_proposal_template
from web.pages import redirect, render, tr

router = APIRouter(prefix="/agency/proposals", include_in_schema=False)
PROPOSAL_SHEET = "申报书"


@router.get("/template")
def template(user: CurrentUser) -> Response:
    """Send a fresh proposal template."""
    if user.role != Role.AGENCY:
        raise Forbidden()
    folder = Path(tempfile.mkdtemp(prefix="gongyi-template-"))
    path = write_proposal_template(folder / "申报书模板.xlsx")
    return FileResponse(path, filename=path.name, background=BackgroundTask(_remove, folder))


def _remove(folder: Path) -> None:
    for item in folder.iterdir():
        item.unlink()
    folder.rmdir()


def _named_agencies(path: Path) -> set[str]:
    rows = read_sheets(path, {PROPOSAL_SHEET: ("机构名称",)})[PROPOSAL_SHEET]
    return {row.values.get("机构名称", "").strip() for row in rows}


@router.post("")
async def upload(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    workbook: Annotated[UploadFile, File()],
    action: Annotated[str, Form()] = "draft",
) -> Response:
    """Store the workbook's proposals as drafts, or submit them, all or nothing."""
    from web.security import check_csrf

    await check_csrf(request)
    if user.role != Role.AGENCY or user.agency_id is None:
        raise Forbidden()
    if not (workbook.filename or "").lower().endswith(".xlsx"):
        return _refused(request, [tr(request, "请上传填好的申报书模板（.xlsx）")])
    cycle = dashboard.get_latest_cycle(session)
    if cycle is None:
        raise NotFound()
    call = calls.get_latest_call(session, cycle_id=cycle.id or 0)
    own = agencies.get_agency(session, user.agency_id).name
    with tempfile.TemporaryDirectory(prefix="gongyi-upload-") as folder:
        path = Path(folder) / f"{secrets.token_hex(8)}.xlsx"
        path.write_bytes(await workbook.read())
        try:
            named = _named_agencies(path)
        except (RowError, RowsRejected, ValueError, OSError) as error:
            return _refused(request, [str(error)])
        if named - {own}:
            return _refused(
                request,
                [tr(request, "只能提交本机构的申报书：表中「机构名称」应为 {own}").format(own=own)],
            )
        now = datetime.now(ZoneInfo(request.app.state.settings.timezone))
        submit = action == "submit"
        summary = await run_in_threadpool(
            run_flow,
            "receive_bids",
            call.id,
            "",
            str(path),
            received_at=now,
            submit=submit,
            refuse_repeats=submit,
        )
    if summary.errors:
        return _refused(request, list(summary.errors))
    record(
        session,
        request,
        user,
        action="proposal_submit" if submit else "proposal_draft",
        subject_type="call",
        subject_id=call.id,
        detail=f"{workbook.filename}：{summary.received} 份，已有相同 {summary.already_there} 份",
    )
    session.commit()
    word = tr(request, "已提交") if submit else tr(request, "已保存为草稿")
    return redirect("/agency/proposals", message=f"{word}：{summary.received}")


def _refused(request: Request, errors: list[str]) -> Response:
    return render(request, "agency/proposal_refused.html", {"errors": errors}, status=400)


@router.post("/{proposal_id}/withdraw")
async def withdraw(
    proposal_id: int, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """Withdraw one of the agency's submitted proposals before the deadline."""
    from web.security import check_csrf

    await check_csrf(request)
    if user.role != Role.AGENCY or user.agency_id is None:
        raise Forbidden()
    if proposal_id not in {
        p.id for p in portal.list_agency_proposals(session, agency_id=user.agency_id)
    }:
        raise NotFound()
    now = datetime.now(ZoneInfo(request.app.state.settings.timezone))
    try:
        await run_in_threadpool(run_flow, "withdraw_proposal", proposal_id, user.name, now)
    except (ValueError, LookupError) as error:
        return _refused(request, [str(error)])
    record(
        session,
        request,
        user,
        action="proposal_withdraw",
        subject_type="proposal",
        subject_id=proposal_id,
    )
    session.commit()
    return redirect("/agency/proposals", message=tr(request, "申报书已撤回。"))
