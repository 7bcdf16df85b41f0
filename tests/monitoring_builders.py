"""Deterministic builders for the monitoring tests: a cycle with running projects, and reports.

`build_running_cycle` stores what selection leaves behind — a cycle, its
domains and communities, a fund with cash, the demo call's rules, agencies
with e-mail addresses, and contracted projects with budget lines, monthly
KPI targets, tranches (the first paid) — without running the earlier
stages' flows, so the monitoring tests stand on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models.agency import Agency
from models.award import Award, Tranche
from models.call import Call
from models.call_file import read_rules_text
from models.categorisation import DEFAULT_DOMAINS
from models.contract import plan_tranches
from models.fund import Donation, Fund, LedgerEntry, LedgerKind
from models.monitoring import DailyReport
from models.project import Project
from models.proposal import BudgetLine, KpiTarget, Proposal
from models.status import CallStatus, ProposalStatus, TrancheStatus
from store import cycles

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALL_TOML = Path(__file__).resolve().parents[1] / "demo" / "call.toml"
STREET = "淮河路街道办事处"
START = date(2026, 6, 1)
AWARD_FEN = 1_200_000
BUDGET = {"人员费": 400_000, "活动费": 500_000, "物资费": 300_000}
MONTH_TARGETS = {"服务人次": 200, "活动场次": 20, "受益人数": 30, "志愿服务时长": 40}


@dataclass(frozen=True)
class RunningCycle:
    """Ids of what `build_running_cycle` stored."""

    cycle_id: int
    fund_id: int
    project_ids: tuple[int, ...]
    titles: tuple[str, ...]
    agency_ids: tuple[int, ...]


def _rules() -> dict:  # type: ignore[type-arg]
    _, data = read_rules_text(CALL_TOML.read_text(encoding="utf-8"), file_name="call.toml")
    return data


def _cycle(session: Session) -> tuple[int, int, int, int]:
    cycle = cycles.add_cycle(
        session,
        street_office=STREET,
        year=2026,
        name="2026年度公益创投",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
    )
    cycles.add_communities(session, street_office=STREET, names=["长淮社区"])
    cycles.add_domains(session, cycle_id=cycle.id, seeds=DEFAULT_DOMAINS)  # type: ignore[arg-type]
    fund = Fund(cycle_id=cycle.id, name="淮河路街道专项公益基金")  # type: ignore[arg-type]
    call = Call(
        cycle_id=cycle.id,  # type: ignore[arg-type]
        title="申报指南",
        status=CallStatus.PUBLISHED,
        opens_on=date(2026, 5, 1),
        deadline=datetime(2026, 5, 20, 9, tzinfo=UTC),
        rules=_rules(),
    )
    session.add_all([fund, call])
    session.flush()
    gift = Donation(
        fund_id=fund.id,  # type: ignore[arg-type]
        donor_name="爱心企业甲",
        donor_type="company",
        donated_on=date(2026, 4, 1),
        amount_fen=10_000_000,
        source_key="gift-1",
    )
    session.add(gift)
    session.flush()
    session.add(
        LedgerEntry(
            fund_id=fund.id,  # type: ignore[arg-type]
            kind=LedgerKind.DONATION,
            amount_fen=gift.amount_fen,
            occurred_on=gift.donated_on,
            donation_id=gift.id,
            idempotency_key="donation:gift-1",
        )
    )
    community = cycles.list_communities(session, street_office=STREET)[0]
    domain = cycles.list_domains(session, cycle_id=cycle.id)[0]  # type: ignore[arg-type]
    return cycle.id, fund.id, call.id, community.id * 1000 + domain.id  # type: ignore[return-value, operator]


def _project(session: Session, ids: tuple[int, int, int, int], n: int, *, plans: bool) -> Project:
    cycle_id, fund_id, call_id, place = ids
    agency = Agency(
        name=f"测试社工机构{n}",
        org_type="社会服务机构",
        credit_code=f"52340100MJ{n:07d}X"[:18],
        registered_on=date(2015, 1, 1),
        annual_inspection="合格",
        contact_email=f"agency{n}@example.org",
    )
    session.add(agency)
    session.flush()
    proposal = Proposal(
        call_id=call_id,
        agency_id=agency.id,  # type: ignore[arg-type]
        domain_id=place % 1000,
        community_id=place // 1000,
        title=f"测试项目{n}",
        requested_fen=AWARD_FEN,
        planned_people=1200,
        months=6,
        submitted_at=datetime(2026, 5, 10, 9, tzinfo=UTC),
        status=ProposalStatus.CONTRACTED,
    )
    session.add(proposal)
    session.flush()
    if plans:
        session.add_all(
            [
                BudgetLine(proposal_id=proposal.id, category=c, amount_fen=a)
                for c, a in BUDGET.items()
            ]  # type: ignore[arg-type]
            + [
                KpiTarget(proposal_id=proposal.id, month=m, indicator=k, planned=v)  # type: ignore[arg-type]
                for m in range(1, 7)
                for k, v in MONTH_TARGETS.items()
            ]
        )
    award = Award(
        proposal_id=proposal.id,  # type: ignore[arg-type]
        amount_fen=AWARD_FEN,
        rank=n,
        decided_on=date(2026, 5, 28),
        status="contracted",
        contract_no=f"GY-2026-{n:03d}",
    )
    session.add(award)
    session.flush()
    _commit_and_pay_first(session, fund_id, award, place % 1000)
    project = Project(
        award_id=award.id,  # type: ignore[arg-type]
        cycle_id=cycle_id,
        agency_id=agency.id,  # type: ignore[arg-type]
        domain_id=place % 1000,
        community_id=place // 1000,
        title=proposal.title,
        starts_on=START,
        ends_on=date(2026, 11, 30),
        months=6,
        people_planned=1200,
    )
    session.add(project)
    session.flush()
    return project


def _commit_and_pay_first(session: Session, fund_id: int, award: Award, domain_id: int) -> None:
    session.add(
        LedgerEntry(
            fund_id=fund_id,
            kind=LedgerKind.COMMITMENT,
            amount_fen=award.amount_fen,
            occurred_on=award.decided_on,
            award_id=award.id,
            idempotency_key=f"commitment:{award.id}:0",
        )
    )
    shares = _rules()["funding_mode"]["tranches"]
    from models.call_rules import TrancheShare

    for planned in plan_tranches(
        award.amount_fen, [TrancheShare(s["percent"], s["condition"]) for s in shares]
    ):
        tranche = Tranche(
            award_id=award.id,  # type: ignore[arg-type]
            seq=planned.seq,
            amount_fen=planned.amount_fen,
            condition=planned.condition,
        )
        session.add(tranche)
        session.flush()
        if planned.seq == 1:
            tranche.status, tranche.released_on = TrancheStatus.RELEASED, award.decided_on
            session.add(
                LedgerEntry(
                    fund_id=fund_id,
                    kind=LedgerKind.PAYMENT,
                    amount_fen=tranche.amount_fen,
                    occurred_on=award.decided_on,
                    domain_id=domain_id,
                    award_id=award.id,
                    tranche_id=tranche.id,
                    idempotency_key=f"payment:tranche:{tranche.id}",
                )
            )


def build_running_cycle(session: Session, *, projects: int = 3, plans: bool = True) -> RunningCycle:
    """Store a cycle whose `projects` contracted projects run 2026-06-01..11-30, and commit."""
    ids = _cycle(session)
    built = [_project(session, ids, n, plans=plans) for n in range(1, projects + 1)]
    session.commit()
    return RunningCycle(
        ids[0],
        ids[1],
        tuple(p.id for p in built),  # type: ignore[misc]
        tuple(p.title for p in built),
        tuple(p.agency_id for p in built),
    )


def evening(day: date, hour: int = 18) -> datetime:
    """Return `hour` o'clock on `day` in Shanghai."""
    return datetime.combine(day, time(hour), SHANGHAI)


