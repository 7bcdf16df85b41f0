"""Builders for the fund, call and bid flow tests: the demo cycle up to each stage, through the tasks.

Each builder calls the flows' tasks through `.fn()`, on the database the
`database_url` fixture points GONGYI_DATABASE_URL at, with the demo files.
Needs are stored directly (their intake has its own tests), 110 of them so
that the demo's cited need ids 1..110 exist.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.call import publish_call, receive_bids, register_agencies
from flows.fund import raise_fund
from flows.runtime import session_scope
from models.categorisation import DEFAULT_DOMAINS
from models.need import Need
from models.status import CycleStatus
from services.proposal_batch import read_bid_files
from store import cycles
from tests.builders import DEMO_DIR

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = "淮河路街道办事处"
FUND_NAME = "淮河路街道专项公益基金"
BEFORE_DEADLINE = datetime(2026, 5, 15, 9, 0, tzinfo=SHANGHAI)


def open_demo_cycle(year: int = 2026) -> int:
    """Open the demo cycle with its communities, domains and 110 needs; return its id."""
    names = [
        r["社区"] for r in csv.DictReader((DEMO_DIR / "communities.csv").open(encoding="utf-8"))
    ]
    with session_scope() as session:
        cycle = cycles.add_cycle(
            session,
            street_office=OFFICE,
            year=year,
            name=f"{year}年度公益创投",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 12, 31),
        )
        cycles.add_communities(session, street_office=OFFICE, names=names)
        cycles.add_domains(session, cycle_id=cycle.id, seeds=DEFAULT_DOMAINS)  # type: ignore[arg-type]
        ids = {c.name: c.id for c in cycles.list_communities(session, street_office=OFFICE)}
        rows = csv.DictReader((DEMO_DIR / "needs.csv").open(encoding="utf-8"))
        for n, row in enumerate(rows, start=1):
            session.add(
                Need(
                    cycle_id=cycle.id,  # type: ignore[arg-type]
                    community_id=ids[row["社区"]],  # type: ignore[arg-type]
                    text=row["需求内容"],
                    submitted_on=date.fromisoformat(row["提交日期"]),
                    fingerprint=f"demo-{year}-{n}",
                )
            )
        cycles.set_cycle_status(session, cycle, CycleStatus.COLLECTING)
        return cycle.id  # type: ignore[return-value]


def raise_demo_fund(cycle_id: int, donations: Path = DEMO_DIR / "donations.csv") -> None:
    """Record the demo's cash and in-kind gifts."""
    gifts = raise_fund.read_gifts.fn(cycle_id, str(donations), str(DEMO_DIR / "in_kind.csv"))
    raise_fund.store_gifts.fn(cycle_id, FUND_NAME, gifts)


def publish_demo_call(cycle_id: int, rules: Path = DEMO_DIR / "call.toml") -> int:
    """Publish a rules file without rendering its PDF; return the call's id."""
    data = publish_call.read_rules_file.fn(cycle_id, str(rules))
    return publish_call.store_call.fn(cycle_id, data, date(2026, 5, 1))


def register_demo_agencies() -> None:
    """Import the demo registry and its track records."""
    register_agencies.import_registry.fn(
        str(DEMO_DIR / "agencies.csv"), str(DEMO_DIR / "track_records.csv")
    )


def receive(call_id: int, proposals: Path, *, at: datetime = BEFORE_DEADLINE, submit: bool = True):  # type: ignore[no-untyped-def]
    """Read, check and store a batch of proposals (CSV with companions, or a workbook)."""
    tables = read_bid_files(str(proposals))
    return receive_bids.store_bids.fn(
        call_id, ([], []), tables, now=at, submit=submit, refuse_repeats=False
    )


def demo_call_with_bids() -> tuple[int, int]:
    """Run the demo up to received bids; return (cycle id, call id)."""
    cycle_id = open_demo_cycle()
    raise_demo_fund(cycle_id)
    call_id = publish_demo_call(cycle_id)
    register_demo_agencies()
    receive(call_id, DEMO_DIR / "proposals.csv")
    return cycle_id, call_id


def copy_demo_bids(folder: Path, edit=None) -> Path:  # type: ignore[no-untyped-def]
    """Copy the four demo proposal files into `folder`, editing rows with `edit(name, rows)`."""
    for name in ("proposals.csv", "budget_lines.csv", "kpis.csv", "schedule.csv"):
        with (DEMO_DIR / name).open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        if edit is not None:
            rows = edit(name, rows)
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder / "proposals.csv"


def write_csv_donations(folder: Path, yuan: int) -> Path:
    """Write a donations file of one unrestricted gift of `yuan`."""
    path = folder / "donations.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("捐赠方", "捐赠方类型", "捐赠日期", "金额（元）", "限定领域"))
        writer.writerow(("淮河路街道机关工会", "机关事业单位", "2026-04-08", str(yuan), ""))
    return path
