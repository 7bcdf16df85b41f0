"""The 立项公示 prints the window it counts and where to object; a 配套资助 contract prints the matching money."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from flows.selection.selection_reports import (
    write_contract_pdfs,
    write_notice_pdf,
    write_selection_summary_pdf,
)
from models.call import Call
from models.proposal import Proposal
from models.publicity import PublicNotice, window_end
from reports.privacy_scan import pdf_text
from tests.monitoring_builders import build_running_cycle

THURSDAY = date(2026, 5, 28)


def _notice(session: Session, ends_on: date) -> str:
    build_running_cycle(session, projects=2)
    call = session.exec(select(Call)).one()
    session.add(PublicNotice(call_id=call.id, published_on=THURSDAY, ends_on=ends_on))  # type: ignore[arg-type]
    session.commit()
    return "".join(pdf_text(Path(write_notice_pdf.fn(call.id))).split())


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("first_day_counts", "printed"),
    [
        (True, "公示期自2026年5月28日起至2026年6月3日止，共5个工作日"),
        (False, "公示期自2026年5月29日起至2026年6月4日止，共5个工作日"),
    ],
)
def test_the_notice_prints_five_working_days_however_the_end_was_counted(
    session: Session, first_day_counts: bool, printed: str
) -> None:
    text = _notice(session, window_end(THURSDAY, 5, first_day_counts=first_day_counts))
    assert printed in text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_notice_says_where_to_object_and_is_signed_by_the_office(session: Session) -> None:
    text = _notice(session, date(2026, 6, 3))
    assert "来信地址合肥市庐阳区淮河路街道办事处二楼社会事务科" in text
    assert "联系电话0551-62881234（社会事务科王老师）" in text
    assert "电子邮箱gongyi@hhl.example.cn" in text
    assert "淮河路街道办事处（公章）" in text
    # The subtitle is the notice's own, not the call's name.
    assert "2026年度公益创投·拟资助项目2个" in text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_matching_call_prints_the_agencys_money_and_its_part_in_each_tranche(
    session: Session,
) -> None:
    build_running_cycle(session, projects=1)
    call = session.exec(select(Call)).one()
    rules = dict(call.rules)
    rules["funding_mode"] = {**rules["funding_mode"], "matching_percent": 20}
    call.rules = rules
    session.add(call)
    session.commit()
    [proposal] = session.exec(select(Proposal)).all()
    [pdf] = write_contract_pdfs.fn(call.id, [proposal.id], date(2026, 6, 3))
    text = "".join(pdf_text(Path(pdf)).split())
    # 20% of 12,000.00 is 2,400.00, due 50 / 30 / 20 with the tranches.
    assert "乙方配套资金2,400.00元" in text
    assert "乙方配套到位（元）" in text
    assert "1,200.00" in text and "720.00" in text and "480.00" in text
    assert "全额资助" not in text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_selection_summary_written_again_later_is_the_same_document(session: Session) -> None:
    from models.fund import Donation, LedgerEntry, LedgerKind
    from models.register import DocumentRecord

    running = build_running_cycle(session, projects=2)
    call = session.exec(select(Call)).one()
    session.add(
        PublicNotice(
            call_id=call.id,  # type: ignore[arg-type]
            published_on=THURSDAY,
            ends_on=date(2026, 6, 3),
            concluded_on=date(2026, 6, 5),
        )
    )
    session.commit()
    first = write_selection_summary_pdf.fn(call.id, date(2026, 6, 5))
    # Months later the fund has moved on: a new gift after the summary's day.
    gift = Donation(
        fund_id=running.fund_id,
        donor_name="爱心企业乙",
        donor_type="company",
        donated_on=date(2026, 9, 1),
        amount_fen=5_000_000,
        source_key="gift-later",
    )
    session.add(gift)
    session.flush()
    session.add(
        LedgerEntry(
            fund_id=running.fund_id,
            kind=LedgerKind.DONATION,
            amount_fen=gift.amount_fen,
            occurred_on=gift.donated_on,
            donation_id=gift.id,
            idempotency_key="donation:gift-later",
        )
    )
    session.commit()
    again = write_selection_summary_pdf.fn(call.id, date(2026, 12, 1))
    assert again == first
    rows = session.exec(select(DocumentRecord)).all()
    assert [(r.kind, r.version) for r in rows] == [("selection_summary", 1)]
    text = "".join(pdf_text(Path(again)).split())
    assert "占基金募集额100,000.00元" in text and "2026年6月5日" in text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_final_and_midterm_reports_mask_the_people_the_cycle_knows(session: Session) -> None:
    from flows.closing.final_reports import write_final_reports
    from flows.monitoring.midterm_reports import write_midterm_reports
    from models.project import Project
    from models.publicity import Objection
    from tests.reports.test_document_checklist import _published_final, _published_months

    running = build_running_cycle(session, projects=1)
    project = session.exec(select(Project)).one()
    [proposal] = session.exec(select(Proposal)).all()
    session.add(
        Objection(
            proposal_id=proposal.id,  # type: ignore[arg-type]
            submitted_on=THURSDAY,
            submitter="欧阳晓明",
            text="材料不实",
        )
    )
    final = _published_final(project.id)  # type: ignore[arg-type]
    final.comment = "欧阳晓明反映的问题已整改，联系电话 13955501235。"
    final.cited_needs = [
        {"text": "欧阳晓明家老人需要助餐", "community": "长淮社区", "residents": 3}
    ]
    months = _published_months(project.id)  # type: ignore[arg-type]
    months[-1].comment = "欧阳晓明参加了全部活动。"
    session.add_all([final, *months])
    session.commit()
    for pdf in (
        write_final_reports.fn(running.cycle_id)[0],
        write_midterm_reports.fn(running.cycle_id)[0],
    ):
        text = "".join(pdf_text(Path(pdf)).split())
        assert "欧阳晓明" not in text and "欧***" in text, pdf
        assert "13955501235" not in text
