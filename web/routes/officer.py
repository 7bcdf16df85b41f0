"""The street officer's pages: the dashboard, tranches and the buttons that start flows.

The dashboard shows the cycle's stage, the fund, needs by domain, proposals,
selection progress, a heat-map of daily-report compliance for one month,
the latest grades and the latest PDFs, under the cycle's stage tracker. The
flows page offers the office's flows in the order of a cycle (`web.flow_catalogue`);
they run in a background thread under a run name, and the page reads their
history back from Prefect and the database (`services.runs`: who started each
run, how it ended), so it survives a reload and a restart of the portal, and
reloads itself while a run is going. The time is the request's (`NowDep`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.calendar import PeriodError
from models.status import Role
from services import Actor
from services import cycles as cycles_service
from services.documents import list_output_files
from services.figures import headline
from services.figures import report_heatmap as build_heatmap
from services.runs import list_flow_records, note_flow_end, note_flow_start
from store import calls, dashboard
from store.accounts import SignedIn
from web.deps import Forbidden, NotFound, NowDep, SessionDep, actor_of, require_roles
from web.flow_catalogue import BY_NAME, OFFERED, BadParameter, flow_arguments
from web.flow_runs import list_recent_runs, start_in_background
from web.i18n import N_
from web.pages import redirect, render, tr
from web.security import FormUser

router = APIRouter(prefix="/officer", include_in_schema=False)
OfficerUser = Annotated[SignedIn, Depends(require_roles(Role.STAFF))]


def _cycle_id(session: Session) -> int:
    cycle = dashboard.get_latest_cycle(session)
    if cycle is None:
        raise NotFound()
    return cycle.id or 0


@router.get("")
def dashboard_page(
    request: Request, session: SessionDep, user: OfficerUser, now: NowDep, month: str = ""
) -> Response:
    """Show the cycle at a glance."""
    cycle = dashboard.get_latest_cycle(session)
    if cycle is None:  # an empty database: the first-run page points to opening a cycle
        return render(request, "officer/cycle_first_run.html")
    tz = now.tzinfo or UTC
    last_day = dashboard.get_last_report_day(session, cycle_id=cycle.id or 0)
    try:
        month = month or (last_day or now.date()).strftime("%Y-%m")
        heatmap = build_heatmap(session, cycle_id=cycle.id or 0, month=month, tz=tz)
    except PeriodError as error:
        return render(
            request,
            "error.html",
            {
                "status": 400,
                "title": tr(request, "月份有误"),
                "message": str(error),
                "login": False,
            },
            status=400,
        )
    figures = headline(session, cycle_id=cycle.id or 0, as_of=now.date(), tz=tz)
    has_fund = dashboard.has_fund(session, cycle_id=cycle.id or 0)
    domain_names = dashboard.list_domain_names(session, cycle_id=cycle.id or 0)
    grade_month, grades, grade_counts = dashboard.list_latest_grades(
        session, cycle_id=cycle.id or 0
    )
    projects = dashboard.list_cycle_projects(session, cycle_id=cycle.id or 0)
    view = cycles_service.cycle_status(
        session, actor=actor_of(request, user), cycle_id=cycle.id or 0
    )
    return render(
        request,
        "officer/dashboard.html",
        {
            "view": view,
            "cycle": {"name": cycle.name, "status": cycle.status, "street": cycle.street_office},
            "balance": figures.money if has_fund else None,
            "needs": [
                (domain_names.get(row.domain_key, row.domain_key), row.groups, row.pending)
                for row in figures.needs.domains
            ]
            + ([("", figures.needs.unsorted.groups, 0)] if figures.needs.unsorted.groups else []),
            "people": figures.people,
            "reports": figures.reports,
            "proposals": dashboard.count_proposals_by_status(session, cycle_id=cycle.id or 0),
            "assignments": dashboard.count_assignments(session, cycle_id=cycle.id or 0),
            "heatmap": heatmap,
            "grade_month": grade_month,
            "grade_counts": sorted(grade_counts.items()),
            "grades": [{"title": p.title, "grade": grades.get(p.id or 0, "")} for p in projects],
            "pdfs": list_output_files(request.app.state.output_dir)[:8],
        },
    )


@router.get("/tranches")
def tranches_page(request: Request, session: SessionDep, user: OfficerUser) -> Response:
    """List the cycle's tranches and what each waits for."""
    rows = dashboard.list_cycle_tranche_rows(session, cycle_id=_cycle_id(session))
    return render(
        request,
        "officer/tranches.html",
        {
            "tranches": [
                {
                    "title": p.title,
                    "seq": t.seq,
                    "amount_fen": t.amount_fen,
                    "status": t.status,
                    "condition": t.condition,
                    "released_on": t.released_on,
                }
                for t, p, _a in rows
            ]
        },
    )


