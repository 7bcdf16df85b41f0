"""API tokens and the caller's identity: who am I, my tokens, a new token, revoking one.

A new token is shown once, in the answer to `POST /api/tokens`; only its
SHA-256 is kept. A caller lists and revokes only their own account's tokens.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from store.accounts import add_api_token
from store.api_tokens import get_api_token, list_api_tokens, set_api_token_revoked
from web.api.auth import ApiUser, audit
from web.api.errors import REFUSALS, ApiRoute, not_found
from web.api.fields import Text
from web.deps import SessionDep, get_now

router = APIRouter(tags=["账号与令牌"], route_class=ApiRoute)


class MeOut(BaseModel):
    """The account behind the token."""

    login: str
    name: str
    role: str
    agency_id: int | None


class TokenOut(BaseModel):
    """A token, without its secret."""

    id: int
    label: str
    created_at: datetime
    revoked_at: datetime | None


class NewTokenBody(BaseModel):
    """What to call the new token (e.g. the device or script that will use it)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"label": "手机"}]})

    label: Text = Field(default="", max_length=100, description="令牌用途说明")


class NewTokenOut(TokenOut):
    """A new token; `token` is shown only this once."""

    token: str = Field(description="令牌本身，只显示这一次，请妥善保存")


@router.get("/me", response_model=MeOut, summary="当前账号", responses=REFUSALS)
def get_me(user: ApiUser) -> MeOut:
    """Return the account the token belongs to."""
    return MeOut(login=user.login, name=user.name, role=user.role, agency_id=user.agency_id)


@router.get("/tokens", response_model=list[TokenOut], summary="我的令牌", responses=REFUSALS)
def list_tokens(session: SessionDep, user: ApiUser) -> list[TokenOut]:
    """List the account's tokens, newest first."""
    rows = list_api_tokens(session, account_id=user.account_id)
    return [TokenOut.model_validate(t, from_attributes=True) for t in rows]


@router.post(
    "/tokens", response_model=NewTokenOut, status_code=201, summary="签发新令牌", responses=REFUSALS
)
def add_token(
    request: Request,
    session: SessionDep,
    user: ApiUser,
    body: Annotated[NewTokenBody, Body()],
) -> NewTokenOut:
    """Issue another token for the account (to rotate one, issue a new one and revoke the old)."""
    secret = add_api_token(
        session, account_id=user.account_id, label=body.label.strip(), now=get_now(request)
    )
    token = list_api_tokens(session, account_id=user.account_id)[0]
    audit(
        session,
        request,
        user,
        action="api_token_add",
        subject_type="api_token",
        subject_id=token.id,
        detail=f"签发令牌「{token.label}」",
    )
    session.commit()
    return NewTokenOut(
        **TokenOut.model_validate(token, from_attributes=True).model_dump(), token=secret
    )


@router.delete("/tokens/{token_id}", status_code=204, summary="吊销令牌", responses=REFUSALS)
def revoke_token(
    request: Request,
    session: SessionDep,
    user: ApiUser,
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    """Revoke one of the account's tokens (it stops working at once)."""
    try:
        token = get_api_token(session, token_id=token_id, account_id=user.account_id)
    except LookupError:
        raise not_found(f"API 令牌 #{token_id}") from None
    set_api_token_revoked(session, token, now=get_now(request))
    audit(
        session,
        request,
        user,
        action="api_token_revoke",
        subject_type="api_token",
        subject_id=token.id,
        detail=f"吊销令牌「{token.label}」",
    )
    session.commit()
    request.app.state.verified_tokens.forget(token.token_hash)
    return Response(status_code=204)
