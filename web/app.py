"""The portal's FastAPI app, built by `create_app(settings)`; nothing is built at import time.

Pages are rendered on the server from templates/web (Chinese by default,
English from the catalogue), the JSON API is mounted under /api, static files
under /static; the API's schema is /api/openapi.json (no Swagger page: it
needs a CDN script the site's CSP forbids). The engine, settings, templates, catalogues, rate limits and the
API's daily-report writer live on `app.state` for the dependencies in `web.deps`
and the routes; the writer is stopped, its queue filed, when the app shuts down.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from settings import Settings
from store.database import get_engine
from web.api import build_api_router
from web.api.auth import VerifiedTokens
from web.api.report_filing import build_report_writer
from web.errors import install_error_pages, refuse_too_large
from web.i18n import load_translations
from web.pages import build_templates
from web.routes import ROUTERS, selection_publicity, selection_steps
from web.routes import setup as setup_routes
from web.security import (
    BODY_TIMEOUT,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    SlidingWindow,
)

STATIC_DIR = Path(__file__).resolve().parent / "static"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On shutdown, file the daily reports still queued for the writer before stopping it."""
    yield
    await run_in_threadpool(app.state.report_writer.close)


def create_app(settings: Settings) -> FastAPI:
    """Build the portal for these settings."""
    app = FastAPI(
        title="gongyi 公益创投",
        lifespan=lifespan,
        # No Swagger UI page: it loads its script and styles from a CDN and runs an inline
        # script, which the site's CSP (script-src 'self') rightly blocks, and an offline
        # office has no CDN. The schema is served; open it in any OpenAPI viewer.
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = get_engine(settings.database_url)
    app.state.templates = build_templates(settings.templates_dir)
    app.state.translations = load_translations()
    app.state.session_lifetime = timedelta(hours=settings.web_session_hours)
    # The public need form: a resident may send a few needs, not a flood.
    app.state.need_form_limit = SlidingWindow(limit=5, window=600)
    # A body still arriving this long after its request began is abandoned (BodyLimitMiddleware).
    app.state.body_timeout = BODY_TIMEOUT
    app.state.output_dir = settings.output_dir
    app.state.flow_jobs = []
    app.state.verified_tokens = VerifiedTokens()
    # The API's daily reports are filed by one thread, many requests' in one transaction.
    app.state.report_writer = build_report_writer(
        app.state.engine, verified=app.state.verified_tokens
    )
    install_error_pages(app)
    # The API first: every API call is matched against the routes before it, and no page
    # lives under /api, so the pages' order among themselves is all that matters to them.
    app.include_router(build_api_router(), prefix="/api")
    app.include_router(setup_routes.router)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(selection_steps.router)
    app.include_router(selection_publicity.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(
        BodyLimitMiddleware,
        limit=settings.web_max_upload_mb * 1024 * 1024,
        refuse=refuse_too_large,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    # Outermost: behind a reverse proxy the operator names (GONGYI_WEB_TRUSTED_PROXIES), the
    # client is the one it forwards for; from any other peer, and with none named (the
    # default), X-Forwarded-For is ignored and the peer is the client. Every reader of the
    # client address (web.deps.get_client_ip: rate limits, sign-in throttle, audit trail)
    # sees the result.
    if settings.trusted_proxies():
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies())
    return app


def app_from_environment() -> FastAPI:
    """Build the portal from GONGYI_* settings (`uvicorn --factory web.app:app_from_environment`).

    Run it with `--no-proxy-headers`: proxies are trusted by GONGYI_WEB_TRUSTED_PROXIES, and
    uvicorn's own default would believe X-Forwarded-For from any process on 127.0.0.1.
    """
    from settings import get_settings

    return create_app(get_settings())
