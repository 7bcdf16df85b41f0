"""Where a call's layered selection stands, and the one step that comes next.

Selection is taken step by step, each step any time, from the CLI or the portal:
seat the 初审 panels → 初审 scores → close 初审 (the pass line) → seat the 路演
panels → 路演 scores → close 路演 (the proposed allocation goes to the
committee) → the committee's decision (公示) → conclude (签约). The state lives in
the database; this module reads counts of it and names the next step, with the
command that takes it, so no step asks for something that is not there yet (the
committee is never asked to decide on an empty list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class StageCounts:
    """A scored stage: proposals waiting in it, those without a panel, seats not yet scored."""

    waiting: int = 0
    unseated: int = 0
    unscored: int = 0


@dataclass(frozen=True)
class SelectionCounts:
    """What is stored of a call's selection."""

    call_id: int
    preliminary: StageCounts = StageCounts()
    defence: StageCounts = StageCounts()
    proposed: bool = False
    decided: bool = False
    notice_ends_on: date | None = None
    concluded: bool = False


@dataclass(frozen=True)
class NextStep:
    """The step to take next: a key for doors, and a one-line Chinese message with the command."""

    key: str
    message: str


STAGE_WORDS = {"preliminary": "初审", "defence": "路演"}


def _stage_step(call_id: int, stage: str, counts: StageCounts) -> NextStep:
    word = STAGE_WORDS[stage]
    if counts.unseated:
        return NextStep(
            f"seat:{stage}",
            f"{word}：{counts.unseated} 份申报书尚未安排评审专家组；请先安排专家组并下发评分表："
            f"gongyi selection seat --call {call_id} --stage {word} --reviewers 评审专家.csv",
        )
    if counts.unscored:
        return NextStep(
            f"scores:{stage}",
            f"{word}评分未齐：还缺 {counts.unscored} 份评分；请录入评分表："
            f"gongyi selection scores --call {call_id} --stage {word} 评分表.xlsx（或由评审专家在门户评分）",
        )
    action = "按通过线确定入围名单" if stage == "preliminary" else "提出拟资助方案，提交评审委员会"
    return NextStep(
        f"close:{stage}",
        f"{word}评分已齐：请结束{word}，{action}："
        f"gongyi selection close-stage --call {call_id} --stage {word}",
    )


def next_step(counts: SelectionCounts) -> NextStep:
    """Name the next step of a call's selection from what is stored."""
    call_id = counts.call_id
    if counts.concluded:
        return NextStep("done", "遴选已结束：公示期满，资助协议已签订")
    if counts.decided:
        return NextStep(
            "conclude",
            f"评审委员会已作出决定，公示至 {counts.notice_ends_on}；期满且异议处理完毕后签约："
            f"gongyi selection conclude --call {call_id} --start YYYY-MM-DD",
        )
    if counts.proposed:
        return NextStep(
            "decide",
            f"拟资助方案已提交，等待评审委员会终审决定："
            f"gongyi selection decide --call {call_id} --by 评审委员会主任（或在门户「终审决定」页录入）",
        )
    if counts.preliminary.waiting:
        return _stage_step(call_id, "preliminary", counts.preliminary)
    if counts.defence.waiting:
        return _stage_step(call_id, "defence", counts.defence)
    return NextStep(
        "screening",
        "没有等待初审或路演的申报书：请先截止申报并完成资格审查（gongyi call close），"
        "或检查初审是否无人通过",
    )
