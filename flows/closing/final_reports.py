"""Task that publishes each project's 结项评估报告 from its published final evaluation.

One PDF per project whose final evaluation is 已发布, through the document
register (kind `final_evaluation`, subject `project:<id>`): the report's own
date is the evaluation's publication day, so running it again renders nothing
and a changed evaluation gets a 第2版. The checklist of what the report
carries is in docs/documents.md. Called after `publish_approved_finals`.

The flow publishes them in batches of projects (`publish_final_reports`), on
Dask when there are enough of them (`flows.rendering`); each batch builds its
contexts and plans them with the register in the flow (`plan_final_batch`).
"""

from __future__ import annotations

from sqlmodel import Session

from flows.rendering import (
    PlannedBatch,
    Published,
    dask_worker_count,
    plan_batches,
    publish_here,
    publish_in_batches,
    register_batch,
)
from flows.runtime import get_output_dir, io_task, session_scope
from models.call_keys import RulesError
from models.call_rules import read_call_rules
from models.contract import file_safe
from models.cycle import office_identity
from models.final_evaluation import DEFAULT_FINAL_CRITERIA, final_criteria
from models.status import EvaluationStatus
from reports.contexts import DocumentHeader
from reports.document_contexts import final_report_document
from reports.errors import BatchFailed
from services.register import DocumentSpec, plan_documents
from store import awards, calls, closing, cycles, people

FINAL_REPORT_TEMPLATE = "reports/final_evaluation.html"
TITLE = "项目结项评估报告"
FINAL_BATCH = "flows.closing.final_reports:plan_final_batch"


@io_task
def write_final_reports(cycle_id: int) -> list[str]:
    """Publish, in this process, the 结项评估报告 of every project whose final evaluation is published."""
    done = publish_here(FINAL_BATCH, [None], {"cycle_id": cycle_id})
    if done.failures:
        raise BatchFailed(done.failures, ())
    return done.paths


@io_task
def list_published_finals(cycle_id: int) -> list[int]:
    """List the projects whose final evaluation is published."""
    with session_scope() as session:
        return [
            e.project_id
            for e in closing.list_final_evaluations(session, cycle_id=cycle_id)
            if e.status == EvaluationStatus.PUBLISHED
        ]


def publish_final_reports(cycle_id: int) -> Published:
    """Publish the 结项评估报告 in batches of projects, on Dask when there are enough of them."""
    projects = list_published_finals(cycle_id)
    batches = plan_batches(projects, processes=dask_worker_count())
    return publish_in_batches(FINAL_BATCH, batches, {"cycle_id": cycle_id}, documents=len(projects))


def plan_final_batch(project_ids: list[int] | None, *, cycle_id: int) -> PlannedBatch:
    """Build the reports of these projects (None: every published one) and plan them."""
    with session_scope() as session:
        specs = final_report_specs(session, cycle_id, project_ids)
        return register_batch(plan_documents(session, specs, output_dir=get_output_dir()))


def final_report_specs(
    session: Session, cycle_id: int, project_ids: list[int] | None
) -> list[DocumentSpec]:
    """The 结项评估报告 of the projects named whose final evaluation is published, as of its day."""
    cycle = cycles.get_cycle(session, cycle_id)
    call = calls.get_latest_call(session, cycle_id=cycle_id)
    try:
        rules = read_call_rules(call.rules)
        criteria, office = final_criteria(rules), office_identity(cycle, rules.office)
    except RulesError:
        criteria, office = DEFAULT_FINAL_CRITERIA, office_identity(cycle)
    projects = {p.id: p for p in awards.list_projects(session, cycle_id=cycle_id)}
    agencies = {a.id: a.name for a in calls.list_agencies(session)}
    names = people.list_known_names(session, cycle_id=cycle_id)
    domains = {d.id: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)}
    communities = {
        c.id: c.name for c in cycles.list_communities(session, street_office=cycle.street_office)
    }
    published = [
        e
        for e in closing.list_final_evaluations(session, cycle_id=cycle_id)
        if e.status == EvaluationStatus.PUBLISHED
        and (project_ids is None or e.project_id in project_ids)
    ]
    award_fen = {
        a.id: a.amount_fen
        for a in awards.list_awards_by_id(
            session, award_ids=[projects[e.project_id].award_id for e in published]
        ).values()
    }
    specs = []
    for evaluation in published:
        project = projects[evaluation.project_id]
        day = evaluation.published_on or evaluation.period_end
        context = final_report_document(
            evaluation,
            header=DocumentHeader(cycle.street_office, cycle.name, TITLE, day),
            office=office,
            criteria=tuple(criteria),
            project=project,
            agency_name=agencies.get(project.agency_id, ""),
            domain_name=domains.get(project.domain_id, ""),
            community_name=communities.get(project.community_id, ""),
            amount_fen=award_fen.get(project.award_id, 0),
            names=names,
        )
        specs.append(
            DocumentSpec(
                kind="final_evaluation",
                subject=f"project:{project.id}",
                period=evaluation.period_end.isoformat(),
                as_of=day,
                template_name=FINAL_REPORT_TEMPLATE,
                context=context,
                path=f"结项评估/结项评估-{project.id}-{file_safe(project.title)}.pdf",
                cycle_id=cycle_id,
                title=f"{TITLE} · {project.title}",
            )
        )
    return specs
