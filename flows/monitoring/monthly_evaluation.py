"""Flow `monthly_evaluation`: measure every project's month, score it, publish it, write the PDFs.

On the 1st of each month it evaluates the month before:
1. measures each running project's month against plan (`flows.monitoring.monthly_measures`),
   in batches; approved evaluations stay frozen;
2. records the evaluators' score sheet if one is given (draft → 待审核);
3. publishes the evaluations reviewers approved (已审定 → 已发布);
4. renders a 项目月度评估报告 for each published evaluation, and the 街道月度汇总报告,
   in batches: Prefect tasks on a Dask cluster (`flows.rendering`), each storing
   its PDFs under their keys and returning the keys, which the flow records;
5. releases the mid-term tranches whose evaluation is now published.
Running the same month again updates the same rows and pays nothing twice.
Every PDF is published through the document register (`services.register`):
one whose inputs did not change is not rendered again, a lost one is, and a
published one whose figures changed gets a 第2版 beside the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner
from sqlmodel import Session

from flows.monitoring.evaluation_review import mark_published
from flows.monitoring.evaluation_scores import EvaluatorScore, read_score_sheet, record_scores
from flows.monitoring.midterm_reports import write_midterm_reports
from flows.monitoring.monthly_measures import measure_month
from flows.monitoring.release_tranches import ReleaseSummary, release_tranches
from flows.monitoring.report_contexts import assessment_contexts
from flows.monitoring.street_summary import street_summary_context
from flows.rendering import (
    PlannedBatch,
    Published,
    dask_worker_count,
    plan_batches,
    publish_here,
    publish_in_batches,
    register_batch,
)
from flows.runtime import get_now, get_output_dir, get_tz, io_task, resolve_cycle, session_scope
from models.calendar import month_bounds
from models.call_rules import read_call_rules
from models.rows import RowError, RowsRejected
from models.status import (
    EVALUATION_STATUS_LABELS,
    EvaluationStatus,
    ProjectStatus,
)
from reports.errors import BatchFailed
from reports.render import MONTHLY_ASSESSMENT_TEMPLATE, STREET_SUMMARY_TEMPLATE
from services.register import DocumentSpec, Planned, plan_documents
from store import awards, calls, evaluations

# Threads that measure the month's batches of projects (database work, in the flow's process).
TASK_THREADS = 8
RENDERED = (EvaluationStatus.PUBLISHED,)
DRAFTS = (EvaluationStatus.IN_REVIEW, EvaluationStatus.APPROVED)


@dataclass(frozen=True)
class EvaluationSummary:
    """The month's evaluations, the PDFs written and the tranches decided."""

    month: str
    measured: int
    scored: int
    published: int
    grades: dict[str, str]
    statuses: dict[str, int]
    pdfs: tuple[str, ...]
    releases: ReleaseSummary | None = None
    errors: tuple[str, ...] = ()
    # PDFs that could not be written ("<file>.pdf：<why>"); the rest of the month still was.
    failed_pdfs: tuple[str, ...] = ()
    # The 项目中期评估报告 of every project whose mid-term month is published (written once
    # its tranche is decided, so each says whether the tranche was paid).
    midterm_reports: tuple[str, ...] = ()
    # The processes that rendered the month's PDFs (`host:pid`: Dask workers, or the flow's).
    rendered_on: tuple[str, ...] = ()
    # PDFs a batch run again (its Dask worker was lost) found stored and did not render twice.
    reused_pdfs: int = 0


