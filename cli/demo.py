"""`gongyi demo`: the whole venture cycle of the 淮河路街道 case, with its PDF reports."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

if TYPE_CHECKING:
    from flows.demo.demo_cycle import DemoSummary
    from flows.demo.demo_selection import DemoSelection

from cli.common import (
    UserFacingError,
    check_output_dir,
    console,
    fail,
    load_settings,
    prepare_prefect,
    upgrade,
)

# The repository's demo/ folder (settings.PROJECT_ROOT / "demo", without importing settings).
DEMO_DATA = Path(__file__).resolve().parents[1] / "demo"


def demo(
    data: Annotated[Path, typer.Option(help="演示数据目录。")] = DEMO_DATA,
    month: Annotated[str, typer.Option(help="演示的监测月份（YYYY-MM）。")] = "2026-06",
) -> None:
    """运行完整的演示创投周期（淮河路街道案例），并生成 PDF 报告。"""
    settings = load_settings()
    prepare_prefect(settings)
    from reports.errors import ReportError
    from reports.fonts import check_cjk_font

    started = time.perf_counter()
    try:
        check_cjk_font()
        check_output_dir(settings.output_dir)
        upgrade(settings)
    except (UserFacingError, ReportError) as exc:
        raise fail(str(exc)) from None
    console.rule("[bold]gongyi 演示：2026年度淮河路街道公益创投")
    summary = _run_demo(data, month)
    _print_demo(summary, elapsed=time.perf_counter() - started, output=settings.output_dir)


def _run_demo(data: Path, month: str) -> DemoSummary:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.demo.demo_cycle import demo_cycle

    # Heartbeats detect crashed runs on remote workers; in-process they only add a
    # one-second wait to every flow.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return demo_cycle(str(data), month)


def _print_demo(summary: DemoSummary, *, elapsed: float, output: Path) -> None:
    from models.money import format_fen

    errors = [
        *summary.intake.errors,
        *summary.fund.errors,
        *summary.agencies.errors,
        *summary.bids.errors,
        *summary.selection.selection.errors,
        *summary.evaluation.errors,
        *(_closing_errors(summary)),
    ]
    table = Table(title="各环节结果", show_lines=False)
    table.add_column("环节")
    table.add_column("结果")
    table.add_row(
        "需求征集",
        f"{summary.intake.rows} 条需求，合并重复 {summary.intake.needs_merged} 条"
        f"（{summary.categorisation.groups_merged} 组）",
    )
    table.add_row(
        "需求归类",
        f"自动归类 {summary.categorisation.classified} 项，待人工确认 {summary.categorisation.in_review} 项"
        + (f"；{Path(summary.needs_survey.pdf).name}" if summary.needs_survey else ""),
    )
    table.add_row(
        "公益基金",
        f"现金 {format_fen(summary.fund.raised_fen)} 元（"
        + "，".join(f"{k} {format_fen(v)}" for k, v in summary.fund.by_donor_type.items())
        + f"），实物/服务捐赠 {summary.fund.in_kind_gifts} 项；"
        f"捐赠资金去向说明 {len(summary.donor_statements)} 份",
    )
    table.add_row("申报指南", f"已发布：{Path(summary.call_pdf).name}" if summary.call_pdf else "—")
    table.add_row(
        "申报与资格审查",
        f"{summary.agencies.added + summary.agencies.updated} 家机构，"
        f"{summary.bids.received + summary.bids.already_there} 份申报书"
        f"（提醒 {len(summary.bids.warnings)} 条）；通过 {summary.screening.eligible} 份，"
        f"未通过 {len(summary.screening.ineligible)} 份",
    )
    table.add_row("分层遴选", _selection_line(summary.selection))
    _add_monitoring_rows(table, summary)
    _add_closing_rows(table, summary)
    console.print(table)
    if errors:
        for line in errors:
            console.print(f"[red]{line}[/]")
        raise typer.Exit(1)
    folder = (output / summary.evaluation.month).resolve()
    console.print(
        f"[green]完成[/]：PDF 报告 {_monitoring_pdf_count(summary)} 份，位于 [bold]{folder}[/] 等"
    )
    _print_closing_headline(summary)
    console.print(f"用时 {elapsed:.1f} 秒")


def _closing_errors(summary: DemoSummary) -> list[str]:
    closing = getattr(summary, "closing", None)
    if closing is None:
        return []
    return [*closing.final.errors, *closing.close.blocked, *closing.close.errors]


def _add_closing_rows(table: Table, summary: DemoSummary) -> None:
    from models.money import format_fen

    closing = getattr(summary, "closing", None)
    if closing is None or not closing.close.headline:
        return
    grades: dict[str, int] = {}
    for grade in closing.final.grades.values():
        grades[grade] = grades.get(grade, 0) + 1
    table.add_row(
        "结项评估",
        f"统计至 {closing.final.period_end}（演示压缩执行期），已发布 {len(closing.final.grades)} 个："
        + "，".join(f"{g} {n}" for g, n in grades.items()),
    )
    close = closing.close
    table.add_row(
        "结项",
        f"末期拨付 {len(close.last_paid)} 个，不予拨付 {len(close.withheld)} 个"
        + (f"（{'、'.join(close.withheld)}）" if close.withheld else "")
        + f"；结余退回 {format_fen(close.refunded_fen)} 元；往期表现已记入机构记录",
    )


def _print_closing_headline(summary: DemoSummary) -> None:
    from flows.closing.cycle_archive import verify_archive

    closing = getattr(summary, "closing", None)
    if closing is None or not closing.close.headline:
        return
    console.print(f"[bold]创投周期总结：{closing.close.headline}[/]", highlight=False)
    console.print(f"周期总结报告：{closing.close.report_pdf}", highlight=False)
    manifest, problems = verify_archive(Path(closing.close.archive))
    if problems:
        for line in problems:
            console.print(f"[red]{line}[/]", highlight=False)
        raise typer.Exit(1)
    console.print(
        f"归档校验通过：{len(manifest['files'])} 份 PDF 的 SHA-256 与清单一致（{closing.close.archive}）",
        highlight=False,
    )


def _selection_line(result: DemoSelection) -> str:
    from models.money import format_fen

    chosen = result.selection
    line = (
        f"初审未通过 {len(chosen.preliminary_failed)} 份，回避 {len(chosen.conflicts_excluded)} 处；"
        f"终审（{chosen.committee}）立项 {chosen.approved} 个、{format_fen(chosen.approved_fen)} 元"
    )
    if result.conclusion is not None:
        line += f"；公示异议 {result.conclusion.objections} 件，签约 {len(result.conclusion.contracts)} 份"
    return line


def _add_monitoring_rows(table: Table, summary: DemoSummary) -> None:
    from models.money import format_fen

    daily, monitoring = summary.daily, summary.monitoring
    table.add_row(
        "日报告",
        f"新增 {summary.daily_reports} 份（6—8 月）；{daily.days_checked} 个工作日的晚间检查："
        f"提醒 {daily.reminded} 次，督办 {daily.escalated} 次，黄牌 {len(daily.yellow_cards)} 张",
    )
    minutes = monitoring.minutes if monitoring else None
    table.add_row(
        "周例会",
        f"{len(summary.meetings)} 次议程"
        + (f"；{minutes.week_start} 一周的纪要，待办 {minutes.action_items} 项" if minutes else ""),
    )
    for label, result in (
        ("月评估", summary.evaluation),
        ("中期评估", monitoring.midterm if monitoring else None),
    ):
        if result is None:
            continue
        grades: dict[str, int] = {}
        for grade in result.grades.values():
            grades[grade] = grades.get(grade, 0) + 1
        table.add_row(
            label,
            f"{result.month} 已发布 {len(result.grades)} 个："
            + "，".join(f"{g} {n}" for g, n in grades.items()),
        )
    releases = monitoring.midterm.releases if monitoring else None
    if releases is not None:
        table.add_row(
            "中期拨付",
            f"拨付 {len(releases.released)} 个项目 {format_fen(releases.released_fen)} 元；暂缓 {len(releases.held)} 个"
            + (f"（{'、'.join(releases.held)}）" if releases.held else ""),
        )


def _monitoring_pdf_count(summary: DemoSummary) -> int:
    monitoring = summary.monitoring
    extra = len(monitoring.midterm.pdfs) + (1 if monitoring.minutes.pdf else 0) if monitoring else 0
    return len(summary.evaluation.pdfs) + extra
