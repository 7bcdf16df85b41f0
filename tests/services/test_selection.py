"""The office's selection use cases through `services.selection` on a real session:
overriding a screening result (who, why, audit), and the committee decision's refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from models.proposal import Proposal
from models.status import ProposalStatus, Role, Stage
from models.user import AuditEvent, User
from services import SYSTEM, Actor, Forbidden, NotFound, Refused
from services.committee import record_committee_decision
from services.selection import override_screening
from tests.monitoring_builders import build_running_cycle

NOW = datetime(2026, 5, 22, 2, 0, tzinfo=UTC)
STAFF = Actor(login="staff", name="街道专干", role=Role.STAFF, user_id=1, address="10.0.0.7")


def _screened(session: Session, status: str = ProposalStatus.INELIGIBLE) -> int:
    """Put the running cycle's first proposal back at 资格审查 with `status`; return its id."""
    build_running_cycle(session, projects=1)
    proposal = session.exec(select(Proposal)).one()
    proposal.status, proposal.stage = status, Stage.ELIGIBILITY
    session.add(proposal)
    session.commit()
    return proposal.id  # type: ignore[return-value]


def _events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_staff_override_a_screening_result_keeping_who_and_why(session: Session) -> None:
    proposal_id = _screened(session)

    proposal = override_screening(
        session,
        actor=STAFF,
        now=NOW,
        proposal_id=proposal_id,
        eligible=True,
        reason="  年检材料已补交  ",
    )

    assert proposal.status == "eligible"
    session.expire_all()
    stored = session.get(Proposal, proposal_id)
    assert stored is not None
    assert (stored.status, stored.stage) == ("eligible", "eligibility")
    assert (stored.override_by, stored.override_reason) == ("街道专干", "年检材料已补交")
    [event] = _events(session, "screening_override")
    assert (event.actor, event.subject_id, event.detail, event.ip) == (
        "staff（街道专干）",
        proposal_id,
        "通过：年检材料已补交",
        "10.0.0.7",
    )
    assert event.at.replace(tzinfo=None) == NOW.replace(tzinfo=None)  # the time handed in, UTC
    assert session.exec(select(User).where(User.name == "街道专干")).one().role == "staff"


@pytest.mark.parametrize(
    ("actor", "reason", "status", "stage", "error", "message"),
    [
        (STAFF, " ", "ineligible", "eligibility", Refused, "必须写明理由"),
        (STAFF, "理由\x85", "ineligible", "eligibility", Refused, "改判理由不能包含控制字符"),
        (Actor(login=" ", role=Role.STAFF), "理由", "ineligible", "eligibility", Refused, "操作人"),
        (STAFF, "理由", "eligible", "eligibility", Refused, "不能改判为 eligible"),
        (STAFF, "理由", "ineligible", "preliminary", Refused, "不能改判为 eligible"),
        (SYSTEM, "理由", "ineligible", "eligibility", Forbidden, "只有街道工作人员"),
        (
            Actor(login="a1", role=Role.AGENCY, agency_id=1),
            "理由",
            "ineligible",
            "eligibility",
            Forbidden,
            "只有街道工作人员",
        ),
    ],
    ids=["no-reason", "control", "no-user", "same-status", "past-eligibility", "system", "agency"],
)
def test_an_override_is_refused_and_changes_nothing(
    session: Session,
    actor: Actor,
    reason: str,
    status: str,
    stage: str,
    error: type[Exception],
    message: str,
) -> None:
    proposal_id = _screened(session, status)
    proposal = session.get(Proposal, proposal_id)
    proposal.stage = stage  # type: ignore[union-attr]
    session.add(proposal)
    session.commit()

    with pytest.raises(error, match=message):
        override_screening(
            session, actor=actor, now=NOW, proposal_id=proposal_id, eligible=True, reason=reason
        )

    session.expire_all()
    stored = session.get(Proposal, proposal_id)
    assert (stored.status, stored.override_by) == (status, "")  # type: ignore[union-attr]
    assert _events(session, "screening_override") == []


def test_an_override_of_no_such_proposal_is_not_found(session: Session) -> None:
    _screened(session)
    with pytest.raises(NotFound, match="没有编号为 999 的申报书"):
        override_screening(
            session, actor=STAFF, now=NOW, proposal_id=999, eligible=True, reason="理由"
        )


def _call_id(session: Session) -> int:
    build_running_cycle(session, projects=1)
    return session.exec(select(Proposal)).one().call_id


def test_a_decision_with_nothing_proposed_is_refused_naming_the_next_step(
    session: Session,
) -> None:
    call_id = _call_id(session)
    with pytest.raises(Refused, match="没有等待终审决定的遴选：") as refused:
        record_committee_decision(
            session,
            actor=STAFF,
            now=NOW,
            on=NOW.date(),
            call_id=call_id,
            include=[],
            exclude=[],
            reasons="",
            decided_by="主任",
        )
    assert "gongyi" in refused.value.message
    assert _events(session, "committee_decision") == []


def test_only_staff_record_the_decision_and_adjustments_need_reasons(session: Session) -> None:
    call_id = _call_id(session)
    evaluator = Actor(login="e1", role=Role.EVALUATOR, user_id=4)
    decision = {"on": NOW.date(), "call_id": call_id, "decided_by": "主任"}
    with pytest.raises(Forbidden):
        record_committee_decision(
            session, actor=evaluator, now=NOW, include=[], exclude=[], reasons="", **decision
        )
    with pytest.raises(Refused, match="调整排名须写明理由"):
        record_committee_decision(
            session, actor=STAFF, now=NOW, include=[5], exclude=[], reasons=" ", **decision
        )
    with pytest.raises(Refused, match="既纳入又排除"):
        record_committee_decision(
            session, actor=STAFF, now=NOW, include=[5], exclude=[5], reasons="理由", **decision
        )
