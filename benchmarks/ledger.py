"""How long the fund's ledger guard takes as the ledger grows, and how long donor attribution takes.

Every ledger write locks the fund and checks the whole ledger against the
fund's rules, so its cost grows with the ledger. This script builds a fund
on a temporary SQLite file, commits and pays N awards one entry per
transaction (the slowest way a caller can write), and prints the time per
write at the end, the same writes done as one batch (`add_ledger_entries`),
and the time to attribute every award to 300 gifts for the donor statements.
Run from the repository root:

    PYTHONPATH=. python benchmarks/ledger.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)
from models.attribution import Gift, attribute_gifts
from models.fund import Donation, LedgerEntry, LedgerKind
from store import cycles, fund
from store.database import get_engine, open_session

GIFTS = 300


def _fund(url: str) -> int:
    SQLModel.metadata.create_all(get_engine(url))
    with open_session(url) as session:
        cycle = cycles.add_cycle(
            session,
            street_office="基准街道",
            year=2026,
            name="基准",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        )
        the_fund = fund.add_fund(session, cycle_id=cycle.id, name="基准基金")  # type: ignore[arg-type]
        entries = []
        for n in range(GIFTS):
            gift, _ = fund.add_donation(
                session,
                Donation(
                    fund_id=the_fund.id,
                    donor_name=f"捐赠方{n}",
                    donor_type="company",
                    donated_on=date(2026, 4, 1),
                    amount_fen=10**8,
                    source_key=f"g{n}",
                ),  # type: ignore[arg-type]
            )
            entries.append(
                _entry(the_fund.id, LedgerKind.DONATION, 10**8, f"d{n}", donation_id=gift.id)
            )  # type: ignore[arg-type]
        fund.add_ledger_entries(session, entries)
        return the_fund.id  # type: ignore[return-value]


def _entry(fund_id: int, kind: str, fen: int, key: str, **ids: int) -> LedgerEntry:
    return LedgerEntry(
        fund_id=fund_id,
        kind=kind,
        amount_fen=fen,
        occurred_on=date(2026, 5, 1),
        idempotency_key=key,
        **ids,
    )


def _award_entries(fund_id: int, award: int) -> list[LedgerEntry]:
    # award_id stays empty: the benchmark has no award rows, so commitments stand alone.
    return [_entry(fund_id, LedgerKind.COMMITMENT, 1_000_000, f"c{award}")]


def main(awards: int) -> None:
    """Print the per-write cost at `awards` awards, the batch cost and the attribution cost."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'ledger.db'}"
        fund_id = _fund(url)
        started = time.perf_counter()
        for award in range(awards):
            with open_session(url) as session:
                fund.add_ledger_entry(session, _award_entries(fund_id, award)[0])
        per_write = (time.perf_counter() - started) / awards
        with open_session(url) as session:
            started = time.perf_counter()
            batch = [e for a in range(awards, 2 * awards) for e in _award_entries(fund_id, a)]
            fund.add_ledger_entries(session, batch)
            batched = time.perf_counter() - started
            movements = fund.list_movements(session, fund_id=fund_id)
    gifts = [Gift(n, None, 10**8) for n in range(GIFTS)]
    numbered = [
        m.__class__(m.kind, m.amount_fen, m.domain_id, n) if m.kind == LedgerKind.COMMITMENT else m
        for n, m in enumerate(movements)
    ]
    started = time.perf_counter()
    attribute_gifts(gifts, numbered)
    attribution = time.perf_counter() - started
    print(f"ledger entries: {len(movements)}")
    print(f"one write per transaction: {per_write * 1000:.1f} ms each (mean over {awards})")
    print(f"{awards} writes in one batch: {batched:.2f} s")
    print(f"attribution of {awards * 2} awards to {GIFTS} gifts: {attribution:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
