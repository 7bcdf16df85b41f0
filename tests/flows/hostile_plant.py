"""Plant personal data and HTML into every input channel of a copy of demo/, and count leaks.

`plant_demo(folder)` rewrites the copied demo files so that every channel the
demo reads carries whole phone numbers in several forms, whole 身份证 numbers,
the names of people the system knows, and HTML payloads:

| channel               | demo file             | column / part            |
| --------------------- | --------------------- | ------------------------ |
| need text, contact    | needs.csv             | 需求内容, 服务对象, 联系人 |
| daily notes           | daily_notes.csv       | 服务摘要                  |
| activity names        | activities.csv        | 活动名称 (names only)      |
| minutes               | meeting_minutes.txt   | the text                 |
| action items          | action_items.csv      | 事项, 责任人               |
| 评语                  | *_scores.csv          | 评语                      |
| objections            | objections.csv        | 异议人, 异议内容, 处理理由  |
| donor names           | donations.csv         | 捐赠方 (individuals)       |
| in-kind gifts         | in_kind.csv           | 说明                      |
| proposal text         | proposals.csv         | 项目简介                  |

`count_leaks(text)` counts, in a PDF's text, whole phones and IDs (any, not
only the planted ones) and the planted names.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from models.privacy import find_personal_numbers, normalise

# Three-character names the system knows: a need's contact, an action item's
# 责任人 and an objector. Every payload names all three.
NEED_CONTACT = "钱秀梅"
ACTION_OWNER = "孙建国"
OBJECTOR = "赵丽娟"
PLANTED_NAMES = (NEED_CONTACT, ACTION_OWNER, OBJECTOR)
# A document can mask only the people known when it is printed: the needs and the
# objection are on record in May, the action items from the June meetings on.
KNOWN_IN_MAY = (NEED_CONTACT, OBJECTOR)
PHONE = "13955501235"
PHONES = (PHONE, "tel13955501235", "138.1234.5670", "１３７００１３７０００")
IDS = ("ID340302195001011235", "110101 19900307 7779")
HTML = ("<script>alert(1)</script>", "<img src=http://x>")
# The planted numbers' digits, to count them even where a generic scan might not.
PLANTED_DIGITS = (
    "13955501235",
    "13812345670",
    "13700137000",
    "340302195001011235",
    "110101199003077779",
)


def payload(where: str, names: tuple[str, ...] = PLANTED_NAMES) -> str:
    """A sentence carrying every planted phone, ID, name and HTML payload (under 200 characters)."""
    return (
        f"{where}：{'、'.join(names)}联系电话{PHONES[0]}，"
        f"{PHONES[1]}，{PHONES[2]}，{PHONES[3]}；证件{IDS[0]}，{IDS[1]}。{HTML[0]}{HTML[1]}"
    )


def _rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    columns = {name: i for i, name in enumerate(header)}
    for index, row in enumerate(body):
        change(index, row, columns)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *body])


def plant_demo(folder: Path) -> None:
    """Rewrite the demo files in `folder` (a copy of demo/) with hostile content."""

    def needs(i, row, c):  # type: ignore[no-untyped-def]
        if i % 3 == 0:
            # The 需求调研报告 is printed in May, before anyone is named as a 责任人 (June):
            # a need text names only people known by then.
            row[c["需求内容"]] = (row[c["需求内容"]] + payload("需求", KNOWN_IN_MAY))[:500]
            row[c["联系人"]] = NEED_CONTACT
            row[c["联系电话"]] = PHONE
        if i % 5 == 0:
            row[c["服务对象"]] = f"{OBJECTOR}{PHONES[1]}{HTML[1]}"

    _rewrite(folder / "needs.csv", needs)

    def notes(i, row, c):  # type: ignore[no-untyped-def]
        if i % 2 == 0:
            row[c["服务摘要"]] = row[c["服务摘要"]] + payload("服务对象")

    _rewrite(folder / "daily_notes.csv", notes)

    def activities(i, row, c):  # type: ignore[no-untyped-def]
        if i % 4 == 0:
            row[c["活动名称"]] = f"{row[c['活动名称']]}（{NEED_CONTACT}家）"

    _rewrite(folder / "activities.csv", activities)

    minutes = folder / "meeting_minutes.txt"
    minutes.write_text(
        minutes.read_text(encoding="utf-8") + "\n五、" + payload("会议记录") + "\n",
        encoding="utf-8",
    )

    def actions(i, row, c):  # type: ignore[no-untyped-def]
        row[c["事项"]] = row[c["事项"]] + payload("待办")
        if i == 0:
            row[c["责任人"]] = ACTION_OWNER
        if row[c["说明"]] or i == 1:
            row[c["说明"]] = payload("说明")

    _rewrite(folder / "action_items.csv", actions)

    for scores in ("monthly_scores.csv", "midterm_scores.csv", "final_scores.csv"):

        def comment(i, row, c):  # type: ignore[no-untyped-def]
            row[c["评语"]] = row[c["评语"]] + payload("评语")

        _rewrite(folder / scores, comment)

    def objections(i, row, c):  # type: ignore[no-untyped-def]
        row[c["异议人"]] = OBJECTOR
        row[c["异议内容"]] = row[c["异议内容"]] + payload("异议")
        row[c["处理理由"]] = row[c["处理理由"]] + payload("处理")

    _rewrite(folder / "objections.csv", objections)

    def donations(i, row, c):  # type: ignore[no-untyped-def]
        if row[c["捐赠方类型"]] == "热心人士" and row[c["捐赠方"]] != "高家浩":
            row[c["捐赠方"]] = f"{row[c['捐赠方']]}{PHONES[1]}{HTML[1]}"

    _rewrite(folder / "donations.csv", donations)

    def in_kind(i, row, c):  # type: ignore[no-untyped-def]
        row[c["说明"]] = (row[c["说明"]] + payload("捐赠说明"))[:500]

    _rewrite(folder / "in_kind.csv", in_kind)

    def proposals(i, row, c):  # type: ignore[no-untyped-def]
        row[c["项目简介"]] = row[c["项目简介"]] + payload("项目简介")

    _rewrite(folder / "proposals.csv", proposals)


@dataclass(frozen=True)
class Leaks:
    """What one PDF's text gives away."""

    phones: int
    ids: int
    names: int
    scripts: int