# name -> label msgid of every flow the portal starts (the 运行流程 page's catalogue in order).
FLOW_BUTTONS = {flow.name: flow.label for flow in OFFERED if not flow.page} | {
    "publish_call": N_("发布申报指南"),
    "committee_decision": N_("终审决定"),
}
REFRESH_SECONDS = 5
# Prefect's state types, as the office reads them.
STATE_LABELS = {
    "SCHEDULED": N_("已排期"),
    "PENDING": N_("等待中"),
    "RUNNING": N_("运行中"),
    "PAUSED": N_("已暂停（等待决定）"),
    "COMPLETED": N_("已完成"),
    "FAILED": N_("失败"),
    "CANCELLING": N_("取消中"),
    "CANCELLED": N_("已取消"),
    "CRASHED": N_("异常中止"),
}


@router.get("/flows")
def flows_page(request: Request, session: SessionDep, user: OfficerUser) -> Response:
    """Offer the office's flows in order, and show the latest runs from Prefect and the database."""
    cycle_id = _cycle_id(session)
    call_list = calls.list_calls(session, cycle_id=cycle_id)
    runs = flow_history(session, actor=actor_of(request, user))
    return render(
        request,
        "officer/flows.html",
        {
            "offered": OFFERED,
            "cycle_id": cycle_id,
            "calls": [{"id": c.id, "title": c.title, "status": c.status} for c in call_list],
            "runs": runs,
            "refresh": REFRESH_SECONDS if any(r["active"] for r in runs) else 0,
        },
    )


