"""Flow `categorise_needs`: merge a cycle's duplicate needs, sort them into domains, post a summary.

It runs after every import, after staff split a group, and on `gongyi needs
reclassify` once staff have edited seed keywords or corrected domains.
New needs join the group of an earlier need they repeat; every group's lead
gets a domain and a confidence from a classifier trained on the seed
keywords, the shipped labelled set and all staff corrections. Below the
review threshold a lead waits in the review queue. Needs staff confirmed are
never changed, so a second run with nothing new changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.runtime import io_task, session_scope
from models.categorisation import DEFAULT_DOMAINS, DomainSeed
from models.classifier import Classifier, classifier_input, train_classifier
from models.demand import (
    UNSORTED,
    DemandNeed,
    count_demand,
    rank_groups,
    top_unanswered,
    total_by,
)
from models.duplicates import group_duplicates
from models.privacy import mask_text
from models.status import NEED_TRANSITIONS, NeedStatus, Role, apply_transition
from settings import get_settings
from store import cycles, needs, training

ARTIFACT_TOP = 10


@dataclass(frozen=True)
class CategorisationSummary:
    """What a run merged and sorted, and how the cycle's demand now stands."""

    groups_merged: int = 0
    needs_merged: int = 0
    classified: int = 0
    in_review: int = 0
    by_domain: dict[str, int] = field(default_factory=dict)


@io_task
def merge_duplicates(cycle_id: int, training_path: str) -> tuple[int, int]:
    """Merge new needs into the groups they repeat; return (groups grown or formed, needs merged)."""
    background = [e.text for e in training.list_labelled_examples(Path(training_path))]
    with session_scope() as session:
        refs = needs.list_need_refs(session, cycle_id=cycle_id)
        merges = group_duplicates(
            refs,
            kept_apart=needs.list_kept_apart(session, cycle_id=cycle_id),
            background=background,
        )
        if merges:
            apply_transition(NEED_TRANSITIONS, NeedStatus.NEW, NeedStatus.MERGED, role=Role.SYSTEM)
        needs.set_merges(session, merges=merges)
        needs.set_group_weights(session, cycle_id=cycle_id)
        return len({m.lead_id for m in merges}), len(merges)


def load_classifier(cycle_id: int | None, training_path: str) -> Classifier:
    """Train the classifier for a cycle's domains, or for the default domains without a cycle."""
    examples = training.list_labelled_examples(Path(training_path))
    if cycle_id is None:
        return train_classifier(DEFAULT_DOMAINS, examples)
    with session_scope() as session:
        domains = cycles.list_domains(session, cycle_id=cycle_id)
        if not domains:
            raise LookupError(f"创投周期 #{cycle_id} 没有服务领域")
        seeds = [DomainSeed(d.key, d.name, d.theme, tuple(d.keywords)) for d in domains]
        corrections = training.list_corrections(session)
    return train_classifier(seeds, examples, corrections=corrections)


@io_task
def classify_needs(cycle_id: int, training_path: str, threshold: float) -> tuple[int, int]:
    """Suggest a domain for every lead staff have not confirmed; return (classified, in review)."""
    classifier = load_classifier(cycle_id, training_path)
    with session_scope() as session:
        ids = {d.key: d.id for d in cycles.list_domains(session, cycle_id=cycle_id)}
        leads = needs.list_unconfirmed_leads(session, cycle_id=cycle_id)
        suggestions = classifier.classify(
            [classifier_input(text, group) for _, text, group, _ in leads]
        )
        updates = []
        for (need_id, _, _, status), suggestion in zip(leads, suggestions, strict=True):
            target = (
                NeedStatus.IN_REVIEW
                if suggestion.needs_review(threshold)
                else NeedStatus.CLASSIFIED
            )
            if status != target:
                apply_transition(NEED_TRANSITIONS, NeedStatus(status), target, role=Role.SYSTEM)
            domain_id = ids.get(suggestion.domain_key) if suggestion.domain_key else None
            updates.append(
                {
                    "need_id": need_id,
                    "domain_id": domain_id,
                    "confidence": suggestion.confidence,
                    "status": target,
                }
            )
        needs.set_need_domains(session, updates=updates)
        in_review = sum(1 for u in updates if u["status"] == NeedStatus.IN_REVIEW)
        return len(updates) - in_review, in_review


@io_task
def post_needs_artifact(cycle_id: int) -> dict[str, int]:
    """Post the cycle's demand as a Prefect markdown artifact; return residents by domain name."""
    with session_scope() as session:
        cycle = cycles.get_cycle(session, cycle_id)
        names = {d.key: d.name for d in cycles.list_domains(session, cycle_id=cycle_id)}
        demand = needs.list_demand_needs(session, cycle_id=cycle_id)
        queue = len(needs.list_review_queue(session, cycle_id=cycle_id))
    names[UNSORTED] = "待人工确认"
    by_domain = total_by(count_demand(demand), "domain_key")
    spread = {names.get(key, key): count for key, count in by_domain.items()}
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
    settings = get_settings()
    training_path = str(settings.needs_training_file)
    groups, merged = merge_duplicates(cycle_id, training_path)
    classified, in_review = classify_needs(cycle_id, training_path, settings.needs_review_threshold)
    spread = post_needs_artifact(cycle_id)
    print(
        f"合并重复 {merged} 条（{groups} 组）；归类 {classified} 项，待人工确认 {in_review} 项；"
        + "，".join(f"{name} {count} 人次" for name, count in spread.items())
    )
    return CategorisationSummary(groups, merged, classified, in_review, spread)
