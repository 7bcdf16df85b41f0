"""Closing a cycle: final evaluations, last tranches, refunds, the report, the archive, the next cycle.

The cycle comes from `build_running_cycle` (three projects, three agencies,
the first tranche paid). Each test runs the real flows under the Prefect
harness on SQLite and PostgreSQL, and reads the database back with plain SQL
to check what the flows say.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from flows.call.close_call import close_call
from flows.call.new_cycle import new_cycle
from flows.closing.close_cycle import close_cycle
from flows.closing.cycle_archive import verify_archive
from flows.closing.final_evaluation import final_evaluation, review_final_evaluation
from flows.runtime import session_scope
from flows.selection.selection_stages import preliminary_bonuses
from models.agency import AgencyTrackRecord
from models.award import Tranche
from models.cycle import Cycle
from models.final_evaluation import FINAL_FAIL_NOTICE
from models.monitoring import MonthlyEvaluation, Notice
from models.proposal import Proposal, ScreeningCheck
from models.status import CycleStatus, ProposalStatus
from services import SYSTEM, Refused, tranches
from store import closing
from store.database import get_engine
from tests.builders import write_csv
from tests.flows.call_setup import publish_demo_call, raise_demo_fund
from tests.monitoring_builders import (
    AWARD_FEN,
    build_running_cycle,
    store_report,
    working_days,
)

pytestmark = pytest.mark.usefixtures("prefect_harness")
PERIOD_END = date(2026, 6, 30)
CLOSED_ON = date(2026, 7, 10)
SPEND = {"活动费": 9_000}  # fen per reported day: about the plan of month 1


def _cycle_with_june(session: Session, *, draft_month: bool = False):  # type: ignore[no-untyped-def]
    cycle = build_running_cycle(session, projects=3)
    stored = session.get(Cycle, cycle.cycle_id)
    stored.status = CycleStatus.RUNNING  # type: ignore[union-attr]
    session.add(stored)
    for n, project_id in enumerate(cycle.project_ids):
        for day in working_days(date(2026, 6, 1), PERIOD_END):
            refs = (
                f"P{project_id}-{day.day:02d}a",
                f"P{project_id}-{day.day:02d}b",
                f"P{project_id}-00",
            )
            store_report(session, project_id, day, people=20 + n, refs=refs, spend=SPEND)
        status = "draft" if draft_month and n == 2 else "published"
        session.add(
            MonthlyEvaluation(
                project_id=project_id,
                month="2026-06",
                status=status,
                total_score=(93.0, 85.0, 70.0)[n],
                grade=("优秀", "良好", "合格")[n],
            )
        )
    session.commit()
    return cycle


def _scores(tmp_path: Path, titles: tuple[str, ...]) -> Path:
    rows = [
        ["周立衡", titles[0], "98", "回应充分", ""],
        ["周立衡", titles[1], "60", "基本回应", ""],
        ["周立衡", titles[2], "60", "发票与台账不符", "是"],
    ]
    return write_csv(
        tmp_path / "final_scores.csv",
        ["评估专家", "项目名称", "需求回应", "评语", "资金违规"],
        rows,
    )


def _score_and_review(cycle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    final_evaluation(cycle.cycle_id, PERIOD_END, str(_scores(tmp_path, cycle.titles)), CLOSED_ON)
    with session_scope() as session:
        final_ids = [e.id for e in closing.list_final_evaluations(session, cycle_id=cycle.cycle_id)]
    assert len(final_ids) == len(cycle.titles)
    for final_id in final_ids:
        ok, message = review_final_evaluation(final_id, "陈慧敏")
        assert ok, message
    final_evaluation(cycle.cycle_id, PERIOD_END, None, CLOSED_ON)


def _sql(url: str, query: str) -> list:  # type: ignore[type-arg]
    with get_engine(url).connect() as connection:
        return list(connection.execute(text(query)))


def _recount_headline(url: str) -> dict[str, int]:
    """Recompute the headline figures with plain SQL, not through the flow's code."""
    refs: set[str] = set()
    for (value,) in _sql(url, "SELECT beneficiary_refs FROM dailyreport WHERE is_current"):
        refs.update(json.loads(value) if isinstance(value, str) else value)
    money = dict(_sql(url, "SELECT kind, SUM(amount_fen) FROM ledgerentry GROUP BY kind"))
    counts = _sql(
        url,
        "SELECT COUNT(*), COUNT(DISTINCT agency_id), COUNT(DISTINCT domain_id) FROM project",
    )[0]
    visits, minutes = _sql(
        url,
        "SELECT SUM(people_served), SUM(volunteer_minutes) FROM dailyreport WHERE is_current",
    )[0]
    return {
        "domains": counts[2],
        "projects": counts[0],
        "agencies": counts[1],
        "beneficiaries": len(refs),
        "service_visits": int(visits),
        "volunteer_hours": int(minutes) // 60,
        "raised_fen": int(money["donation"]),
        "committed_fen": int(money["commitment"]),
        "paid_fen": int(money["payment"]),
        "refunded_fen": int(money.get("refund", 0)),
        "in_kind_gifts": 0,
    }


