"""Sending a proposal's attachments from the portal: where they are kept, and how they are sent.

The folder is `<GONGYI_VAR_DIR>/attachments` (`store.attachments.folder_under`); a file
is always sent as a download under its clean (or, in blind review, neutral) name, never
shown inline, so a browser never renders what an agency uploaded as a page.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, Response

from services.attachments import AttachmentFile
from store.attachments import AttachmentFolder, folder_under


def attachment_folder(request: Request) -> AttachmentFolder:
    """The deployment's attachments folder (under GONGYI_VAR_DIR)."""
    return folder_under(request.app.state.settings.var_dir)


def send_attachment(found: AttachmentFile) -> Response:
    """Send a file as a download under the name the reader may see."""
    return FileResponse(
        found.path,
        filename=found.name,
        media_type=found.content_type or "application/octet-stream",
        content_disposition_type="attachment",  # nosniff is set on every response
    )
