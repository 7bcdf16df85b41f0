"""An agency's proposals on the portal: download the template, upload it as a draft or a
submission, withdraw. Both call `services.proposals` (the same checks as the
`receive_bids` and `withdraw_proposal` flows and `gongyi proposal submit|withdraw`):
the workbook may only name the signed-in user's own agency, a submission after the
deadline (the server's time) is refused, and only the agency's own proposal is withdrawn.
The uploaded workbook is kept as each of its proposals' 原始申报书.

Each proposal's 附件 page (`/agency/proposals/{id}/attachments`) lists its attachments
and takes more (several at once) or removes one, through `services.attachments` (the
same as `gongyi proposal attach`); the office downloads them from the same address.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, Response
from sqlmodel import Session
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from models.rows import RowError, RowsRejected
from models.status import Role
from services import Forbidden as ServiceForbidden
from services import Refused, attachment_pages, attachments
from services.proposal_batch import read_bid_files
from services.proposal_template import write_template
from services.proposals import receive_proposals, withdraw_proposal
from store import calls, dashboard
from store.accounts import SignedIn
from web.attachment_files import attachment_folder, send_attachment
from web.deps import CurrentUser, Forbidden, NotFound, NowDep, SessionDep, actor_of
from web.pages import redirect, render, tr

router = APIRouter(prefix="/agency/proposals", include_in_schema=False)


@router.get("/template")
def template(user: CurrentUser) -> Response:
    """Send a fresh proposal template."""
    if user.role != Role.AGENCY:
        raise Forbidden()
    folder = Path(tempfile.mkdtemp(prefix="gongyi-template-"))
    path = write_template(folder / "申报书模板.xlsx")
    return FileResponse(path, filename=path.name, background=BackgroundTask(_remove, folder))


def _remove(folder: Path) -> None:
    for item in folder.iterdir():
        item.unlink()
    folder.rmdir()


@router.post("")
async def upload(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
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
    if call is None:
        return _refused(request, [tr(request, "目前没有发布的申报指南，申报书没有保存。")])
    submit = action == "submit"
    with tempfile.TemporaryDirectory(prefix="gongyi-upload-") as folder:
        path = Path(folder) / f"{secrets.token_hex(8)}.xlsx"
        # The body is capped by GONGYI_WEB_MAX_UPLOAD_MB before it reaches here; the
        # workbook is parsed on a worker thread so a large one never stalls other clients.
        path.write_bytes(await workbook.read())
        try:
            tables = await run_in_threadpool(read_bid_files, str(path))
            summary = await run_in_threadpool(
                partial(
                    receive_proposals,
                    session,
                    actor=actor_of(request, user),
                    now=now,
                    call_id=call.id or 0,
                    tables=tables,
                    submit=submit,
                    refuse_repeats=submit,
                    source=workbook.filename or "",
                    workbook=path.read_bytes(),
                    folder=attachment_folder(request),
                )
            )
        except RowsRejected as rejected:
            return _refused(request, [str(e) for e in rejected.errors])
        except (RowError, ValueError, OSError) as error:
            return _refused(request, [str(error)])
        except (Refused, ServiceForbidden) as refused:
            return _refused(request, [refused.message])
    word = tr(request, "已提交") if submit else tr(request, "已保存为草稿")
    message = f"{word}：{summary.received}"
    if summary.citation_warnings:
        # Shown once on the next page; kept on the proposal for the officer (a flash
        # cookie holds a few hundred characters, so only the first ones are spelt out).
        listed = "；".join(summary.citation_warnings[:2])
        more = len(summary.citation_warnings) - 2
        # The service's own words, like its refusals: a door never rephrases them.
        message += f"。引用需求提醒：{listed}" + (f"（另有 {more} 条）" if more > 0 else "")
    return redirect("/agency/proposals", message=message)


def _refused(request: Request, errors: list[str]) -> Response:
    return render(request, "agency/proposal_refused.html", {"errors": errors}, status=400)


@router.post("/{proposal_id}/withdraw")
async def withdraw(
    proposal_id: int, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> Response:
    """Withdraw one of the agency's submitted proposals before the deadline."""
    from web.security import check_csrf

    await check_csrf(request)
    if user.role != Role.AGENCY or user.agency_id is None:
        raise Forbidden()
    try:
        await run_in_threadpool(
            partial(
                withdraw_proposal,
                session,
                actor=actor_of(request, user),
                now=now,
                proposal_id=proposal_id,
            )
        )
    except Refused as refused:  # another agency's proposal is NotFound: the 404 page
        return _refused(request, [refused.message])
    return redirect("/agency/proposals", message=tr(request, "申报书已撤回。"))


