"""The `gongyi` command line: thin commands over the same functions the portal calls.

Every failure a user can fix — a bad database URL, an unwritable output
folder, missing Chinese fonts, a bad row in a file — is printed as one line
saying what to do, never as a traceback. Prefect is configured here, before
any flow is imported, so the embedded mode keeps its state under var/.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from settings import PROJECT_ROOT, Settings, get_settings

app = typer.Typer(help="gongyi 公益创投工作流：从居民需求到评估报告。", no_args_is_help=True)
db_app = typer.Typer(help="数据库：创建与升级。", no_args_is_help=True)
needs_app = typer.Typer(help="居民需求：导入、合并、归类与汇总。", no_args_is_help=True)
fund_app = typer.Typer(help="公益基金：捐赠、台账与捐赠资金去向说明。", no_args_is_help=True)
call_app = typer.Typer(help="申报指南：发布、截止与资格审查。", no_args_is_help=True)
agency_app = typer.Typer(help="社会组织：登记与信用代码校验。", no_args_is_help=True)
proposal_app = typer.Typer(help="项目申报书：提交、撤回与审查结果。", no_args_is_help=True)
monitor_app = typer.Typer(help="过程监测：日报告、周例会、月评估与拨付。", no_args_is_help=True)
selection_app = typer.Typer(help="分层遴选：评审、终审决定、公示异议、签约。", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(needs_app, name="needs")
app.add_typer(fund_app, name="fund")
app.add_typer(call_app, name="call")
app.add_typer(agency_app, name="agency")
app.add_typer(proposal_app, name="proposal")
app.add_typer(monitor_app, name="monitor")
app.add_typer(selection_app, name="selection")
console = Console()


class UserFacingError(Exception):
    """An error whose message is the whole story for the user."""


def fail(message: str, *, code: int = 1) -> typer.Exit:
    """Print one red line and return the exit to raise."""
    console.print(f"[bold red]错误：[/]{message}", highlight=False)
    return typer.Exit(code)


def load_settings() -> Settings:
    """Read settings, turning a validation error into one line."""
    from pydantic import ValidationError

    try:
        return get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise fail(f"配置错误 GONGYI_{str(first['loc'][0]).upper()}：{first['msg']}") from None


def prepare_prefect(settings: Settings) -> None:
    """Point Prefect's embedded mode at var/ and keep it offline and quiet."""
    home = (settings.var_dir / "prefect").resolve()
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL", "INFO")


def today_in_office() -> date:
    """Return today's date in the office's time zone."""
    return datetime.now(ZoneInfo(load_settings().timezone)).date()


