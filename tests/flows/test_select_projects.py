"""Layered selection for real, step by step: panels, scores, the stage closes, the committee's
decision given at any later time, 公示, signing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from flows.call.close_call import close_call
from flows.call.open_cycle import open_cycle
from flows.call.publish_call import publish_call
from flows.call.register_agencies import register_agencies
from flows.demo.demo_selection import receive_demo_bids
from flows.fund.raise_fund import raise_fund
from flows.needs.needs_intake import needs_intake
from flows.selection.committee import CommitteeChoice, committee_decision
from flows.selection.conclude_publicity import conclude_publicity
from flows.selection.objections import lodge_objection, resolve_objection
from flows.selection.select_projects import SelectionSummary, read_summary, select_projects
from flows.selection.selection_stages import read_score_sheet, seat_panels, store_reviewer_pool
from models.fund import LedgerEntry, LedgerKind
from models.panel import ReviewAssignment
from models.proposal import Proposal
from models.publicity import PublicityError
from models.rows import RowsRejected
from models.status import ProposalStatus, Stage
from services import Refused
from store.selection import get_notice, get_pending_decision
from tests.builders import DEMO_DIR, write_csv

pytestmark = pytest.mark.usefixtures("prefect_harness")
DECIDED = date(2026, 5, 22)
START = date(2026, 6, 1)


def _call_file() -> str:
    """The demo's call, its 初审 pass line at 70 on the raw mean (two proposals fall below it)."""
    import re
    import tempfile

    text = (DEMO_DIR / "call.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^preliminary_pass_score = .*$", "preliminary_pass_score = 70", text)
    target = Path(tempfile.mkdtemp()) / "call.toml"
    target.write_text(text, encoding="utf-8")
    return str(target)


def _prepare() -> int:
    cycle_id = open_cycle(
        "淮河路街道办事处",
        2026,
        "2026年度公益创投",
        date(2026, 3, 1),
        date(2026, 12, 31),
        str(DEMO_DIR / "communities.csv"),
    )
    needs_intake(cycle_id, str(DEMO_DIR / "needs.csv"))
    raise_fund(
        cycle_id,
        "淮河路街道专项公益基金",
        str(DEMO_DIR / "donations.csv"),
        str(DEMO_DIR / "in_kind.csv"),
    )
    call_id = publish_call(cycle_id, _call_file(), date(2026, 5, 1))
    register_agencies(str(DEMO_DIR / "agencies.csv"), str(DEMO_DIR / "track_records.csv"))
    receive_demo_bids(call_id, DEMO_DIR)
    close_call(call_id, date(2026, 5, 21))
    return call_id


def _select(call_id: int, scores: Path = DEMO_DIR / "reviews.csv", **kwargs) -> SelectionSummary:
    return select_projects(
        call_id,
        str(DEMO_DIR / "reviewers.csv"),
        str(DEMO_DIR / "conflicts.csv"),
        str(scores),
        DECIDED,
        score_book=True,
        **kwargs,
    )


def _preliminary_only(tmp_path: Path) -> Path:
    lines = (DEMO_DIR / "reviews.csv").read_text(encoding="utf-8-sig").splitlines()
    kept = [lines[0], *(line for line in lines[1:] if line.startswith("初审,"))]
    target = tmp_path / "初审评分.csv"
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


def test_selection_stops_at_each_missing_input_and_the_committee_decides_later(
    session: Session, tmp_path: Path
) -> None:
    call_id = _prepare()

    # Only the 初审 sheet: 初审 is closed at its pass line, and the run names the 路演 step.
    first = _select(call_id, _preliminary_only(tmp_path))
    assert first.errors == ()
    assert set(first.preliminary_failed) == {"青少年周末兴趣班", "社区文化节"}
    assert "路演评分未齐" in first.next_step and "拟资助" not in first.next_step
    assert get_pending_decision(session, call_id=call_id) is None
    assert first.conflicts_excluded and all("许嘉明" in line for line in first.conflicts_excluded)

    # The whole score book: 路演 is closed, the allocation proposed; nothing waits in a process.
    second = _select(call_id)
    assert second.next_step.startswith("拟资助方案已提交") and second.approved == 0
    assert get_pending_decision(session, call_id=call_id) is not None

    # Days later the committee decides, excluding one proposal, through the flow every door uses.
    excluded = session.exec(select(Proposal).where(Proposal.title == "四点半课堂")).one()
    pdf = committee_decision(
        call_id,
        accepted=False,
        exclude=[excluded.id],
        reasons="与现有托管服务重复",
        decided_by="主任",
        on=DECIDED,
    )
    session.expire_all()
    assert Path(pdf).exists()
    assert session.get(Proposal, excluded.id).status == ProposalStatus.REJECTED
    assert "评审委员会决定不予资助" in session.get(Proposal, excluded.id).screening_note
    summary = read_summary(call_id, next_step="")
    assert summary.approved == 21 and summary.notice_ends_on == date(2026, 5, 28)
    assert summary.committee == "调整：与现有托管服务重复"
    seats = session.exec(
        select(ReviewAssignment).where(ReviewAssignment.stage == Stage.PRELIMINARY)
    ).all()
    assert {s.proposal_id for s in seats} and all(
        sum(1 for s in seats if s.proposal_id == pid) == 3 for pid in {s.proposal_id for s in seats}
    )
    with pytest.raises(Refused, match="终审决定已由主任作出"):
        committee_decision.fn(call_id, decided_by="主任", on=DECIDED)