def _attachments_page(
    request: Request,
    session: Session,
    user: SignedIn,
    now: datetime,
    proposal_id: int,
    *,
    errors: Sequence[str] = (),
) -> Response:
    page = attachment_pages.read_attachment_page(
        session, actor=actor_of(request, user), now=now, proposal_id=proposal_id
    )
    return render(
        request,
        "agency/proposal_attachments.html",
        {"page": page, "errors": list(errors)},
        status=400 if errors else 200,
    )


@router.get("/{proposal_id}/attachments")
def attachments_page(
    proposal_id: int, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> Response:
    """Show a proposal's attachments, with the upload and delete forms while it may change."""
    if user.role != Role.AGENCY:
        raise Forbidden()
    return _attachments_page(request, session, user, now, proposal_id)


@router.post("/{proposal_id}/attachments")
async def add_attachments(
    proposal_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    files: Annotated[list[UploadFile], File()],
) -> Response:
    """Attach the chosen files, all or nothing; each refused file is named with its reason."""
    from web.security import check_csrf

    await check_csrf(request)
    if user.role != Role.AGENCY:
        raise Forbidden()
    uploads = [
        attachments.Upload(name=f.filename or "", data=await f.read()) for f in files if f.filename
    ]
    try:
        added = await run_in_threadpool(
            partial(
                attachments.add_attachments,
                session,
                actor=actor_of(request, user),
                now=now,
                folder=attachment_folder(request),
                proposal_id=proposal_id,
                uploads=uploads,
            )
        )
    except attachments.AttachmentsRefused as refused:
        return _attachments_page(request, session, user, now, proposal_id, errors=refused.problems)
    except Refused as refused:
        return _attachments_page(request, session, user, now, proposal_id, errors=[refused.message])
    names = "、".join(line.name for line in added)
    return redirect(
        f"/agency/proposals/{proposal_id}/attachments",
        message=tr(request, "附件已上传：") + names,
    )


@router.post("/{proposal_id}/attachments/{attachment_id}/delete")
async def remove_attachment(
    proposal_id: int,
    attachment_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> Response:
    """Remove one attachment before the deadline (the kept workbook stays)."""
    from web.security import check_csrf

    await check_csrf(request)
    if user.role != Role.AGENCY:
        raise Forbidden()
    try:
        name = attachments.remove_attachment(
            session,
            actor=actor_of(request, user),
            now=now,
            folder=attachment_folder(request),
            proposal_id=proposal_id,
            attachment_id=attachment_id,
        )
    except Refused as refused:
        return _attachments_page(request, session, user, now, proposal_id, errors=[refused.message])
    return redirect(
        f"/agency/proposals/{proposal_id}/attachments", message=tr(request, "附件已删除：") + name
    )


@router.get("/{proposal_id}/attachments/{attachment_id}")
def download_attachment(
    proposal_id: int,
    attachment_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> Response:
    """Send one attachment to its agency or the office (the read is audited)."""
    found = attachments.read_attachment(
        session,
        actor=actor_of(request, user),
        now=now,
        folder=attachment_folder(request),
        proposal_id=proposal_id,
        attachment_id=attachment_id,
    )
    return send_attachment(found)
