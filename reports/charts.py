"""SVG charts for the reports, as plain shapes that one template macro draws.

A chart is computed here from context values — rectangles, lines and text
labels in the SVG's own units — and drawn by `templates/reports/charts.html`
as an inline `<svg>` with `font-family` set on the element itself, so
WeasyPrint writes its labels as real, extractable text in a Chinese font.
Nothing here formats user text as markup: labels are escaped by the template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reports.contexts import BudgetRow, DayPoint
from reports.filters import format_yuan

WIDTH = 600
INK, MUTED, GRID = "#1a1a1a", "#595959", "#d9d9d9"
STATE_FILLS = {"on_time": "#7a1f1f", "late": "#d08c2b", "no_activity": "#a6a6a6"}
STATE_LABELS = (
    ("on_time", "按时提交"),
    ("late", "迟交"),
    ("missing", "缺交"),
    ("no_activity", "当日无活动"),
)
MISSING_FILL = "#c0392b"
BUDGET_FILL, PLAN_STROKE, SPENT_FILL = "#e8ddd0", "#1a1a1a", "#7a1f1f"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    dashed: bool = False


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"
    size: float = 11
    fill: str = INK


@dataclass(frozen=True)
class Chart:
    """Shapes to draw in a `width` × `height` SVG; `title` names it for readers."""

    title: str
    width: float
    height: float
    rects: tuple[Rect, ...]
    lines: tuple[Line, ...]
    labels: tuple[Label, ...]


def nice_ceiling(value: float) -> int:
    """Round a maximum up to 1, 2 or 5 times a power of ten, so axis ticks read well."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def daily_trend_chart(points: Sequence[DayPoint], *, month_plan: int | None) -> Chart:
    """Chart 服务人次 per day of the month, coloured by each day's report, with the daily plan."""
    due = sum(1 for p in points if p.state != "not_due")
    daily_plan = month_plan / due if month_plan and due else None
    left, top, plot_w, plot_h = 44, 14, WIDTH - 56, 150
    top_value = nice_ceiling(max([p.people_served for p in points] + [daily_plan or 0, 1]))
    slot = plot_w / max(len(points), 1)
    rects: list[Rect] = []
    lines, labels = _y_axis(left, top, plot_w, plot_h, top_value)
    for index, point in enumerate(points):
        x = left + index * slot
        if point.state == "missing":
            rects.append(Rect(x + slot * 0.3, top + plot_h - 4, slot * 0.4, 4, MISSING_FILL))
        elif point.state in STATE_FILLS and point.people_served:
            height = plot_h * point.people_served / top_value
            rects.append(
                Rect(
                    x + slot * 0.15,
                    top + plot_h - height,
                    slot * 0.7,
                    height,
                    STATE_FILLS[point.state],
                )
            )
        if index % 5 == 0 or index == len(points) - 1:
            labels.append(
                Label(x + slot / 2, top + plot_h + 14, f"{point.day.day}日", "middle", 10, MUTED)
            )
    if daily_plan:
        y = top + plot_h - plot_h * daily_plan / top_value
        lines.append(Line(left, y, left + plot_w, y, INK, dashed=True))
        legend_y = top + plot_h + 34
        labels.append(
            Label(left + plot_w, legend_y, f"虚线：日均计划 {daily_plan:.0f} 人次", "end", 10)
        )
    swatches, words = _legend(left, top + plot_h + 34)
    rects, labels = rects + swatches, labels + words
    return Chart(
        "每日服务人次", WIDTH, top + plot_h + 44, tuple(rects), tuple(lines), tuple(labels)
    )


def _y_axis(
    left: float, top: float, width: float, height: float, top_value: int
) -> tuple[list[Line], list[Label]]:
    lines, labels = [], []
    for share in (0, 0.5, 1):
        y = top + height * (1 - share)
        lines.append(Line(left, y, left + width, y, GRID))
        labels.append(Label(left - 4, y + 3, f"{top_value * share:g}", "end", 9, MUTED))
    return lines, labels


def _legend(left: float, y: float) -> tuple[list[Rect], list[Label]]:
    swatches, labels, x = [], [], left
    for state, text in STATE_LABELS:
        swatches.append(Rect(x, y - 8, 8, 8, STATE_FILLS.get(state, MISSING_FILL)))
        labels.append(Label(x + 12, y, text, "start", 10, MUTED))
        x += 12 + 11 * len(text) + 16
    return swatches, labels


def budget_chart(rows: Sequence[BudgetRow]) -> Chart:
    """Chart each budget line against the plan to date and the spend to date."""
    left, top, bar_h, gap = 70, 8, 12, 14
    plot_w = WIDTH - left - 130
    top_value = max([r.budget_fen for r in rows] + [r.spent_to_date_fen for r in rows] + [1])
    rects, lines, labels = [], [], []
    for index, row in enumerate(rows):
        y = top + index * (2 * bar_h + gap)
        scale = plot_w / top_value
        rects.append(Rect(left, y, row.budget_fen * scale, bar_h, BUDGET_FILL))
        rects.append(Rect(left, y + bar_h, row.spent_to_date_fen * scale, bar_h, SPENT_FILL))
        plan_x = left + row.planned_to_date_fen * scale
        lines.append(Line(plan_x, y - 2, plan_x, y + 2 * bar_h + 2, PLAN_STROKE))
        labels.append(Label(left - 6, y + bar_h + 4, row.category, "end", 11))
        labels.append(
            Label(
                left + plot_w + 6,
                y + bar_h - 2,
                f"预算 {format_yuan(row.budget_fen)}",
                "start",
                10,
                MUTED,
            )
        )
        labels.append(
            Label(
                left + plot_w + 6,
                y + 2 * bar_h - 1,
                f"支出 {format_yuan(row.spent_to_date_fen)}",
                "start",
                10,
            )
        )
    bottom = top + len(rows) * (2 * bar_h + gap) + 8
    labels.append(
        Label(
            left,
            bottom + 6,
            "浅色：预算　深色：累计支出　竖线：截至本月计划支出（元）",
            "start",
            10,
            MUTED,
        )
    )
    return Chart("预算与支出", WIDTH, bottom + 12, tuple(rects), tuple(lines), tuple(labels))
