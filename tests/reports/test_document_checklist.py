"""Every document kind of docs/documents.md carries every element of its checklist, in a real PDF.

Each kind is rendered by the flow task that writes it, from a stored cycle
(tests/monitoring_builders.py: contracted projects with budgets, KPIs and
tranches, the demo call's rules), and read back with pdftotext. A 须有 row's
text must appear, a 不得有 row's must not, spaces and line breaks ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from flows.call.publish_call import render_call
from flows.closing.close_cycle import report_path, write_report_and_archive
from flows.closing.final_reports import write_final_reports
from flows.fund.donor_statement import render_statements
from flows.fund.fund_reports import build_donor_statements
from flows.monitoring.meeting_minutes import store_minutes
from flows.monitoring.midterm_reports import write_midterm_reports
from flows.monitoring.minutes_report import write_minutes_pdf
from flows.monitoring.monthly_evaluation import (
    list_rendered,
    write_assessment_batch,
    write_street_summary,
)
from flows.monitoring.weekly_meeting import prepare_agenda
from flows.needs.needs_survey import build_needs_survey_context, render_needs_survey
from flows.runtime import session_scope
from flows.selection.selection_reports import (
    write_contract_pdfs,
    write_notice_pdf,
    write_selection_summary_pdf,
)
from models.call import Call
from models.call_rules import read_call_rules
from models.cycle import Cycle, office_identity
from models.final_evaluation import FinalEvaluation
from models.monitoring import MonthlyEvaluation
from models.need import Need
from models.project import Project
from models.proposal import Proposal, Review
from models.publicity import PublicNotice
from models.status import EvaluationStatus, NeedStatus, Role, Stage
from models.user import User
from reports.filters import format_cn_date
from reports.privacy_scan import pdf_text
from store import cycles
from tests.monitoring_builders import build_running_cycle

DOC = Path(__file__).resolve().parents[2] / "docs" / "documents.md"
KINDS_REQUIRED = ("contract", "call", "public_notice", "selection_summary")
_SECTION = re.compile(r"^## .+\(`(?P<kind>\w+)`\)\s*$", re.M)
_ROW = re.compile(
    r"^\|\s*(?P<element>[^|]+?)\s*\|\s*(?P<rule>须有|不得有)\s*\|\s*(?P<text>[^|]+?)\s*\|$", re.M
)
ISSUED_ON = date(2026, 5, 1)
NOTICE_ON, NOTICE_ENDS = date(2026, 5, 28), date(2026, 6, 3)
STATEMENT_DAY = date(2026, 7, 1)
MEETING_WEEK = date(2026, 6, 1)  # held on 2026-06-08
PERIOD_END, CLOSED_ON = date(2026, 11, 30), date(2026, 12, 15)
SURVEY_DAY = date(2026, 4, 30)
NEED_CONTACT, NEED_PHONE = "张桂英", "13955501234"
MEETING_HOST = "周振华"


def checklists() -> dict[str, list[tuple[str, str, str]]]:
    """The checklist of each kind: (element, 须有/不得有, text)."""
    text = DOC.read_text(encoding="utf-8")
    found = list(_SECTION.finditer(text))
    lists = {}
    for index, section in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        body = text[section.end() : end]
        lists[section["kind"]] = [(m["element"], m["rule"], m["text"]) for m in _ROW.finditer(body)]
    return lists


def _flat(text: str) -> str:
    return "".join(text.split())


def _scored(session: Session, proposal_ids: list[int]) -> None:
    """Two reviewers' weighted scores at both stages, as the selection stores them."""
    reviewers = [User(name=f"评审专家{n}", role=Role.EVALUATOR) for n in (1, 2)]
    session.add_all(reviewers)
    session.flush()
    at = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
    for stage in (Stage.PRELIMINARY, Stage.DEFENCE):
        for index, proposal_id in enumerate(proposal_ids):
            for offset, reviewer in enumerate(reviewers):
                score = 70.0 + 5 * index + 2 * offset
                session.add(
                    Review(
                        proposal_id=proposal_id,
                        reviewer_id=reviewer.id or 0,
                        stage=stage,
                        weighted_score=score,
                        submitted_at=at,
                    )
                )
    session.flush()


