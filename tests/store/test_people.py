"""The people a cycle's records name: need contacts, persons as 责任人, objectors."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from models.monitoring import ActionItem, WeeklyMeeting
from models.need import Need
from models.proposal import Proposal
from models.publicity import Objection
from store import cycles
from store.people import list_known_names
from tests.monitoring_builders import STREET, build_running_cycle


def test_known_names_are_contacts_person_owners_and_objectors(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    community = cycles.list_communities(session, street_office=STREET)[0]
    for n, name in enumerate(("钱秀梅", "", " 高伟 ")):
        session.add(
            Need(
                cycle_id=cycle.cycle_id,
                community_id=community.id,  # type: ignore[arg-type]
                text="希望有人上门",
                submitted_on=date(2026, 3, 2),
                contact_name=name,
                fingerprint=f"need-{n}",
            )
        )
    meeting = WeeklyMeeting(
        cycle_id=cycle.cycle_id, week_start=date(2026, 6, 1), held_on=date(2026, 6, 8)
    )
    session.add(meeting)
    session.flush()
    for seq, owner in enumerate(("孙建国", "众益邻里社会工作服务社", "街道社会事务科", "全体"), 1):
        session.add(
            ActionItem(
                meeting_id=meeting.id,  # type: ignore[arg-type]
                seq=seq,
                text="跟进",
                owner=owner,
                due_on=date(2026, 6, 12),
            )
        )
    proposal = session.exec(select(Proposal)).first()
    session.add(
        Objection(
            proposal_id=proposal.id,  # type: ignore[arg-type, union-attr]
            submitted_on=date(2026, 5, 25),
            submitter="赵丽娟",
            text="异议",
        )
    )
    session.commit()
    assert list_known_names(session, cycle_id=cycle.cycle_id) == tuple(
        sorted(("钱秀梅", "高伟", "孙建国", "赵丽娟"))
    )
    assert list_known_names(session, cycle_id=cycle.cycle_id + 1) == ()
