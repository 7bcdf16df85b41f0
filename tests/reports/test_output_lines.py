"""The KPI lines of the mid-term and final reports, summed from the stored monthly rows."""

from __future__ import annotations

from reports.document_contexts import FinalOutputLine, output_lines


def row(name: str, planned: int | None, actual: int, unit: str = "人次") -> dict[str, object]:
    return {"name": name, "unit": unit, "planned": planned, "actual": actual, "flag": ""}


def test_months_are_summed_per_kpi_with_its_completion() -> None:
    months = [row("服务人次", 200, 190), row("服务人次", 200, 230), row("活动场次", 20, 22, "场")]
    assert output_lines(months) == (
        FinalOutputLine("服务人次", "人次", 400, 420, 105.0),
        FinalOutputLine("活动场次", "场", 20, 22, 110.0),
    )


def test_a_month_without_a_plan_counts_as_zero_and_a_kpi_with_nothing_has_no_line() -> None:
    months = [
        row("服务人次", None, 35),
        row("服务人次", 100, 80),
        row("志愿服务时长", None, 0, "小时"),
    ]
    assert output_lines(months) == (FinalOutputLine("服务人次", "人次", 100, 115, 115.0),)
    assert output_lines([row("受益人数", None, 12, "人")]) == (
        FinalOutputLine("受益人数", "人", 0, 12, None),
    )