_SEP = r"[\s\-.·_/]{0,3}"


def _digits_pattern(digits: str) -> re.Pattern[str]:
    return re.compile(r"(?<![0-9])" + _SEP.join(digits) + r"(?![0-9])")


_PLANTED = tuple(_digits_pattern(d) for d in PLANTED_DIGITS)


def _chunks(text: str) -> list[str]:
    """pdftotext's blocks (table cells and paragraphs, split by blank lines), lines rejoined.

    A number wrapped over two lines of one paragraph is whole again; two cells of a
    table are never read as one number.
    """
    return [re.sub(r"\s*\n\s*", "", block) for block in re.split(r"\n\s*\n", text)]


# The office's public line (demo/call.toml), printed on purpose: not a person's number.
PUBLIC_NUMBERS = frozenset({"055162881234"})


def count_leaks(text: str) -> Leaks:
    """Count whole phones, whole IDs, planted names and raw `<script` in a PDF's text."""
    phones = ids = 0
    for chunk in _chunks(text):
        found = [
            n
            for n in find_personal_numbers(chunk)
            if re.sub(r"[^0-9]", "", normalise(n)) not in PUBLIC_NUMBERS
        ]
        chunk_ids = sum(1 for n in found if len(re.sub(r"[^0-9Xx]", "", normalise(n))) == 18)
        chunk_phones = len(found) - chunk_ids
        # A planted number the generic scan would miss still counts.
        normal = normalise(chunk)
        planted = {len(d): 0 for d in PLANTED_DIGITS}
        for digits, pattern in zip(PLANTED_DIGITS, _PLANTED, strict=True):
            planted[len(digits)] += len(pattern.findall(normal))
        ids += max(chunk_ids, planted[18])
        phones += max(chunk_phones, planted[11])
    # pdftotext may break a name over two lines.
    joined = re.sub(r"\s+", "", text)
    names = sum(joined.count(name) for name in PLANTED_NAMES)
    return Leaks(phones, ids, names, joined.lower().count("<script"))
