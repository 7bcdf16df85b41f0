"""Who is calling the JSON API: a bearer token (`Authorization: Bearer …`) bound to an account.

Tokens are issued by `gongyi users token` or `POST /api/tokens`; only their
SHA-256 is stored (`store.accounts`). A missing, unknown or revoked token, or
one whose account was disabled, is refused with 401. A role that may not use a
route gets 403; a record that is not the caller's is answered 404 by the route.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from models.status import Role
from store.accounts import SignedIn, get_token_holder
from web.api.errors import ApiError
from web.audit import record
from web.deps import SessionDep

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="令牌",
    description="API 令牌：`gongyi users token 登录名` 签发，请求头 `Authorization: Bearer <令牌>`。",
)


def get_api_user(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> SignedIn:
    """Return who holds the request's bearer token, or refuse with 401."""
    token = credentials.credentials.strip() if credentials else ""
    holder = get_token_holder(session, token) if 0 < len(token) <= 200 else None
    if holder is None:
        raise ApiError(
            401,
            "缺少或无效的 API 令牌：请在请求头加 Authorization: Bearer <令牌>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return holder


ApiUser = Annotated[SignedIn, Depends(get_api_user)]


def require(user: SignedIn, *roles: Role) -> None:
    """Refuse with 403 unless the caller has one of these roles."""
    if user.role not in roles:
        raise ApiError(403, f"您的账号角色（{user.role}）不能执行此操作")


def office_today(request: Request) -> date:
    """Return today's date in the office's time zone, which the day checks count from."""
    return datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


def audit(
    session: Session,
    request: Request,
    user: SignedIn,
    *,
    action: str,
    subject_type: str,
    subject_id: int | None = None,
    detail: str = "",
) -> None:
    """Add the audit event of an API call to the request's session (committed with the write)."""
    record(
        session,
        request,
        user,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=f"API：{detail}",
    )
