"""Layered selection for real: panels, scores, the committee's pause and resume, 公示, signing."""

from __future__ import annotations

import threading
import time
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
from flows.selection.committee import CommitteeInput, get_pending, record_committee_decision
from flows.selection.conclude_publicity import conclude_publicity
from flows.selection.objections import lodge_objection, resolve_objection
from flows.selection.select_projects import select_projects
from flows.selection.selection_allocation import check_decision
from flows.selection.selection_stages import read_score_sheet, seat_panels, store_reviewer_pool
from models.fund import LedgerEntry, LedgerKind
from models.panel import ReviewAssignment
from models.proposal import Proposal
from models.publicity import PublicityError
from models.rows import RowsRejected
from models.selection import AllocationError
from models.status import ProposalStatus, Stage
from tests.builders import DEMO_DIR, write_csv

pytestmark = pytest.mark.usefixtures("prefect_harness")
DECIDED = date(2026, 5, 22)
START = date(2026, 6, 1)


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
    call_id = publish_call(cycle_id, str(DEMO_DIR / "call.toml"), date(2026, 5, 1))
    register_agencies(str(DEMO_DIR / "agencies.csv"), str(DEMO_DIR / "track_records.csv"))
    receive_demo_bids(call_id, DEMO_DIR)
    close_call(call_id, date(2026, 5, 21))
    return call_id


def _select(call_id: int, *, wait_seconds: int = 120) -> tuple[threading.Thread, dict]:
    box: dict = {}
    worker = threading.Thread(
        target=lambda: box.setdefault(
            "summary",
            select_projects(
                call_id,
                str(DEMO_DIR / "reviewers.csv"),
                str(DEMO_DIR / "conflicts.csv"),
                str(DEMO_DIR / "reviews.csv"),
                DECIDED,
                score_book=True,
                wait_seconds=wait_seconds,
            ),
        )
    )
    worker.start()
    return worker, box


def _wait_until_paused(call_id: int, worker: threading.Thread) -> None:
    from prefect.client.orchestration import get_client

    for _ in range(240):
        pending = get_pending(call_id)
        if pending is not None:
            with get_client(sync_client=True) as client:
                if client.read_flow_run(pending.flow_run_id).state.is_paused():
                    return
        assert worker.is_alive(), "the selection flow ended without waiting for the committee"
        time.sleep(0.5)
    raise AssertionError("the selection flow never paused")


def test_selection_waits_for_the_committee_and_follows_its_exclusion(session: Session) -> None:
    call_id = _prepare()
    worker, box = _select(call_id)
    _wait_until_paused(call_id, worker)
    excluded = session.exec(select(Proposal).where(Proposal.title == "四点半课堂")).one()

    record_committee_decision(
        call_id,
        CommitteeInput(
            accepted=False, exclude=[excluded.id], reasons="与现有托管服务重复", decided_by="主任"
        ),
        check=check_decision,
    )
    worker.join(timeout=120)

    summary = box["summary"]
    session.expire_all()
    assert session.get(Proposal, excluded.id).status == ProposalStatus.REJECTED
    assert "评审委员会决定不予资助" in session.get(Proposal, excluded.id).screening_note
    assert set(summary.preliminary_failed) == {"青少年周末兴趣班", "社区文化节"}
    assert summary.conflicts_excluded and all(
        "许嘉明" in line for line in summary.conflicts_excluded
    )
    assert summary.approved == 21 and summary.notice_ends_on == date(2026, 5, 28)
    seats = session.exec(
        select(ReviewAssignment).where(ReviewAssignment.stage == Stage.PRELIMINARY)
    ).all()
    assert {s.proposal_id for s in seats} and all(
        sum(1 for s in seats if s.proposal_id == pid) == 3 for pid in {s.proposal_id for s in seats}
    )


def test_an_upheld_objection_frees_money_for_the_waiting_list_and_nothing_is_signed_twice(
    session: Session,
) -> None:
    call_id = _prepare()
    worker, _ = _select(call_id)
    _wait_until_paused(call_id, worker)
    record_committee_decision(call_id, CommitteeInput(), check=check_decision)
    worker.join(timeout=120)
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


def test_a_committee_adjustment_outside_the_final_list_is_refused_before_anything_moves(
    session: Session,
) -> None:
    call_id = _prepare()
    worker, _ = _select(call_id)
    _wait_until_paused(call_id, worker)
    failed = session.exec(select(Proposal).where(Proposal.title == "社区文化节")).one()
    with pytest.raises(AllocationError, match="不在终审名单中"):
        record_committee_decision(
            call_id,
            CommitteeInput(accepted=False, include=[failed.id], reasons="补录", decided_by="主任"),
            check=check_decision,
        )
    assert get_pending(call_id) is not None
    record_committee_decision(call_id, CommitteeInput(), check=check_decision)
    worker.join(timeout=120)
    assert not worker.is_alive()