def _row_counts(url: str) -> dict[str, int]:
    return {
        name: _sql(url, f'SELECT COUNT(*) FROM "{name}"')[0][0]
        for name in SQLModel.metadata.tables
        if name != "auditevent"
    }


def test_closing_refuses_while_evaluations_are_in_draft_and_lists_them(
    session: Session, tmp_path: Path
) -> None:
    cycle = _cycle_with_june(session, draft_month=True)
    final_evaluation(cycle.cycle_id, PERIOD_END, str(_scores(tmp_path, cycle.titles)), CLOSED_ON)

    summary = close_cycle(cycle.cycle_id, CLOSED_ON)

    assert f"「{cycle.titles[2]}」2026-06 月评估仍为草稿" in summary.blocked
    assert all(f"「{t}」结项评估仍为待审核" in summary.blocked for t in cycle.titles)
    assert not summary.headline
    assert not session.exec(select(Notice)).all()
    assert (
        _sql(
            session.bind.url.render_as_string(hide_password=False),
            "SELECT COUNT(*) FROM ledgerentry WHERE kind='refund'",
        )[0][0]
        == 0
    )  # type: ignore[union-attr]


@pytest.mark.one_backend
def test_close_pays_passing_projects_withholds_the_failed_one_refunds_and_archives(
    session: Session, database_url: str, tmp_path: Path
) -> None:
    cycle = _cycle_with_june(session)
    _score_and_review(cycle, tmp_path)

    summary = close_cycle(cycle.cycle_id, CLOSED_ON)

    assert not summary.blocked and not summary.errors
    assert summary.last_paid == cycle.titles[:2] and summary.withheld == cycle.titles[2:]
    # The headline figures match an independent count straight from the tables.
    assert summary.figures == _recount_headline(database_url)
    assert summary.headline == f"1 大领域 3 个服务项目，受益 {summary.figures['beneficiaries']} 人"
    # Every award ends with paid - refunded = what its project reported spending.
    spent = len(working_days(date(2026, 6, 1), PERIOD_END)) * SPEND["活动费"]
    for award_id in range(1, 4):
        paid = _sql(
            database_url,
            f"SELECT SUM(amount_fen) FROM ledgerentry WHERE kind='payment' AND award_id={award_id}",
        )[0][0]
        back = _sql(
            database_url,
            f"SELECT SUM(amount_fen) FROM ledgerentry WHERE kind='refund' AND award_id={award_id}",
        )[0][0]
        assert paid - back == spent
    withheld = session.exec(select(Tranche).where(Tranche.status == "withheld")).all()
    assert [t.amount_fen for t in withheld] == [AWARD_FEN * 20 // 100]
    notice = session.exec(select(Notice).where(Notice.kind == FINAL_FAIL_NOTICE)).one()
    assert cycle.titles[2] in notice.subject and "agency3@example.org" in notice.recipients
    records = {r.agency_id: r for r in session.exec(select(AgencyTrackRecord)).all()}
    assert records[cycle.agency_ids[0]].grade == "优秀"
    assert records[cycle.agency_ids[1]].grade == "良好"
    assert records[cycle.agency_ids[2]].grade == "不合格"
    assert records[cycle.agency_ids[2]].breaches == 2  # money misused, last tranche withheld
    manifest, problems = verify_archive(Path(summary.archive))
    assert problems == [] and manifest["rules_version"] == 1
    assert "结项/2026-1/创投周期总结报告.pdf" in {f["path"] for f in manifest["files"]}
    _check_report_pdf(summary.report_pdf, summary.figures)


def _check_report_pdf(pdf: str, figures: dict[str, int]) -> None:
    text_out = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True)
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    assert f"1大领域3个服务项目，受益{figures['beneficiaries']}人" in text_out.stdout
    assert "各服务领域结项等级" in text_out.stdout and "尚未获得资助的需求" in text_out.stdout
    assert "P1-00" not in text_out.stdout  # beneficiaries only as counts
    assert "CJK" in fonts and " yes " in fonts


