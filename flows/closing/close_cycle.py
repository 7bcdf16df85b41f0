"""Flow `close_cycle`: settle every project, carry the track record, write the report and archive.

Recipe, once every monthly and final evaluation is published:
1. refuse, listing them, while any evaluation is still in draft, in review,
   sent back or approved but unpublished;
2. settle each project (`models.final_evaluation.settle`): a passing final
   grade pays the last tranche (ledger key `payment:tranche:<id>`); 不合格
   withholds it and tells the agency and officer once; what was paid and not
   spent comes back as a refund (key `refund:final:<award>:<n>`); every
   tranche refused or never decided has its commitment released, dated the
   close (key `release:tranche:<id>:<n>`);
3. write each agency's grade, yellow cards and breaches into its track record;
4. close the cycle, its projects and its fund (closed on the close date), in
   one unit of work; a fund closed before stays as it was;
5. render the 创投周期总结报告 and archive every PDF of the cycle with a
   manifest of SHA-256 hashes and the rules version;
6. post the headline figures as the Prefect artifact `cycle-close-<id>`.
Running it again pays, refunds, notifies and renders nothing twice: it finds
the closing on record and checks the figures still match it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.call.publish_call import call_pdf_path
from flows.closing.close_settlement import settle_projects, write_track_records
from flows.closing.cycle_archive import archive_folder, closing_folder, cycle_pdfs, write_archive
from flows.closing.cycle_report_context import cycle_report_context, read_headline
from flows.monitoring.notices import send_notices
from flows.runtime import get_now, get_output_dir, get_templates_dir, io_task, session_scope
from models.archive import rules_digest
from models.cycle_report import CycleClosing, HeadlineFigures, headline_markdown
from models.money import format_fen
from models.status import (
    CYCLE_TRANSITIONS,
    EVALUATION_STATUS_LABELS,
    PROJECT_TRANSITIONS,
    CycleStatus,
    EvaluationStatus,
    FundStatus,
    ProjectStatus,
    Role,
    apply_transition,
)
from reports.cycle_report import CYCLE_REPORT_TEMPLATE
from services import SYSTEM
from services import fund as fund_service
from services.register import DocumentSpec, publish_document
from store import awards, calls, closing, cycles, fund

REPORT_NAME = "创投周期总结报告.pdf"


@dataclass(frozen=True)
class CloseSummary:
    """What closing did, or why it refused."""

    cycle_id: int
    blocked: tuple[str, ...] = ()
    headline: str = ""
    figures: dict[str, int] = field(default_factory=dict)
    period_end: date | None = None
    already_closed: bool = False
    last_paid: tuple[str, ...] = ()
    withheld: tuple[str, ...] = ()
    refunded_fen: int = 0
    released_fen: int = 0
    report_pdf: str = ""
    archive: str = ""
    errors: tuple[str, ...] = ()


@io_task
def list_blocking(cycle_id: int) -> list[str]:
    """List every evaluation, or project without one, that keeps the cycle from closing."""
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
        if cycle.status not in (CycleStatus.RUNNING, CycleStatus.CLOSED):
            return [
                f"创投周期「{cycle.name}」尚未进入项目执行阶段（状态 {cycle.status}），不能结项"
            ]
        titles = {p.id: p.title for p in awards.list_projects(session, cycle_id=cycle_id)}
        lines = [
            f"「{titles[e.project_id]}」{e.month} 月评估仍为"
            f"{EVALUATION_STATUS_LABELS[EvaluationStatus(e.status)]}"
            for e in closing.list_unpublished_monthly(session, cycle_id=cycle_id)
        ]
        finals = {
            e.project_id: e for e in closing.list_final_evaluations(session, cycle_id=cycle_id)
        }
        for project in awards.list_projects(session, cycle_id=cycle_id):
            if project.status == ProjectStatus.TERMINATED:
                continue
            final = finals.get(project.id)  # type: ignore[arg-type]
            if final is None:
                lines.append(f"「{project.title}」还没有结项评估")
            elif final.status != EvaluationStatus.PUBLISHED:
                label = EVALUATION_STATUS_LABELS[EvaluationStatus(final.status)]
                lines.append(f"「{project.title}」结项评估仍为{label}")
        return lines


@io_task
def mark_closed(cycle_id: int, today: date) -> int:
    """Complete the cycle's running projects, close the cycle and its fund; return how many projects.

    One unit of work: the fund is closed on `today` together with the cycle, or not at all.
    """
    with session_scope() as session:
        done = 0
        for project in awards.list_projects(session, cycle_id=cycle_id):
            if project.status in (ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED):
                target = (
                    ProjectStatus.COMPLETED
                    if project.status == ProjectStatus.ACTIVE
                    else ProjectStatus.TERMINATED
                )
                project.status = apply_transition(
                    PROJECT_TRANSITIONS, ProjectStatus(project.status), target, role=Role.SYSTEM
                )
                project.status_on = today  # the close's business date
                session.add(project)
                done += 1
        cycle = cycles.get_cycle(session, cycle_id)
        if cycle.status == CycleStatus.RUNNING:
            status = apply_transition(
                CYCLE_TRANSITIONS, CycleStatus.RUNNING, CycleStatus.CLOSED, role=Role.SYSTEM
            )
            cycles.set_cycle_status(session, cycle, status)
        try:
            still_open = fund.get_fund(session, cycle_id=cycle_id).status == FundStatus.OPEN
        except LookupError:  # a cycle without a fund has none to close
            still_open = False
        if still_open:  # the service commits the cycle, its projects and the fund together
            fund_service.close_fund(
                session, actor=SYSTEM, now=get_now(), cycle_id=cycle_id, closed_on=today
            )
        return done


@io_task
def read_period_end(cycle_id: int) -> date:
    """Return the last day the final evaluations measured."""
    with session_scope() as session:
        return max(e.period_end for e in closing.list_final_evaluations(session, cycle_id=cycle_id))


@io_task
def count_figures(cycle_id: int, period_end: date, as_of: date) -> HeadlineFigures:
    """Sum the cycle's headline figures from the database, money as of the close day."""
    with session_scope() as session:
        return read_headline(session, cycle_id=cycle_id, period_end=period_end, as_of=as_of)


