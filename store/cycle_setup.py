"""Read queries for setting up cycles: every cycle, one office's year, and what each has stored.

`cycle_facts` counts what a cycle already holds (needs, the fund and its gifts,
call versions, proposals, projects, the closing) so `models.cycle_stages` can say
which stage it is at. Nothing here writes.
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from models.award import Award
from models.call import Call
from models.cycle import Cycle
from models.cycle_report import CycleClosing
from models.cycle_stages import CycleFacts
from models.fund import Donation, Fund
from models.need import Need
from models.project import Project
from models.proposal import Proposal
from models.status import CallStatus


def list_cycles(session: Session) -> list[Cycle]:
    """List every cycle, newest first."""
    return list(session.exec(select(Cycle).order_by(col(Cycle.id).desc())))


def find_cycle(session: Session, *, street_office: str, year: int) -> Cycle | None:
    """Return the office's cycle for a year, if there is one."""
    return session.exec(
        select(Cycle).where(Cycle.street_office == street_office, Cycle.year == year)
    ).first()


def _count(session: Session, query) -> int:  # type: ignore[no-untyped-def]
    return int(session.exec(query).one() or 0)


def cycle_facts(session: Session, *, cycle_id: int) -> CycleFacts:
    """Count what the cycle holds, stage by stage."""
    fund_id = session.exec(select(Fund.id).where(Fund.cycle_id == cycle_id)).first()
    call_ids = select(Call.id).where(Call.cycle_id == cycle_id)
    return CycleFacts(
        needs=_count(session, select(func.count(col(Need.id))).where(Need.cycle_id == cycle_id)),
        has_fund=fund_id is not None,
        donations=_count(
            session, select(func.count(col(Donation.id))).where(Donation.fund_id == fund_id)
        )
        if fund_id is not None
        else 0,
        calls=_count(session, select(func.count(col(Call.id))).where(Call.cycle_id == cycle_id)),
        calls_published=_count(
            session,
            select(func.count(col(Call.id))).where(
                Call.cycle_id == cycle_id,
                col(Call.status).in_([CallStatus.PUBLISHED, CallStatus.CLOSED]),
            ),
        ),
        calls_closed=_count(
            session,
            select(func.count(col(Call.id))).where(
                Call.cycle_id == cycle_id, Call.status == CallStatus.CLOSED
            ),
        ),
        proposals=_count(
            session,
            select(func.count(col(Proposal.id))).where(col(Proposal.call_id).in_(call_ids)),
        ),
        awards=_count(
            session,
            select(func.count(col(Award.id)))
            .join(Proposal, col(Proposal.id) == Award.proposal_id)
            .where(col(Proposal.call_id).in_(call_ids)),
        ),
        projects=_count(
            session, select(func.count(col(Project.id))).where(Project.cycle_id == cycle_id)
        ),
        closed=session.exec(
            select(CycleClosing.id).where(CycleClosing.cycle_id == cycle_id)
        ).first()
        is not None,
    )
