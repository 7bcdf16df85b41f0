"""A whole cycle of 新安街道办事处 through the `gongyi` CLI only, from an empty database.

The one list of steps that `benchmarks/replay_cycle.py` (each step a subprocess of
`.venv/bin/gongyi`, as a clerk types it) and `tests/flows/test_cli_journey.py`
(each step in-process through typer's CliRunner) both run. Every step that records
a dated act is given its business date (`--on`, `--date`, `--day`, `--today`,
`--received` or a file's 送达时间 column); the clock is never faked, so the cycle is
set in the past (2026): the product rightly refuses a review, a daily report or an
action item dated after today.

The data in this folder is not the demo's (see README.md here): two communities,
13 needs, 6 agencies, 7 proposals in two paper batches, 4 reviewers with one
declared conflict, three weeks of June daily reports, a weekly meeting with two
action items, the June (= mid-term) evaluation, the final evaluation over the
compressed period to 2026-06-30, and the close.

Ids in the steps (need #10, proposal #5, objection #1, project #2, action item #1)
are the ones a fresh database gives the files in this order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent
CYCLE = "1"
CALL = "1"
REVIEWER_OF_EVALUATIONS = "孙静怡"  # 周明远 scored them; the scorer may not approve their own
PROJECTS = (
    "银发餐桌·翠竹老年助餐",
    "邻里守望·独居老人探访",
    "成长驿站·课后作业辅导",
    "同行·残疾人陪同就医",
    "分类达人·垃圾分类督导",
)
CYCLE_REPORT = Path("结项") / "2026-1" / "创投周期总结报告.pdf"  # under the output folder


@dataclass(frozen=True)
class Step:
    """One command as a clerk types it (without the leading `gongyi`)."""

    args: tuple[str, ...]

    @property
    def label(self) -> str:
        """The command as typed, with this folder's paths shortened for a table."""
        return "gongyi " + " ".join(a.replace(f"{DATA}/", "") for a in self.args)


def _step(*args: str | Path) -> Step:
    return Step(tuple(str(a) for a in args))


def journey(data: Path = DATA) -> list[Step]:
    """Every command of the cycle, in order, with its business date."""
    return [
        *_set_up(data),
        *_call_and_bids(data),
        *_selection(data),
        *_monitoring(data),
        *_closing(data),
    ]


def _set_up(data: Path) -> list[Step]:
    return [
        _step(
            "cycle",
            "open",
            "--street-office",
            "新安街道办事处",
            "--year",
            "2026",
            "--name",
            "2026年度新安街道公益创投",
            "--starts",
            "2026-03-01",
            "--ends",
            "2026-12-31",
            "--communities",
            "翠竹社区,枫林社区",
            "--contact",
            "社会事务科 陆老师",
            "--by",
            "陆晓燕",
        ),
        _step(
            "users",
            "add",
            "luxy",
            "--role",
            "staff",
            "--name",
            "陆晓燕",
            "--password",
            "Xinan-2026-lu",
        ),
        _step("cycle", "status", "--cycle", CYCLE),
        _step("needs", "import", data / "needs.csv", "--cycle", CYCLE, "--today", "2026-03-31"),
        _step("needs", "groups", "--cycle", CYCLE),
        _step("needs", "review", "--cycle", CYCLE, "--by", "陆晓燕"),
        _step("needs", "confirm", "10", "--domain", "special", "--by", "陆晓燕"),
        _step("needs", "summary", "--cycle", CYCLE, "--today", "2026-04-01"),
        _step("fund", "open", "--cycle", CYCLE, "--name", "新安街道公益创投基金"),
        _step(
            "fund",
            "import",
            data / "donations.csv",
            "--in-kind",
            data / "in_kind.csv",
            "--cycle",
            CYCLE,
            "--name",
            "新安街道公益创投基金",
        ),
        _step(
            "fund",
            "donate",
            "--cycle",
            CYCLE,
            "--donor",
            "翠竹社区居民曹先生",
            "--type",
            "热心人士",
            "--amount",
            "500",
            "--date",
            "2026-04-28",
            "--receipt",
            "XA2026-031",
        ),
        _step(
            "fund",
            "gift",
            "--cycle",
            CYCLE,
            "--donor",
            "枫林社区志愿者协会",
            "--type",
            "其他",
            "--category",
            "人力",
            "--description",
            "每周两次派志愿者协助助餐点分餐",
            "--date",
            "2026-04-29",
        ),
        _step("fund", "show", "--cycle", CYCLE, "--date", "2026-04-30"),
        _step(
            "agency", "import", data / "agencies.csv", "--track-records", data / "track_records.csv"
        ),
    ]


