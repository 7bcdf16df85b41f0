"""Listing and downloading generated reports, each only to those allowed to see it."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from store import portal
from web.audit import record
from web.deps import CurrentUser, NotFound, SessionDep
from web.files import can_download, list_output_files
from web.pages import render

router = APIRouter(prefix="/files", include_in_schema=False)


def _allowed(request: Request, session, user) -> list[str]:  # type: ignore[no-untyped-def]
    titles = (
        [p.title for p in portal.list_agency_projects(session, agency_id=user.agency_id)]
        if user.agency_id is not None
        else []
    )
    return [
        name
        for name in list_output_files(request.app.state.output_dir)
        if can_download(name, role=user.role, owned_titles=titles, person=user.name)
    ]


@router.get("")
def files_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """List the files this user may download."""
    return render(request, "files.html", {"files": _allowed(request, session, user)})


@router.get("/download")
def download(request: Request, session: SessionDep, user: CurrentUser, name: str = "") -> Response:
    """Send one listed file; anything not in this user's listing is not found."""
    if name not in _allowed(request, session, user):
        record(
            session,
            request,
            user,
            action="download_refused",
            subject_type="file",
            detail=name[:300],
        )
        session.commit()
        raise NotFound()
    record(session, request, user, action="download", subject_type="file", detail=name)
    session.commit()
    path = Path(request.app.state.output_dir) / name
    return FileResponse(path, filename=path.name)