def store_report(
    session: Session,
    project_id: int,
    day: date,
    *,
    people: int = 10,
    sent: datetime | None = None,
    spend: dict[str, int] | None = None,
    refs: tuple[str, ...] = (),
    issues: str = "",
    risks: str = "",
) -> DailyReport:
    """Store a current daily report with one group activity, sent at 18:00 on its day by default."""
    sent = sent or evening(day)
    report = DailyReport(
        project_id=project_id,
        day=day,
        first_submitted_at=sent,
        submitted_at=sent,
        activities=[{"kind": "group", "title": "小组活动", "people": people}],
        people_served=people,
        beneficiary_refs=list(refs),
        volunteers=1,
        volunteer_minutes=120,
        service_minutes=180,
        spend_fen=spend or {},
        issues=issues,
        risks=risks,
        summary=f"{day} 开展小组活动",
    )
    session.add(report)
    session.commit()
    return report


def working_days(first: date, last: date) -> list[date]:
    """List Monday-to-Friday days in [first, last]."""
    return [
        first + timedelta(n)
        for n in range((last - first).days + 1)
        if (first + timedelta(n)).weekday() < 5
    ]


class SmtpSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []  # type: ignore[type-arg]

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


def free_port() -> int:
    """Return a TCP port nothing listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