@pytest.mark.one_backend
def test_closing_twice_changes_nothing_and_a_tampered_archive_is_caught(
    session: Session, database_url: str, tmp_path: Path
) -> None:
    cycle = _cycle_with_june(session)
    _score_and_review(cycle, tmp_path)
    first = close_cycle(cycle.cycle_id, CLOSED_ON)
    counts = _row_counts(database_url)
    manifest = (Path(first.archive) / "manifest.json").read_bytes()

    second = close_cycle(cycle.cycle_id, date(2026, 7, 20))

    assert second.already_closed and not second.errors
    assert second.figures == first.figures and not second.last_paid
    assert _row_counts(database_url) == counts
    assert (Path(first.archive) / "manifest.json").read_bytes() == manifest
    report = Path(first.archive) / "结项/2026-1/创投周期总结报告.pdf"
    report.write_bytes(report.read_bytes() + b"%tampered")
    _, problems = verify_archive(Path(first.archive))
    assert problems and "结项/2026-1/创投周期总结报告.pdf" in problems[0]


def test_a_refund_larger_than_what_was_paid_is_refused(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)

    def refund(amount_fen: int) -> int:
        return tranches.record_refund(
            session,
            actor=SYSTEM,
            now=datetime(2026, 7, 10, 9, tzinfo=UTC),
            project_id=cycle.project_ids[0],
            amount_fen=amount_fen,
            on=CLOSED_ON,
        )

    with pytest.raises(Refused, match="超过已拨付未退回"):
        refund(AWARD_FEN)
    booked = refund(1_000)

    assert booked == 1_000


@pytest.mark.one_backend
def test_a_second_cycle_started_from_the_first_applies_its_track_record(
    session: Session, tmp_path: Path
) -> None:
    cycle = _cycle_with_june(session)
    _score_and_review(cycle, tmp_path)
    close_cycle(cycle.cycle_id, CLOSED_ON)

    started = new_cycle(cycle.cycle_id)

    # Domains and rules carried, money not: the staff add the bonus and publish the draft.
    assert started.domains == 4 and started.year == 2027
    assert (
        _sql(
            session.bind.url.render_as_string(hide_password=False),
            f"SELECT COUNT(*) FROM fund WHERE cycle_id={started.cycle_id}",
        )[0][0]
        == 0
    )  # type: ignore[union-attr]
    rules = Path(started.rules_file).read_text(encoding="utf-8")
    edited = tmp_path / "call-2027.toml"
    edited.write_text(
        rules.replace("[evaluation]\n", '[evaluation]\npast_grade_bonus = { "优秀" = 5 }\n'),
        encoding="utf-8",
    )
    raise_demo_fund(started.cycle_id)
    call_id = publish_demo_call(started.cycle_id, edited)
    session.add_all(
        [
            Proposal(
                call_id=call_id,
                agency_id=agency_id,
                domain_id=_domain_id(session, started.cycle_id),
                community_id=1,
                title=f"2027 项目 {n}",
                requested_fen=1_000_000,
                planned_people=600,
                months=6,
                submitted_at=_before_deadline(),
                status=ProposalStatus.SUBMITTED,
            )
            for n, agency_id in enumerate(cycle.agency_ids)
        ]
    )
    session.commit()

    close_call(call_id, date(2027, 5, 21))

    checks = {
        c.proposal_id: c
        for c in session.exec(select(ScreeningCheck).where(ScreeningCheck.rule == "track_record"))
    }
    by_agency = {
        p.agency_id: p.id for p in session.exec(select(Proposal).where(Proposal.call_id == call_id))
    }
    barred = checks[by_agency[cycle.agency_ids[2]]]
    assert not barred.passed and "2026 年度评估等级「不合格」低于「合格」" in barred.reason
    assert checks[by_agency[cycle.agency_ids[0]]].passed
    bonuses = preliminary_bonuses(call_id)
    assert bonuses[by_agency[cycle.agency_ids[0]]][0] == 5
    assert bonuses[by_agency[cycle.agency_ids[1]]][0] == 0


