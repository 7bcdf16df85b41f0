"""Score sheets and objections through their services on a real session (SQLite and PostgreSQL).

The world is the portal's: a proposal waiting in 初审 with 评估专家甲 and 评估专家乙 seated
under the demo call's five criteria. The blank sheet the office hands out reads back through
the same service that enters it (CSV for the CLI, XLSX for the portal), dated by the business
day the clerk gives; objections are taken only within the 公示 and by the office.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.proposal import Proposal, Review
from models.publicity import PublicNotice
from models.rows import RowsRejected
from models.status import ProposalStatus, Role, Stage
from models.user import AuditEvent
from services import Actor, Forbidden, Refused
from services.objections import lodge_objection, record_conclusion, resolve_objection
from services.reviewer_pool import read_reviewer_pool
from services.score_sheet import (
    blank_sheet,
    enter_score_sheet,
    write_sheet_csv,
    write_sheet_xlsx,
)
from tests.web.portal_builders import PortalWorld, build_portal_world

NOW = datetime(2026, 6, 5, 10, 0, tzinfo=UTC)
CLERK = Actor(login="clerk", name="街道专干", role=Role.STAFF)
EVALUATOR = Actor(login="e1", name="评估专家甲", role=Role.EVALUATOR)


@pytest.fixture
def world(session: Session, tmp_path: Path) -> PortalWorld:
    return build_portal_world(session, tmp_path)


def _fill_csv(path: Path, score: str) -> Path:
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        row[5:] = [score] * (len(row) - 5)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_blank_sheet_reads_back_filled_and_is_entered_with_its_business_date(
    session: Session, world: PortalWorld, tmp_path: Path, suffix: str
) -> None:
    sheet = blank_sheet(session, call_id=_call_id(session, world), stage=Stage.PRELIMINARY)
    assert [row[1] for row in sheet.rows] == ["评估专家乙", "评估专家甲"]
    for row in sheet.rows:
        row[5:] = ["75"] * (len(row) - 5)
    target = tmp_path / f"初审评分表{suffix}"
    (write_sheet_csv if suffix == ".csv" else write_sheet_xlsx)(sheet, target)

    entered = enter_score_sheet(
        session,
        actor=CLERK,
        now=NOW,
        on=date(2026, 5, 23),
        call_id=_call_id(session, world),
        stage=Stage.PRELIMINARY,
        path=target,
    )

    assert entered.scores == 2 and len(session.exec(select(Review)).all()) == 2
    [event] = session.exec(
        select(AuditEvent).where(AuditEvent.action == "review_score_sheet")
    ).all()
    assert event.business_on == date(2026, 5, 23) and event.detail.startswith("2026-05-23 初审")


def test_a_sheet_with_one_bad_cell_stores_nothing_and_names_its_row(
    session: Session, world: PortalWorld, tmp_path: Path
) -> None:
    call_id = _call_id(session, world)
    target = write_sheet_csv(
        blank_sheet(session, call_id=call_id, stage=Stage.PRELIMINARY), tmp_path / "s.csv"
    )
    _fill_csv(target, "80")
    rows = target.read_text(encoding="utf-8-sig").splitlines()
    rows[2] = rows[2].rsplit(",", 1)[0] + ",101"
    target.write_text("\n".join(rows), encoding="utf-8-sig")

    with pytest.raises(RowsRejected) as rejected:
        enter_score_sheet(
            session, actor=CLERK, now=NOW, call_id=call_id, stage=Stage.PRELIMINARY, path=target
        )

    assert [str(e) for e in rejected.value.errors] == [
        "s.csv 第 3 行「创新性」：得分应在 0–100 之间，收到 101"
    ]
    assert session.exec(select(Review)).all() == []
    with pytest.raises(Forbidden):
        enter_score_sheet(
            session, actor=EVALUATOR, now=NOW, call_id=call_id, stage=Stage.PRELIMINARY, path=target
        )


def test_a_conflict_typed_for_a_reviewer_outside_the_pool_is_named(
    session: Session, world: PortalWorld
) -> None:
    with pytest.raises(RowsRejected) as rejected:
        read_reviewer_pool(
            session, names_text="甲\n乙\n\n甲", conflicts_text="丙，测试社工机构1，曾任职"
        )
    assert [str(e) for e in rejected.value.errors] == [
        "利益冲突（页面填写） 第 1 行「评审专家」：不在评审专家库中：'丙'"
    ]
    pool = read_reviewer_pool(
        session, names_text="甲\n乙\n\n甲", conflicts_text="甲,测试社工机构1,曾任职"
    )
    assert pool.names == ("甲", "乙") and pool.conflicts[0].kind == "past_employment"


def _call_id(session: Session, world: PortalWorld) -> int:
    proposal = session.get(Proposal, world.proposal_id)
    assert proposal is not None
    return proposal.call_id


def _on_notice(session: Session, world: PortalWorld) -> int:
    proposal = session.get(Proposal, world.proposal_id)
    assert proposal is not None
    proposal.status, proposal.stage = ProposalStatus.APPROVED, Stage.FINAL
    session.add(proposal)
    session.add(
        PublicNotice(
            call_id=proposal.call_id, published_on=date(2026, 5, 26), ends_on=date(2026, 6, 1)
        )
    )
    session.commit()
    return proposal.call_id


def test_an_upheld_objection_withdraws_the_award_and_the_conclusion_is_dated_once(
    session: Session, world: PortalWorld
) -> None:
    call_id = _on_notice(session, world)
    lodge = dict(
        now=NOW, call_id=call_id, proposal_id=world.proposal_id, submitter="居民甲", text="不实"
    )
    with pytest.raises(Forbidden):
        lodge_objection(session, actor=EVALUATOR, on=date(2026, 5, 27), **lodge)  # type: ignore[arg-type]
    with pytest.raises(Refused, match="早于公示"):
        lodge_objection(session, actor=CLERK, on=date(2026, 5, 20), **lodge)  # type: ignore[arg-type]
    objection_id = lodge_objection(session, actor=CLERK, on=date(2026, 5, 27), **lodge)  # type: ignore[arg-type]

    outcome = resolve_objection(
        session,
        actor=CLERK,
        now=NOW,
        call_id=call_id,
        objection_id=objection_id,
        uphold=True,
        reason="经核实材料不实",
        on=date(2026, 5, 29),
    )

    assert outcome == "upheld"
    session.expire_all()
    assert session.get(Proposal, world.proposal_id).status == ProposalStatus.REJECTED  # type: ignore[union-attr]
    for day in (date(2026, 6, 2), date(2026, 6, 3)):
        record_conclusion(session, actor=CLERK, now=NOW, call_id=call_id, on=day)
    [event] = session.exec(
        select(AuditEvent).where(AuditEvent.action == "conclude_publicity")
    ).all()
    assert event.business_on == date(2026, 6, 2)
    assert session.exec(select(PublicNotice)).one().concluded_on == date(2026, 6, 2)


def test_a_business_date_after_today_is_refused_before_anything_is_written(
    session: Session, world: PortalWorld
) -> None:
    from services.panels import seat_stage

    with pytest.raises(Refused, match="安排日期 2026-06-06 晚于今天"):
        seat_stage(
            session,
            actor=CLERK,
            now=NOW,
            on=date(2026, 6, 6),
            call_id=_call_id(session, world),
            stage=Stage.PRELIMINARY,
            reviewer_names=["评估专家甲", "评估专家乙", "高文博"],
        )
    assert session.exec(select(AuditEvent)).all() == []
