"""Task that publishes each project's 结项评估报告 from its published final evaluation.

One PDF per project whose final evaluation is 已发布, through the document
register (kind `final_evaluation`, subject `project:<id>`): the report's own
date is the evaluation's publication day, so running it again renders nothing
and a changed evaluation gets a 第2版. The checklist of what the report
carries is in docs/documents.md. Called after `publish_approved_finals`.
"""

from __future__ import annotations

from flows.runtime import (
    io_task,
    publish_specs,
    session_scope,
)
from models.call_keys import RulesError
from models.call_rules import read_call_rules
from models.contract import file_safe
from models.cycle import office_identity
from models.final_evaluation import DEFAULT_FINAL_CRITERIA, final_criteria
from models.status import EvaluationStatus
from reports.contexts import DocumentHeader
from reports.document_contexts import final_report_document
from services.register import DocumentSpec
from store import awards, calls, closing, cycles, people

FINAL_REPORT_TEMPLATE = "reports/final_evaluation.html"
TITLE = "项目结项评估报告"


@io_task
def write_final_reports(cycle_id: int) -> list[str]:
    """Publish the 结项评估报告 of every project whose final evaluation is published."""
    with session_scope() as session:
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
            c.id: c.name
            for c in cycles.list_communities(session, street_office=cycle.street_office)
        }
        published = [
            e
            for e in closing.list_final_evaluations(session, cycle_id=cycle_id)
            if e.status == EvaluationStatus.PUBLISHED
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
    return [str(path) for path in publish_specs(specs)]
