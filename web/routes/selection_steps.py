"""The officer's selection, step by step (遴选); the 公示 is `web.routes.selection_publicity`.

Each form calls the service `gongyi selection …` calls; a refusal is one red line on
the page (status 400), a sheet's bad rows are listed by row and column and nothing is
written. Staff and admin only. Every form has a business date `on` (日期, empty: today).

URLs and form fields (kept stable for the browser journey):
- GET  /officer/selection — progress per stage, the next step, every form below.
- POST /officer/selection/seat — `stage` (preliminary | defence), `reviewers` (one name
  per line), `reviewers_file` (评审专家 sheet, .xlsx/.csv), `conflicts` (one per line:
  评审专家,机构名称,冲突类型,说明), `conflicts_file` (利益冲突 sheet), `on`.
  `gongyi selection seat` (services.reviewer_pool + services.panels.seat_stage).
- GET  /officer/selection/sheet?stage=preliminary — the stage's blank score sheet (.xlsx).
- POST /officer/selection/scores — `stage`, `sheet` (filled .xlsx/.csv), `on`.
  `gongyi selection scores` (services.score_sheet.enter_score_sheet).
- POST /officer/selection/close — `on`: close 初审 at the pass line (`close-stage --stage 初审`).
- POST /officer/selection/propose — `on`: close 路演 and propose the allocation (`propose`).
- /officer/publicity and its forms: see `web.routes.selection_publicity`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.rows import RowsRejected
from models.status import STAGE_LABELS, Stage
from services import ServiceError
from services.committee import propose_allocation
from services.panels import list_stage_panels, seat_stage
from services.reviewer_pool import list_declared_conflicts, read_reviewer_pool, seated_reviewers
from services.score_sheet import blank_sheet, enter_score_sheet, sheet_xlsx_bytes
from services.selection import close_preliminary, selection_counts, selection_progress
from store import calls, dashboard
from web.deps import NowDep, SessionDep, TodayDep, actor_of
from web.forms import (
    BadInput,
    DateField,
    Officer,
    OfficerForm,
    Upload,
    read_day,
    saved_upload,
)
from web.pages import redirect, render, tr

router = APIRouter(prefix="/officer", include_in_schema=False)
SCORED = {"preliminary": Stage.PRELIMINARY, "defence": Stage.DEFENCE}


def latest_call_id(session: Session) -> int | None:
    """The latest cycle's newest call, or None before there is one."""
    cycle = dashboard.get_latest_cycle(session)
    if cycle is None:
        return None
    try:
        return calls.get_latest_call(session, cycle_id=cycle.id or 0).id
    except LookupError:
        return None


def _stage(request: Request, text: str) -> Stage:
    if text not in SCORED:
        raise BadInput(tr(request, "评审环节应为 初审 或 路演"))
    return SCORED[text]


def _selection_context(session: Session, call_id: int) -> dict[str, Any]:
    counts = selection_counts(session, call_id=call_id)
    step = selection_progress(session, call_id=call_id)
    return {
        "call_id": call_id,
        "call_title": calls.get_call(session, call_id).title,
        "step": step,
        "counts": counts,
        "stages": [
            {
                "key": key,
                "label": STAGE_LABELS[stage],
                "counts": getattr(counts, key),
                "panels": list_stage_panels(session, call_id=call_id, stage=stage),
            }
            for key, stage in SCORED.items()
        ],
        "known_reviewers": "\n".join(seated_reviewers(session, call_id=call_id)),
        "conflicts": list_declared_conflicts(session),
    }


def _selection_page(
    request: Request, session: Session, *, errors: list[str] | None = None, status: int = 200
) -> Response:
    session.rollback()  # a refused step left nothing behind; read what is stored
    call_id = latest_call_id(session)
    context: dict[str, Any] = {"call_id": None, "errors": errors or []}
    if call_id is not None:
        context |= _selection_context(session, call_id)
    return render(request, "officer/selection_steps.html", context, status=status)


def _refused(request: Request, session: Session, error: Exception) -> Response:
    if isinstance(error, RowsRejected):
        return _selection_page(request, session, errors=[str(e) for e in error.errors], status=400)
    message = error.message if isinstance(error, ServiceError) else str(error)
    return _selection_page(request, session, errors=[message], status=400)


@router.get("/selection")
def selection_steps(request: Request, session: SessionDep, user: Officer) -> Response:
    """Show the call's selection stage by stage, the next step, and a form for each step."""
    return _selection_page(request, session)


