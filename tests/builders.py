"""Deterministic builders for test data: small files and stored rows with fixed values."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"

NEED_HEADER = ("需求内容", "社区", "服务对象", "来源", "提交日期", "联系人", "联系电话")


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    """Write a UTF-8 CSV file with a header row."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def need_row(
    text: str = "楼道堆满杂物，存在消防隐患",
    *,
    community: str = "长淮社区",
    contact: str = "张三",
    phone: str = "13812345678",
    day: str = "2026-03-02",
) -> list[str]:
    """Build one row of a needs file."""
    return [text, community, "全体居民", "居民", day, contact, phone]


def write_communities(path: Path, names: Sequence[str] = ("长淮社区", "龙湖社区")) -> Path:
    """Write a communities file."""
    return write_csv(path, ("社区",), [[name] for name in names])