def _domain_id(session: Session, cycle_id: int) -> int:
    from store import cycles

    return cycles.list_domains(session, cycle_id=cycle_id)[0].id  # type: ignore[return-value]


def _before_deadline():  # type: ignore[no-untyped-def]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(2027, 5, 15, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_closing_releases_every_refused_or_undecided_tranche_and_closes_the_fund(
    session: Session, database_url: str, tmp_path: Path
) -> None:
    cycle = _cycle_with_june(session)
    _score_and_review(cycle, tmp_path)

    summary = close_cycle(cycle.cycle_id, CLOSED_ON)

    assert not summary.errors
    # Undecided mid-term tranches (all three) and the withheld last tranche are released.
    releases = _sql(
        database_url,
        "SELECT l.tranche_id, l.amount_fen, l.occurred_on, t.condition, t.status, l.memo "
        "FROM ledgerentry l JOIN tranche t ON t.id = l.tranche_id "
        "WHERE l.kind = 'release' ORDER BY l.tranche_id",
    )
    planned = session.exec(select(Tranche).where(Tranche.status != "released")).all()
    assert sorted(r[0] for r in releases) == sorted(t.id for t in planned)
    assert {r[3] for r in releases} == {"midterm_pass", "final_pass"}
    assert {str(r[2]) for r in releases} == {CLOSED_ON.isoformat()}
    assert summary.released_fen == sum(r[1] for r in releases) == sum(t.amount_fen for t in planned)
    withheld = [r for r in releases if r[4] == "withheld"]
    assert len(withheld) == 1 and cycle.titles[2] in withheld[0][5]
    assert "结项评估不合格" in withheld[0][5]
    # The commitments stay; nothing is committed that will not be paid.
    money = dict(_sql(database_url, "SELECT kind, SUM(amount_fen) FROM ledgerentry GROUP BY kind"))
    assert money["commitment"] - money["release"] == money["payment"]
    assert money["commitment"] - money["release"] - money["refund"] == (
        money["payment"] - money["refund"]
    )
    # Each status change carries its business date: the refused tranche, the completed projects.
    assert _sql(database_url, f"SELECT withheld_on FROM tranche WHERE id = {withheld[0][0]}")[0][
        0
    ] in (CLOSED_ON, CLOSED_ON.isoformat())
    assert {str(d) for (d,) in _sql(database_url, "SELECT status_on FROM project")} == {
        CLOSED_ON.isoformat()
    }
    # The fund is closed on the close date, with the cycle.
    status, closed_on = _sql(database_url, "SELECT status, closed_on FROM fund")[0]
    assert status == "closed" and str(closed_on) == CLOSED_ON.isoformat()

    # A released tranche can no longer be paid, and a second close changes nothing.
    with pytest.raises(Refused, match="资金承诺已于 2026-07-10 释放，不能再拨付"):
        tranches.pay_tranche(
            session,
            actor=SYSTEM,
            now=datetime(2026, 7, 20, 9, tzinfo=UTC),
            tranche_id=withheld[0][0],
            on=date(2026, 7, 20),
        )
    again = close_cycle(cycle.cycle_id, date(2026, 7, 20))
    assert again.released_fen == 0 and not again.errors
    assert _sql(database_url, "SELECT status, closed_on FROM fund")[0] == (status, closed_on)
    assert len(_sql(database_url, "SELECT id FROM ledgerentry WHERE kind = 'release'")) == len(
        releases
    )


def test_a_fund_closed_to_gifts_before_the_close_keeps_its_date(
    session: Session, database_url: str, tmp_path: Path
) -> None:
    from services import fund as fund_service

    cycle = _cycle_with_june(session)
    fund_service.close_fund(
        session,
        actor=SYSTEM,
        now=datetime(2026, 5, 1, 9, tzinfo=UTC),
        cycle_id=cycle.cycle_id,
        closed_on=date(2026, 5, 1),
    )
    _score_and_review(cycle, tmp_path)

    summary = close_cycle(cycle.cycle_id, CLOSED_ON)

    assert not summary.errors
    status, closed_on = _sql(database_url, "SELECT status, closed_on FROM fund")[0]
    assert (status, str(closed_on)) == ("closed", "2026-05-01")
