"""The cycle archive's manifest: which PDFs it holds, their SHA-256, and the rules they followed.

An archive is a folder holding copies of every PDF of the cycle under their
paths relative to the output folder, and `manifest.json`. The manifest names
the cycle, the version and SHA-256 of the rules file (the call as stored,
written as canonical JSON), and each file's path, size and SHA-256. Verifying
reads the files again and lists every one that is missing, changed, or not in
the manifest. These rules are plain: the flow reads the bytes and hands over
the hashes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1


class ArchiveError(ValueError):
    """A manifest that cannot be read or a file path that would leave the archive."""


@dataclass(frozen=True)
class ArchivedFile:
    """One file of the archive: its path inside it, its size and its SHA-256."""

    path: str
    size: int
    sha256: str


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def rules_digest(rules: Mapping[str, Any]) -> str:
    """Hash the rules as canonical JSON, so the same rules always give the same digest."""
    text = json.dumps(rules, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sha256_bytes(text.encode("utf-8"))


def check_archive_path(path: str) -> str:
    """Refuse a path that is absolute or climbs out of the archive folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or path == MANIFEST_NAME:
        raise ArchiveError(f"归档文件路径不合法：{path!r}")
    return pure.as_posix()


def build_manifest(
    files: Iterable[ArchivedFile],
    *,
    cycle: Mapping[str, Any],
    rules_version: int,
    rules_sha256: str,
    created_on: date,
) -> dict[str, Any]:
    """Write the manifest of an archive: the cycle, the rules and every file, by path."""
    entries = sorted(files, key=lambda f: f.path)
    paths = [check_archive_path(f.path) for f in entries]
    if len(set(paths)) != len(paths):
        raise ArchiveError("归档中有重复的文件路径")
    return {
        "format": MANIFEST_FORMAT,
        "cycle": dict(cycle),
        "rules_version": rules_version,
        "rules_sha256": rules_sha256,
        "created_on": created_on.isoformat(),
        "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in entries],
    }


def manifest_text(manifest: Mapping[str, Any]) -> str:
    """Write a manifest as stable, readable JSON."""
    return json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def read_manifest(text: str) -> dict[str, Any]:
    """Read a manifest, refusing one that is not ours."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ArchiveError(f"{MANIFEST_NAME} 不是有效的 JSON：第 {error.lineno} 行") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise ArchiveError(f"{MANIFEST_NAME} 不是 gongyi 归档清单（format {MANIFEST_FORMAT}）")
    for entry in data.get("files", []):
        check_archive_path(str(entry.get("path", "")))
    return data


def verify_files(
    manifest: Mapping[str, Any], *, found: Mapping[str, str | None], extra: Iterable[str] = ()
) -> list[str]:
    """List every problem: files missing or changed (by hash), and files not in the manifest.

    `found` maps each manifest path to the SHA-256 read now, or None if the file is gone.
    """
    problems = []
    for entry in manifest.get("files", []):
        path, expected = entry["path"], entry["sha256"]
        actual = found.get(path)
        if actual is None:
            problems.append(f"缺少文件：{path}")
        elif actual != expected:
            problems.append(
                f"文件已被改动：{path}（SHA-256 应为 {expected[:12]}…，实为 {actual[:12]}…）"
            )
    problems += [f"清单外的文件：{path}" for path in sorted(extra)]
    return problems
