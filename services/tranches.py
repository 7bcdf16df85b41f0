"""Tranches (拨付批次): paying one, holding one, and booking money an agency returns.

Signing pays the first tranche, the mid-term release pays or holds the second by
its grade, and the close pays or withholds the last one and books the unspent
balance as a refund. All three come here, so a payment is always the same ledger
entry (`payment:tranche:<id>`, checked by `models.ledger.plan_payment`: owed by
the award, held by the fund) and a refund always goes back to the pools it was
paid from (`models.ledger.plan_refund`, after `models.final_evaluation.check_refund`).
At the close, every tranche that was refused (held at mid-term, withheld at the
close) or never decided has its commitment freed by a release entry
(`release:tranche:<id>:<n>`, `models.ledger.plan_release`), dated the close:
the commitment itself is never edited, and a released tranche is never paid.
Each use case takes its turn on the fund's row, commits in its own unit of work
and records its audit event. `on` is the business day of the movement (a payment
made at signing, a release decided for a given day); `now` is when it was recorded.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from models.award import Tranche, TrancheCondition
from models.escalation import NoticeKind, compose_tranche_held
from models.final_evaluation import FINAL_FAIL_NOTICE, compose_final_fail
from models.final_evaluation import check_refund as check_refund_rule
from models.fund import LedgerEntry, LedgerKind
from models.ledger import FundError, award_money, plan_payment, plan_refund, plan_release
from models.money import format_fen
from models.monitoring import Notice
from models.project import Project
from models.status import (
    TRANCHE_TRANSITIONS,
    Role,
    TrancheStatus,
    TransitionError,
    apply_transition,
)
from services import Actor, Forbidden, NotFound, Refused, audit
from store import agencies, awards, calls, fund, notices, proposals
from store.database import unit_of_work

MONEY_ROLES = frozenset({Role.STAFF, Role.SYSTEM})
"""Who moves the fund's money: the street office's staff and its flows."""

PAYMENT_REASONS = {
    TrancheCondition.MIDTERM_PASS: "（中期评估合格）",
    TrancheCondition.FINAL_PASS: "（结项评估合格）",
}
"""What a payment's ledger memo says of the condition that released it (signing: nothing)."""


def pay_tranche(
    session: Session, *, actor: Actor, now: datetime, tranche_id: int, on: date
) -> Tranche:
    """Pay one planned or held tranche on day `on`: its ledger payment, once, if the fund holds it."""
    _check_actor(actor)
    tranche = _find_tranche(session, tranche_id)
    title, domain_id = _payee(session, tranche.award_id)
    if tranche.status == TrancheStatus.RELEASED:
        raise Refused(
            f"「{title}」第 {tranche.seq} 期已于 {tranche.released_on} 拨付，不能重复拨付"
        )
    freed = fund.find_tranche_release(session, tranche_id=tranche_id)
    if freed is not None:
        raise Refused(
            f"「{title}」第 {tranche.seq} 期的资金承诺已于 {freed.occurred_on} 释放，不能再拨付"
        )
    try:
        with unit_of_work(session):
            the_fund = fund.get_fund(session, cycle_id=_cycle_id(session, tranche.award_id))
            fund.lock_fund(session, fund_id=the_fund.id)  # type: ignore[arg-type]
            plan_payment(
                fund.list_movements(session, fund_id=the_fund.id),  # type: ignore[arg-type]
                tranche.amount_fen,
                award_id=tranche.award_id,
            )
            status = _transition(tranche, TrancheStatus.RELEASED, actor)
            awards.set_tranche_status(session, tranche, status=status, released_on=on)
            reason = PAYMENT_REASONS.get(TrancheCondition(tranche.condition), "")
            fund.add_ledger_entry(
                session,
                LedgerEntry(
                    fund_id=the_fund.id,  # type: ignore[arg-type]
                    kind=LedgerKind.PAYMENT,
                    amount_fen=tranche.amount_fen,
                    occurred_on=on,
                    domain_id=domain_id,
                    award_id=tranche.award_id,
                    tranche_id=tranche.id,
                    memo=f"第 {tranche.seq} 期拨付{reason}：{title}"[:200],
                    idempotency_key=f"payment:tranche:{tranche.id}",
                ),
            )
            audit.record(
                session,
                actor=actor,
                now=now,
                action="tranche_pay",
                subject_type="tranche",
                subject_id=tranche.id,
                on=on,
                detail=f"「{title}」第 {tranche.seq} 期 {format_fen(tranche.amount_fen)} 元，{on}",
            )
    except FundError as error:  # not owed, not held, or a ledger the rules refuse
        raise Refused(str(error)) from None
    return tranche