def _stored(session: Session) -> tuple[Call, Proposal, dict[str, str]]:
    build_running_cycle(session, projects=2)
    call = session.exec(select(Call)).one()
    rules = read_call_rules(call.rules)
    call.published_on, call.title = ISSUED_ON, rules.title  # as publish_call stores it
    session.add(call)
    session.add(PublicNotice(call_id=call.id, published_on=NOTICE_ON, ends_on=NOTICE_ENDS))  # type: ignore[arg-type]
    session.commit()
    proposal = session.exec(select(Proposal).order_by(Proposal.id)).first()
    cycle = session.exec(select(Cycle)).one()
    project = session.exec(select(Project).order_by(Project.id)).first()
    session.add(_published_final(project.id))  # type: ignore[union-attr, arg-type]
    _scored(session, [p.id for p in session.exec(select(Proposal)).all()])  # type: ignore[misc]
    session.add_all(_published_months(project.id))  # type: ignore[union-attr, arg-type]
    session.commit()
    office = office_identity(cycle, rules.office)
    values = {
        "office": office.name,
        "seal": office.seal_text,
        "call": rules.title,
        "issued_on": format_cn_date(ISSUED_ON),
        "project": proposal.title,  # type: ignore[union-attr]
        "agency": "测试社工机构1",
        "contract_no": "GY-2026-001",
        "street": cycle.street_office,
        "office_address": office.address,
        "office_contact": office.contact,
        "office_phone": office.phone,
        "office_email": office.email,
        "need_contact": NEED_CONTACT,
        "need_phone": NEED_PHONE,
        "host": MEETING_HOST,
    }
    return call, proposal, values  # type: ignore[return-value]


def _published_final(project_id: int) -> FinalEvaluation:
    """A final evaluation as the final_evaluation flow leaves it once published."""
    return FinalEvaluation(
        project_id=project_id,
        status=EvaluationStatus.PUBLISHED,
        period_end=date(2026, 11, 30),
        months_evaluated=2,
        monthly_mean=84.5,
        monthly_grades=[
            {"month": "2026-06", "grade": "良好", "total": 82.0, "veto": ""},
            {"month": "2026-07", "grade": "良好", "total": 87.0, "veto": ""},
        ],
        reports_expected=120,
        reports_submitted=118,
        reports_late=3,
        people_served=1250,
        indicators=[
            {"name": "服务人次", "unit": "人次", "planned": 1200, "actual": 1250},
            {"name": "活动场次", "unit": "场", "planned": 120, "actual": 96},
        ],
        budget_fen=1_200_000,
        planned_to_date_fen=1_200_000,
        spent_fen=1_150_000,
        cited_needs=[{"lead_id": 1, "text": "老人助餐", "community": "长淮社区", "residents": 12}],
        scores={
            "月评估表现": 84.5,
            "绩效完成": 90.0,
            "预算执行": 95.8,
            "日报告合规": 97.5,
            "需求回应": 85.0,
        },
        total_score=88.6,
        grade="良好",
        comment="服务覆盖达标，活动场次偏少。",
        published_on=date(2026, 12, 10),
    )


def _published_months(project_id: int) -> list[MonthlyEvaluation]:
    """Three published months: the third (2026-08) is a six-month project's mid-term."""
    return [
        MonthlyEvaluation(
            project_id=project_id,
            month=f"2026-0{month}",
            month_index=month - 5,
            status=EvaluationStatus.PUBLISHED,
            reports_expected=22,
            reports_submitted=21,
            reports_late=1,
            indicators=[
                {"name": "服务人次", "unit": "人次", "planned": 200, "actual": 190, "flag": ""},
                {"name": "活动场次", "unit": "场", "planned": 20, "actual": 22, "flag": ""},
            ],
            spent_to_date_fen=200_000 * (month - 5),
            planned_to_date_fen=200_000 * (month - 5),
            scores={"日报告合规": 95.0, "服务进度": 88.0, "服务质量": 85.0},
            total_score=88.9,
            grade="良好",
            comment="活动记录完整。" if month == 8 else "",
            published_on=date(2026, month + 1, 5),
        )
        for month in (6, 7, 8)
    ]


RENDER: dict[str, Callable[[Call, Proposal], str]] = {
    "contract": lambda call, proposal: write_contract_pdfs.fn(
        call.id, [proposal.id], date(2026, 6, 3)
    )[0],
    "call": lambda call, _: render_call.fn(call.id, ISSUED_ON),
    "public_notice": lambda call, _: write_notice_pdf.fn(call.id),
    "selection_summary": lambda call, _: write_selection_summary_pdf.fn(call.id, date(2026, 6, 5)),
    "final_evaluation": lambda call, _: write_final_reports.fn(call.cycle_id)[0],
    "midterm_evaluation": lambda call, _: write_midterm_reports.fn(call.cycle_id)[0],
    "donor_statement": lambda call, _: render_statements.fn(
        build_donor_statements.fn(call.cycle_id, STATEMENT_DAY), call.cycle_id
    )[0],
    "street_summary": lambda call, _: write_street_summary.fn(
        call.cycle_id, "2026-06", date(2026, 7, 5)
    ),
    "weekly_minutes": lambda call, _: _weekly_minutes(call.cycle_id),
    "cycle_report": lambda call, _: _cycle_report(call.cycle_id),
    "monthly_assessment": lambda call, _: _monthly_assessment(call.cycle_id),
    "weekly_agenda": lambda call, _: _weekly_agenda(call.cycle_id),
    "needs_survey": lambda call, proposal: _needs_survey(call.cycle_id, proposal.id),
}


