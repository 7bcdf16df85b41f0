"""Listing and revoking API tokens (`models.account.ApiToken`).

Tokens are issued and resolved in `store.accounts` (`add_api_token`,
`get_token_holder`); here an account lists its own tokens and revokes one. A
revoked token is kept, with when it was revoked, so the audit trail can still
name it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from models.account import ApiToken


def list_api_tokens(session: Session, *, account_id: int) -> list[ApiToken]:
    """List an account's tokens, newest first, revoked ones included."""
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.account_id == account_id)
            .order_by(col(ApiToken.id).desc())
        )
    )


def get_api_token(session: Session, *, token_id: int, account_id: int) -> ApiToken:
    """Return one of the account's tokens, or raise LookupError."""
    token = session.get(ApiToken, token_id)
    if token is None or token.account_id != account_id:
        raise LookupError(f"没有编号为 {token_id} 的 API 令牌")
    return token


def set_api_token_revoked(session: Session, token: ApiToken, *, now: datetime) -> None:
    """Revoke a token from now on; revoking it again keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = now
        session.add(token)
        session.flush()
