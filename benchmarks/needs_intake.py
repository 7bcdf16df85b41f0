"""How long 100,000 needs take to import, merge and classify, and how much memory that needs.

Writes a needs file of N rows (default 100,000) made from the shipped and
demo needs, reworded the way residents repeat each other (a prefix, a
suffix, punctuation dropped), spread over 20 communities, with made-up
contacts. Then, on a fresh SQLite database (or the PostgreSQL URL given with
--postgres), it runs the real `needs_intake` flow — read and check, bulk
insert, merge duplicates, classify, post the summary artifact — and prints
the wall time of each stage, of the whole flow, of a second import of the
same file (which adds nothing), and the peak RSS of this process.
Run from the repository root:

    PYTHONPATH=. python benchmarks/needs_intake.py [N] [--postgres URL]
"""

from __future__ import annotations

import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMUNITIES = [
    f"{name}社区"
    for name in (
        "长淮",
        "龙湖",
        "明珠",
        "新安",
        "锦绣",
        "淮滨",
        "东升",
        "和平",
        "幸福",
        "光明",
        "春晖",
        "朝阳",
        "滨河",
        "文昌",
        "青年",
        "建设",
        "友谊",
        "南山",
        "北苑",
        "西城",
    )
]
PREFIXES = ["", "", "", "我觉得", "建议", "强烈希望", "我们楼", "麻烦社区", "反映一下："]
SUFFIXES = ["", "。", "！", "，谢谢", "，希望尽快解决", "，盼回复", "。急！"]
GROUPS = [
    "全体居民",
    "老年人",
    "独居老人",
    "小学生",
    "青少年",
    "残疾人",
    "低保家庭",
    "困难家庭",
    "儿童",
    "",
]
SOURCES = ["居民", "网格员", "问卷", "微信群", "座谈会", "热线"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
TODAY = date(2026, 3, 31)


def base_texts() -> list[str]:
    """Return the distinct needs the generated file rewords."""
    texts = []
    for name, column in (("data/needs_labelled.csv", "text"), ("demo/needs.csv", "需求内容")):
        with (ROOT / name).open(encoding="utf-8") as handle:
            texts += [row[column] for row in csv.DictReader(handle)]
    return sorted(set(texts))


def write_needs(path: Path, rows: int, *, seed: int = 2026) -> None:
    """Write a needs CSV of `rows` residents' needs, deterministically."""
    rng = random.Random(seed)
    texts = base_texts()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["需求内容", "社区", "服务对象", "来源", "提交日期", "联系人", "联系电话"])
        for number in range(rows):
            text = rng.choice(texts).rstrip("。！")
            if rng.random() < 0.3:
                text = text.replace("，", "")
            writer.writerow(
                [
                    rng.choice(PREFIXES) + text + rng.choice(SUFFIXES),
                    rng.choice(COMMUNITIES),
                    rng.choice(GROUPS),
                    rng.choice(SOURCES),
                    (date(2026, 3, 1) + timedelta(days=rng.randrange(31))).isoformat(),
                    rng.choice(SURNAMES) + rng.choice("明华芳军静丽强敏"),
                    f"1{rng.choice('3589')}{number:09d}",
                ]
            )


def peak_rss_mib() -> float:
    """Return this process's peak resident set size in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(url: str, folder: Path) -> None:
    """Point gongyi and Prefect at a fresh database and a private Prefect home."""
    os.environ["GONGYI_DATABASE_URL"] = url
    os.environ["GONGYI_OUTPUT_DIR"] = str(folder / "output")
    os.environ.setdefault("PREFECT_HOME", str(folder / "prefect"))
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"


def timed(label: str, action):  # type: ignore[no-untyped-def]
    """Run `action`, print how long it took, and return its result."""
    started = time.perf_counter()
    result = action()
    print(f"  {label:<38} {time.perf_counter() - started:7.2f} s")
    return result


def run(rows: int, url: str | None) -> None:
    """Generate the file, then time each stage and the whole flow."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        prepare(url or f"sqlite:///{folder / 'bench.db'}", folder)
        from prefect.testing.utilities import prefect_test_harness
        from sqlmodel import SQLModel

        from flows.call.open_cycle import open_cycle
        from store.database import get_engine

        needs_file, communities = folder / "needs.csv", folder / "communities.csv"
        communities.write_text("社区\n" + "\n".join(COMMUNITIES) + "\n", encoding="utf-8")
        timed(f"write {rows:,} needs to CSV", lambda: write_needs(needs_file, rows))
        SQLModel.metadata.create_all(get_engine(os.environ["GONGYI_DATABASE_URL"]))
        with prefect_test_harness(server_startup_timeout=120):
            first, second = (
                open_cycle(
                    "基准街道", y, f"{y}年度", date(y, 1, 1), date(y, 12, 31), str(communities)
                )
                for y in (2026, 2027)
            )
            run_stages(first, needs_file)
            run_flow(second, needs_file)
    print(f"Peak RSS of this process: {peak_rss_mib():.0f} MiB")


def run_stages(cycle_id: int, needs_file: Path) -> None:
    """Time each stage of the import, called directly."""
    from flows.needs.categorise_needs import classify_needs, merge_duplicates
    from flows.needs.needs_intake import check_need_rows
    from flows.runtime import session_scope
    from settings import get_settings
    from store import cycles, needs

    settings, training = get_settings(), str(get_settings().needs_training_file)
    print(f"Stages, called directly (cycle #{cycle_id}):")
    checked = timed(
        "read and check every row", lambda: check_need_rows(cycle_id, str(needs_file), TODAY)
    )
    assert not checked.errors, checked.errors[:3]

    def insert() -> None:
        with session_scope() as session:
            ids = {c.name: c.id for c in cycles.list_communities(session, street_office="基准街道")}
            needs.add_needs(session, cycle_id=cycle_id, rows=checked.rows, community_ids=ids)  # type: ignore[arg-type]

    timed("bulk insert (one transaction)", insert)
    groups, merged = timed("merge duplicates", lambda: merge_duplicates.fn(cycle_id, training))
    sorted_, unsure = timed(
        "train and classify every lead",
        lambda: classify_needs.fn(cycle_id, training, settings.needs_review_threshold),
    )
    print(
        f"  -> {merged:,} needs merged into {groups:,} groups; {sorted_:,} leads sorted, {unsure:,} to review"
    )


def run_flow(cycle_id: int, needs_file: Path) -> None:
    """Time the whole needs_intake flow, then a second import of the same file."""
    from flows.needs.needs_intake import needs_intake

    print(f"The whole needs_intake flow on a fresh cycle (#{cycle_id}):")
    summary = timed(
        "needs_intake (import → merge → classify)",
        lambda: needs_intake(cycle_id, str(needs_file), TODAY),
    )
    timed(
        "needs_intake again (adds nothing)", lambda: needs_intake(cycle_id, str(needs_file), TODAY)
    )
    print(
        f"  -> added {summary.added:,}, merged {summary.needs_merged:,}, in review {summary.categorisation.in_review:,}"
    )


def main() -> None:
    """Parse `[N] [--postgres URL]` and run."""
    args = sys.argv[1:]
    url = None
    if "--postgres" in args:
        url = args[args.index("--postgres") + 1]
        args = args[: args.index("--postgres")]
    run(int(args[0]) if args else 100_000, url)


if __name__ == "__main__":
    main()
