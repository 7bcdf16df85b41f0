"""The 创投周期总结报告 context, and the bar charts it draws.

The context holds plain values only: figures, rows and charts already laid
out as shapes (`reports.charts.Chart`), so the template only draws them.
Beneficiaries appear as counts; an individual donor's name is masked by the
template. Money is in fen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reports.charts import GRID, INK, MUTED, WIDTH, Chart, Label, Line, Rect, nice_ceiling
from reports.contexts import DocumentHeader

CYCLE_REPORT_TEMPLATE = "reports/cycle_report.html"
BAR_FILLS = ("#7a1f1f", "#d08c2b", "#4f6d7a", "#8aa17a", "#a6a6a6")


@dataclass(frozen=True)
class Figure:
    """One headline figure: its name, value as written, and unit."""

    label: str
    value: str
    unit: str


@dataclass(frozen=True)
class ProjectLine:
    """One project in its domain's table."""

    title: str
    agency_name: str
    award_fen: int
    paid_fen: int
    refunded_fen: int
    people_served: int
    beneficiaries: int
    monthly_grades: tuple[str, ...]
    total_score: float | None
    grade: str


@dataclass(frozen=True)
class DomainSection:
    """A domain with its projects and their grades."""

    name: str
    theme: str
    projects: tuple[ProjectLine, ...]
    award_fen: int
    people_served: int
    beneficiaries: int


@dataclass(frozen=True)
class NeedLine:
    """A group of residents' needs: what was asked, where, by how many, and who answered."""

    text: str
    community: str
    domain_name: str
    residents: int
    answered_by: str


@dataclass(frozen=True)
class DonorLine:
    """One donor's cash gifts and what they were committed and paid to."""

    donor_name: str
    donor_type: str
    is_individual: bool
    given_fen: int
    committed_fen: int
    paid_fen: int
    projects: int


@dataclass(frozen=True)
class AgencyLine:
    """One agency's result for the cycle, as carried into its record."""

    name: str
    projects: int
    grade: str
    yellow_cards: int
    breaches: int


@dataclass(frozen=True)
class CycleReportContext:
    """创投周期总结报告: the whole cycle, from needs to money, for the district and the donors."""

    header: DocumentHeader
    headline: str
    period_start: date
    period_end: date
    figures: tuple[Figure, ...]
    summary: str
    domains: tuple[DomainSection, ...]
    grade_counts: tuple[tuple[str, int], ...]
    needs_covered: tuple[NeedLine, ...]
    needs_unfunded: tuple[NeedLine, ...]
    residents_covered: int
    residents_unfunded: int
    donors: tuple[DonorLine, ...]
    agencies: tuple[AgencyLine, ...]
    in_kind_gifts: int
    rules_version: int
    charts: tuple[Chart, ...]


def bar_chart(
    title: str, rows: Sequence[tuple[str, int, str]], *, note: str = "", label_width: int = 110
) -> Chart:
    """Draw one horizontal bar per row (label, value, text written after the bar)."""
    left, top, bar_h, gap = label_width, 8, 16, 8
    plot_w = WIDTH - left - 150
    top_value = nice_ceiling(max([value for _, value, _ in rows] + [1]))
    rects, labels = [], []
    lines = [Line(left, top - 4, left, top + len(rows) * (bar_h + gap), GRID)]
    for index, (label, value, text) in enumerate(rows):
        y = top + index * (bar_h + gap)
        width = plot_w * max(value, 0) / top_value
        rects.append(Rect(left, y, width, bar_h, BAR_FILLS[index % len(BAR_FILLS)]))
        labels.append(Label(left - 6, y + bar_h - 4, label, "end", 11))
        labels.append(Label(left + width + 6, y + bar_h - 4, text, "start", 10, MUTED))
    bottom = top + len(rows) * (bar_h + gap) + 6
    if note:
        labels.append(Label(left, bottom + 8, note, "start", 10, MUTED))
        bottom += 14
    return Chart(title, WIDTH, bottom + 4, tuple(rects), tuple(lines), tuple(labels))


def stacked_grade_chart(
    title: str, rows: Sequence[tuple[str, Sequence[int]]], *, grades: Sequence[str]
) -> Chart:
    """Draw one bar per domain split by grade, with a legend of the grades."""
    left, top, bar_h, gap = 110, 8, 16, 8
    plot_w = WIDTH - left - 60
    most = max([sum(counts) for _, counts in rows] + [1])
    rects, labels, lines = [], [], []
    for index, (label, counts) in enumerate(rows):
        y = top + index * (bar_h + gap)
        x = float(left)
        for grade_index, count in enumerate(counts):
            width = plot_w * count / most
            if count:
                rects.append(Rect(x, y, width, bar_h, BAR_FILLS[grade_index % len(BAR_FILLS)]))
                labels.append(
                    Label(x + width / 2, y + bar_h - 4, str(count), "middle", 10, "#ffffff")
                )
            x += width
        labels.append(Label(left - 6, y + bar_h - 4, label, "end", 11))
        labels.append(Label(x + 6, y + bar_h - 4, f"{sum(counts)} 个", "start", 10, MUTED))
    bottom = top + len(rows) * (bar_h + gap) + 14
    x = float(left)
    for grade_index, grade in enumerate(grades):
        rects.append(Rect(x, bottom - 8, 8, 8, BAR_FILLS[grade_index % len(BAR_FILLS)]))
        labels.append(Label(x + 12, bottom, grade, "start", 10, INK))
        x += 12 + 11 * len(grade) + 16
    return Chart(title, WIDTH, bottom + 8, tuple(rects), tuple(lines), tuple(labels))