def hold_tranche(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    tranche_id: int,
    on: date,
    grade: str,
    month: str,
    officer_email: str = "",
) -> str:
    """Hold a planned mid-term tranche on a failing grade and tell the agency and officer; return the notice key."""
    _check_actor(actor)
    tranche = _find_tranche(session, tranche_id)
    project = _project_of(session, tranche)
    if tranche.status != TrancheStatus.PLANNED:
        raise Refused(
            f"「{project.title}」第 {tranche.seq} 期状态为 {tranche.status}，不能暂缓拨付"
        )
    with unit_of_work(session):
        tranche.withheld_on = on  # the business date it was held back
        awards.set_tranche_status(
            session, tranche, status=_transition(tranche, TrancheStatus.WITHHELD, actor)
        )
        agency = agencies.get_agency(session, project.agency_id)
        text = compose_tranche_held(
            project_title=project.title,
            agency_name=agency.name,
            seq=tranche.seq,
            amount=format_fen(tranche.amount_fen),
            grade=grade,
            month=month,
        )
        key = f"tranche-held:{tranche.id}"
        notices.add_notice(
            session,
            Notice(
                key=key,
                kind=NoticeKind.TRANCHE_HELD,
                project_id=project.id,
                day=on,
                recipients=[a for a in (agency.contact_email, officer_email) if a],
                subject=text.subject,
                body=text.body,
            ),
        )
        audit.record(
            session,
            actor=actor,
            now=now,
            action="tranche_hold",
            subject_type="tranche",
            subject_id=tranche.id,
            on=on,
            detail=f"「{project.title}」第 {tranche.seq} 期暂缓：{month} 评估等级 {grade}",
        )
    return key


def withhold_last_tranche(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    tranche_id: int,
    on: date,
    grade: str,
    refund_fen: int,
    officer_email: str = "",
) -> str:
    """Withhold the last tranche of a project that failed its final evaluation; return the notice key.

    A tranche already withheld stays so; the notice to the agency and the officer is written once.
    """
    _check_actor(actor)
    tranche = _find_tranche(session, tranche_id)
    project = _project_of(session, tranche)
    if tranche.status == TrancheStatus.RELEASED:
        raise Refused(f"「{project.title}」第 {tranche.seq} 期已拨付，不能暂缓")
    with unit_of_work(session):
        if tranche.status == TrancheStatus.PLANNED:
            tranche.withheld_on = on  # the business date it was refused
            awards.set_tranche_status(
                session, tranche, status=_transition(tranche, TrancheStatus.WITHHELD, actor)
            )
        agency = agencies.get_agency(session, project.agency_id)
        subject, body = compose_final_fail(
            project_title=project.title,
            agency_name=agency.name,
            grade=grade,
            withheld=format_fen(tranche.amount_fen),
            refund=format_fen(refund_fen),
        )
        key = f"final-fail:{project.id}"
        notices.add_notice(
            session,
            Notice(
                key=key,
                kind=FINAL_FAIL_NOTICE,
                project_id=project.id,
                day=on,
                recipients=[a for a in (agency.contact_email, officer_email) if a],
                subject=subject,
                body=body,
            ),
        )
        audit.record(
            session,
            actor=actor,
            now=now,
            action="tranche_withhold",
            subject_type="tranche",
            subject_id=tranche.id,
            on=on,
            detail=f"「{project.title}」第 {tranche.seq} 期不予拨付：结项评估等级 {grade}",
        )
    return key


def record_refund(
    session: Session, *, actor: Actor, now: datetime, project_id: int, amount_fen: int, on: date
) -> int:
    """Book money an agency returns outside the close; refuse more than it was paid and kept.

    Returns the amount booked, or 0 when the same refund (project, day, amount) is already booked.
    """
    _check_actor(actor)
    project = _find_project(session, project_id)
    key = f"refund:manual:{project.award_id}:{on.isoformat()}:{amount_fen}"
    return _refund(
        session, actor=actor, now=now, project=project, amount=amount_fen, on=on, key=key
    )


