"""How well the needs classifier sorts needs: cross-validated on the shipped set, and on text it never saw.

Prints, for the labelled set in data/needs_labelled.csv, the stratified
5-fold cross-validated accuracy and macro-F1 (the seed keywords train in
every fold; the held-out fold never does), the F1 of each domain, and how
many needs clear the review threshold and how often those are right. Then
the same for data/needs_check.csv, the demo's needs written by someone else
and labelled by the same rule, which the classifier never trains on; and
the keyword baseline for comparison. Run from the repository root:

    PYTHONPATH=. python benchmarks/classify.py
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from models.categorisation import DEFAULT_DOMAINS, REVIEW_THRESHOLD, Suggestion, suggest_domain
from models.classifier import Example, classifier_input, train_classifier

DATA = Path(__file__).resolve().parents[1] / "data"
KEYS = [seed.key for seed in DEFAULT_DOMAINS]
FOLDS = 5


def read(name: str) -> list[dict[str, str]]:
    """Read one of the CSV files in data/."""
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def cross_validate(rows: list[dict[str, str]]) -> tuple[list[str], list[Suggestion]]:
    """Return the true labels and the out-of-fold suggestions, in the order of `rows`."""
    labels = [row["domain"] for row in rows]
    found: list[Suggestion | None] = [None] * len(rows)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    for train, test in folds.split(rows, labels):
        classifier = train_classifier(
            DEFAULT_DOMAINS, [Example(rows[i]["text"], labels[i]) for i in train]
        )
        for i, suggestion in zip(
            test, classifier.classify([rows[i]["text"] for i in test]), strict=True
        ):
            found[i] = suggestion
    return labels, [s for s in found if s is not None]


def report(title: str, labels: list[str], suggestions: list[Suggestion]) -> None:
    """Print accuracy, macro-F1, per-domain F1 and the review threshold's effect."""
    predicted = [s.domain_key or "" for s in suggestions]
    print(title)
    print(f"  accuracy:  {accuracy_score(labels, predicted):.3f}   ({len(labels)} needs)")
    print(f"  macro-F1:  {f1_score(labels, predicted, average='macro', labels=KEYS):.3f}")
    per_domain = f1_score(labels, predicted, average=None, labels=KEYS)
    print(
        "  F1 by domain: "
        + ", ".join(f"{k} {v:.3f}" for k, v in zip(KEYS, per_domain, strict=True))
    )
    sure = [
        (s.domain_key == label)
        for s, label in zip(suggestions, labels, strict=True)
        if not s.needs_review()
    ]
    if sure:
        print(
            f"  confidence >= {REVIEW_THRESHOLD}: {len(sure) / len(labels):.1%} of needs sorted without review, "
            f"{sum(sure) / len(sure):.3f} of them right; {len(labels) - len(sure)} go to review"
        )


def main() -> None:
    """Print the figures for the shipped set, the unseen set and the keyword baseline."""
    shipped = read("needs_labelled.csv")
    check = read("needs_check.csv")
    started = time.perf_counter()
    labels, suggestions = cross_validate(shipped)
    report(f"data/needs_labelled.csv, {FOLDS}-fold cross-validation", labels, suggestions)
    print(f"  ({time.perf_counter() - started:.1f} s for {FOLDS} trainings)")

    classifier = train_classifier(
        DEFAULT_DOMAINS, [Example(r["text"], r["domain"]) for r in shipped]
    )
    truth = [row["domain"] for row in check]
    report(
        "data/needs_check.csv (demo needs, never trained on), text only",
        truth,
        classifier.classify([row["text"] for row in check]),
    )
    report(
        "data/needs_check.csv, text with its 服务对象 (as the import flow classifies)",
        truth,
        classifier.classify([classifier_input(row["text"], row["target_group"]) for row in check]),
    )
    report(
        "keyword baseline (models.categorisation.suggest_domain) on data/needs_check.csv",
        truth,
        [suggest_domain(row["text"], DEFAULT_DOMAINS) for row in check],
    )


if __name__ == "__main__":
    main()
