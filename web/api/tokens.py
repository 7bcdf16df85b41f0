"""API tokens and the caller's identity: who am I, my tokens, a new token, revoking one.

A new token is shown once, in the answer to `POST /api/tokens`; only its
SHA-256 is kept. A caller lists and revokes only their own account's tokens.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from services import accounts
from store.api_tokens import list_api_tokens
from web.api.auth import ApiUser
from web.api.errors import REFUSALS, ApiRoute
from web.api.fields import Text
from web.deps import NowDep, SessionDep, actor_of

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
    now: NowDep,
    body: Annotated[NewTokenBody, Body()],
) -> NewTokenOut:
    """Issue another token for the account (to rotate one, issue a new one and revoke the old)."""
    issued = accounts.issue_api_token(
        session,
        actor=actor_of(request, user),
        now=now,
        account_id=user.account_id,
        label=body.label,
    )
    return NewTokenOut(
        **TokenOut.model_validate(issued.token, from_attributes=True).model_dump(),
        token=issued.secret,
    )


@router.delete("/tokens/{token_id}", status_code=204, summary="吊销令牌", responses=REFUSALS)
def revoke_token(
    request: Request,
    session: SessionDep,
    user: ApiUser,
    now: NowDep,
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    """Revoke one of the account's tokens (it stops working at once)."""
    token = accounts.revoke_api_token(
        session, actor=actor_of(request, user), now=now, token_id=token_id
    )
    request.app.state.verified_tokens.forget(token.token_hash)
    return Response(status_code=204)
