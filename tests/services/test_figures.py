"""services.figures on a real database: each headline figure as of a date."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from models.fund import LedgerKind
from services import figures
from store import cycles
from tests.flows.figures_world import (
    JUNE_END,
    MIDTERM_PAID,
    SUMMARY_DAY,
    build_figures_world,
    ledger_sum,
)
from tests.monitoring_builders import SHANGHAI

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def test_money_as_of_reads_only_entries_dated_by_the_day(session: Session) -> None:
    world = build_figures_world(session)
    for day in (date(2026, 5, 1), JUNE_END, MIDTERM_PAID):
        money = figures.money_as_of(session, cycle_id=world.cycle_id, as_of=day)
        assert money.paid_fen == ledger_sum(session, world.fund_id, LedgerKind.PAYMENT, day)
        assert money.committed_fen == ledger_sum(session, world.fund_id, LedgerKind.COMMITMENT, day)
        assert money.raised_fen == ledger_sum(session, world.fund_id, LedgerKind.DONATION, day)
    by_award = figures.award_money_as_of(session, cycle_id=world.cycle_id, as_of=JUNE_END)
    later = figures.award_money_as_of(session, cycle_id=world.cycle_id, as_of=MIDTERM_PAID)
    assert all(later[a].paid_fen > by_award[a].paid_fen for a in by_award)
    assert figures.money_as_of(session, cycle_id=999, as_of=JUNE_END).raised_fen == 0


def test_needs_per_domain_count_pending_ones_in_their_domain(session: Session) -> None:
    world = build_figures_world(session)
    needs = figures.needs_by_domain(session, cycle_id=world.cycle_id, as_of=JUNE_END)
    keys = [d.key for d in cycles.list_domains(session, cycle_id=world.cycle_id)]
    assert [d.domain_key for d in needs.domains] == keys
    elderly, youth, special = needs.of("elderly"), needs.of("youth"), needs.of("special")
    assert (elderly.groups, elderly.pending, elderly.residents) == (2, 0, 3)
    assert (youth.groups, youth.pending) == (2, 1) and (special.groups, special.pending) == (1, 1)
    assert needs.unsorted.groups == 1 and needs.groups == 6 and needs.residents == 7
    before = figures.needs_by_domain(session, cycle_id=world.cycle_id, as_of=date(2026, 3, 1))
    assert before.groups == 0


def test_people_and_reports_count_what_had_arrived_by_the_day(session: Session) -> None:
    world = build_figures_world(session)
    june = figures.people_reached(
        session, cycle_id=world.cycle_id, first=date(2026, 6, 1), last=JUNE_END
    )
    corrected = figures.people_reached(
        session,
        cycle_id=world.cycle_id,
        first=date(2026, 6, 1),
        last=JUNE_END,
        known_by=date(2026, 12, 1),
    )
    assert corrected.service_visits == june.service_visits + 40  # the September correction
    assert corrected.beneficiaries == june.beneficiaries + 1
    assert june.beneficiaries < june.service_visits
    assert june.planned_visits == 3 * 200 and june.planned_visits_total == 3 * 6 * 200
    reports = figures.reports_due(
        session,
        cycle_id=world.cycle_id,
        first=date(2026, 6, 1),
        last=JUNE_END,
        tz=SHANGHAI,
        known_by=SUMMARY_DAY,
    )
    assert reports.due == reports.submitted == 3 * 22
    assert 0 < reports.late == reports.due - reports.on_time
    too_early = figures.reports_due(
        session,
        cycle_id=world.cycle_id,
        first=date(2026, 6, 1),
        last=JUNE_END,
        tz=SHANGHAI,
        known_by=date(2026, 6, 15),
    )
    assert too_early.submitted < reports.submitted
    headline = figures.headline(session, cycle_id=world.cycle_id, as_of=JUNE_END, tz=SHANGHAI)
    assert (headline.domains, headline.projects, headline.agencies) == (1, 3, 3)
    assert headline.people.service_visits == june.service_visits
