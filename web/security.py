"""Request safety for the portal: CSRF tokens, rate limits, body-size limit, security headers.

Signed-in forms carry the session's CSRF token; anonymous forms (sign-in, the
public need form) carry a random token also kept in an HttpOnly cookie (double
submit). A missing or wrong token is refused with `CsrfRefused` before the
route runs, so nothing is written. Bodies over the configured size are refused
with `BodyTooLarge` before they are read to the end, and a body still arriving
`BODY_TIMEOUT` seconds after the request began (a client sending a byte a second) with
`BodyTimeout`, so no client holds a request open forever.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Annotated, ClassVar

import anyio
from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from store.accounts import SignedIn
from web.deps import CurrentUser

BODY_TIMEOUT = 30.0
"""Seconds a client may take to send a request's body (`app.state.body_timeout`)."""

CSRF_COOKIE = "gongyi_csrf"
CSRF_FIELD = "csrf_token"


class CsrfRefused(Exception):
    """A writing form without the right CSRF token."""


class BodyTooLarge(Exception):
    """A request body over the limit; `limit` is in bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"请求超过 {limit // (1024 * 1024)} MB")
        self.limit = limit


class BodyTimeout(Exception):
    """A request body not received in full within `seconds` of the request's start."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"请求体 {seconds:g} 秒内没有发送完")
        self.seconds = seconds


class RateLimited(Exception):
    """Too many requests from one address; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("请求过于频繁")
        self.retry_after = retry_after


def get_csrf_token(request: Request) -> str:
    """Return the token forms on this page must carry, minting an anonymous one if needed."""
    token = getattr(request.state, "csrf_token", None) or request.cookies.get(CSRF_COOKIE)
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf_cookie = token
        request.state.csrf_token = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuse the request unless its form carries the expected CSRF token."""
    expected = getattr(request.state, "csrf_token", None) or request.cookies.get(CSRF_COOKIE)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise CsrfRefused()


async def get_form_user(request: Request, user: CurrentUser) -> SignedIn:
    """Return the signed-in user of a writing form, after checking its CSRF token."""
    await check_csrf(request)
    return user


FormUser = Annotated[SignedIn, Depends(get_form_user)]
AnonymousForm = Depends(check_csrf)


class SlidingWindow:
    """At most `limit` events per key in any `window` seconds (in memory, one process)."""

    def __init__(self, *, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def take(self, key: str) -> None:
        """Count one event for `key`, or raise RateLimited if the window is full."""
        now = time.monotonic()
        with self._lock:
            events = self._events[key]
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                raise RateLimited(int(self.window - (now - events[0])) + 1)
            events.append(now)


class BodyLimitMiddleware:
    """Refuse request bodies over `limit` bytes: by Content-Length before the app runs (the
    `refuse` page), or while streaming a body sent without one (`BodyTooLarge`). A body
    not received in full within the app's `state.body_timeout` seconds (`BODY_TIMEOUT` by
    default) of the request's start is abandoned with `BodyTimeout`. Every reader of the
    body (forms, uploads, the JSON API) reads it through here."""

    def __init__(
        self, app: ASGIApp, *, limit: int, refuse: Callable[[Scope, int], ASGIApp]
    ) -> None:
        self.app, self.limit, self.refuse = app, limit, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if length.isdigit() and int(length) > self.limit:
            await self.refuse(scope, self.limit)(scope, receive, send)
            return
        state = getattr(scope.get("app"), "state", None)
        timeout = float(getattr(state, "body_timeout", BODY_TIMEOUT))
        deadline = time.monotonic() + timeout
        seen, complete = 0, False

        async def limited() -> Message:
            nonlocal seen, complete
            if complete:
                # The body is in; later reads wait for the client to disconnect.
                return await receive()
            try:
                with anyio.fail_after(max(0.0, deadline - time.monotonic())):
                    message = await receive()
            except TimeoutError:
                raise BodyTimeout(timeout) from None
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLarge(self.limit)
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self.app(scope, limited, send)


class SecurityHeadersMiddleware:
    """Add headers that keep pages out of frames and scripts to our own origin."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (
            b"content-security-policy",
            b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
            b"script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self.HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)