def _monthly_assessment(cycle_id: int) -> str:
    """The 项目月度评估报告 of June 2026 of the project whose June evaluation is published.

    Its June also measured 志愿服务时长, which the contract plans for no month: no row.
    """
    with session_scope() as session:
        june = session.exec(
            select(MonthlyEvaluation).where(MonthlyEvaluation.month == "2026-06")
        ).one()
        unplanned = {
            "name": "志愿服务时长",
            "unit": "小时",
            "planned": None,
            "actual": 0,
            "flag": "",
        }
        june.indicators = [*june.indicators, unplanned]
        session.add(june)
    published = list_rendered.fn(cycle_id, "2026-06", False)
    paths, failed = write_assessment_batch.fn(cycle_id, "2026-06", published, date(2026, 7, 5))
    assert failed == [], failed
    return paths[0]


def _weekly_agenda(cycle_id: int) -> str:
    """The 周例会议程 of the week of 2026-06-01, printed before the meeting (no minutes yet)."""
    prepare_agenda.fn(cycle_id, MEETING_WEEK)
    return write_minutes_pdf.fn(cycle_id, MEETING_WEEK, date(2026, 6, 5))


def _needs_survey(cycle_id: int, proposal_id: int) -> str:
    """The 需求调研报告: three residents' needs, one answered by the funded proposal."""
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
        community = cycles.list_communities(session, street_office=cycle.street_office)[0]
        domains = {d.key: d.id for d in cycles.list_domains(session, cycle_id=cycle_id)}
        needs = [
            Need(
                cycle_id=cycle_id,
                community_id=community.id,  # type: ignore[arg-type]
                text=text,
                target_group=group,
                source="居民座谈会",
                submitted_on=date(2026, 4, day),
                contact_name=NEED_CONTACT,
                contact_phone=NEED_PHONE,
                fingerprint=f"need-{day}",
                status=NeedStatus.CONFIRMED if key else NeedStatus.IN_REVIEW,
                domain_id=domains.get(key),
            )
            for day, text, group, key in (
                (10, f"希望社区开设老年助餐点，有事找{NEED_CONTACT}", "老年人", "elderly"),
                (12, "独居老人需要定期上门探访", "老年人", "elderly"),
                (15, "孩子放学后没人看管，希望有四点半课堂", "儿童", ""),
            )
        ]
        session.add_all(needs)
        session.flush()
        proposal = session.get(Proposal, proposal_id)
        proposal.cited_need_ids = [needs[0].id]  # type: ignore[union-attr, list-item]
        session.add(proposal)
    context = build_needs_survey_context.fn(cycle_id, SURVEY_DAY)
    return render_needs_survey.fn(cycle_id, context)


def _weekly_minutes(cycle_id: int) -> str:
    """The 周例会纪要 of the week of 2026-06-01: its agenda, then minutes recorded after it."""
    prepare_agenda.fn(cycle_id, MEETING_WEEK)
    minutes = "一、通报上周日报告。\n二、各机构说明缺交原因。"
    store_minutes.fn(cycle_id, MEETING_WEEK, minutes, "各机构负责人", "李晓雯", [], MEETING_HOST)
    return write_minutes_pdf.fn(cycle_id, MEETING_WEEK, date(2026, 6, 9))


def _cycle_report(cycle_id: int) -> str:
    """The 创投周期总结报告, as the close writes it."""
    write_report_and_archive.fn(cycle_id, PERIOD_END, CLOSED_ON)
    return report_path.fn(cycle_id)


def test_the_checklist_names_at_least_the_four_kinds_and_each_has_rows():
    lists = checklists()
    assert set(KINDS_REQUIRED) <= set(lists)
    assert all(len(rows) >= 10 for rows in lists.values()), {k: len(v) for k, v in lists.items()}
    assert set(lists) <= set(RENDER), "a kind in docs/documents.md that this test cannot render"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("kind", sorted(checklists()))
def test_every_element_of_the_checklist_is_in_the_rendered_pdf(kind: str, session: Session) -> None:
    call, proposal, values = _stored(session)
    pdf = Path(RENDER[kind](call, proposal))
    text = _flat(pdf_text(pdf))
    # The office's own mailbox may read gongyi@…: a 不得有 row is checked on the text without it.
    public = values["office_email"], values["office_phone"]
    unlisted = text
    for contact in filter(None, public):
        unlisted = unlisted.replace(_flat(contact), "")
    missing, present = [], []
    for element, rule, wanted in checklists()[kind]:
        needle = _flat(wanted.format(**values))
        if rule == "须有" and needle not in text:
            missing.append(f"{element}：{needle}")
        if rule == "不得有" and needle in unlisted:
            present.append(f"{element}：{needle}")
    assert missing == [], f"{pdf.name} 缺少：{missing}"
    assert present == [], f"{pdf.name} 不应有：{present}"