def _call_and_bids(data: Path) -> list[Step]:
    return [
        _step("call", "check", data / "call.toml"),
        _step("call", "publish", data / "call.toml", "--cycle", CYCLE, "--date", "2026-05-04"),
        _step(
            "proposal",
            "submit",
            data / "bids-0512" / "proposals.csv",
            "--call",
            CALL,
            "--on",
            "2026-05-12 10:30",
        ),
        _step(
            "proposal",
            "submit",
            data / "bids-0519" / "proposals.csv",
            "--call",
            CALL,
            "--on",
            "2026-05-19 15:10",
        ),
        _step("call", "close", "--call", CALL, "--date", "2026-05-21"),
        _step("proposal", "screening", "--call", CALL),
    ]


def _selection(data: Path) -> list[Step]:
    pool = ("--reviewers", data / "reviewers.csv", "--conflicts", data / "conflicts.csv")
    return [
        _step(
            "selection",
            "seat",
            "--call",
            CALL,
            "--stage",
            "初审",
            *pool,
            "--on",
            "2026-05-22",
            "--by",
            "陆晓燕",
        ),
        _step(
            "selection",
            "scores",
            data / "scores_preliminary.csv",
            "--call",
            CALL,
            "--stage",
            "初审",
            "--on",
            "2026-05-26",
        ),
        _step(
            "selection",
            "close-stage",
            "--call",
            CALL,
            "--stage",
            "初审",
            "--on",
            "2026-05-27",
            "--by",
            "陆晓燕",
        ),
        _step(
            "selection",
            "seat",
            "--call",
            CALL,
            "--stage",
            "路演",
            *pool,
            "--on",
            "2026-05-27",
            "--by",
            "陆晓燕",
        ),
        _step(
            "selection",
            "scores",
            data / "scores_defence.csv",
            "--call",
            CALL,
            "--stage",
            "路演",
            "--on",
            "2026-05-29",
        ),
        _step(
            "selection",
            "close-stage",
            "--call",
            CALL,
            "--stage",
            "路演",
            "--on",
            "2026-05-29",
            "--by",
            "陆晓燕",
        ),
        _step(
            "selection",
            "decide",
            "--call",
            CALL,
            "--by",
            "新安街道公益创投评审委员会主任",
            "--on",
            "2026-06-01",
        ),
        _step(
            "selection",
            "object",
            "--call",
            CALL,
            "--proposal",
            "5",
            "--by",
            "枫林社区居民赵某",
            "--text",
            "认为垃圾分类督导应由物业承担，不需要公益创投资金。",
            "--day",
            "2026-06-02",
        ),
        _step(
            "selection",
            "resolve",
            "--call",
            CALL,
            "--objection",
            "1",
            "--by",
            "新安街道公益创投评审委员会",
            "--reason",
            "经核实，物业只负责清运，现场督导与入户宣传不在物业服务合同内，项目不重复。",
            "--dismiss",
            "--on",
            "2026-06-04",
        ),
        _step("selection", "status", "--call", CALL),
        _step(
            "selection", "conclude", "--call", CALL, "--start", "2026-06-15", "--on", "2026-06-08"
        ),
    ]


