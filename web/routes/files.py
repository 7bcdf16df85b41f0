"""The documents page (报告文件) and downloads, each only to those allowed to see it.

Documents come from the document register and are downloaded by the register
row's id (`/files/<id>`). `/files/download?name=<path>` still serves a path
that a row the user may see names, and unregistered files to staff only.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from services import documents
from web.deps import CurrentUser, NowDep, SessionDep, actor_of
from web.pages import render

router = APIRouter(prefix="/files", include_in_schema=False)


@router.get("")
def files_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """List the documents this user may download, by kind and period."""
    listing = documents.list_documents(
        session, actor=actor_of(request, user), output_dir=request.app.state.output_dir
    )
    return render(request, "files.html", {"listing": listing})


@router.get("/download")
def download(
    request: Request, session: SessionDep, user: CurrentUser, now: NowDep, name: str = ""
) -> Response:
    """Send one file by its path; anything this user may not download is not found."""
    path = documents.open_download(
        session,
        actor=actor_of(request, user),
        now=now,
        output_dir=request.app.state.output_dir,
        name=name,
    )
    return FileResponse(path, filename=path.name)


@router.get("/{record_id}")
def download_document(
    request: Request, session: SessionDep, user: CurrentUser, now: NowDep, record_id: int
) -> Response:
    """Send one version of a registered document by its row id; others are not found."""
    path, _ = documents.open_document(
        session,
        actor=actor_of(request, user),
        now=now,
        output_dir=request.app.state.output_dir,
        record_id=record_id,
    )
    return FileResponse(path, filename=path.name)
