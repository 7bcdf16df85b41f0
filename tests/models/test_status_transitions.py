"""The transition tables: every allowed move, every refused role, every move not in a table."""

from __future__ import annotations

import itertools

import pytest

from models.status import (
    ACTION_ITEM_TRANSITIONS,
    AWARD_TRANSITIONS,
    CALL_TRANSITIONS,
    CYCLE_TRANSITIONS,
    FUNDED_PATH,
    NEED_TRANSITIONS,
    PROJECT_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    ROLE_LABELS,
    STAGE_LABELS,
    TRANCHE_TRANSITIONS,
    ActionItemStatus,
    AwardStatus,
    CallStatus,
    CycleStatus,
    NeedStatus,
    ProjectStatus,
    ProposalStatus,
    Role,
    Stage,
    TrancheStatus,
    TransitionError,
    apply_transition,
    can_transition,
)

TABLES = {
    "cycle": (CYCLE_TRANSITIONS, CycleStatus),
    "need": (NEED_TRANSITIONS, NeedStatus),
    "call": (CALL_TRANSITIONS, CallStatus),
    "proposal": (PROPOSAL_TRANSITIONS, ProposalStatus),
    "award": (AWARD_TRANSITIONS, AwardStatus),
    "tranche": (TRANCHE_TRANSITIONS, TrancheStatus),
    "project": (PROJECT_TRANSITIONS, ProjectStatus),
    "action_item": (ACTION_ITEM_TRANSITIONS, ActionItemStatus),
}

ALLOWED = [
    pytest.param(name, current, target, role, id=f"{name}:{current}->{target}:{role}")
    for name, (table, _) in TABLES.items()
    for (current, target), roles in table.items()
    for role in sorted(roles)
]

REFUSED_ROLES = [
    pytest.param(name, current, target, role, id=f"{name}:{current}->{target}:{role}")
    for name, (table, _) in TABLES.items()
    for (current, target), roles in table.items()
    for role in Role
    if role not in roles
]

NOT_IN_TABLE = [
    pytest.param(name, current, target, id=f"{name}:{current}->{target}")
    for name, (table, statuses) in TABLES.items()
    for current, target in itertools.product(statuses, repeat=2)
    if (current, target) not in table
]


@pytest.mark.parametrize(("name", "current", "target", "role"), ALLOWED)
def test_allowed_role_moves_the_status_to_its_target(name, current, target, role):
    table, _ = TABLES[name]
    assert apply_transition(table, current, target, role=role) is target
    assert can_transition(table, current, target, role=role) is True


@pytest.mark.parametrize(("name", "current", "target", "role"), REFUSED_ROLES)
def test_role_outside_the_table_is_refused_with_who_may(name, current, target, role):
    table, _ = TABLES[name]
    with pytest.raises(TransitionError) as refused:
        apply_transition(table, current, target, role=role)
    message = str(refused.value)
    assert message.startswith(f"{ROLE_LABELS[role]}无权执行 {current} → {target}，只有")
    for allowed_role in table[(current, target)]:
        assert ROLE_LABELS[allowed_role] in message
    assert can_transition(table, current, target, role=role) is False


@pytest.mark.parametrize(("name", "current", "target"), NOT_IN_TABLE)
def test_move_not_in_the_table_is_refused_for_every_role(name, current, target):
    table, _ = TABLES[name]
    for role in Role:
        with pytest.raises(TransitionError, match=f"^不允许的状态变更：{current} → {target}$"):
            apply_transition(table, current, target, role=role)
        assert can_transition(table, current, target, role=role) is False


def test_the_parametrised_tables_cover_every_move_there_is():
    pairs = sum(len(table) for table, _ in TABLES.values())
    assert pairs == 41
    assert len(ALLOWED) == 77
    assert len(REFUSED_ROLES) == len(Role) * pairs - 77
    every_pair = sum(len(statuses) ** 2 for _, statuses in TABLES.values())
    assert len(NOT_IN_TABLE) == every_pair - pairs


