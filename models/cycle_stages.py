"""Where a cycle stands: its six stages in order, from what it has already stored.

需求征集 → 基金募集 → 发布申报指南 → 遴选 → 执行 → 结项. A stage is done when the
record that ends it exists (a need, a gift, a published call, an award or a
project, a project, the closing). The stage after the last one done is the
next step; an earlier stage not done is shown as skipped, not as next. The
next stage also says what blocks it (`Blocker`: no fund yet, no call rules, the
call not yet closed…), each with a key the portal turns into a link. Pure:
the counts come from `store.cycle_setup.cycle_facts`.
"""

from __future__ import annotations

from dataclasses import dataclass

DONE = "done"
CURRENT = "current"
SKIPPED = "skipped"
LATER = "later"

STATE_LABELS = {DONE: "已完成", CURRENT: "下一步", SKIPPED: "未做", LATER: "未开始"}


@dataclass(frozen=True)
class CycleFacts:
    """How many of each record a cycle holds."""

    needs: int = 0
    has_fund: bool = False
    donations: int = 0
    calls: int = 0
    calls_published: int = 0
    calls_closed: int = 0
    proposals: int = 0
    awards: int = 0
    projects: int = 0
    closed: bool = False


@dataclass(frozen=True)
class Blocker:
    """What stands before a stage: a key (the portal links it to the page that clears it), the text."""

    key: str
    text: str


@dataclass(frozen=True)
class StageState:
    """One stage: its key and name, whether it is done, what it holds, how to do it, what blocks it."""

    key: str
    name: str
    state: str
    detail: str
    how: str
    blockers: tuple[Blocker, ...] = ()

    @property
    def state_label(self) -> str:
        """The state in Chinese."""
        return STATE_LABELS[self.state]


def _how(key: str, cycle_id: int) -> str:
    return {
        "needs": f"导入居民需求：gongyi needs import 需求表.xlsx --cycle {cycle_id}"
        "（或居民在门户 /needs/new 提交）",
        "fund": f"登记捐赠：gongyi fund import 捐赠表.xlsx --cycle {cycle_id} --name 基金名称"
        "（或在门户本周期页「公益基金」登记）",
        "call": f"发布申报指南：gongyi call publish 申报指南.toml --cycle {cycle_id}"
        "（或在门户本周期页编辑或上传规则后发布）",
        "selection": "截止申报、资格审查后在门户「遴选」页（/officer/selection）逐步遴选，"
        "或 gongyi call close 与 gongyi selection status --call 申报指南编号",
        "running": "项目执行中：每日 gongyi monitor check，每月 gongyi monitor month",
        "closing": f"结项评估后结项：gongyi cycle final 与 gongyi cycle close --cycle {cycle_id}",
    }[key]


def stage_blockers(key: str, facts: CycleFacts) -> tuple[Blocker, ...]:
    """What still has to happen before the stage `key` can be done."""
    found: list[Blocker] = []
    if key == "needs" and facts.needs == 0:
        found.append(Blocker("no_needs", "还没有居民需求：导入需求表或请居民在门户提交"))
    if key == "fund" and not facts.has_fund:
        found.append(Blocker("no_fund", "还没有设立公益基金"))
    if key == "fund" and facts.has_fund and facts.donations == 0:
        found.append(Blocker("no_gifts", "公益基金还没有捐赠"))
    if key == "call":
        if facts.donations == 0:
            found.append(Blocker("no_gifts", "还没有登记捐赠：资助总额不能超过已募集的金额"))
        if facts.calls == 0:
            found.append(Blocker("no_rules", "还没有申报指南规则"))
        elif facts.calls_published == 0:
            found.append(Blocker("rules_draft", "申报指南规则已保存，尚未发布"))
    if key == "selection":
        if facts.calls_published == 0:
            found.append(Blocker("no_call", "申报指南尚未发布"))
        elif facts.calls_closed == 0:
            found.append(Blocker("call_open", "申报尚未截止：截止后自动资格审查"))
        if facts.calls_published and facts.proposals == 0:
            found.append(Blocker("no_proposals", "还没有申报书"))
    if key == "running" and facts.projects == 0:
        found.append(Blocker("no_projects", "还没有立项签约的项目"))
    if key == "closing" and facts.projects == 0:
        found.append(Blocker("no_projects", "还没有执行中的项目"))
    return tuple(found)


def cycle_stages(facts: CycleFacts, *, cycle_id: int) -> list[StageState]:
    """The six stages in order, each done, next, skipped or not started."""
    rows = [
        ("needs", "需求征集", facts.needs > 0, f"{facts.needs} 条需求"),
        (
            "fund",
            "基金募集",
            facts.donations > 0,
            f"{facts.donations} 笔捐赠" if facts.has_fund else "尚未设立基金",
        ),
        (
            "call",
            "发布申报指南",
            facts.calls_published > 0,
            f"{facts.calls_published} 版已发布" if facts.calls else "尚无申报指南",
        ),
        (
            "selection",
            "遴选",
            facts.awards > 0 or facts.projects > 0,
            f"{facts.proposals} 份申报书，{facts.awards} 个拟资助",
        ),
        ("running", "执行", facts.closed, f"{facts.projects} 个项目"),
        ("closing", "结项", facts.closed, "已结项" if facts.closed else "未结项"),
    ]
    last_done = max((i for i, row in enumerate(rows) if row[2]), default=-1)
    stages = []
    for i, (key, name, done, detail) in enumerate(rows):
        if done:
            state = DONE
        elif i < last_done:
            state = SKIPPED
        elif i == last_done + 1:
            state = CURRENT
        else:
            state = LATER
        blockers = stage_blockers(key, facts) if state == CURRENT else ()
        stages.append(StageState(key, name, state, detail, _how(key, cycle_id), blockers))
    return stages


def next_stage(stages: list[StageState]) -> StageState | None:
    """The next step, or None when the cycle is closed."""
    return next((s for s in stages if s.state == CURRENT), None)


def stage_after(stages: list[StageState]) -> StageState | None:
    """The stage after the next step (what follows it), or None."""
    keys = [s.key for s in stages]
    current = next_stage(stages)
    if current is None or keys.index(current.key) + 1 >= len(stages):
        return None
    return stages[keys.index(current.key) + 1]
