"""What the classifier learns from: the shipped labelled set, staff corrections, seed keywords.

The labelled set is a CSV file (`text,domain`) shipped in `data/`; a bad row
refuses the whole file, naming its row. Corrections are kept in the database
for every cycle, oldest first, so the latest decision on a text wins.

A trained classifier can be kept on disk (`keep_classifier`), under a key its
caller makes from everything it learned from, so a later run with the same
inputs reads it back in a few hundredths of a second instead of training.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from models.classifier import Example
from models.cycle import Domain
from models.need import Need, NeedCorrection
from models.rows import read_all
from store.spreadsheets import read_rows

LABELLED_COLUMNS = ("text", "domain")
KEPT_CLASSIFIERS = 8


def list_labelled_examples(path: Path, *, keys: Iterable[str] | None = None) -> list[Example]:
    """Read the labelled training set; with `keys`, every label must be one of them."""
    allowed = None if keys is None else set(keys)

    def read(row):  # type: ignore[no-untyped-def]
        key = row.text("domain", max_length=40)
        if allowed is not None and key not in allowed:
            raise row.error("domain", f"不是已知的服务领域：{key!r}")
        return Example(row.text("text", max_length=700), key)

    return read_all(read_rows(path, required=LABELLED_COLUMNS), read)


def add_correction(
    session: Session,
    *,
    need: Need,
    text: str,
    domain_key: str,
    suggested_key: str,
    actor: str,
    at: datetime,
) -> NeedCorrection:
    """Keep a staff decision on a need's domain as a training example."""
    correction = NeedCorrection(
        cycle_id=need.cycle_id,
        need_id=need.id,  # type: ignore[arg-type]
        text=text,
        domain_key=domain_key,
        suggested_key=suggested_key,
        suggested_confidence=need.confidence,
        actor=actor,
        made_at=at,
    )
    session.add(correction)
    session.flush()
    return correction


def list_corrections(session: Session) -> list[Example]:
    """List every staff correction of every cycle as examples, oldest first."""
    query = select(NeedCorrection.text, NeedCorrection.domain_key).order_by(col(NeedCorrection.id))
    return [Example(text, key) for text, key in session.exec(query)]


def set_domain_keywords(session: Session, *, domain: Domain, keywords: Sequence[str]) -> None:
    """Store a domain's edited seed keywords."""
    domain.keywords = list(keywords)
    session.add(domain)
    session.flush()


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes (what a kept classifier learned from)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_kept_classifier(folder: Path, key: str) -> dict[str, Any] | None:
    """Return the classifier kept under `key` as plain values, or None if there is none."""
    try:
        with (folder / f"{key}.json").open(encoding="utf-8") as handle:
            found = json.load(handle)
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def keep_classifier(folder: Path, key: str, data: dict[str, Any]) -> None:
    """Keep a trained classifier under `key`; only the newest few are kept. Best effort."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{key}.", suffix=".partial", dir=folder)
    except OSError:
        # A folder that cannot be written only means the next run trains again.
        return
    partial = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(partial, folder / f"{key}.json")
        kept = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEPT_CLASSIFIERS:]:
            old.unlink(missing_ok=True)
    except OSError:
        return
    finally:
        partial.unlink(missing_ok=True)