@router.post("/selection/seat")
def seat(
    request: Request,
    session: SessionDep,
    user: OfficerForm,
    now: NowDep,
    today: TodayDep,
    stage: Annotated[str, Form()] = "",
    reviewers: Annotated[str, Form(max_length=20_000)] = "",
    conflicts: Annotated[str, Form(max_length=20_000)] = "",
    reviewers_file: Upload = None,
    conflicts_file: Upload = None,
    on: DateField = "",
) -> Response:
    """Seat the stage's panels from the pool typed or uploaded, its conflicts declared with it."""
    call_id = latest_call_id(session)
    try:
        day, seated = read_day(request, on, today), _stage(request, stage)
        if call_id is None:
            raise BadInput(tr(request, "还没有申报指南。"))
        with tempfile.TemporaryDirectory(prefix="gongyi-pool-") as folder:
            pool = read_reviewer_pool(
                session,
                names_text=reviewers,
                reviewers=saved_upload(request, reviewers_file, Path(folder)),
                conflicts_text=conflicts,
                conflicts=saved_upload(request, conflicts_file, Path(folder)),
            )
        panels = seat_stage(
            session,
            actor=actor_of(request, user),
            now=now,
            on=day,
            call_id=call_id,
            stage=seated,
            reviewer_names=pool.names,
            conflicts=pool.conflicts,
        )
    except (BadInput, RowsRejected, ServiceError) as error:
        return _refused(request, session, error)
    message = tr(request, "已安排 {n} 份申报书的{stage}评审专家组。").format(
        n=len(panels), stage=tr(request, STAGE_LABELS[seated])
    )
    return redirect("/officer/selection", message=message)


@router.get("/selection/sheet")
def score_sheet_template(
    request: Request, session: SessionDep, user: Officer, stage: str = "preliminary"
) -> Response:
    """Send the stage's blank score sheet (.xlsx): one row per seat still to be scored."""
    call_id = latest_call_id(session)
    try:
        sheet_stage = _stage(request, stage)
        if call_id is None:
            raise BadInput(tr(request, "还没有申报指南。"))
    except BadInput as error:
        return _refused(request, session, error)
    sheet = blank_sheet(session, call_id=call_id, stage=sheet_stage)
    name = f"{STAGE_LABELS[sheet_stage]}评分表-申报指南{call_id}.xlsx"
    return Response(
        sheet_xlsx_bytes(sheet),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote(name)}"},
    )


@router.post("/selection/scores")
def scores(
    request: Request,
    session: SessionDep,
    user: OfficerForm,
    now: NowDep,
    today: TodayDep,
    stage: Annotated[str, Form()] = "",
    sheet: Upload = None,
    on: DateField = "",
) -> Response:
    """Enter a filled score sheet: every row checked, all stored or none."""
    call_id = latest_call_id(session)
    try:
        day, scored = read_day(request, on, today), _stage(request, stage)
        if call_id is None:
            raise BadInput(tr(request, "还没有申报指南。"))
        with tempfile.TemporaryDirectory(prefix="gongyi-sheet-") as folder:
            path = saved_upload(request, sheet, Path(folder))
            if path is None:
                raise BadInput(tr(request, "请选择填好的评分表（.xlsx 或 .csv）。"))
            entered = enter_score_sheet(
                session,
                actor=actor_of(request, user),
                now=now,
                on=day,
                call_id=call_id,
                stage=scored,
                path=path,
            )
    except (BadInput, RowsRejected, ServiceError) as error:
        return _refused(request, session, error)
    message = tr(request, "已录入 {n} 条{stage}评分。").format(
        n=entered.scores, stage=tr(request, STAGE_LABELS[scored])
    )
    return redirect("/officer/selection", message=message)


@router.post("/selection/close")
def close_stage(
    request: Request,
    session: SessionDep,
    user: OfficerForm,
    now: NowDep,
    today: TodayDep,
    on: DateField = "",
) -> Response:
    """Close 初审: each proposal passes on its raw mean at the call's pass line."""
    call_id = latest_call_id(session)
    try:
        day = read_day(request, on, today)
        if call_id is None:
            raise BadInput(tr(request, "还没有申报指南。"))
        closed = close_preliminary(
            session, actor=actor_of(request, user), now=now, on=day, call_id=call_id
        )
    except (BadInput, ServiceError) as error:
        return _refused(request, session, error)
    message = tr(request, "初审结束：入围 {passed} 份，未通过 {failed} 份。").format(
        passed=len(closed.passed), failed=len(closed.failed)
    )
    return redirect("/officer/selection", message=message)


@router.post("/selection/propose")
def propose(
    request: Request,
    session: SessionDep,
    user: OfficerForm,
    now: NowDep,
    today: TodayDep,
    on: DateField = "",
) -> Response:
    """Close 路演答辩 and put the proposed allocation before the committee."""
    call_id = latest_call_id(session)
    try:
        day = read_day(request, on, today)
        if call_id is None:
            raise BadInput(tr(request, "还没有申报指南。"))
        proposed = propose_allocation(
            session, actor=actor_of(request, user), now=now, on=day, call_id=call_id
        )
    except (BadInput, ServiceError) as error:
        return _refused(request, session, error)
    message = tr(request, "路演答辩结束：拟资助 {n} 个项目，已提交评审委员会。").format(
        n=proposed.funded
    )
    return redirect("/officer/selection", message=message)