def refund_unspent(
    session: Session, *, actor: Actor, now: datetime, project_id: int, amount_fen: int, on: date
) -> int:
    """Book a closing project's unspent balance as returned to the pools it was paid from.

    Keyed by what the award had returned before, so settling the same close again books nothing.
    """
    _check_actor(actor)
    project = _find_project(session, project_id)
    the_fund = fund.get_fund(session, cycle_id=project.cycle_id)
    money = award_money(
        fund.list_movements(session, fund_id=the_fund.id),  # type: ignore[arg-type]
        award_id=project.award_id,
    )
    key = f"refund:final:{project.award_id}:{money.refunded_fen}"
    return _refund(
        session, actor=actor, now=now, project=project, amount=amount_fen, on=on, key=key
    )


def _refund(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    project: Project,
    amount: int,
    on: date,
    key: str,
) -> int:
    try:
        with unit_of_work(session):
            fund_id = fund.get_fund(session, cycle_id=project.cycle_id).id
            fund.lock_fund(session, fund_id=fund_id)  # type: ignore[arg-type]
            movements = fund.list_movements(session, fund_id=fund_id)  # type: ignore[arg-type]
            money = award_money(movements, award_id=project.award_id)
            check_refund_rule(amount, paid_fen=money.paid_fen, refunded_fen=money.refunded_fen)
            parts = plan_refund(movements, amount, award_id=project.award_id)
            entries = [
                LedgerEntry(
                    fund_id=fund_id,  # type: ignore[arg-type]
                    kind=LedgerKind.REFUND,
                    amount_fen=part.amount_fen,
                    occurred_on=on,
                    domain_id=part.domain_id,
                    award_id=project.award_id,
                    memo=f"结余退回：{project.title}"[:200],
                    idempotency_key=f"{key}:{n}",
                )
                for n, part in enumerate(parts)
            ]
            booked = amount if fund.add_ledger_entries(session, entries) else 0
            if booked:
                audit.record(
                    session,
                    actor=actor,
                    now=now,
                    action="refund_record",
                    subject_type="project",
                    subject_id=project.id,
                    on=on,
                    detail=f"「{project.title}」退回 {format_fen(amount)} 元，{on}",
                )
    except ValueError as error:  # RefundError, FundError: more than was paid and kept
        raise Refused(str(error)) from None
    return booked


RELEASE_REASONS = {
    (TrancheCondition.MIDTERM_PASS, TrancheStatus.WITHHELD): "中期评估不合格暂缓，至结项未拨付",
    (TrancheCondition.FINAL_PASS, TrancheStatus.WITHHELD): "结项评估不合格，不予拨付",
}
"""Why a refused tranche's commitment is released; a tranche still planned was never decided."""


