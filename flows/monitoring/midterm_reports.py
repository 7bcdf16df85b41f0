"""Task that publishes each project's 中期评估报告 once its mid-term evaluation is published.

The mid-term is the project month `models.tranche_release.midterm_month_index`
(the one whose published evaluation decides the `midterm_pass` tranche). The
report gathers the project's published months up to it: each month's grade,
the outputs planned and reached to date, the money, the daily reports, the
mid-term month's scores and comment, and what became of the mid-term tranche.
It is published through the document register (kind `midterm_evaluation`,
subject `project:<id>`); its own date is the mid-term evaluation's publication
day, so a rerun renders nothing. Checklist: docs/documents.md.
"""

from __future__ import annotations

from datetime import date

from flows.runtime import (
    get_now,
    io_task,
    publish_specs,
    session_scope,
)
from models.award import TrancheCondition
from models.call_keys import RulesError
from models.call_rules import read_call_rules
from models.contract import file_safe
from models.cycle import office_identity
from models.status import EvaluationStatus, ProjectStatus, TrancheStatus
from models.tranche_release import midterm_month_index, project_month
from reports.contexts import DocumentHeader
from reports.document_contexts import midterm_report_document
from services.register import DocumentSpec
from store import awards, calls, closing, cycles, people

MIDTERM_REPORT_TEMPLATE = "reports/midterm_evaluation.html"
TITLE = "项目中期评估报告"
TRANCHE_STATES = {
    TrancheStatus.RELEASED: "已拨付",
    TrancheStatus.WITHHELD: "暂缓拨付",
    TrancheStatus.PLANNED: "待拨付",
}


@io_task
def write_midterm_reports(cycle_id: int) -> list[str]:
    """Publish the 中期评估报告 of every project whose mid-term evaluation is published."""
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
        call = calls.get_latest_call(session, cycle_id=cycle_id)
        try:
            rules = read_call_rules(call.rules)
            criteria = tuple(rules.monthly_criteria)
            office = office_identity(cycle, rules.office)
        except RulesError:
            criteria, office = (), office_identity(cycle)
        agencies = {a.id: a.name for a in calls.list_agencies(session)}
        names = people.list_known_names(session, cycle_id=cycle_id)
        domains = {d.id: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)}
        communities = {
            c.id: c.name
            for c in cycles.list_communities(session, street_office=cycle.street_office)
        }
        published: dict[int, list] = {}  # type: ignore[type-arg]
        for evaluation in closing.list_cycle_monthly(session, cycle_id=cycle_id):
            if evaluation.status == EvaluationStatus.PUBLISHED:
                published.setdefault(evaluation.project_id, []).append(evaluation)
        specs = []
        for project in awards.list_projects(session, cycle_id=cycle_id):
            if project.status == ProjectStatus.TERMINATED:
                continue
            mid = project_month(project.starts_on, midterm_month_index(project.months))
            months = [e for e in published.get(project.id, []) if e.month <= mid]  # type: ignore[arg-type]
            if not months or months[-1].month != mid:
                continue  # the mid-term evaluation is not published yet
            award = awards.get_award(session, project.award_id)
            midterm = [
                t
                for t in awards.list_tranches(session, award_id=award.id)  # type: ignore[arg-type]
                if t.condition == TrancheCondition.MIDTERM_PASS
            ]
            day: date = months[-1].published_on or get_now().date()
            context = midterm_report_document(
                months,
                header=DocumentHeader(cycle.street_office, cycle.name, TITLE, day),
                office=office,
                criteria=criteria,
                project=project,
                agency_name=agencies.get(project.agency_id, ""),
                domain_name=domains.get(project.domain_id, ""),
                community_name=communities.get(project.community_id, ""),
                amount_fen=award.amount_fen,
                tranche_fen=sum(t.amount_fen for t in midterm),
                tranche_state=(
                    TRANCHE_STATES.get(TrancheStatus(midterm[0].status), "待拨付")
                    if midterm
                    else "本项目无中期拨付"
                ),
                names=names,
            )
            specs.append(
                DocumentSpec(
                    kind="midterm_evaluation",
                    subject=f"project:{project.id}",
                    period=mid,
                    as_of=day,
                    template_name=MIDTERM_REPORT_TEMPLATE,
                    context=context,
                    path=f"中期评估/中期评估-{project.id}-{file_safe(project.title)}.pdf",
                    cycle_id=cycle_id,
                    title=f"{TITLE} · {project.title}",
                )
            )
    return [str(path) for path in publish_specs(specs)]
