"""Needs intake rules: the columns of a needs file, reading one row, and its fingerprint.

A need's fingerprint covers everything the resident gave, so importing the
same file twice adds nothing. A row is refused, naming its row and column,
when any cell holds a control character or text that is not valid Unicode
(`models.text`, checked before a cell is stripped: a C1 NEL is whitespace to
Python), its text is empty or longer than 500 characters, its community is not
one of the street office's, its source is unknown, its phone is not a phone
number, or its date is in the wrong format or later than `today`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from models.cells import day_problem
from models.rows import Row
from models.text import text_problem

NEED_COLUMNS = ("需求内容", "社区", "服务对象", "来源", "提交日期", "联系人", "联系电话")
REQUIRED_NEED_COLUMNS = ("需求内容", "社区", "来源", "提交日期")
SOURCES = ("居民", "网格员", "问卷", "微信群", "座谈会", "热线", "其他")
MAX_TEXT = 500
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
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


def read_need_row(row: Row, *, communities: Iterable[str], today: date) -> NeedRow:
    """Validate one row of a needs file submitted no later than `today`."""
    for column in NEED_COLUMNS:
        value = row.values.get(column)
        problem = text_problem(value) if isinstance(value, str) else None
        if problem is not None:
            raise row.error(column, problem)
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
        text=row.text("需求内容", max_length=MAX_TEXT),
        community=community,
        target_group=row.text("服务对象", required=False, max_length=100),
        source=source,
        submitted_on=read_submission_day(row, today=today),
        contact_name=row.text("联系人", required=False, max_length=50),
        contact_phone=phone,
    )


def read_submission_day(row: Row, *, today: date) -> date:
    """Read 提交日期 (2026-03-01, 2026/3/1, 2026.3.1 or 2026年3月1日), not later than `today`."""
    value = row.text("提交日期")
    found = _DAY.match(value)
    try:
        if found is None:
            raise ValueError(value)
        day = date(*(int(part) for part in found.groups()))
    except ValueError:
        raise row.error("提交日期", f"日期格式应为 2026-03-01，收到 {value!r}") from None
    if day > today:
        raise row.error(
            "提交日期", f"{day.isoformat()} 晚于今天（{today.isoformat()}），请核对日期"
        )
    if (problem := day_problem(day)) is not None:
        raise row.error("提交日期", problem)
    return day


def normalise_text(text: str) -> str:
    """Reduce a need's text to what decides whether two needs say the same thing."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text)).lower()
