"""How the JSON API fails: one Chinese JSON shape for every refusal, never a traceback.

Every API route uses `ApiRoute`, which reads the body itself (refusing one
over `MAX_BODY_BYTES` with 413 before it is parsed), turns FastAPI's
validation errors into Chinese messages that name each field by its path, and
turns an `ApiError` raised by a route or dependency into its JSON answer. The
portal's app-wide handlers stay in charge of everything else.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from services import Forbidden, NotFound, ServiceError
from web.security import BodyTimeout, BodyTooLarge

MAX_BODY_BYTES = 64 * 1024
"""A daily report or a score sheet is a few kilobytes; anything larger is refused."""


class FieldError(BaseModel):
    """One refused field: where it is in the request, and what is wrong with it."""

    loc: list[str | int] = Field(description='字段路径，如 ["body", "activities", 0, "people"]')
    field: str = Field(description="字段路径的简写，如 activities.0.people")
    msg: str = Field(description="中文说明")


class ErrorBody(BaseModel):
    """The body of every refusal."""

    detail: str = Field(description="中文说明，可直接展示给用户")
    errors: list[FieldError] = Field(default_factory=list, description="逐字段的错误（如有）")
    limit_bytes: int | None = Field(default=None, description="请求体上限（仅 413）")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "detail": "请求有 1 处错误：day：日期格式应为 2026-06-01",
                    "errors": [
                        {"loc": ["body", "day"], "field": "day", "msg": "日期格式应为 2026-06-01"}
                    ],
                }
            ]
        }
    }


class ApiError(Exception):
    """A refusal with its HTTP status, a Chinese message and, optionally, the fields at fault."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: Sequence[FieldError] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, list(errors), headers


def field_error(loc: Sequence[str | int], msg: str) -> FieldError:
    """Build one field error from its path (starting with body, query or path)."""
    return FieldError(loc=list(loc), field=".".join(str(part) for part in loc[1:]), msg=msg)


def refuse_fields(errors: Sequence[FieldError]) -> ApiError:
    """Build the 422 answer for these field errors."""
    summary = "；".join(f"{e.field or e.loc[0]}：{e.msg}" for e in errors[:5])
    return ApiError(422, f"请求有 {len(errors)} 处错误：{summary}", errors=errors)


def not_found(what: str) -> ApiError:
    """Say that a record does not exist, or is not the caller's to know about."""
    return ApiError(404, f"找不到{what}，或您的账号无权访问")


def respond(error: ApiError) -> JSONResponse:
    """Render an ApiError as JSON."""
    body = ErrorBody(detail=error.detail, errors=error.errors)
    if error.status == 413:
        body.limit_bytes = MAX_BODY_BYTES
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=error.status, headers=error.headers
    )


def service_status(error: ServiceError) -> int:
    """The HTTP status of a service's refusal: 404, 403 or 409."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    return 409


HTTP_MESSAGES = {
    400: "请求体无法解析：请以 JSON 发送（Content-Type: application/json）",
    401: "缺少或无效的 API 令牌",
    403: "无权执行此操作",
    404: "找不到这项内容",
}

MESSAGES = {
    "missing": "缺少此字段",
    "extra_forbidden": "不是可接受的字段",
    "json_invalid": "请求体不是有效的 JSON",
    "json_type": "请求体应为 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能带小数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "date_type": "日期格式应为 2026-06-01",
    "date_parsing": "日期格式应为 2026-06-01",
    "date_from_datetime_parsing": "日期格式应为 2026-06-01",
    "date_from_datetime_inexact": "日期格式应为 2026-06-01",
    "string_pattern_mismatch": "格式不对",
}


def _message(error: dict[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in MESSAGES:
        return MESSAGES[kind]
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if kind in ("literal_error", "enum"):
        return f"应为以下之一：{ctx.get('expected', '')}"
    if kind == "value_error":
        return str(ctx.get("error", "格式不对"))
    return "格式不对"


def translate(errors: Sequence[Any]) -> list[FieldError]:
    """Turn pydantic's validation errors into Chinese field errors."""
    return [
        field_error(
            [str(p) if not isinstance(p, int) else p for p in e.get("loc", ())], _message(e)
        )
        for e in errors
    ]


async def read_limited_body(request: Request) -> None:
    """Read the body once, refusing it with 413 past MAX_BODY_BYTES; later reads reuse it.

    A body too slow to arrive is cut off by the app's BodyLimitMiddleware (`BodyTimeout`,
    answered 408 by `ApiRoute`), which every body read goes through.
    """
    too_large = ApiError(413, f"请求体超过 {MAX_BODY_BYTES // 1024} KB 的上限，没有保存")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise too_large
    chunks, seen = [], 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    request._body = b"".join(chunks)  # Starlette's cache: FastAPI's parser reads it from here.


class ApiRoute(APIRoute):
    """An API route whose failures all come back as `ErrorBody` JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                if request.method in ("POST", "PUT", "PATCH", "DELETE"):
                    await read_limited_body(request)
                return await handler(request)
            except ApiError as error:
                return respond(error)
            except ServiceError as error:
                return respond(ApiError(service_status(error), error.message))
            except BodyTooLarge:
                return respond(ApiError(413, f"请求体超过 {MAX_BODY_BYTES // 1024} KB 的上限"))
            except BodyTimeout as error:
                detail = f"请求体在 {error.seconds:g} 秒内没有发送完，没有保存"
                return respond(ApiError(408, detail, headers={"Connection": "close"}))
            except RequestValidationError as error:
                return respond(refuse_fields(translate(error.errors())))
            except HTTPException as error:
                detail = HTTP_MESSAGES.get(error.status_code, str(error.detail))
                headers = dict(error.headers) if error.headers else None
                return respond(ApiError(error.status_code, detail, headers=headers))

        return guarded


REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "缺少或无效的 API 令牌"},
    403: {"model": ErrorBody, "description": "账号角色无权执行此操作"},
    404: {"model": ErrorBody, "description": "不存在，或不属于本账号"},
    413: {"model": ErrorBody, "description": f"请求体超过 {MAX_BODY_BYTES // 1024} KB"},
    422: {"model": ErrorBody, "description": "字段有误（中文说明，逐字段）"},
}
"""The refusals every API route may answer with, for the OpenAPI schema."""
