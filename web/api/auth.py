"""Who is calling the JSON API: a bearer token (`Authorization: Bearer …`) bound to an account.

Tokens are issued by `gongyi users token` or `POST /api/tokens`; only their
SHA-256 is stored (`store.accounts`). A missing, unknown or revoked token, or
one whose account was disabled, is refused with 401. A role that may not use a
route gets 403; a record that is not the caller's is answered 404 by the route.

Every route looks its token up for each call (`ApiUser`), except the daily
report submission, the API's busiest write: it answers the early 401 from the
tokens this process verified in the last minute (`ApiCaller`, `VerifiedTokens`)
and checks the token again in the transaction that stores the report.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from models.status import Role
from store.accounts import SignedIn, get_token_holder, list_token_holders, token_digest
from web.api.errors import ApiError
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
        raise unauthorized()
    return holder


def unauthorized() -> ApiError:
    """Build the 401 answer for a missing, unknown or revoked token."""
    return ApiError(
        401,
        "缺少或无效的 API 令牌：请在请求头加 Authorization: Bearer <令牌>",
        headers={"WWW-Authenticate": "Bearer"},
    )


class VerifiedTokens:
    """The token digests this process found valid in the last `ttl` seconds, and their holders.

    Only a route that checks the token again where it writes uses this (the API's
    daily reports: `store.accounts.list_token_holders` in the transaction that
    stores the report), to refuse an unknown token with 401 before the body is
    read, as every route does, without a database round trip per request. So a
    revoked token never writes. What it can do, for at most `ttl` seconds after
    its token was revoked or its account disabled by another process (another
    worker, the CLI), is get a 422 for a malformed body instead of the 401;
    revoking through this process's API forgets the token here at once. Only
    digests are kept, never tokens, and at most `size` of them.
    """

    def __init__(self, *, ttl: float = 60.0, size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self._entries: OrderedDict[str, tuple[float, SignedIn]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str) -> SignedIn | None:
        """Return the holder of a token verified within `ttl` seconds, or None."""
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None or time.monotonic() - entry[0] > self.ttl:
                return None
            return entry[1]

    def put(self, digest: str, holder: SignedIn) -> None:
        """Remember that a token was just found valid, and whose it is."""
        with self._lock:
            self._entries[digest] = (time.monotonic(), holder)
            self._entries.move_to_end(digest)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, digest: str) -> None:
        """Forget a token (it was revoked, or its holder changed)."""
        with self._lock:
            self._entries.pop(digest, None)


@dataclass(frozen=True)
class Caller:
    """The digest of the request's token and, as last verified, who holds it."""

    digest: str
    user: SignedIn


async def get_api_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Caller:
    """Return the request's token digest and holder, or refuse with 401 (see VerifiedTokens)."""
    token = credentials.credentials.strip() if credentials else ""
    if not 0 < len(token) <= 200:
        raise unauthorized()
    digest = token_digest(token)
    verified: VerifiedTokens = request.app.state.verified_tokens
    holder = verified.get(digest)
    if holder is None:
        holder = await run_in_threadpool(_token_holder, request.app.state.engine, digest)
        if holder is None:
            raise unauthorized()
        verified.put(digest, holder)
    return Caller(digest, holder)


def _token_holder(engine: Engine, digest: str) -> SignedIn | None:
    with Session(engine) as session:
        return list_token_holders(session, digests=[digest]).get(digest)


ApiUser = Annotated[SignedIn, Depends(get_api_user)]
ApiCaller = Annotated[Caller, Depends(get_api_caller)]


def require(user: SignedIn, *roles: Role) -> None:
    """Refuse with 403 unless the caller has one of these roles."""
    if user.role not in roles:
        raise ApiError(403, f"您的账号角色（{user.role}）不能执行此操作")