@pytest.mark.one_backend
def test_an_upheld_objection_frees_money_for_the_waiting_list_and_nothing_is_signed_twice(
    session: Session,
) -> None:
    call_id = _prepare()
    assert _select(call_id, decision=CommitteeChoice()).notice_ends_on == date(2026, 5, 28)
    approved = session.exec(
        select(Proposal).where(Proposal.status == ProposalStatus.APPROVED)
    ).all()
    target = approved[0]

    with pytest.raises(PublicityError, match="公示期已于 2026-05-28 结束"):
        lodge_objection(
            call_id,
            proposal_id=target.id,
            submitter="居民甲",
            text="材料不实",
            day=date(2026, 6, 1),
        )
    objection = lodge_objection(
        call_id, proposal_id=target.id, submitter="居民甲", text="材料不实", day=date(2026, 5, 27)
    )
    resolve_objection(call_id, objection, uphold=True, reason="经核实材料不实", by="工作人员")
    with pytest.raises(PublicityError, match="公示期至 2026-05-28 结束"):
        conclude_publicity.fn(call_id, date(2026, 5, 28), START)

    first = conclude_publicity(call_id, START, START)
    again = conclude_publicity(call_id, START, START)

    # The second run signs nothing; it names the same contracts, none rendered again.
    assert first.upheld == 1 and again.contracts == first.contracts
    commitments = session.exec(
        select(func.sum(LedgerEntry.amount_fen)).where(LedgerEntry.kind == LedgerKind.COMMITMENT)
    ).one()
    payments = session.exec(
        select(func.sum(LedgerEntry.amount_fen)).where(LedgerEntry.kind == LedgerKind.PAYMENT)
    ).one()
    donations = session.exec(
        select(func.sum(LedgerEntry.amount_fen)).where(LedgerEntry.kind == LedgerKind.DONATION)
    ).one()
    assert commitments <= donations
    assert payments == commitments // 2
    assert (
        len(first.contracts)
        == session.exec(
            select(func.count())
            .select_from(Proposal)
            .where(Proposal.status == ProposalStatus.CONTRACTED)
        ).one()
    )
    assert all(Path(p).exists() for p in first.contracts)


def test_bad_score_sheets_are_refused_naming_row_and_field(
    session: Session, tmp_path: Path
) -> None:
    call_id = _prepare()
    names = store_reviewer_pool.fn(str(DEMO_DIR / "reviewers.csv"), str(DEMO_DIR / "conflicts.csv"))
    panels = seat_panels.fn(call_id, Stage.PRELIMINARY, names)
    title, seated = next(iter(panels.items()))
    outsider = next(n for n in names if n not in seated)
    header = ("评审专家", "项目名称", "需求契合度", "服务设计", "机构能力", "预算合理性", "创新性")
    sheet = write_csv(
        tmp_path / "scores.csv",
        header,
        [
            [seated[0], title, "101", "80", "80", "80", "80"],
            [outsider, title, "80", "80", "80", "80", "80"],
            [seated[1], title, "80", "80", "80", "80", "80"],
            [seated[1], title, "81", "80", "80", "80", "80"],
        ],
    )
    with pytest.raises(RowsRejected) as refused:
        read_score_sheet.fn(call_id, Stage.PRELIMINARY, str(sheet))
    messages = [str(e) for e in refused.value.errors]
    assert messages[0] == "scores.csv 第 2 行「需求契合度」：得分应在 0–100 之间，收到 101"
    assert "未被分配评审" in messages[1] and "第 3 行" in messages[1]
    assert "评分重复" in messages[2] and "第 5 行" in messages[2]


@pytest.mark.one_backend
def test_a_committee_adjustment_outside_the_final_list_is_refused_before_anything_moves(
    session: Session,
) -> None:
    call_id = _prepare()
    assert _select(call_id).next_step.startswith("拟资助方案已提交")
    failed = session.exec(select(Proposal).where(Proposal.title == "社区文化节")).one()
    with pytest.raises(Refused, match="不在终审名单中"):
        committee_decision.fn(
            call_id,
            accepted=False,
            include=[failed.id],
            reasons="补录",
            decided_by="主任",
            on=DECIDED,
        )
    session.expire_all()
    assert get_pending_decision(session, call_id=call_id) is not None
    assert get_notice(session, call_id=call_id) is None
    committee_decision.fn(call_id, decided_by="主任", on=DECIDED)
    session.expire_all()
    assert get_notice(session, call_id=call_id).published_on == DECIDED


def test_an_empty_or_headerless_score_sheet_is_refused_in_one_line(
    session: Session, tmp_path: Path
) -> None:
    call_id = _prepare()
    names = store_reviewer_pool.fn(str(DEMO_DIR / "reviewers.csv"), None)
    seat_panels.fn(call_id, Stage.PRELIMINARY, names)
    empty = tmp_path / "评分表.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(RowsRejected) as refused:
        read_score_sheet.fn(call_id, Stage.PRELIMINARY, str(empty))
    assert [str(e) for e in refused.value.errors] == ["评分表.csv 第 1 行「-」：文件是空的"]
    header_only = write_csv(
        tmp_path / "只有表头.csv",
        ("评审专家", "项目名称", "需求契合度", "服务设计", "机构能力", "预算合理性", "创新性"),
        [],
    )
    assert read_score_sheet.fn(call_id, Stage.PRELIMINARY, str(header_only)) == []
