"""Track record (往期表现): what a closed cycle writes into each agency's record.

An agency's grade for the cycle is the weakest final grade among its
projects: one failed project is what the next call must see, and an agency
is 优秀 only if every project it ran was. Yellow cards are counted from the
cycle's cards on its projects. Breaches (违规) count the months and final
evaluations vetoed for misused money or a month with no report at all, and
the tranches withheld for a failing grade. The next cycle's screening reads
these through `models.eligibility` (min_past_grade, max_yellow_cards,
max_breaches, and past_grade_bonus in 初审).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models.grading import GradeBands


@dataclass(frozen=True)
class ProjectOutcome:
    """What one closed project adds to its agency's record."""

    agency_id: int
    title: str
    grade: str
    yellow_cards: int = 0
    vetoes: int = 0
    tranches_withheld: int = 0


@dataclass(frozen=True)
class TrackEntry:
    """An agency's result for one cycle, as stored in its record."""

    agency_id: int
    year: int
    grade: str
    yellow_cards: int
    breaches: int
    note: str


def weakest_grade(grades: Iterable[str], bands: GradeBands) -> str:
    """Return the lowest of the grades under the call's bands (unknown grades rank last)."""
    ranks = [name for _, name in sorted(bands, key=lambda band: band[0], reverse=True)]
    found = list(grades)
    if not found:
        return ""
    return max(found, key=lambda g: ranks.index(g) if g in ranks else len(ranks))


def build_track_entries(
    outcomes: Sequence[ProjectOutcome], *, year: int, bands: GradeBands, cycle_name: str
) -> list[TrackEntry]:
    """Sum each agency's projects into one entry for the cycle's year, by agency id."""
    by_agency: dict[int, list[ProjectOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_agency[outcome.agency_id].append(outcome)
    entries = []
    for agency_id in sorted(by_agency):
        own = by_agency[agency_id]
        grades = "、".join(f"{o.title}：{o.grade}" for o in own)
        breaches = sum(o.vetoes + o.tranches_withheld for o in own)
        note = f"{cycle_name}结项：{grades}"
        if breaches:
            note += f"；违规 {breaches} 次"
        entries.append(
            TrackEntry(
                agency_id,
                year,
                weakest_grade((o.grade for o in own), bands),
                sum(o.yellow_cards for o in own),
                breaches,
                note[:500],
            )
        )
    return entries
