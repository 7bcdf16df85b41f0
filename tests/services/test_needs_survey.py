"""The 需求调研报告 says which funded project answers each need and how, and lists the rest honestly.

The world is the demo call with its 110 needs (ids in the order of demo/needs.csv)
and its 26 proposals; a few needs are sorted into domains and grouped here, and
the proposals that cite them are approved, as selection would.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from models.need import Need
from models.proposal import Proposal
from models.status import NeedStatus, ProposalStatus
from services import SYSTEM
from services.needs_survey import (
    list_citing_proposals,
    needs_survey_context,
    write_needs_survey,
)
from settings import PROJECT_ROOT
from store import cycles
from tests.flows.call_setup import (
    SHANGHAI,
    demo_call_with_bids,
)

SURVEY_DAY = date(2026, 5, 22)
MEALS = "银龄互助·幸福食堂助餐服务"


@pytest.fixture
def cycle_id(database_url: str, session: Session) -> int:
    cycle_id, _ = demo_call_with_bids()
    keys = {d.key: d.id for d in cycles.list_domains(session, cycle_id=cycle_id)}
    byid = {n.id: n for n in session.exec(select(Need))}
    # 48 leads the 老年助餐点 group of 明珠社区 (49, 69 and 88 say the same); 4 is a
    # special need of 明珠社区; 1 is elderly but only the classifier's suggestion so far.
    for need_id, key, status in (
        (48, "elderly", NeedStatus.CONFIRMED),
        (4, "special", NeedStatus.CLASSIFIED),
        (1, "elderly", NeedStatus.IN_REVIEW),
    ):
        byid[need_id].domain_id, byid[need_id].status = keys[key], status
    for member in (49, 69, 88):
        byid[member].duplicate_of_id, byid[member].status = 48, NeedStatus.MERGED
    for proposal in session.exec(select(Proposal)):
        if proposal.title in (MEALS, "暖心驿站·困难家庭应急帮扶"):
            proposal.status = ProposalStatus.APPROVED
        if proposal.title == "孝老敬亲·家庭照护者喘息服务":
            proposal.status = ProposalStatus.REJECTED
    session.commit()
    return cycle_id


def test_the_meal_need_is_answered_by_the_meal_project_with_its_own_words(
    cycle_id: int, session: Session
) -> None:
    context = needs_survey_context(session, cycle_id=cycle_id, today=SURVEY_DAY)

    [meals] = [r for r in context.answered if "老年助餐点" in r.text]
    assert (meals.community, meals.residents, meals.coverage_label) == ("明珠社区", 4, "已立项")
    [answer] = meals.answers
    assert answer.title == MEALS and answer.fits
    assert answer.how.startswith("依托明珠社区党群服务中心开设老年助餐点")
    assert all("老年助餐点" not in r.text for r in context.unanswered)
    # 暖心驿站 answers 4 (special, 明珠社区), and the two funded projects answer 4 groups.
    assert context.answered_groups == 4 == len(context.answered)


def test_the_unanswered_needs_are_counted_whole_and_a_cited_but_unfunded_one_says_so(
    cycle_id: int, session: Session
) -> None:
    context = needs_survey_context(session, cycle_id=cycle_id, today=SURVEY_DAY)

    # 110 needs, three merged into 48: 107 groups, of which the funded projects answer 4.
    assert (context.groups, context.unanswered_groups) == (107, 103)
    assert context.unanswered_residents == 110 - 4 - 3
    # Need 1 is cited by the rejected 孝老敬亲 only: proposed, not answered.
    [first] = [r for r in context.top_needs if r.text.startswith("老伴患阿尔茨海默病")]
    assert first.coverage_label == "已有申报，未立项" and first.answers == ()
    assert first.domain_name == "情暖夕阳（待确认）"


def test_the_domain_rows_are_the_one_count_of_needs_per_domain(
    cycle_id: int, session: Session
) -> None:
    context = needs_survey_context(session, cycle_id=cycle_id, today=SURVEY_DAY)

    rows = {r.name: r for r in context.domain_rows}
    # elderly: 48's group (4 residents) and the pending lead 1; special: 4.
    assert (rows["情暖夕阳"].residents, rows["情暖夕阳"].groups, rows["情暖夕阳"].pending) == (
        5,
        2,
        1,
    )
    assert rows["情暖夕阳"].funded_residents == 4 and rows["爱在淮河"].funded_residents == 1
    assert rows["待人工确认"].groups == 107 - 3
    assert sum(r.residents for r in context.domain_rows) == context.residents == 110
    assert sum(r.total for r in context.community_rows) == 110


def test_drafts_and_withdrawn_proposals_answer_nothing(cycle_id: int, session: Session) -> None:
    meals = session.exec(select(Proposal).where(Proposal.title == MEALS)).one()
    meals.status = ProposalStatus.WITHDRAWN
    session.commit()

    titles = {p.title for p in list_citing_proposals(session, cycle_id=cycle_id)}

    assert MEALS not in titles and "暖心驿站·困难家庭应急帮扶" in titles


def test_the_survey_pdf_names_the_answering_project_and_how(
    cycle_id: int, session: Session, tmp_path: Path
) -> None:
    now = datetime(2026, 5, 22, 18, 0, tzinfo=SHANGHAI)
    summary = write_needs_survey(
        session,
        actor=SYSTEM,
        now=now,
        cycle_id=cycle_id,
        output_dir=tmp_path,
        templates_dir=PROJECT_ROOT / "templates",
        today=SURVEY_DAY,
    )

    text = subprocess.run(
        ["pdftotext", summary.pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert "五、已立项项目回应的需求" in flat and "六、尚无项目回应的需求" in flat
    # Table cells wrap: the title and its words are checked by their first lines.
    assert "银龄互助·幸福食堂" in flat and "依托明珠社区党群服务中心开设" in flat
    assert "尚无立项项目回应的需求共103项" in flat
    book = load_workbook(summary.xlsx)
    answers = [[c.value for c in row] for row in book["项目回应"].iter_rows(min_row=2)]
    assert [4, "明珠社区", "情暖夕阳", "希望社区开设老年助餐点，独居老人做饭困难", MEALS] in [
        a[:5] for a in answers
    ]
    assert book["尚无项目回应"].max_row == 1 + 103  # every one, not only the first ten


def test_the_context_is_signed_by_the_office_every_other_document_names(
    cycle_id: int, session: Session
) -> None:
    from flows.fund.fund_reports import issuing_office

    context = needs_survey_context(session, cycle_id=cycle_id, today=SURVEY_DAY)
    assert context.office is not None
    assert context.office == issuing_office(session, cycle_id)