@io_task
def get_recorded_closing(cycle_id: int) -> CycleClosing | None:
    """Return the closing on record, if the cycle was closed before."""
    with session_scope() as session:
        return closing.get_closing(session, cycle_id=cycle_id)


@io_task
def write_report_and_archive(cycle_id: int, period_end: date, today: date) -> CycleClosing:
    """Render the cycle report, archive every PDF of the cycle, and record the closing."""
    output = get_output_dir()
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
        call = calls.get_latest_call(session, cycle_id=cycle_id)
        every_call = calls.list_calls(session, cycle_id=cycle_id)
        context = cycle_report_context(
            session,
            cycle_id=cycle_id,
            period_end=period_end,
            today=today,
            rules_version=call.version,
        )
        figures = read_headline(session, cycle_id=cycle_id, period_end=period_end, as_of=today)
        starts = [p.starts_on for p in awards.list_projects(session, cycle_id=cycle_id)]
        report = closing_folder(output, cycle) / REPORT_NAME
        publish_document(
            session,
            DocumentSpec(
                kind="cycle_report",
                subject=f"cycle:{cycle_id}",
                period="",
                as_of=today,
                template_name=CYCLE_REPORT_TEMPLATE,
                context=context,
                path=report.relative_to(output).as_posix(),
                cycle_id=cycle_id,
                title=f"创投周期总结报告 · {cycle.name}",
            ),
            output_dir=output,
            templates_dir=get_templates_dir(),
            actor=SYSTEM,
            now=get_now(),
        )
    files = cycle_pdfs(
        output,
        cycle,
        call_pdfs=[call_pdf_path(c.title, c.version) for c in every_call],
        call_ids=[c.id for c in every_call],  # type: ignore[misc]
        first=min([cycle.starts_on, *starts]),
        last=max(cycle.ends_on, today),
    )
    folder, digest = write_archive(
        output,
        cycle,
        files,
        rules_version=call.version,
        rules_sha256=rules_digest(call.rules),
        created_on=today,
    )
    with session_scope() as session:
        record, _ = closing.add_closing(
            session,
            CycleClosing(
                cycle_id=cycle_id,
                closed_on=today,
                period_end=period_end,
                figures=figures.as_dict(),
                archive_path=str(folder),
                manifest_sha256=digest,
                rules_version=call.version,
            ),
        )
        return record


@io_task
def post_artifact(cycle_id: int, figures: HeadlineFigures, period_end: date) -> None:
    """Post the headline figures as a markdown artifact."""
    with session_scope() as session:
        name = cycles.get_cycle(session, cycle_id).name
    create_markdown_artifact(
        key=f"cycle-close-{cycle_id}",
        markdown=headline_markdown(figures, cycle_name=name, period_end=period_end),
        description="创投周期结项：总体数据",
    )


@flow(name="close_cycle", log_prints=True)
def close_cycle(cycle_id: int, today: date | None = None) -> CloseSummary:
    """Close the cycle: last tranches, refunds, track record, the cycle report and its archive."""
    today = today or get_now().date()
    blocked = list_blocking(cycle_id)
    if blocked:
        print(f"不能结项：还有 {len(blocked)} 项评估未发布")
        for line in blocked:
            print(f"  {line}")
        return CloseSummary(cycle_id, blocked=tuple(blocked))
    recorded = get_recorded_closing(cycle_id)
    was_closed = recorded is not None
    settled = settle_projects(cycle_id, today)
    send_notices(settled.notice_keys)
    write_track_records(cycle_id)
    mark_closed(cycle_id, today)
    period_end = read_period_end(cycle_id)
    # A cycle closed before is compared as of the day it closed, with what it recorded then.
    figures = count_figures(cycle_id, period_end, recorded.closed_on if recorded else today)
    errors = list(settled.errors)
    if recorded is None:
        recorded = write_report_and_archive(cycle_id, period_end, today)
    elif recorded.figures != figures.as_dict():
        errors.append(f"数据与结项时记录的不一致：{recorded.figures} ≠ {figures.as_dict()}")
    post_artifact(cycle_id, figures, period_end)
    report = report_path(cycle_id)
    print(
        f"结项：{figures.headline}；末期拨付 {len(settled.paid)} 个，不予拨付 {len(settled.withheld)} 个，"
        f"退回结余 {format_fen(figures.refunded_fen)} 元，"
        f"释放未拨付承诺 {format_fen(settled.released_fen)} 元；归档 {recorded.archive_path}"
    )
    return CloseSummary(
        cycle_id,
        headline=figures.headline,
        figures=figures.as_dict(),
        period_end=period_end,
        already_closed=was_closed,
        last_paid=settled.paid,
        withheld=settled.withheld,
        refunded_fen=figures.refunded_fen,
        released_fen=settled.released_fen,
        report_pdf=report,
        archive=recorded.archive_path,
        errors=tuple(errors),
    )


@io_task
def report_path(cycle_id: int) -> str:
    """Return where the cycle report is written."""
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
    return str(closing_folder(get_output_dir(), cycle) / REPORT_NAME)


__all__ = ["CloseSummary", "archive_folder", "close_cycle"]
