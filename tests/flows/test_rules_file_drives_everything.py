"""One rules file drives validation, screening, the published call and the contract terms.

The test publishes the demo rules file, then the same file with one standard
changed — 资助方式 from 全额资助 (matching_percent = 0) to 配套资助 with at
least 20% of the agency's own money — as the call's next version. All four
consumers of the rules follow the change:
- validation refuses the demo proposals whose own money is below 20%;
- screening fails the same stored proposals on the 配套资金 rule;
- the 申报指南 PDF states the new funding mode and ratio;
- the contract terms add the agency's matching money, split by the tranche plan.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from flows.call import close_call, publish_call
from flows.runtime import session_scope
from models.call_rules import read_call_rules
from models.contract import draft_terms, plan_tranches
from models.eligibility import AgencyRecord, Bid, screen_bid
from models.rows import RowsRejected
from store import calls, cycles, proposals
from tests.builders import DEMO_DIR
from tests.flows.call_setup import (
    demo_call_with_bids,
    publish_demo_call,
    receive,
)

BASE = (DEMO_DIR / "call.toml").read_text(encoding="utf-8")
RULE, CHANGED_RULE = "matching_percent = 0 ", "matching_percent = 20 "


def changed_file(folder: Path) -> Path:
    """The demo rules file with the one rule changed, published as the next version."""
    assert BASE.count(RULE) == 1 and BASE.count("version = 1\n") == 1
    path = folder / "call.toml"
    path.write_text(
        BASE.replace(RULE, CHANGED_RULE).replace("version = 1\n", "version = 2\n"), encoding="utf-8"
    )
    return path


def pdf_text(path: str) -> str:
    return subprocess.run(
        ["pdftotext", path, "-"], capture_output=True, text=True, check=True
    ).stdout


def screened_on_matching(call_id: int, rules_call_id: int) -> dict[str, bool]:
    """Screen the proposals stored under one call with another call's rules; return the 配套资金 results."""
    with session_scope() as session:
        rules = read_call_rules(calls.get_call(session, rules_call_id).rules)
        call = calls.get_call(session, call_id)
        keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=call.cycle_id)}
        budget = proposals.list_budget_lines(session, call_id=call_id)
        kpis = proposals.list_kpi_targets(session, call_id=call_id)
        stored = proposals.list_proposals(session, call_id=call_id)
    agency = AgencyRecord("社会服务机构", date(2015, 1, 1), "合格", False)
    results = {}
    for p in stored:
        draft = close_call.to_draft(p, keys, budget[p.id], kpis[p.id])  # type: ignore[index]
        checks = screen_bid(
            Bid(draft, p.submitted_at, 1),
            agency=agency,
            rules=rules,
            deadline=call.deadline,
            today=date(2026, 5, 21),
        )
        results[p.title] = next(c for c in checks if c.rule == "matching").passed
    return results


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_changing_one_rule_changes_validation_screening_the_call_pdf_and_the_contract(
    database_url: str, tmp_path: Path
) -> None:
    cycle_id, base_call = demo_call_with_bids()
    changed_call = publish_demo_call(cycle_id, changed_file(tmp_path))

    # Validation: the same batch that the base call took is refused, on 配套资金 only.
    with pytest.raises(RowsRejected) as rejected:
        receive(changed_call, DEMO_DIR / "proposals.csv")
    columns = {e.column for e in rejected.value.errors}
    assert columns == {"配套资金（元）"}
    assert len(rejected.value.errors) == 26
    assert "配套资金 1,500.00 元低于申请金额的 20%（至少 3,000.00 元）" in str(
        rejected.value.errors[0]
    )

    # Screening: the stored proposals pass the base rule and fail the changed one.
    assert set(screened_on_matching(base_call, base_call).values()) == {True}
    assert set(screened_on_matching(base_call, changed_call).values()) == {False}

    # The published call: the PDF of each version states its own funding mode.
    base_pdf = pdf_text(publish_demo_pdf(base_call))
    changed_pdf = pdf_text(publish_demo_pdf(changed_call))
    assert "本次采用全额资助方式" in base_pdf and "配套资助" not in base_pdf
    assert "本次采用配套资助方式" in changed_pdf and "不少于申请资助金额的 20%" in changed_pdf

    # The contract terms: the matching money appears, split by the call's tranche plan.
    with session_scope() as session:
        base = read_call_rules(calls.get_call(session, base_call).rules)
        changed = read_call_rules(calls.get_call(session, changed_call).rules)
    before = draft_terms(base, award_fen=1_500_000, matching_fen=0)
    after = draft_terms(changed, award_fen=1_500_000, matching_fen=0)
    assert before.tranches == after.tranches == tuple(plan_tranches(1_500_000, base.tranches))
    assert (before.funding_mode, before.matching_fen, before.matching_tranches) == ("full", 0, ())
    assert (after.funding_mode, after.matching_fen) == ("matching", 300_000)
    assert after.matching_tranches == tuple(plan_tranches(300_000, changed.tranches))
    assert [t.amount_fen for t in after.matching_tranches] == [150_000, 90_000, 60_000]


def publish_demo_pdf(call_id: int) -> str:
    """Render a stored call's 申报指南."""
    return publish_call.render_call.fn(call_id, date(2026, 5, 1))