def previous_month(day: date) -> str:
    """Return the month before the one `day` is in, as YYYY-MM."""
    return (day.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def safe_name(text: str) -> str:
    """Make a project title safe to use in a file name."""
    return "".join("_" if ch in '/\\:*?"<>|' else ch for ch in text)


@io_task
def list_month_projects(cycle_id: int, month: str) -> list[int]:
    """List the projects that ran during `month` and are not terminated."""
    first, last = month_bounds(month)
    with session_scope() as session:
        return [
            p.id  # type: ignore[misc]
            for p in awards.list_projects(session, cycle_id=cycle_id)
            if p.status in (ProjectStatus.ACTIVE, ProjectStatus.COMPLETED)
            and p.starts_on <= last
            and p.ends_on >= first
        ]


@io_task
def publish_approved(cycle_id: int, month: str, today: date) -> int:
    """Publish the month's approved evaluations; return how many."""
    with session_scope() as session:
        approved = evaluations.list_monthly_evaluations(
            session, cycle_id=cycle_id, month=month, status=EvaluationStatus.APPROVED
        )
        for evaluation in approved:
            mark_published(evaluation, today)
            evaluations.set_evaluation(session, evaluation)
        return len(approved)


@io_task
def list_rendered(cycle_id: int, month: str, drafts: bool) -> list[int]:
    """List the projects whose evaluation gets a PDF: published ones (and drafts if asked)."""
    wanted = RENDERED + (DRAFTS if drafts else ())
    with session_scope() as session:
        return [
            e.project_id
            for e in evaluations.list_monthly_evaluations(session, cycle_id=cycle_id, month=month)
            if e.status in wanted
        ]


@io_task
def write_assessment_batch(
    cycle_id: int, month: str, project_ids: list[int], today: date
) -> tuple[list[str], list[str]]:
    """Build a batch of 项目月度评估报告 contexts and publish them from this process.

    Returns the current PDF of each document and the documents that failed (one
    line each): one document's failure never stops the rest of its batch or of
    the month. A document whose inputs did not change is not rendered again.
    The month itself renders its batches on Dask (`_render_month`).
    """
    done = publish_here(MONTH_BATCH, [project_ids], _month_params(cycle_id, month, today))
    return done.paths, [str(f) for f in done.failures]


MONTH_BATCH = "flows.monitoring.monthly_evaluation:plan_month_batch"
SUMMARY = "summary"


def _month_params(cycle_id: int, month: str, today: date) -> dict[str, object]:
    return {"cycle_id": cycle_id, "month": month, "today": today}


def plan_month_batch(
    item: list[int] | str, *, cycle_id: int, month: str, today: date
) -> PlannedBatch:
    """Plan one batch of the month: projects' 项目月度评估报告, or the summary (`SUMMARY`)."""
    if isinstance(item, str):
        return register_batch(plan_street_summary(cycle_id, month, today))
    return register_batch(plan_assessments(cycle_id, month, item, today))


def plan_assessments(
    cycle_id: int, month: str, project_ids: list[int], today: date
) -> list[Planned]:
    """Build a batch's 项目月度评估报告 contexts and ask the register which need rendering."""
    last = month_bounds(month)[1]
    with session_scope() as session:
        rules = read_call_rules(calls.get_latest_call(session, cycle_id=cycle_id).rules)
        contexts = assessment_contexts(
            session,
            cycle_id=cycle_id,
            month=month,
            project_ids=project_ids,
            weights={c.name: c.weight for c in rules.monthly_criteria},
            today=today,
            tz=get_tz(),
        )
        specs = [
            DocumentSpec(
                kind="monthly_assessment" if ctx.is_final else "monthly_assessment_draft",
                subject=f"project:{pid}",
                period=month,
                as_of=last,
                template_name=MONTHLY_ASSESSMENT_TEMPLATE,
                context=ctx,
                path=_target(Path(month), pid, ctx.project_title, ctx.is_final).as_posix(),
                cycle_id=cycle_id,
                title=f"项目月度评估报告 · {ctx.project_title} · {month}",
                draft=not ctx.is_final,
            )
            for pid, ctx in contexts
        ]
        return plan_documents(session, specs, output_dir=get_output_dir())


def _target(folder: Path, project_id: int, title: str, is_final: bool) -> Path:
    name = f"月度评估-{project_id:02d}-{safe_name(title)}.pdf"
    return folder / name if is_final else folder / "草稿" / name


@io_task
def write_street_summary(cycle_id: int, month: str, today: date) -> str:
    """Build and publish the 街道月度汇总报告 from this process (see `plan_street_summary`)."""
    done = publish_here(MONTH_BATCH, [SUMMARY], _month_params(cycle_id, month, today))
    if done.failures:
        raise BatchFailed(done.failures, ())
    return done.paths[0]


def plan_street_summary(cycle_id: int, month: str, today: date) -> list[Planned]:
    """Build the 街道月度汇总报告 (as of the month's end) and plan it with the register.

    It is dated by the day the month's evaluations were last published, so a
    run repeated later writes the same summary, which the register does not
    render twice. While none is published it is a draft (草稿/, rewritten in
    place, dated by the run).
    """
    with session_scope() as session:
        published_on = _issue_day(session, cycle_id, month)
        context = street_summary_context(
            session, cycle_id=cycle_id, month=month, today=published_on or today, tz=get_tz()
        )
        # Until one of the month's evaluations is published, the summary is a draft.
        draft = published_on is None
        spec = DocumentSpec(
            kind="street_summary_draft" if draft else "street_summary",
            subject=f"cycle:{cycle_id}",
            period=month,
            as_of=month_bounds(month)[1],
            template_name=STREET_SUMMARY_TEMPLATE,
            context=context,
            path=f"{month}/草稿/街道月度汇总-{month}.pdf"
            if draft
            else f"{month}/街道月度汇总-{month}.pdf",
            cycle_id=cycle_id,
            title=f"街道月度汇总报告{'（草稿）' if draft else ''} · {month}",
            draft=draft,
        )
        return plan_documents(session, [spec], output_dir=get_output_dir())


def _issue_day(session: Session, cycle_id: int, month: str) -> date | None:
    """The last day one of the month's evaluations was published, if any was."""
    days = [
        e.published_on
        for e in evaluations.list_monthly_evaluations(session, cycle_id=cycle_id, month=month)
        if e.status == EvaluationStatus.PUBLISHED and e.published_on is not None
    ]
    return max(days, default=None)


@io_task
def read_outcome(cycle_id: int, month: str) -> tuple[dict[str, str], dict[str, int]]:
    """Return the published grades by project title, and how many evaluations are in each status."""
    with session_scope() as session:
        titles = {p.id: p.title for p in awards.list_projects(session, cycle_id=cycle_id)}
        found = evaluations.list_monthly_evaluations(session, cycle_id=cycle_id, month=month)
    grades = {
        titles[e.project_id]: e.grade for e in found if e.status == EvaluationStatus.PUBLISHED
    }
    statuses: dict[str, int] = {}
    for e in found:
        label = EVALUATION_STATUS_LABELS[EvaluationStatus(e.status)]
        statuses[label] = statuses.get(label, 0) + 1
    return grades, statuses


def _render_month(cycle_id: int, month: str, today: date, *, drafts: bool) -> Published:
    """Publish the month's PDFs in batches; the summary, the largest layout, goes first."""
    rendered = list_rendered(cycle_id, month, drafts)
    batches = plan_batches(rendered, processes=dask_worker_count())
    return publish_in_batches(
        MONTH_BATCH,
        [SUMMARY, *batches],
        _month_params(cycle_id, month, today),
        documents=len(rendered) + 1,
    )


def _read_sheet(cycle_id: int, scores_path: str | None) -> list[EvaluatorScore] | None:
    return read_score_sheet(cycle_id, scores_path) if scores_path else None


@flow(
    name="monthly_evaluation",
    log_prints=True,
    task_runner=ThreadPoolTaskRunner(max_workers=TASK_THREADS),
)
def monthly_evaluation(
    cycle_id: int | None = None,
    month: str | None = None,
    scores_path: str | None = None,
    today: date | None = None,
    drafts: bool = False,
) -> EvaluationSummary:
    """Evaluate every running project for `month` (default: last month) and write the PDFs."""
    today = today or get_now().date()
    month = month or previous_month(today)
    month_bounds(month)
    cycle_id = resolve_cycle(cycle_id)
    try:
        sheet = _read_sheet(cycle_id, scores_path)
        batches = plan_batches(list_month_projects(cycle_id, month), processes=TASK_THREADS)
        measured = sum(
            f.result() for f in [measure_month.submit(cycle_id, month, b) for b in batches]
        )
        scored = record_scores(cycle_id, month, sheet) if sheet else 0
    except (RowError, RowsRejected) as rejected:
        errors = rejected.errors if isinstance(rejected, RowsRejected) else [rejected]
        print(f"评分表被拒绝，未写入任何评分：{len(errors)} 处错误")
        return EvaluationSummary(month, 0, 0, 0, {}, {}, (), None, tuple(str(e) for e in errors))
    published = publish_approved(cycle_id, month, today)
    rendered = _render_month(cycle_id, month, today, drafts=drafts)
    # The projects' reports first, the summary last.
    pdfs = tuple(p for files in rendered.files[1:] for p in files) + rendered.files[0]
    failed_pdfs = tuple(str(f) for f in rendered.failures)
    releases = release_tranches(cycle_id, today)
    midterm = write_midterm_reports(cycle_id)
    grades, statuses = read_outcome(cycle_id, month)
    print(
        f"{month} 月评估：测算 {measured} 个项目，录入评分 {scored} 个，发布 {published} 个；"
        f"状态 {'，'.join(f'{k} {v}' for k, v in statuses.items())}；PDF {len(pdfs)} 份"
        + (f"，{len(failed_pdfs)} 份未能生成" if failed_pdfs else "")
    )
    return EvaluationSummary(
        month,
        measured,
        scored,
        published,
        grades,
        statuses,
        pdfs,
        releases,
        failed_pdfs=failed_pdfs,
        midterm_reports=tuple(midterm),
        rendered_on=rendered.workers,
        reused_pdfs=rendered.reused,
    )
