"""The document register (文档登记簿): every rendered document is a row, and its rules.

A document is named by its kind, its subject (`project:12`, `donor:王某`,
`cycle:1`, `call:3`, `proposal:40`) and its period (a month, a week's first
day, or an as-of date). Each version of it is one row holding the path of its
file (relative to the output folder), the file's SHA-256, and a digest of the
inputs it was rendered from: the template's name and its context, written as
canonical JSON.

What a run does with a document is decided here, purely, from its latest row,
the digest of today's inputs and the SHA-256 of the file on disk now:

- same inputs, file in place: nothing (rendering again would change nothing);
- same inputs, file missing or changed: render it again at the same version;
- new inputs: a published document gets the next version (第2版), written
  beside the first, which is never overwritten; a draft is written again in
  place;
- no row yet: the first version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import PurePath, PurePosixPath
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

# The reason written on a new version when the caller gives none.
CHANGED_INPUTS = "数据已更新"


class DocumentRecord(SQLModel, table=True):
    """One version of one rendered document."""

    __table_args__ = (UniqueConstraint("kind", "subject", "period", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int | None = Field(default=None, foreign_key="cycle.id", index=True)
    kind: str = Field(max_length=40)
    subject: str = Field(max_length=200)
    period: str = Field(default="", max_length=20)
    as_of: date
    version: int = 1
    title: str = Field(default="", max_length=300)
    path: str = Field(max_length=500)
    sha256: str = Field(max_length=64)
    inputs_digest: str = Field(max_length=64)
    reason: str = Field(default="", max_length=200)
    published_by: str = Field(default="", max_length=100)
    published_at: datetime


class Action(StrEnum):
    """What a run does with one document."""

    SKIP = "skip"
    RENDER = "render"  # the first version
    RESTORE = "restore"  # the same version again: its file is missing or changed
    REWRITE = "rewrite"  # a draft, written again in place with new inputs
    NEW_VERSION = "new_version"


@dataclass(frozen=True)
class Latest:
    """What the rules need of a document's latest row."""

    version: int
    path: str
    sha256: str
    inputs_digest: str


@dataclass(frozen=True)
class Plan:
    """The decision for one document: the action, the version and path it renders to."""

    action: Action
    version: int
    path: str
    reason: str = ""

    @property
    def renders(self) -> bool:
        return self.action != Action.SKIP

    @property
    def adds_row(self) -> bool:
        """True when the render is a version the register has no row for yet."""
        return self.action in (Action.RENDER, Action.NEW_VERSION)


class RegisterError(ValueError):
    """A document path that would leave the output folder."""


def _plain(value: Any) -> Any:
    """Turn a context into plain JSON values, the same way every time."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (Decimal, PurePath)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def inputs_digest(template_name: str, context: Any) -> str:
    """The SHA-256 of a document's inputs: its template's name and its context as canonical JSON."""
    text = json.dumps(
        {"template": template_name, "context": _plain(context)},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_document_path(path: str) -> str:
    """Refuse a path that is absolute or climbs out of the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise RegisterError(f"文档路径不合法：{path!r}")
    return pure.as_posix()


def versioned_path(path: str, version: int) -> str:
    """The path of a version: the first keeps the name, later ones add （第N版）."""
    check_document_path(path)
    if version <= 1:
        return path
    pure = PurePosixPath(path)
    return pure.with_name(f"{pure.stem}（第{version}版）{pure.suffix}").as_posix()


def plan_document(
    latest: Latest | None,
    *,
    path: str,
    digest: str,
    file_sha256: str | None,
    draft: bool = False,
    reason: str = "",
) -> Plan:
    """Decide what to do with one document (see the module's docstring).

    `path` is where the first version goes; `file_sha256` is the hash of the
    latest version's file as it is now, or None when it is missing.
    """
    path = check_document_path(path)
    if latest is None:
        return Plan(Action.RENDER, 1, path)
    if latest.inputs_digest == digest:
        if file_sha256 == latest.sha256:
            return Plan(Action.SKIP, latest.version, latest.path)
        return Plan(Action.RESTORE, latest.version, latest.path)
    if draft:
        return Plan(Action.REWRITE, latest.version, latest.path)
    version = latest.version + 1
    return Plan(
        Action.NEW_VERSION, version, versioned_path(path, version), reason or CHANGED_INPUTS
    )


def version_label(version: int) -> str:
    """第2版 for a later version; nothing for the first."""
    return f"第{version}版" if version > 1 else ""
