"""The portal's routers, one module per noun; `web.app` includes them in this order."""

from __future__ import annotations

from web.routes import (
    agency,
    audit,
    auth,
    evaluator,
    files,
    needs,
    office_pages,
    officer,
    projects,
    proposals,
    selection,
)

ROUTERS = [
    auth.router,
    proposals.router,
    agency.router,
    evaluator.router,
    officer.router,
    projects.router,
    office_pages.router,
    selection.router,
    needs.router,
    audit.router,
    files.router,
]