def flow_history(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    """The latest runs: Prefect's state, start, end and parameters joined to who started them."""
    records = {r.run_name: r for r in list_flow_records(session, actor=actor) if r.run_name}
    try:
        prefect_runs = list_recent_runs(FLOW_BUTTONS, limit=20)
    except Exception:  # Prefect unreachable: the database's record still shows the history
        prefect_runs = []
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for run in prefect_runs:
        record = records.get(run.run_name)
        seen.add(run.run_name)
        rows.append(
            {
                "label": FLOW_BUTTONS.get(run.flow_name, run.flow_name),
                "run_name": run.run_name,
                "state": STATE_LABELS.get(run.state_type, run.state),
                "active": run.is_active,
                "start": run.start,
                "end": run.end,
                "parameters": run.parameters,
                "started_by": record.started_by if record else "",
                "result": record.result if record else "",
                "progress": (run.tasks_done, run.tasks_total) if run.tasks_total else None,
            }
        )
    for record in records.values():
        if record.run_name in seen:
            continue
        rows.append(
            {
                "label": FLOW_BUTTONS.get(record.run_name.split("-")[0], record.detail),
                "run_name": record.run_name,
                "state": record.state or N_("运行中"),
                "active": not record.state,
                "start": record.started_at,
                "end": None,
                "parameters": record.detail,
                "started_by": record.started_by,
                "result": record.result,
                "progress": None,
            }
        )
    rows.sort(key=lambda row: _utc(row["start"]), reverse=True)
    return rows[:20]


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start_named_flow(
    request: Request,
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    args: tuple[Any, ...],
    on: date | None = None,
) -> str:
    """Start a registered flow in the background under a run name recorded with who started it.

    The business date kept with the start is `on`, else the first date among the arguments.
    """
    label = tr(request, FLOW_BUTTONS[name])
    run_name = f"{name}-{now.astimezone(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    shown = "，".join(str(a) for a in args if a is not None)
    if on is None:
        on = next((a for a in args if isinstance(a, date)), None)
    note_flow_start(
        session,
        actor=actor,
        now=now,
        name=name,
        detail=f"{label}（{shown}）",
        run_name=run_name,
        on=on,
    )
    engine = request.app.state.engine
    jobs: list[dict[str, Any]] = request.app.state.flow_jobs
    job: dict[str, Any] = {
        "name": label,
        "run_name": run_name,
        "started": now.astimezone(UTC),
        "state": N_("运行中"),
        "result": "",
    }
    jobs.append(job)
    clock = request.app.state.settings

    def on_end(result: Any, error: BaseException | None) -> None:
        if error is None:
            state, summary = N_("已完成"), _summarise(result)
        else:
            state, summary = N_("失败"), str(error)[:300]
        try:  # the record first, so a page that sees the job ended finds it
            with Session(engine, expire_on_commit=False) as ending:
                note_flow_end(
                    ending, now=clock.now(), run_name=run_name, state=state, result=summary
                )
        finally:
            job["result"], job["state"] = summary, state

    start_in_background(name, *args, run_name=run_name, on_end=on_end)
    return label


def _summarise(result: Any) -> str:
    """Say in one line what a flow run did (its summary's figures, and errors if any)."""
    parts = []
    if isinstance(result, int | str):
        return str(result)[:300]
    if isinstance(result, list | tuple) and all(isinstance(r, str) for r in result):
        return f"PDF {len(result)} 份"  # a flow that returns the documents it wrote
    if hasattr(result, "eligible"):
        parts.append(f"资格审查通过 {result.eligible} 份，未通过 {len(result.ineligible)} 份")
    if hasattr(result, "month") and hasattr(result, "measured"):
        parts.append(
            f"{result.month} 已测算 {result.measured} 个，发布 {result.published} 个，"
            f"PDF {len(result.pdfs)} 份"
        )
    if hasattr(result, "released"):
        parts.append(
            f"拨付 {len(result.released)} 个，暂缓 {len(result.held)} 个，"
            f"待中期评估 {result.waiting} 个"
        )
    errors = getattr(result, "errors", ())
    if errors:
        parts.append(f"{len(errors)} 处错误：{errors[0]}")
    return "；".join(parts) or str(result)[:300]


@router.post("/flows/{name}")
async def start_flow(
    name: str, request: Request, session: SessionDep, user: FormUser, now: NowDep
) -> Response:
    """Start one of the offered flows with the parameters it asks for."""
    if user.role != Role.STAFF:
        raise Forbidden()
    offered = BY_NAME.get(name)
    if offered is None:
        raise NotFound()
    form = await request.form()
    values = {key: str(value)[:40] for key, value in form.items() if isinstance(value, str)}
    cycle_id = _cycle_id(session)
    call_ids = {c.id or 0 for c in calls.list_calls(session, cycle_id=cycle_id)}
    try:
        args = flow_arguments(
            offered, values, cycle_id=cycle_id, call_ids=call_ids, today=now.date()
        )
    except BadParameter as error:
        return render(
            request,
            "error.html",
            {
                "status": 400,
                "title": tr(request, "参数有误"),
                "message": str(error),
                "login": False,
            },
            status=400,
        )
    label = start_named_flow(
        request, session, actor=actor_of(request, user), now=now, name=name, args=args
    )
    return redirect("/officer/flows", message=tr(request, "已开始：{name}").format(name=label))