def _monitoring(data: Path) -> list[Step]:
    cycle = ("--cycle", CYCLE)
    # One evaluation reviewed on its own, the other four in one batch action.
    reviews = [
        _step(
            "monitor",
            "review",
            PROJECTS[0],
            "2026-06",
            "--reviewer",
            REVIEWER_OF_EVALUATIONS,
            "--on",
            "2026-07-03",
            *cycle,
        ),
        _step(
            "monitor",
            "review-batch",
            "--month",
            "2026-06",
            "--all",
            "--reviewer",
            REVIEWER_OF_EVALUATIONS,
            "--on",
            "2026-07-03",
            *cycle,
        ),
    ]
    return [
        _step("monitor", "report", "import", data / "daily_reports_0615.csv", *cycle),
        _step("monitor", "check", "--since", "2026-06-15", "--day", "2026-06-18", *cycle),
        _step("monitor", "week", "--week-start", "2026-06-15", *cycle),
        _step(
            "monitor",
            "minutes",
            "2026-06-15",
            "--text",
            data / "minutes_0615.txt",
            "--actions",
            data / "actions_0615.csv",
            "--attendees",
            "陆晓燕、周明远及五家承接机构负责人",
            "--recorder",
            "陆晓燕",
            "--host",
            "社会事务科科长",
            *cycle,
        ),
        _step(
            "monitor",
            "report",
            "submit",
            PROJECTS[0],
            "--day",
            "2026-06-22",
            "--activity",
            "社区活动:老年助餐:25",
            "--activity",
            "个案:送餐上门:4",
            "--beneficiaries",
            "CZ-LS005,CZ-LS006,CZ-LS007,CZ-LS008",
            "--hours",
            "5",
            "--volunteers",
            "3",
            "--volunteer-hours",
            "6",
            "--spend",
            "活动费:150",
            "--summary",
            "助餐点供应午餐，新增一名送餐志愿者。",
            "--received",
            "2026-06-22T18:40",
            *cycle,
        ),
        _step(
            "monitor",
            "excuse",
            "2",
            "2026-06-29",
            "--reason",
            "社工与志愿者参加区级探访技能培训",
            "--on",
            "2026-06-26",
        ),
        _step("monitor", "report", "import", data / "daily_reports_0622.csv", *cycle),
        _step("monitor", "action", "list", *cycle),
        _step(
            "monitor",
            "action",
            "close",
            "1",
            "--note",
            "已调整为早晚两班，每个投放点一名志愿者",
            "--on",
            "2026-06-24",
        ),
        _step("monitor", "check", "--since", "2026-06-22", "--day", "2026-06-30", *cycle),
        _step("monitor", "week", "--week-start", "2026-06-22", *cycle),
        _step(
            "monitor",
            "month",
            "2026-06",
            "--scores",
            data / "monthly_scores_2026-06.csv",
            "--on",
            "2026-07-02",
            *cycle,
        ),
        *reviews,
        _step("monitor", "month", "2026-06", "--on", "2026-07-06", *cycle),
    ]


def _closing(data: Path) -> list[Step]:
    reviews = [
        _step(
            "cycle",
            "review",
            title,
            "--cycle",
            CYCLE,
            "--reviewer",
            REVIEWER_OF_EVALUATIONS,
            "--on",
            "2026-07-10",
        )
        for title in PROJECTS
    ]
    return [
        _step(
            "cycle",
            "final",
            "--cycle",
            CYCLE,
            "--period-end",
            "2026-06-30",
            "--scores",
            data / "final_scores.csv",
            "--on",
            "2026-07-08",
        ),
        *reviews,
        _step(
            "cycle", "final", "--cycle", CYCLE, "--period-end", "2026-06-30", "--on", "2026-07-12"
        ),
        _step("cycle", "close", "--cycle", CYCLE, "--today", "2026-07-15"),
        _step("cycle", "verify", "--cycle", CYCLE),
        _step("fund", "statement", "--cycle", CYCLE, "--date", "2026-07-15"),
        _step("fund", "show", "--cycle", CYCLE, "--date", "2026-07-15"),
    ]
