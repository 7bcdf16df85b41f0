"""Listing and downloading generated reports, each only to those allowed to see it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from services import documents
from web.deps import CurrentUser, NowDep, SessionDep, actor_of
from web.pages import render

router = APIRouter(prefix="/files", include_in_schema=False)


@router.get("")
def files_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """List the files this user may download."""
    files = documents.list_downloads(
        session, actor=actor_of(request, user), output_dir=request.app.state.output_dir
    )
    return render(request, "files.html", {"files": files})


@router.get("/download")
def download(
    request: Request, session: SessionDep, user: CurrentUser, now: NowDep, name: str = ""
) -> Response:
    """Send one listed file; anything not in this user's listing is not found."""
    path = documents.open_download(
        session,
        actor=actor_of(request, user),
        now=now,
        output_dir=request.app.state.output_dir,
        name=name,
    )
    return FileResponse(path, filename=path.name)
