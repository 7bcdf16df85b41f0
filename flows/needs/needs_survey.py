"""Flow `needs_survey`: the cycle's 需求调研报告 as a PDF with a chart, and the demand as XLSX.

The context, the PDF and the workbook are `services.needs_survey` (what
`gongyi needs summary` calls without Prefect); this flow runs them as tasks.
The report is signed by the cycle's issuing office, with its public contact
(`services.needs_survey.issuing_office`, as every other document has it), and
dated by its as-of day.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow

from flows.runtime import get_now, get_output_dir, get_templates_dir, io_task, session_scope
from reports.contexts import NeedsSurveyContext
from services import Actor
from services import needs_survey as survey
from services.needs_survey import TITLE, SurveySummary

__all__ = ["SurveySummary", "needs_survey"]

# The audit trail names the flow as the one who exported the needs.
FLOW_ACTOR = Actor(login="needs_survey")


@io_task
def build_needs_survey_context(cycle_id: int, today: date) -> NeedsSurveyContext:
    """Build the 需求调研报告 context from the cycle's stored needs, signed by the issuing office."""
    with session_scope() as session:
        return survey.needs_survey_context(session, cycle_id=cycle_id, today=today)


@io_task
def render_needs_survey(cycle_id: int, context: NeedsSurveyContext) -> str:
    """Publish the 需求调研报告 PDF through the document register (nothing if unchanged)."""
    with session_scope() as session:
        return str(
            survey.publish_needs_survey(
                session,
                context,
                cycle_id=cycle_id,
                output_dir=get_output_dir(),
                templates_dir=get_templates_dir(),
                actor=FLOW_ACTOR,
                now=get_now(),
            )
        )


@io_task
def write_needs_workbook(cycle_id: int, context: NeedsSurveyContext, target: str) -> str:
    """Write the demand summary and every need (contacts masked) to an XLSX workbook."""
    with session_scope() as session:
        survey.write_needs_workbook(
            session,
            actor=FLOW_ACTOR,
            now=get_now(),
            cycle_id=cycle_id,
            context=context,
            target=Path(target),
        )
    return target


@flow(name="needs_survey", log_prints=True)
def needs_survey(cycle_id: int, today: date | None = None) -> SurveySummary:
    """Write the cycle's 需求调研报告 (PDF) and its demand workbook (XLSX)."""
    today = today or get_now().date()
    folder = get_output_dir() / "needs"
    context = build_needs_survey_context(cycle_id, today)
    pdf = render_needs_survey(cycle_id, context)
    xlsx = write_needs_workbook(cycle_id, context, str(folder / f"需求汇总-{cycle_id}.xlsx"))
    print(f"{TITLE}：{context.residents} 人次，{context.groups} 项需求；{pdf}；{xlsx}")
    return SurveySummary(pdf, xlsx, context.residents, context.groups)