def check_output_dir(folder: Path) -> Path:
    """Create the output folder and prove it is writable."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".gongyi-write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise UserFacingError(
            f"输出目录 {folder} 不可写（{exc.strerror}）：请设置 GONGYI_OUTPUT_DIR 为可写的目录"
        ) from None
    return folder


def upgrade(settings: Settings) -> str:
    """Create or upgrade the configured database."""
    from store.database import DatabaseError
    from store.migrate import upgrade_database

    try:
        return upgrade_database(settings.database_url)
    except DatabaseError as exc:
        raise UserFacingError(str(exc)) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """创建或升级数据库到最新结构。"""
    settings = load_settings()
    try:
        revision = upgrade(settings)
    except UserFacingError as exc:
        raise fail(str(exc)) from None
    console.print(f"数据库已是最新结构（版本 {revision}）：{_safe_url(settings.database_url)}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(无法解析的地址)"


@app.command()
def check() -> None:
    """检查运行环境：数据库、输出目录、中文字体。"""
    settings = load_settings()
    from reports.errors import ReportError
    from reports.fonts import check_cjk_font

    try:
        upgrade(settings)
        check_output_dir(settings.output_dir)
        check_cjk_font()
    except (UserFacingError, ReportError) as exc:
        raise fail(str(exc)) from None
    console.print("[green]环境正常[/]：数据库、输出目录和中文字体均可用。")


@app.command()
def demo(
    data: Annotated[Path, typer.Option(help="演示数据目录。")] = PROJECT_ROOT / "demo",
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


def _run_demo(data: Path, month: str):  # type: ignore[no-untyped-def]
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.demo_cycle import demo_cycle

    # Heartbeats detect crashed runs on remote workers; in-process they only add a
    # one-second wait to every flow.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return demo_cycle(str(data), month)


def _print_demo(summary, *, elapsed: float, output: Path) -> None:  # type: ignore[no-untyped-def]
    from models.money import format_fen

    errors = [
        *summary.intake.errors,
        *summary.fund.errors,
        *summary.bids.errors,
        *summary.selection.selection.errors,
        *summary.evaluation.errors,
    ]
    table = Table(title="各环节结果", show_lines=False)
    table.add_column("环节")
    table.add_column("结果")
    table.add_row(
        "需求征集", f"{summary.intake.rows} 条需求，合并重复 {summary.intake.needs_merged} 条"
    )
    table.add_row(
        "需求归类",
        f"自动归类 {summary.categorisation.classified} 条，待人工确认 {summary.categorisation.in_review} 条",
    )
    table.add_row(
        "公益基金",
        f"现金 {format_fen(summary.fund.raised_fen)} 元，实物/服务捐赠 {summary.fund.in_kind_gifts} 项",
    )
    table.add_row(
        "申报与资格审查",
        f"{summary.bids.agencies} 家机构；通过 {summary.screening.eligible} 份，未通过 {len(summary.screening.ineligible)} 份",
    )
    table.add_row("分层遴选", _selection_line(summary.selection))
    table.add_row(
        "日报告",
        f"本月提交 {summary.daily_reports} 份（新增）；{summary.daily.day} 提醒 {len(summary.daily.reminders)} 个项目",
    )
    table.add_row(
        "周例会",
        f"{len(summary.meetings)} 次，待办 {sum(m.action_items for m in summary.meetings)} 项",
    )
    grades = {}
    for grade in summary.evaluation.grades.values():
        grades[grade] = grades.get(grade, 0) + 1
    table.add_row("月评估", "，".join(f"{g} {n}" for g, n in grades.items()))
    console.print(table)
    if errors:
        for line in errors:
            console.print(f"[red]{line}[/]")
        raise typer.Exit(1)
    folder = (output / summary.evaluation.month).resolve()
    console.print(
        f"[green]完成[/]：PDF 报告 {len(summary.evaluation.pdfs)} 份，位于 [bold]{folder}[/]"
    )
    console.print(f"用时 {elapsed:.1f} 秒")


def _selection_line(result) -> str:  # type: ignore[no-untyped-def]
    from models.money import format_fen

    chosen = result.selection
    line = (
        f"初审未通过 {len(chosen.preliminary_failed)} 份，回避 {len(chosen.conflicts_excluded)} 处；"
        f"终审（{chosen.committee}）立项 {chosen.approved} 个、{format_fen(chosen.approved_fen)} 元"
    )
    if result.conclusion is not None:
        line += f"；公示异议 {result.conclusion.objections} 件，签约 {len(result.conclusion.contracts)} 份"
    return line


@needs_app.command("import")
def needs_import(
    path: Annotated[Path, typer.Argument(help="需求表（CSV 或 XLSX）。")],
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
) -> None:
    """导入居民需求表（全部有效才写入；重复导入不会重复添加）。"""
    settings = load_settings()
    prepare_prefect(settings)
    try:
        upgrade(settings)
    except UserFacingError as exc:
        raise fail(str(exc)) from None
    from flows.needs_intake import needs_intake

    summary = needs_intake(cycle, str(path))
    if summary.errors:
        for line in summary.errors:
            console.print(f"[red]{line}[/]", highlight=False)
        raise fail(f"{summary.file} 有 {len(summary.errors)} 处错误，未写入任何数据")
    console.print(f"{summary.file}：新增 {summary.added} 条，已导入过 {summary.already_there} 条")


# --- needs commands (居民需求) ---


# --- fund, call, agency and proposal commands (基金、申报指南、社会组织、申报书) ---


# --- selection commands (分层遴选) ---


def _selection_setup() -> None:
    settings = load_settings()
    prepare_prefect(settings)
    try:
        upgrade(settings)
    except UserFacingError as exc:
        raise fail(str(exc)) from None


@selection_app.command("decide")
def selection_decide(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    by: Annotated[str, typer.Option(help="决定人（评审委员会主任）。")],
    exclude: Annotated[
        list[int] | None, typer.Option(help="不予资助的申报书编号，可多次给出。")
    ] = None,
    include: Annotated[
        list[int] | None, typer.Option(help="决定资助的申报书编号，可多次给出。")
    ] = None,
    reason: Annotated[str, typer.Option(help="调整理由（有调整时必填）。")] = "",
) -> None:
    """记录评审委员会的终审决定，并让等待中的遴选流程继续。"""
    _selection_setup()
    from flows.committee import CommitteeInput, record_committee_decision
    from flows.selection_allocation import check_decision
    from models.committee import DecisionError
    from models.selection import AllocationError

    decision = CommitteeInput(
        accepted=not (exclude or include),
        include=include or [],
        exclude=exclude or [],
        reasons=reason,
        decided_by=by,
    )
    try:
        run_id = record_committee_decision(call, decision, check=check_decision)
    except (DecisionError, AllocationError, LookupError) as exc:
        raise fail(str(exc)) from None
    console.print(f"终审决定已记录，遴选流程 {run_id} 继续运行。")


@selection_app.command("run")
def selection_run(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    reviewers: Annotated[Path, typer.Option(help="评审专家库（CSV/XLSX，列：评审专家）。")],
    conflicts: Annotated[
        Path, typer.Option(help="利益冲突申报（列：评审专家、机构名称、冲突类型、说明）。")
    ],
    scores: Annotated[
        Path, typer.Option(help="评分表（列：评审环节、评审专家、项目名称及各评分指标）。")
    ],
    wait: Annotated[int, typer.Option(help="终审时等待评审委员会决定的最长秒数。")] = 3600,
) -> None:
    """运行分层遴选：初审、路演答辩，终审时等待评审委员会决定（另开终端执行 selection decide），然后公示。"""
    _selection_setup()
    from flows.select_projects import select_projects

    summary = select_projects(
        call, str(reviewers), str(conflicts), str(scores), today_in_office(), wait_seconds=wait
    )
    if summary.errors:
        for line in summary.errors:
            console.print(f"[red]{line}[/]", highlight=False)
        raise fail(f"评分表有 {len(summary.errors)} 处错误，未写入任何数据")
    console.print(
        f"立项 {summary.approved} 个，候补 {summary.waitlisted} 个；公示至 {summary.notice_ends_on}：{summary.notice_pdf}"
    )


@selection_app.command("conclude")
def selection_conclude(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    start: Annotated[str, typer.Option(help="项目开始日期 YYYY-MM-DD。")],
) -> None:
    """公示期满后：候补递补、签订资助协议、拨付首期资金并生成协议 PDF。"""
    _selection_setup()
    from flows.conclude_publicity import check_window, conclude_publicity
    from models.publicity import PublicityError

    try:
        starts_on = date.fromisoformat(start)
        check_window.fn(call, today_in_office())  # refuse early, without a flow-run traceback
        summary = conclude_publicity(call, today_in_office(), starts_on)
    except (PublicityError, ValueError) as exc:
        raise fail(str(exc)) from None
    console.print(
        f"签约 {len(summary.contracts)} 份，递补 {len(summary.replacements)} 个；{summary.summary_pdf}"
    )


@selection_app.command("sheet")
def selection_sheet(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    reviewer: Annotated[str, typer.Option(help="评审专家姓名。")],
    output: Annotated[Path, typer.Option(help="评分表输出路径（CSV）。")],
    stage: Annotated[str, typer.Option(help="评审环节：preliminary 或 defence。")] = "preliminary",
) -> None:
    """导出评审专家的评分表（只含分配给他的申报书；初审按申报指南要求隐去机构名称）。"""
    _selection_setup()
    from flows.selection_stages import export_score_sheet

    try:
        count = export_score_sheet(call, stage, reviewer, output)
    except (LookupError, ValueError) as exc:
        raise fail(str(exc)) from None
    console.print(f"已导出 {count} 份申报书的评分表：{output}")


@selection_app.command("what-if")
def selection_what_if(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    budget: Annotated[str | None, typer.Option(help="假设的可用资金（元）。")] = None,
    ceiling: Annotated[
        list[str] | None, typer.Option(help="领域上限，如 youth=50000（元）。")
    ] = None,
    minimum: Annotated[
        list[str] | None, typer.Option(help="领域保底项目数，如 elderly=3。")
    ] = None,
) -> None:
    """按另一预算或领域额度试算资助结果，只显示差异，不写入任何数据。"""
    _selection_setup()
    from flows.selection_allocation import compute_allocation
    from models.money import MoneyError, format_fen, parse_yuan
    from models.selection import Quotas, compare_allocations

    try:
        quotas = Quotas(
            max_fen={k: parse_yuan(v) for k, v in _pairs(ceiling)},
            min_projects={k: int(v) for k, v in _pairs(minimum)},
        )
        budget_fen = parse_yuan(budget) if budget else None
        current, candidates = compute_allocation(call)
        trial, _ = compute_allocation(call, budget_fen=budget_fen, quotas=quotas)
    except (MoneyError, ValueError, LookupError) as exc:
        raise fail(str(exc)) from None
    changes = compare_allocations(current, trial)
    table = Table(title=f"试算：与现行方案相比有 {len(changes)} 项变化")
    for column in ("申报书", "领域", "现行（元）", "试算（元）"):
        table.add_column(column)
    for change in changes:
        c = candidates[change.proposal_id]
        table.add_row(
            f"#{c.proposal_id}",
            c.domain_key,
            format_fen(change.before_fen),
            format_fen(change.after_fen),
        )
    console.print(table)


def _pairs(items: list[str] | None) -> list[tuple[str, str]]:
    pairs = []
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"应写成 领域=数值，收到 {item!r}")
        pairs.append((key.strip(), value.strip()))
    return pairs


@selection_app.command("object")
def selection_object(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    proposal: Annotated[int, typer.Option(help="被提出异议的申报书编号。")],
    by: Annotated[str, typer.Option(help="异议人姓名。")],
    text: Annotated[str, typer.Option(help="异议的事实和理由。")],
    day: Annotated[str | None, typer.Option(help="收到日期 YYYY-MM-DD（默认今天）。")] = None,
) -> None:
    """在公示期内登记一件书面异议。"""
    _selection_setup()
    from flows.objections import lodge_objection
    from models.publicity import PublicityError

    try:
        received = date.fromisoformat(day) if day else today_in_office()
        objection_id = lodge_objection(
            call, proposal_id=proposal, submitter=by, text=text, day=received
        )
    except (PublicityError, ValueError) as exc:
        raise fail(str(exc)) from None
    console.print(f"异议已登记，编号 {objection_id}。")


@selection_app.command("resolve")
def selection_resolve(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    objection: Annotated[int, typer.Option(help="异议编号。")],
    by: Annotated[str, typer.Option(help="处理人。")],
    reason: Annotated[str, typer.Option(help="处理理由。")],
    uphold: Annotated[bool, typer.Option("--uphold/--dismiss", help="异议成立 / 不成立。")] = False,
) -> None:
    """处理异议：成立则撤销该项目的立项，结束公示时由候补项目递补。"""
    _selection_setup()
    from flows.objections import resolve_objection
    from models.publicity import PublicityError
    from models.status import TransitionError

    try:
        outcome = resolve_objection(call, objection, uphold=uphold, reason=reason, by=by)
    except (PublicityError, TransitionError) as exc:
        raise fail(str(exc)) from None
    console.print(f"异议 {objection} 已处理：{'成立' if outcome == 'upheld' else '不成立'}。")


# --- monitoring commands (日报告、周例会、月评估、serve) ---


def main() -> None:
    """Run the CLI."""
    app()


if __name__ == "__main__":
    sys.exit(main())
