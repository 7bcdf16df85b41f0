"""Where a cycle stands: its six stages in order, from what it has already stored.

需求征集 → 基金募集 → 发布申报指南 → 遴选 → 执行 → 结项. A stage is done when the
record that ends it exists (a need, a gift, a published call, an award or a
project, a project, the closing). The stage after the last one done is the
next step; an earlier stage not done is shown as skipped, not as next. Pure:
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
    proposals: int = 0
    awards: int = 0
    projects: int = 0
    closed: bool = False


@dataclass(frozen=True)
class StageState:
    """One stage: its key and name, whether it is done, what it holds, and how to do it."""

    key: str
    name: str
    state: str
    detail: str
    how: str

    @property
    def state_label(self) -> str:
        """The state in Chinese."""
        return STATE_LABELS[self.state]


def _how(key: str, cycle_id: int) -> str:
    return {
        "needs": f"导入居民需求：gongyi needs import 需求表.xlsx --cycle {cycle_id}"
        "（或居民在门户 /needs/new 提交）",
        "fund": f"登记捐赠：gongyi fund import 捐赠表.xlsx --cycle {cycle_id} --name 基金名称",
        "call": f"发布申报指南：gongyi call publish 申报指南.toml --cycle {cycle_id}",
        "selection": "截止申报、资格审查后遴选：gongyi call close 与 gongyi selection run",
        "running": "项目执行中：每日 gongyi monitor check，每月 gongyi monitor month",
        "closing": f"结项评估后结项：gongyi cycle final 与 gongyi cycle close --cycle {cycle_id}",
    }[key]


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
        stages.append(StageState(key, name, state, detail, _how(key, cycle_id)))
    return stages


def next_stage(stages: list[StageState]) -> StageState | None:
    """The next step, or None when the cycle is closed."""
    return next((s for s in stages if s.state == CURRENT), None)
