"""A small, deterministic portal world: two agencies with a running project each, a proposal
in 初审 with two evaluators seated, an evaluation waiting for review, an open action item
on the first project, a need in the review queue, generated files, and one account per
role (password `PASSWORD`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session

from models.monitoring import ActionItem, MonthlyEvaluation, WeeklyMeeting
from models.need import Need
from models.panel import ReviewAssignment
from models.proposal import Proposal
from models.register import DocumentRecord
from models.status import EvaluationStatus, NeedStatus, ProposalStatus, Role, Stage
from store import calls, cycles
from store.accounts import add_account
from tests.monitoring_builders import build_running_cycle

PASSWORD = "portal-pass-1"
LOGINS = {
    "staff": (Role.STAFF, "街道专干"),
    "admin": (Role.ADMIN, "管理员甲"),
    "agency1": (Role.AGENCY, "机构一用户"),
    "agency2": (Role.AGENCY, "机构二用户"),
    "evaluator1": (Role.EVALUATOR, "评估专家甲"),
    "evaluator2": (Role.EVALUATOR, "评估专家乙"),
    "resident": (Role.RESIDENT, "网格员甲"),
    "donor": (Role.DONOR, "爱心企业甲"),
}
REPORT_DAY = date(2026, 6, 3)


@dataclass(frozen=True)
class PortalWorld:
    """Ids of what `build_portal_world` stored."""

    cycle_id: int
    project_ids: tuple[int, int]
    titles: tuple[str, str]
    agency_ids: tuple[int, int]
    proposal_id: int
    seat_ids: dict[str, int]
    evaluation_id: int
    need_id: int
    files: dict[str, str]
    action_item_id: int


def build_portal_world(session: Session, output_dir: Path) -> PortalWorld:
    """Store the world, create the accounts and write the files; commit."""
    running = build_running_cycle(session, projects=2)
    agencies = {"agency1": running.agency_ids[0], "agency2": running.agency_ids[1]}
    users = {}
    for login, (role, name) in LOGINS.items():
        account = add_account(
            session,
            login=login,
            password=PASSWORD,
            name=name,
            role=role,
            agency_id=agencies.get(login),
        )
        users[login] = account.user_id
    call = calls.get_latest_call(session, cycle_id=running.cycle_id)
    domain = cycles.list_domains(session, cycle_id=running.cycle_id)[0]
    community = cycles.list_communities(session, street_office="淮河路街道办事处")[0]
    proposal = Proposal(
        call_id=call.id or 0,
        agency_id=running.agency_ids[0],
        domain_id=domain.id or 0,
        community_id=community.id or 0,
        title="新申报·社区助餐",
        requested_fen=1_000_000,
        planned_people=300,
        months=6,
        summary="为独居老人送餐<script>alert('x')</script>",
        submitted_at=datetime(2026, 5, 10, tzinfo=UTC),
        status=ProposalStatus.ELIGIBLE,
        stage=Stage.PRELIMINARY,
    )
    session.add(proposal)
    session.flush()
    seats = {}
    for login in ("evaluator1", "evaluator2"):
        seat = ReviewAssignment(
            proposal_id=proposal.id or 0,
            stage=Stage.PRELIMINARY,
            reviewer_id=users[login],
            assigned_at=datetime(2026, 5, 21, tzinfo=UTC),
        )
        session.add(seat)
        session.flush()
        seats[login] = seat.id or 0
    evaluation = MonthlyEvaluation(
        project_id=running.project_ids[0],
        month="2026-06",
        status=EvaluationStatus.IN_REVIEW,
        total_score=86.5,
        grade="良好",
        evaluator_id=users["evaluator2"],
        comment="服务扎实",
        scored_at=datetime(2026, 7, 2, tzinfo=UTC),
    )
    need = Need(
        cycle_id=running.cycle_id,
        community_id=community.id or 0,
        text="楼里独居老人需要有人定期上门看看",
        target_group="独居老人",
        source="居民",
        submitted_on=date(2026, 3, 5),
        contact_name="张三丰",
        contact_phone="13812345678",
        fingerprint="portal-need-1",
        status=NeedStatus.IN_REVIEW,
        domain_id=domain.id,
        confidence=0.4,
    )
    meeting = WeeklyMeeting(
        cycle_id=running.cycle_id, week_start=date(2026, 6, 1), held_on=date(2026, 6, 8)
    )
    session.add(meeting)
    session.flush()
    action = ActionItem(
        meeting_id=meeting.id or 0,
        seq=1,
        project_id=running.project_ids[0],
        text="补齐六月第一周的签到表",
        owner="机构一用户",
        due_on=date(2026, 6, 12),
    )
    session.add_all([evaluation, need, action])
    session.commit()
    files = {
        "project1": f"2026-06/月度评估-01-{running.titles[0]}.pdf",
        "project2": f"2026-06/月度评估-02-{running.titles[1]}.pdf",
        "donor": "捐赠资金去向说明/2026-07-01/爱心企业甲.pdf",
    }
    for name in files.values():
        path = output_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n% test file\n")
    # Downloads are authorised through the document register: each file is a registered document.
    for kind, subject, period, key, title in (
        (
            "monthly_assessment",
            f"project:{running.project_ids[0]}",
            "2026-06",
            "project1",
            f"项目月度评估报告 · {running.titles[0]} · 2026-06",
        ),
        (
            "monthly_assessment",
            f"project:{running.project_ids[1]}",
            "2026-06",
            "project2",
            f"项目月度评估报告 · {running.titles[1]} · 2026-06",
        ),
        (
            "donor_statement",
            "donor:爱心企业甲",
            "2026-07-01",
            "donor",
            "捐赠资金去向说明 · 爱心企业甲",
        ),
    ):
        session.add(
            DocumentRecord(
                cycle_id=running.cycle_id,
                kind=kind,
                subject=subject,
                period=period,
                as_of=date(2026, 6, 30),
                title=title,
                path=files[key],
                sha256=hashlib.sha256((output_dir / files[key]).read_bytes()).hexdigest(),
                inputs_digest="0" * 64,
                published_at=datetime(2026, 7, 2, tzinfo=UTC),
            )
        )
    session.commit()
    return PortalWorld(
        cycle_id=running.cycle_id,
        project_ids=(running.project_ids[0], running.project_ids[1]),
        titles=(running.titles[0], running.titles[1]),
        agency_ids=(running.agency_ids[0], running.agency_ids[1]),
        proposal_id=proposal.id or 0,
        seat_ids=seats,
        evaluation_id=evaluation.id or 0,
        need_id=need.id or 0,
        files=files,
        action_item_id=action.id or 0,
    )
