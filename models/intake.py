"""Needs intake rules: reading a need row, its fingerprint, and duplicate groups.

A need's fingerprint covers everything the resident gave, so importing the
same file twice adds nothing. Duplicates are different residents saying the
same thing in the same community: their texts are equal once punctuation and
spaces are removed. The first submission stands for the group and carries
its weight; the others point at it, with the reason written down.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from models.rows import Row

NEED_COLUMNS = ("需求内容", "社区", "服务对象", "来源", "提交日期", "联系人", "联系电话")
SOURCES = ("居民", "网格员", "问卷", "微信群", "座谈会", "热线", "其他")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_PUNCTUATION = re.compile(r"[\s，。！？、；：,.!?;:“”‘’\"'（）()【】\[\]《》「」『』〈〉…—～~-]+")


@dataclass(frozen=True)
class NeedRow:
    """A validated row of a needs file."""

    text: str
    community: str
    target_group: str
    source: str
    submitted_on: date
    contact_name: str
    contact_phone: str

    @property
    def fingerprint(self) -> str:
        """Identify this submission, so a re-import is recognised."""
        raw = json.dumps(
            [
                self.community,
                self.text,
                self.target_group,
                self.source,
                self.submitted_on.isoformat(),
                self.contact_name,
                self.contact_phone,
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def read_need_row(row: Row, *, communities: Iterable[str]) -> NeedRow:
    """Validate one row of a needs file."""
    community = row.text("社区", max_length=100)
    if community not in set(communities):
        raise row.error("社区", f"不是本街道的社区：{community!r}")
    source = row.text("来源", max_length=40)
    if source not in SOURCES:
        raise row.error("来源", f"应为 {'/'.join(SOURCES)} 之一，收到 {source!r}")
    phone = row.text("联系电话", required=False, max_length=30).replace(" ", "")
    if phone and not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        raise row.error("联系电话", "应为 11 位手机号或带区号的固定电话")
    return NeedRow(
        text=row.text("需求内容", max_length=500),
        community=community,
        target_group=row.text("服务对象", required=False, max_length=100),
        source=source,
        submitted_on=row.day("提交日期"),
        contact_name=row.text("联系人", required=False, max_length=50),
        contact_phone=phone,
    )


def normalise_text(text: str) -> str:
    """Reduce a need's text to what decides whether two needs say the same thing."""
    return _PUNCTUATION.sub("", text).lower()


@dataclass(frozen=True)
class NeedRef:
    """What grouping needs of a stored need."""

    need_id: int
    community_id: int
    text: str
    submitted_on: date


@dataclass(frozen=True)
class DuplicateGroup:
    """Needs that say the same thing in one community; the first one stands."""

    lead_id: int
    member_ids: tuple[int, ...]
    reason: str

    @property
    def weight(self) -> int:
        """How many residents raised this need."""
        return 1 + len(self.member_ids)


def group_duplicates(needs: Iterable[NeedRef]) -> list[DuplicateGroup]:
    """Group needs with the same normalised text in the same community."""
    buckets: dict[tuple[int, str], list[NeedRef]] = defaultdict(list)
    for need in needs:
        buckets[(need.community_id, normalise_text(need.text))].append(need)
    groups = []
    for (_, key), members in sorted(buckets.items()):
        ordered = sorted(members, key=lambda n: (n.submitted_on, n.need_id))
        lead, rest = ordered[0], ordered[1:]
        reason = f"同一社区内文字相同（忽略标点空格）：「{key[:20]}」" if rest else ""
        groups.append(DuplicateGroup(lead.need_id, tuple(n.need_id for n in rest), reason))
    return sorted(groups, key=lambda g: g.lead_id)
