"""Flow `categorise_needs`: merge a cycle's duplicate needs, sort them into domains, post a summary.

It runs after every import, after staff split a group, and on `gongyi needs
reclassify` once staff have edited seed keywords or corrected domains.
New needs join the group of an earlier need they repeat; every group's lead
gets a domain and a confidence from a classifier trained on the seed
keywords, the shipped labelled set and all staff corrections. Below the
review threshold a lead waits in the review queue. Needs staff confirmed are
never changed, so a second run with nothing new changes nothing.

The merging and classifying are `services.needs` (the same a need from the
portal's form goes through); this flow orders them and posts the artifact.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.runtime import io_task, session_scope
from models.classifier import Classifier
from models.demand import DemandNeed, rank_groups, top_unanswered
from models.privacy import mask_text
from services import needs as needs_service
from services.needs import CategorisationSummary, Classifying
from settings import get_settings
from store import cycles, needs

__all__ = ["CategorisationSummary", "categorise_needs", "classifying", "load_classifier"]

ARTIFACT_TOP = 10


def classifying() -> Classifying:
    """What sorting needs reads from settings: the labelled set, the threshold, the cache folder."""
    settings = get_settings()
    return Classifying(
        settings.needs_training_file,
        settings.needs_review_threshold,
        settings.var_dir / "classifier",
    )


@io_task
def merge_duplicates(cycle_id: int, training_path: str) -> tuple[int, int]:
    """Merge new needs into the groups they repeat; return (groups grown or formed, needs merged)."""
    with session_scope() as session:
        return needs_service.merge_needs(
            session, cycle_id=cycle_id, training_file=Path(training_path)
        )


def load_classifier(cycle_id: int | None, training_path: str) -> Classifier:
    """Train (or read back) the classifier for a cycle's domains, or the default ones."""
    setup = classifying()
    setup = Classifying(Path(training_path), setup.review_threshold, setup.cache_dir)
    if cycle_id is None:
        return needs_service.load_classifier(None, cycle_id=None, classifying=setup)
    with session_scope() as session:
        try:
            return needs_service.load_classifier(session, cycle_id=cycle_id, classifying=setup)
        except needs_service.NotFound as missing:
            raise LookupError(missing.message) from None


@io_task
def classify_needs(cycle_id: int, training_path: str, threshold: float) -> tuple[int, int]:
    """Suggest a domain for every lead staff have not confirmed; return (classified, in review)."""
    setup = Classifying(Path(training_path), threshold, classifying().cache_dir)
    with session_scope() as session:
        return needs_service.classify_needs(session, cycle_id=cycle_id, classifying=setup)


@io_task
def post_needs_artifact(cycle_id: int) -> dict[str, int]:
    """Post the cycle's demand as a Prefect markdown artifact; return residents by domain name."""
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
        demand = needs.list_demand_needs(session, cycle_id=cycle_id)
        queue = len(needs.list_review_queue(session, cycle_id=cycle_id))
        spread = needs_service.demand_by_domain(session, cycle_id=cycle_id)
    create_markdown_artifact(
        key=f"needs-cycle-{cycle_id}",
        markdown=_artifact_markdown(cycle.name, demand, queue, spread),
        description="居民需求汇总",
    )
    return spread


def _artifact_markdown(
    cycle_name: str, demand: list[DemandNeed], queue: int, spread: dict[str, int]
) -> str:
    groups = sum(1 for n in demand if n.lead_id == n.need_id)
    rows = sorted(spread.items(), key=lambda item: -item[1])
    unanswered = top_unanswered(rank_groups(demand), limit=ARTIFACT_TOP)
    return "\n".join(
        [
            f"# {cycle_name} · 居民需求汇总",
            "",
            f"共 {len(demand)} 条需求，合并后 {groups} 项；待人工确认 {queue} 项。",
            "",
            "| 服务领域 | 居民人次 |",
            "| --- | ---: |",
            *(f"| {name} | {count} |" for name, count in rows),
            "",
            "## 呼声最高、尚无项目回应的需求",
            "",
            "| 人次 | 社区 | 需求 |",
            "| ---: | --- | --- |",
            *(
                f"| {g.residents} | {g.community} | {_cell(mask_text(g.text))} |"
                for g in unanswered
            ),
        ]
    )


def _cell(text: str) -> str:
    # A | in a resident's text would break the markdown table.
    short = text if len(text) <= 40 else text[:40] + "…"
    return short.replace("|", "｜").replace("\n", " ")


@flow(name="categorise_needs", log_prints=True)
def categorise_needs(cycle_id: int) -> CategorisationSummary:
    """Merge duplicates, classify every unconfirmed lead, and post the demand summary."""
    setup = classifying()
    training_path = str(setup.training_file)
    groups, merged = merge_duplicates(cycle_id, training_path)
    classified, in_review = classify_needs(cycle_id, training_path, setup.review_threshold)
    spread = post_needs_artifact(cycle_id)
    print(
        f"合并重复 {merged} 条（{groups} 组）；归类 {classified} 项，待人工确认 {in_review} 项；"
        + "，".join(f"{name} {count} 人次" for name, count in spread.items())
    )
    return CategorisationSummary(groups, merged, classified, in_review, spread)
