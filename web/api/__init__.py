"""The JSON API, mounted by `web.app.create_app` under /api, with bearer-token auth.

It covers the writes of the portal's pages — an agency submits a daily report,
an evaluator scores a proposal or reviews a monthly evaluation — and the reads a
client needs around them: my projects and the days still missing, my review
assignments, the evaluations waiting for my review, my tokens. Every
route answers refusals as Chinese JSON naming the field (`web.api.errors`),
checks role and ownership, and logs every write as an audit event.
"""

from __future__ import annotations

from fastapi import APIRouter

from web.api import assignments, daily_reports, evaluations, projects, tokens
from web.api.errors import ApiRoute


def build_api_router() -> APIRouter:
    """Return the API's router, mounted by `web.app.create_app` under /api."""
    router = APIRouter(route_class=ApiRoute)
    for module in (projects, daily_reports, assignments, evaluations, tokens):
        router.include_router(module.router)
    return router