def release_unpaid(
    session: Session, *, actor: Actor, now: datetime, project_id: int, on: date
) -> int:
    """Free the commitment of every tranche of a closing project that was refused or never decided.

    Each unpaid tranche gets release entries (`release:tranche:<id>:<n>`) dated `on`, the
    business day of the close, capped by what the award still owes; any commitment left
    unpaid beyond its tranches is released under `release:award:<id>:<n>`. The commitment
    entries stay as they were. Returns the fen released now (0 when run again).
    """
    _check_actor(actor)
    project = _find_project(session, project_id)
    steps = [
        t
        for t in awards.list_tranches(session, award_id=project.award_id)
        if t.status != TrancheStatus.RELEASED
    ]
    released = 0
    try:
        with unit_of_work(session):
            fund_id = fund.get_fund(session, cycle_id=project.cycle_id).id or 0
            fund.lock_fund(session, fund_id=fund_id)
            movements = fund.list_movements(session, fund_id=fund_id)
            entries: list[LedgerEntry] = []
            for tranche in steps:
                if fund.find_tranche_release(session, tranche_id=tranche.id or 0) is not None:
                    continue
                owed = award_money(movements, award_id=project.award_id).unpaid_fen
                amount = min(tranche.amount_fen, owed)
                if amount <= 0:
                    continue
                reason = RELEASE_REASONS.get(
                    (TrancheCondition(tranche.condition), TrancheStatus(tranche.status)),
                    "至结项未决定",
                )
                parts = plan_release(movements, amount, award_id=project.award_id)
                movements = [*movements, *parts]
                entries += [
                    _release_entry(
                        fund_id,
                        part.amount_fen,
                        part.domain_id,
                        project,
                        on,
                        memo=f"第 {tranche.seq} 期承诺释放（{reason}）：{project.title}",
                        key=f"release:tranche:{tranche.id}:{n}",
                        tranche_id=tranche.id,
                    )
                    for n, part in enumerate(parts)
                ]
            rest = award_money(movements, award_id=project.award_id)
            if rest.unpaid_fen > 0:
                parts = plan_release(movements, rest.unpaid_fen, award_id=project.award_id)
                entries += [
                    _release_entry(
                        fund_id,
                        part.amount_fen,
                        part.domain_id,
                        project,
                        on,
                        memo=f"结项承诺释放（未列入拨付批次）：{project.title}",
                        key=f"release:award:{project.award_id}:{rest.released_fen}:{n}",
                    )
                    for n, part in enumerate(parts)
                ]
            fund.add_ledger_entries(session, entries)
            released = sum(e.amount_fen for e in entries)
            if released:
                audit.record(
                    session,
                    actor=actor,
                    now=now,
                    action="commitment_release",
                    subject_type="project",
                    subject_id=project.id,
                    on=on,
                    detail=f"「{project.title}」释放未拨付承诺 {format_fen(released)} 元，{on}",
                )
    except FundError as error:
        raise Refused(str(error)) from None
    return released


def _release_entry(
    fund_id: int,
    amount_fen: int,
    domain_id: int | None,
    project: Project,
    on: date,
    *,
    memo: str,
    key: str,
    tranche_id: int | None = None,
) -> LedgerEntry:
    return LedgerEntry(
        fund_id=fund_id,
        kind=LedgerKind.RELEASE,
        amount_fen=amount_fen,
        occurred_on=on,
        domain_id=domain_id,
        award_id=project.award_id,
        tranche_id=tranche_id,
        memo=memo[:200],
        idempotency_key=key,
    )


def _check_actor(actor: Actor) -> None:
    if actor.role not in MONEY_ROLES:
        raise Forbidden("只有街道工作人员可以办理拨付和退回")


def _find_tranche(session: Session, tranche_id: int) -> Tranche:
    tranche = awards.find_tranche(session, tranche_id)
    if tranche is None:
        raise NotFound(f"没有编号为 {tranche_id} 的拨付批次")
    return tranche


def _find_project(session: Session, project_id: int) -> Project:
    project = awards.find_project(session, project_id)
    if project is None:
        raise NotFound(f"没有编号为 {project_id} 的服务项目")
    return project


def _project_of(session: Session, tranche: Tranche) -> Project:
    project = awards.find_award_project(session, award_id=tranche.award_id)
    if project is None:
        raise NotFound(f"拨付批次 #{tranche.id} 的立项还没有服务项目")
    return project


def _payee(session: Session, award_id: int) -> tuple[str, int | None]:
    """The title and domain a payment is booked under: the project's, or at signing the proposal's."""
    project = awards.find_award_project(session, award_id=award_id)
    if project is not None:
        return project.title, project.domain_id
    proposal = proposals.get_proposal(session, awards.get_award(session, award_id).proposal_id)
    return proposal.title, proposal.domain_id


def _cycle_id(session: Session, award_id: int) -> int:
    project = awards.find_award_project(session, award_id=award_id)
    if project is not None:
        return project.cycle_id
    proposal = proposals.get_proposal(session, awards.get_award(session, award_id).proposal_id)
    return calls.get_call(session, proposal.call_id).cycle_id


def _transition(tranche: Tranche, target: TrancheStatus, actor: Actor) -> TrancheStatus:
    try:
        return apply_transition(  # type: ignore[return-value]
            TRANCHE_TRANSITIONS,
            TrancheStatus(tranche.status),
            target,
            role=actor.role or Role.SYSTEM,
        )
    except TransitionError as error:
        raise Refused(str(error)) from None
