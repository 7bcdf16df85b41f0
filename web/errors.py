"""Every failure becomes a clear page (or JSON under /api), never a traceback.

Not signed in: a GET goes to the sign-in page; a POST (a form re-posted after
the session expired) gets a page saying nothing was saved. Forbidden, not found,
a refused CSRF token, an oversized body, a body too slow to arrive, too many
requests, bad input and any unexpected error each have their own Chinese (or
English) page. Unexpected errors are logged with their traceback on the server
only; a client that went away mid-request is not an error (one info line).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import Scope

from services import ServiceError
from web.api.errors import service_status
from web.deps import Forbidden, NotFound, NotSignedIn
from web.i18n import N_
from web.pages import render, translator
from web.security import BodyTimeout, BodyTooLarge, CsrfRefused, RateLimited

log = logging.getLogger("gongyi.web")


def _page(request: Request, status: int, title: str, message: str, **extra: object) -> Response:
    if request.url.path.startswith("/api"):
        return JSONResponse({"detail": message}, status_code=status)
    _ = translator(request)
    return render(
        request,
        "error.html",
        {"status": status, "title": _(title), "message": _(message), "login": False} | extra,
        status=status,
    )


def refuse_too_large(scope: Scope, limit: int) -> Response:
    """Build the page refusing a body over the limit, before any of it is read."""
    request = Request(scope)
    _ = translator(request)
    message = _("上传的内容超过 {limit} MB 的上限，没有保存。").format(limit=limit // (1024 * 1024))
    response = _page(request, 413, N_("文件过大"), message)
    # The client may still be sending the body; tell it the connection ends here.
    response.headers["Connection"] = "close"
    return response


def install_error_pages(app: FastAPI) -> None:
    """Register the exception handlers that turn failures into pages."""

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.method in ("GET", "HEAD") and not request.url.path.startswith("/api"):
            target = quote(
                request.url.path + (f"?{request.url.query}" if request.url.query else "")
            )
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return _page(
            request,
            401,
            N_("会话已过期"),
            N_("您的登录已过期或已退出，这次提交的内容没有保存。请重新登录后再提交一次。"),
            login=True,
        )

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _page(request, 403, N_("无权访问"), N_("您的账号无权查看或修改这项内容。"))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _page(request, 404, N_("找不到页面"), N_("没有这项内容，或它已被删除。"))

    @app.exception_handler(ServiceError)
    async def refused(request: Request, exc: ServiceError) -> Response:
        status = service_status(exc)
        titles = {404: N_("找不到页面"), 403: N_("无权访问"), 409: N_("无法办理")}
        return _page(request, status, titles[status], exc.message)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
        return _page(
            request,
            403,
            N_("表单已失效"),
            N_(
                "表单校验码缺失或不正确（可能页面已过期或来自其他网站），内容没有保存。请返回、刷新页面后重新提交。"
            ),
        )

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        limit = exc.limit // (1024 * 1024)
        _ = translator(request)
        return _page(
            request,
            413,
            N_("文件过大"),
            _("上传的内容超过 {limit} MB 的上限，没有保存。").format(limit=limit),
        )

    @app.exception_handler(BodyTimeout)
    async def too_slow(request: Request, exc: BodyTimeout) -> Response:
        _ = translator(request)
        response = _page(
            request,
            408,
            N_("请求超时"),
            _("内容在 {seconds} 秒内没有传完，没有保存。请检查网络后重新提交。").format(
                seconds=f"{exc.seconds:g}"
            ),
        )
        response.headers["Connection"] = "close"
        return response

    @app.exception_handler(ClientDisconnect)
    async def gone(request: Request, exc: ClientDisconnect) -> Response:
        # The client closed the connection before sending its whole request: nothing was
        # saved and nobody is left to answer. Not a server error.
        log.info("客户端中途断开：%s %s", request.method, request.url.path)
        return Response(status_code=400, headers={"Connection": "close"})

    @app.exception_handler(RateLimited)
    async def rate_limited(request: Request, exc: RateLimited) -> Response:
        _ = translator(request)
        response = _page(
            request,
            429,
            N_("请求过于频繁"),
            _("提交次数过多，请 {seconds} 秒后再试。").format(seconds=exc.retry_after),
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        fields = "、".join(str(e.get("loc", ["", "?"])[-1]) for e in exc.errors())
        _ = translator(request)
        return _page(
            request,
            400,
            N_("填写有误"),
            _("这些字段缺失或格式不对：{fields}").format(fields=fields),
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: N_("找不到页面"), 405: N_("不支持的操作"), 403: N_("无权访问")}
        messages = {404: N_("没有这项内容，或它已被删除。"), 405: N_("这个地址不接受这种请求。")}
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return _page(
            request,
            exc.status_code,
            titles.get(exc.status_code, N_("请求出错")),
            messages.get(exc.status_code, N_("请求无法处理。")),
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("未处理的错误：%s %s", request.method, request.url.path)
        return _page(
            request,
            500,
            N_("服务器出错"),
            N_("服务器处理这次请求时出错，内容没有保存。请稍后再试；问题仍在时请联系街道管理员。"),
        )