def test_refusal_names_every_role_that_may_in_a_fixed_order():
    with pytest.raises(TransitionError) as refused:
        apply_transition(
            PROPOSAL_TRANSITIONS,
            ProposalStatus.SUBMITTED,
            ProposalStatus.ELIGIBLE,
            role=Role.AGENCY,
        )
    assert str(refused.value) == "社会组织无权执行 submitted → eligible，只有系统、街道工作人员可以"


def test_only_the_agency_submits_its_own_proposal():
    with pytest.raises(TransitionError) as refused:
        apply_transition(
            PROPOSAL_TRANSITIONS, ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, role=Role.STAFF
        )
    assert str(refused.value) == "街道工作人员无权执行 draft → submitted，只有社会组织可以"


def test_agency_may_withdraw_before_shortlisting_but_not_after():
    assert can_transition(
        PROPOSAL_TRANSITIONS, ProposalStatus.ELIGIBLE, ProposalStatus.WITHDRAWN, role=Role.AGENCY
    )
    assert not can_transition(
        PROPOSAL_TRANSITIONS,
        ProposalStatus.SHORTLISTED,
        ProposalStatus.WITHDRAWN,
        role=Role.AGENCY,
    )


def test_only_staff_not_the_system_confirms_a_need():
    for current in (NeedStatus.CLASSIFIED, NeedStatus.IN_REVIEW):
        assert can_transition(NEED_TRANSITIONS, current, NeedStatus.CONFIRMED, role=Role.STAFF)
        assert not can_transition(NEED_TRANSITIONS, current, NeedStatus.CONFIRMED, role=Role.SYSTEM)


def test_an_agency_may_close_an_action_item_but_not_drop_it():
    assert can_transition(
        ACTION_ITEM_TRANSITIONS, ActionItemStatus.OPEN, ActionItemStatus.DONE, role=Role.AGENCY
    )
    assert not can_transition(
        ACTION_ITEM_TRANSITIONS,
        ActionItemStatus.OPEN,
        ActionItemStatus.DROPPED,
        role=Role.AGENCY,
    )


@pytest.mark.parametrize("status", list(CycleStatus))
def test_a_cycle_only_moves_forward_one_step(status):
    order = list(CycleStatus)
    targets = {target for (current, target) in CYCLE_TRANSITIONS if current is status}
    expected = {order[order.index(status) + 1]} if status is not CycleStatus.CLOSED else set()
    assert targets == expected


@pytest.mark.parametrize(
    ("name", "terminal"),
    [
        ("proposal", ProposalStatus.CONTRACTED),
        ("proposal", ProposalStatus.REJECTED),
        ("proposal", ProposalStatus.WITHDRAWN),
        ("proposal", ProposalStatus.INELIGIBLE),
        ("award", AwardStatus.CANCELLED),
        ("tranche", TrancheStatus.RELEASED),
        ("project", ProjectStatus.COMPLETED),
        ("project", ProjectStatus.TERMINATED),
        ("call", CallStatus.CLOSED),
    ],
)
def test_final_statuses_have_no_way_out(name, terminal):
    table, _ = TABLES[name]
    assert [pair for pair in table if pair[0] is terminal] == []


def test_a_released_tranche_cannot_be_withheld_again():
    with pytest.raises(TransitionError, match="不允许的状态变更"):
        apply_transition(
            TRANCHE_TRANSITIONS, TrancheStatus.RELEASED, TrancheStatus.WITHHELD, role=Role.STAFF
        )


def test_the_funded_path_is_walkable_by_staff_from_eligible_in_stage_order():
    status: ProposalStatus = ProposalStatus.ELIGIBLE
    stages = list(Stage)
    last_stage = Stage.ELIGIBILITY
    for target, stage in FUNDED_PATH:
        status = apply_transition(PROPOSAL_TRANSITIONS, status, target, role=Role.STAFF)
        assert stages.index(stage) >= stages.index(last_stage)
        last_stage = stage
    assert status is ProposalStatus.CONTRACTED


def test_every_role_and_stage_has_a_chinese_label():
    assert set(ROLE_LABELS) == set(Role)
    assert [STAGE_LABELS[s] for s in Stage] == ["资格审查", "初审", "路演答辩", "终审", "公示"]
