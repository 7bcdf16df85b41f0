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
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlmodel import Session

from models.rows import RowsRejected
from models.status import STAGE_LABELS, Role, Stage
from services import ServiceError
from services.committee import propose_allocation
from services.panels import list_stage_panels, seat_stage
from services.reviewer_pool import list_declared_conflicts, read_reviewer_pool, seated_reviewers
from services.score_sheet import blank_sheet, enter_score_sheet, sheet_xlsx_bytes
from services.selection import close_preliminary, selection_counts, selection_progress
from store import calls, dashboard
from store.accounts import SignedIn
from web.deps import Forbidden, NowDep, SessionDep, TodayDep, actor_of, require_roles
from web.pages import redirect, render, tr
from web.security import FormUser

router = APIRouter(prefix="/officer", include_in_schema=False)
OFFICERS = (Role.STAFF, Role.ADMIN)
Officer = Annotated[SignedIn, Depends(require_roles(*OFFICERS))]
SCORED = {"preliminary": Stage.PRELIMINARY, "defence": Stage.DEFENCE}
SHEET_SUFFIXES = (".xlsx", ".csv")
DateField = Annotated[str, Form(max_length=10)]
Upload = Annotated[UploadFile | None, File()]


def officer_form(user: FormUser) -> SignedIn:
    """The signed-in staff member or admin of a writing form (CSRF checked), else 403."""
    if user.role not in OFFICERS:
        raise Forbidden()
    return user


OfficerForm = Annotated[SignedIn, Depends(officer_form)]


class BadInput(Exception):
    """A form value the route cannot read (a date, a stage, a file type)."""


def latest_call_id(session: Session) -> int | None:
    """The latest cycle's newest call, or None before there is one."""
    cycle = dashboard.get_latest_cycle(session)
    if cycle is None:
        return None
    try:
        return calls.get_latest_call(session, cycle_id=cycle.id or 0).id
    except LookupError:
        return None


def read_day(request: Request, text: str, today: date) -> date:
    """The form's business date (日期), or today when left empty."""
    try:
        return date.fromisoformat(text) if text.strip() else today
    except ValueError:
        raise BadInput(
            tr(request, "日期应为 2026-05-22 的格式，收到 {value}").format(value=text)
        ) from None


def _stage(request: Request, text: str) -> Stage:
    if text not in SCORED:
        raise BadInput(tr(request, "评审环节应为 初审 或 路演"))
    return SCORED[text]


def _saved(request: Request, upload: UploadFile | None, folder: Path) -> Path | None:
    """Keep an uploaded sheet under its own name (errors name it), or None when none was sent."""
    if upload is None or not upload.filename:
        return None
    name = "".join(
        c for c in Path(upload.filename).name if c.isprintable() and c not in '\\:*?"<>|'
    )
    name = name.lstrip(".")[-100:]
    if not name.lower().endswith(SHEET_SUFFIXES):
        raise BadInput(tr(request, "请上传 .xlsx 或 .csv 文件：{name}").format(name=name))
    path = folder / name
    path.write_bytes(upload.file.read())
    return path


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
                reviewers=_saved(request, reviewers_file, Path(folder)),
                conflicts_text=conflicts,
                conflicts=_saved(request, conflicts_file, Path(folder)),
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
            path = _saved(request, sheet, Path(folder))
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
