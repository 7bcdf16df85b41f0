"""Dated documents show the figures of their date, however late they are rendered.

The donor statement headed 截至 2026年7月1日 and the June 街道月度汇总 dated
2026-07-05 are rendered after mid-term tranches were paid on 2026-09-05 and a
June report was corrected in September; their figures must still be the
ledger's and the reports' as of their own dates.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from flows.fund.donor_statement import render_statements
from flows.fund.fund_reports import build_donor_statements
from flows.monitoring.street_summary import street_summary_context
from flows.runtime import get_templates_dir
from models.fund import LedgerKind
from models.money import format_fen
from models.monitoring import ActionItem, WeeklyMeeting
from models.status import ActionItemStatus
from reports.render import render_report
from services import figures
from tests.flows.figures_world import (
    JUNE,
    JUNE_END,
    MIDTERM_PAID,
    STATEMENT_DAY,
    SUMMARY_DAY,
    build_figures_world,
    ledger_sum,
)
from tests.monitoring_builders import SHANGHAI

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_july_donor_statement_counts_no_tranche_paid_in_september(
    session: Session, database_url: str
) -> None:
    world = build_figures_world(session)
    paid_by_july = ledger_sum(session, world.fund_id, LedgerKind.PAYMENT, STATEMENT_DAY)
    paid_in_all = ledger_sum(session, world.fund_id, LedgerKind.PAYMENT, MIDTERM_PAID)
    assert 0 < paid_by_july < paid_in_all  # the later payments exist

    statements = build_donor_statements.fn(world.cycle_id, STATEMENT_DAY)
    assert {s.fund_paid_fen for s in statements} == {paid_by_july}
    assert sum(s.paid_fen for s in statements) == paid_by_july
    assert {s.fund_committed_fen for s in statements} == {
        ledger_sum(session, world.fund_id, LedgerKind.COMMITMENT, STATEMENT_DAY)
    }
    outputs = {line.indicator: line.reported for p in statements[0].projects for line in p.outputs}
    assert outputs["服务人次"] is not None and outputs["受益人数"] is not None

    [path] = render_statements.fn(statements, world.cycle_id)
    text = _text(Path(path))
    assert "截至 2026年7月1日" in text
    assert f"已拨付 {format_fen(paid_by_july)} 元" in text.replace("\n", "")
    assert format_fen(paid_in_all) not in text


def test_the_june_street_summary_rendered_later_shows_junes_figures(
    session: Session, database_url: str, tmp_path: Path
) -> None:
    world = build_figures_world(session)
    context = street_summary_context(
        session, cycle_id=world.cycle_id, month=JUNE, today=SUMMARY_DAY, tz=SHANGHAI
    )
    paid_in_june = ledger_sum(session, world.fund_id, LedgerKind.PAYMENT, JUNE_END)
    assert context.paid_fen == paid_in_june
    assert paid_in_june < ledger_sum(session, world.fund_id, LedgerKind.PAYMENT, MIDTERM_PAID)
    assert sum(row.paid_fen for row in context.domain_rows) == paid_in_june
    # The June report corrected in September counts as it stood on 2026-07-05.
    june = figures.people_reached(
        session, cycle_id=world.cycle_id, first=JUNE_END.replace(day=1), last=JUNE_END
    )
    assert context.people_reached == june.service_visits
    assert context.people is not None and context.people.beneficiaries == june.beneficiaries
    assert "P0-LATE" not in str(context)

    target = render_report(
        "reports/street_summary.html",
        context,
        templates_dir=get_templates_dir(),
        target=tmp_path / "街道月度汇总-2026-06.pdf",
    )
    text = _text(target).replace("\n", "")
    assert f"已拨付{format_fen(paid_in_june)}元" in text
    assert "截至2026年6月30日" in text


def test_an_action_item_closed_in_august_is_still_overdue_in_junes_summary(
    session: Session, database_url: str
) -> None:
    world = build_figures_world(session)
    meeting = WeeklyMeeting(
        cycle_id=world.cycle_id, week_start=date(2026, 6, 8), held_on=date(2026, 6, 15)
    )
    session.add(meeting)
    session.flush()
    for seq, project_id, closed_on in ((1, 1, date(2026, 8, 3)), (2, 2, date(2026, 6, 25))):
        session.add(
            ActionItem(
                meeting_id=meeting.id or 0,
                seq=seq,
                project_id=world.project_ids[project_id],
                text="补交场地使用证明",
                owner="机构负责人",
                due_on=date(2026, 6, 20),
                status=ActionItemStatus.DONE,
                closed_on=closed_on,
            )
        )
    session.commit()
    context = street_summary_context(
        session, cycle_id=world.cycle_id, month=JUNE, today=SUMMARY_DAY, tz=SHANGHAI
    )
    reasons = {row.project_title: " ".join(row.reasons) for row in context.at_risk}
    assert "逾期待办 1 项" in reasons["测试项目2"]
    assert "逾期待办" not in reasons.get("测试项目3", "")  # closed before June ended
