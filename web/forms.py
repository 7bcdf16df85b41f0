"""What the office's writing forms share: who may send them, the business date, uploaded sheets.

The selection, 公示, agency-registry and minutes forms take the same 日期 field (`on`,
empty: today), the same staff-or-admin check with CSRF, and keep an uploaded sheet under
its own cleaned name so that each error names the file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import Depends, File, Form, Request, UploadFile

from models.status import Role
from store.accounts import SignedIn
from web.deps import Forbidden, require_roles
from web.pages import tr
from web.security import FormUser

OFFICERS = (Role.STAFF, Role.ADMIN)
Officer = Annotated[SignedIn, Depends(require_roles(*OFFICERS))]
SHEET_SUFFIXES = (".xlsx", ".csv")
DateField = Annotated[str, Form(max_length=10)]
Upload = Annotated[UploadFile | None, File()]


def officer_form(user: FormUser) -> SignedIn:
    """The signed-in staff member or admin of a writing form (CSRF checked), else 403."""
    if user.role not in OFFICERS:
        raise Forbidden()
    return user


OfficerForm = Annotated[SignedIn, Depends(officer_form)]


class BadInput(Exception):
    """A form value the route cannot read (a date, a stage, a file type)."""


def read_day(request: Request, text: str, today: date) -> date:
    """The form's business date (日期), or today when left empty."""
    try:
        return date.fromisoformat(text) if text.strip() else today
    except ValueError:
        raise BadInput(
            tr(request, "日期应为 2026-05-22 的格式，收到 {value}").format(value=text)
        ) from None


def saved_upload(request: Request, upload: UploadFile | None, folder: Path) -> Path | None:
    """Keep an uploaded sheet under its own name (errors name it), or None when none was sent."""
    if upload is None or not upload.filename:
        return None
    name = "".join(
        c for c in Path(upload.filename).name if c.isprintable() and c not in '\\:*?"<>|'
    )
    name = name.lstrip(".")[-100:]
    if not name.lower().endswith(SHEET_SUFFIXES):
        raise BadInput(tr(request, "请上传 .xlsx 或 .csv 文件：{name}").format(name=name))
    path = folder / name
    path.write_bytes(upload.file.read())
    return path
