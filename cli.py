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
from rich.markup import escape
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
    # The message is plain text: brackets in it ("[金额]") must not be read as markup.
    console.print(f"[bold red]错误：[/]{escape(str(message))}", highlight=False)
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
    home.mkdir(parents=True, exist_ok=True)
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

    from flows.demo.demo_cycle import demo_cycle

    # Heartbeats detect crashed runs on remote workers; in-process they only add a
    # one-second wait to every flow.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return demo_cycle(str(data), month)


def _print_demo(summary, *, elapsed: float, output: Path) -> None:  # type: ignore[no-untyped-def]
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


def _closing_errors(summary) -> list[str]:  # type: ignore[no-untyped-def]
    closing = getattr(summary, "closing", None)
    if closing is None:
        return []
    return [*closing.final.errors, *closing.close.blocked, *closing.close.errors]


def _add_closing_rows(table: Table, summary) -> None:  # type: ignore[no-untyped-def]
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


def _print_closing_headline(summary) -> None:  # type: ignore[no-untyped-def]
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


# --- needs commands (居民需求) ---


ERRORS_SHOWN = 50
ActorOption = Annotated[str, typer.Option("--by", help="操作人（记入审计日志与更正记录）。")]


def _actor(name: str) -> str:
    import getpass

    return name.strip() or getpass.getuser()


def _print_need_errors(errors: tuple[str, ...]) -> None:
    for line in errors[:ERRORS_SHOWN]:
        console.print(f"[red]{line}[/]", highlight=False)
    if len(errors) > ERRORS_SHOWN:
        console.print(f"[red]……另有 {len(errors) - ERRORS_SHOWN} 处错误[/]", highlight=False)


def _flows_ready() -> Settings:
    settings = load_settings()
    prepare_prefect(settings)
    try:
        upgrade(settings)
    except UserFacingError as exc:
        raise fail(str(exc)) from None
    return settings


@needs_app.command("import")
def needs_import(
    path: Annotated[
        Path, typer.Argument(help="需求表（CSV 或 XLSX），列见 data/needs_template.xlsx。")
    ],
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    today: Annotated[str, typer.Option(help="以哪天为“今天”检查提交日期（YYYY-MM-DD）。")] = "",
) -> None:
    """导入居民需求表：全部有效才写入，重复导入不会重复添加；随后合并重复、自动归类。"""
    _flows_ready()
    from flows.needs.needs_intake import needs_intake

    summary = needs_intake(cycle, str(path), _day(today) if today else None, progress=True)
    table = Table(title=f"{summary.file} 导入结果")
    for column in (
        "行数",
        "有效",
        "有错误",
        "新增",
        "已导入过",
        "合并重复",
        "自动归类",
        "待人工确认",
    ):
        table.add_column(column, justify="right")
    sorted_needs = summary.categorisation
    table.add_row(
        *map(
            str,
            (
                summary.rows,
                summary.accepted,
                summary.rejected,
                summary.added,
                summary.already_there,
                summary.needs_merged,
                sorted_needs.classified,
                sorted_needs.in_review,
            ),
        )
    )
    console.print(table)
    if summary.errors:
        _print_need_errors(summary.errors)
        raise fail(f"{summary.file} 有 {len(summary.errors)} 处错误，未写入任何数据")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"日期格式应为 2026-03-31，收到 {value!r}") from None


@needs_app.command("classify")
def needs_classify(
    source: Annotated[Path, typer.Argument(help="要归类的表（CSV 或 XLSX），需有 text 列。")],
    output: Annotated[Path, typer.Option(help="输出 CSV：原有各列，加 domain 和 confidence。")],
    cycle: Annotated[
        int | None, typer.Option(help="按此创投周期的服务领域归类；默认用四个默认领域。")
    ] = None,
) -> None:
    """给表中每条 text 归入服务领域，并给出置信度。"""
    from models.rows import RowError, RowsRejected, read_all
    from store.exports import write_csv
    from store.spreadsheets import read_rows

    settings = _flows_ready() if cycle is not None else load_settings()
    try:
        rows = read_rows(source, required=("text",))
        texts = read_all(rows, lambda row: row.text("text", max_length=500))
    except RowsRejected as rejected:
        _print_need_errors(tuple(str(e) for e in rejected.errors))
        raise fail(f"{source.name} 有 {len(rejected.errors)} 处错误，未写出结果") from None
    except RowError as error:
        raise fail(str(error)) from None
    suggestions = _classify_with_progress(texts, cycle, str(settings.needs_training_file))
    columns = list(rows[0].values) if rows else ["text"]
    write_csv(
        output,
        [*columns, "domain", "confidence"],
        (
            [*(row.values.get(c, "") for c in columns), s.domain_key or "", f"{s.confidence:.3f}"]
            for row, s in zip(rows, suggestions, strict=True)
        ),
    )
    unsure = sum(1 for s in suggestions if s.needs_review(settings.needs_review_threshold))
    console.print(
        f"已归类 {len(suggestions)} 条，置信度低于 {settings.needs_review_threshold} 的 {unsure} 条；"
        f"结果写入 {output}"
    )


def _classify_with_progress(texts: list[str], cycle: int | None, training: str):  # type: ignore[no-untyped-def]
    from rich.progress import Progress

    from flows.needs.categorise_needs import load_classifier

    try:
        classifier = load_classifier(cycle, training)
    except LookupError as error:
        raise fail(str(error)) from None
    chunk, suggestions = 2_000, []
    with Progress(console=console, transient=True, disable=len(texts) < chunk) as progress:
        task = progress.add_task("归类", total=len(texts))
        for start in range(0, len(texts), chunk):
            suggestions += classifier.classify(texts[start : start + chunk])
            progress.advance(task, len(texts[start : start + chunk]))
    return suggestions


@needs_app.command("review")
def needs_review(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    by: ActorOption = "",
) -> None:
    """列出待人工确认的需求（联系人已脱敏；查看记入审计日志）。"""
    from models.privacy import mask_name, mask_phone, mask_text
    from store import cycles, needs, users
    from store.database import open_session

    settings = load_settings()
    with open_session(settings.database_url) as session:
        names = {d.id: d.key for d in cycles.list_domains(session, cycle_id=cycle)}
        queue = needs.list_review_queue(session, cycle_id=cycle)
        users.add_audit_event(
            session,
            actor=_actor(by),
            action="view_needs_review",
            subject_type="cycle",
            subject_id=cycle,
            detail=f"查看待确认需求 {len(queue)} 条（联系人已脱敏）",
        )
    console.print(f"[bold]待人工确认的需求：{len(queue)} 项[/]", highlight=False)
    for need in queue:
        suggested = names.get(need.domain_id, "—") if need.domain_id else "—"
        confidence = f"{need.confidence:.2f}" if need.confidence is not None else "—"
        console.print(
            f"#{need.id}［建议 {suggested} {confidence} · {need.weight} 人次］{mask_text(need.text)}",
            highlight=False,
        )
        console.print(
            f"    服务对象：{need.target_group or '—'}　联系人：{mask_name(need.contact_name) or '—'}"
            f" {mask_phone(need.contact_phone)}",
            highlight=False,
        )
    console.print("确认建议：gongyi needs confirm 编号…；改为其他领域：加 --domain 领域键")


@needs_app.command("confirm")
def needs_confirm(
    ids: Annotated[list[int], typer.Argument(help="需求编号（合并组的第一条）。")],
    domain: Annotated[
        str, typer.Option(help="改为此服务领域（键，如 special）；不填则确认建议。")
    ] = "",
    by: ActorOption = "",
) -> None:
    """确认或更改需求的服务领域；每个决定都作为训练样本，下次归类时生效。"""
    from store.database import open_session

    settings = load_settings()
    try:
        with open_session(settings.database_url) as session:
            now = datetime.now(ZoneInfo(settings.timezone))
            lines = [_confirm_one(session, need_id, domain, _actor(by), now) for need_id in ids]
    except (LookupError, ValueError) as error:
        raise fail(f"{error}（未保存任何更改）") from None
    for line in lines:
        console.print(line, highlight=False)
    console.print("已保存为人工更正，下次归类（导入或 gongyi needs reclassify）时生效。")


def _confirm_one(session, need_id: int, key: str, actor: str, now: datetime) -> str:  # type: ignore[no-untyped-def]
    from store.need_review import set_need_confirmed

    return set_need_confirmed(session, need_id, key, actor, now)


@needs_app.command("groups")
def needs_groups(cycle: Annotated[int, typer.Option(help="创投周期编号。")]) -> None:
    """列出合并的重复需求：每组由哪几条组成、为什么合并。"""
    from models.privacy import mask_text
    from store import needs
    from store.database import open_session

    with open_session(load_settings().database_url) as session:
        groups = needs.list_groups(session, cycle_id=cycle)
    for lead, members in groups:
        console.print(
            f"[bold]#{lead.id}[/] {mask_text(lead.text)}（{1 + len(members)} 人次）",
            highlight=False,
        )
        for member in members:
            console.print(
                f"    #{member.id} {mask_text(member.text)} — {member.merge_reason}",
                highlight=False,
            )
    console.print(f"共 {len(groups)} 组。拆开：gongyi needs split 编号…")


@needs_app.command("split")
def needs_split(
    ids: Annotated[list[int], typer.Argument(help="要拆出的需求编号；给出组的第一条则拆散整组。")],
    by: ActorOption = "",
) -> None:
    """把需求从合并组中拆出，以后不再与原组合并；随后重新合并与归类。"""
    from store import needs
    from store.database import open_session

    settings = _flows_ready()
    actor, cycles_touched = _actor(by), set()
    try:
        with open_session(settings.database_url) as session:
            for need_id in ids:
                need = needs.get_need(session, need_id)
                freed = (
                    [need] if need.duplicate_of_id else needs.list_members(session, lead_id=need_id)
                )
                if not freed:
                    raise ValueError(f"#{need_id} 不在任何合并组中")
                for member in freed:
                    needs.set_split(
                        session,
                        need=member,
                        actor=actor,
                        at=datetime.now(ZoneInfo(settings.timezone)),
                    )
                cycles_touched.add(need.cycle_id)
    except (LookupError, ValueError) as error:
        raise fail(f"{error}（未保存任何更改）") from None
    from flows.needs.categorise_needs import categorise_needs

    for cycle_id in sorted(cycles_touched):
        summary = categorise_needs(cycle_id)
        console.print(
            f"已拆出并重新归类：重新合并 {summary.needs_merged} 条，待人工确认 {summary.in_review} 项"
        )


@needs_app.command("keywords")
def needs_keywords(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    domain: Annotated[str, typer.Argument(help="服务领域键，如 elderly；不填则列出全部。")] = "",
    add: Annotated[list[str] | None, typer.Option("--add", help="添加的关键词（可多次）。")] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="删除的关键词（可多次）。")
    ] = None,
) -> None:
    """查看或编辑服务领域的种子关键词（下次归类时生效）。"""
    from models.categorisation import KeywordError, edit_keywords
    from store import cycles, training
    from store.database import open_session

    try:
        with open_session(load_settings().database_url) as session:
            domains = {d.key: d for d in cycles.list_domains(session, cycle_id=cycle)}
            if domain and domain not in domains:
                raise KeywordError(f"没有服务领域 {domain!r}（可选：{'、'.join(domains)}）")
            if domain and (add or remove):
                words = edit_keywords(domains[domain].keywords, add=add or (), remove=remove or ())
                training.set_domain_keywords(session, domain=domains[domain], keywords=words)
            shown = [domains[domain]] if domain else list(domains.values())
            lines = [f"{d.key} {d.name}：{'、'.join(d.keywords)}" for d in shown]
    except KeywordError as error:
        raise fail(str(error)) from None
    for line in lines:
        console.print(line, highlight=False)
    if add or remove:
        console.print("关键词已保存，下次归类（导入或 gongyi needs reclassify）时生效。")


@needs_app.command("reclassify")
def needs_reclassify(cycle: Annotated[int, typer.Option(help="创投周期编号。")]) -> None:
    """按最新的关键词和人工更正，重新合并与归类未确认的需求。"""
    _flows_ready()
    from flows.needs.categorise_needs import categorise_needs

    summary = categorise_needs(cycle)
    console.print(
        f"合并重复 {summary.needs_merged} 条；自动归类 {summary.classified} 项，待人工确认 {summary.in_review} 项"
    )


@needs_app.command("summary")
def needs_summary(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    today: Annotated[str, typer.Option(help="报告日期（YYYY-MM-DD），默认今天。")] = "",
) -> None:
    """生成需求调研报告（PDF，含图表）和需求汇总表（XLSX，联系人已脱敏）。"""
    _flows_ready()
    from flows.needs.needs_survey import needs_survey
    from reports.errors import ReportError

    try:
        summary = needs_survey(cycle, _day(today) if today else None)
    except ReportError as error:
        raise fail(str(error)) from None
    console.print(f"{summary.residents} 人次，{summary.groups} 项需求")
    console.print(f"需求调研报告：{summary.pdf}")
    console.print(f"需求汇总表：{summary.xlsx}")


# --- fund, call, agency and proposal commands (基金、申报指南、社会组织、申报书) ---


def _refuse(message: object) -> typer.Exit:
    # Messages quote rules keys such as [amount]; `fail` prints them as text.
    return fail(str(message))


def _fund_setup() -> Settings:
    settings = load_settings()
    prepare_prefect(settings)
    try:
        upgrade(settings)
    except UserFacingError as exc:
        raise _refuse(str(exc)) from None
    return settings


def _local_now(settings: Settings, text: str = ""):  # type: ignore[no-untyped-def]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(settings.timezone)
    if not text:
        return datetime.now(tz)
    try:
        moment = datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise _refuse(f"时间格式应为 2026-05-10 14:30，收到 {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _print_errors(errors, what: str) -> None:  # type: ignore[no-untyped-def]
    from rich.markup import escape

    if errors:
        for line in errors:
            console.print(f"[red]{escape(line)}[/]", highlight=False)
        raise _refuse(f"{what}有 {len(errors)} 处错误，未写入任何数据")


@fund_app.command("import")
def fund_import(
    donations: Annotated[Path, typer.Argument(help="现金捐赠表（CSV 或 XLSX）。")],
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    name: Annotated[str, typer.Option(help="公益基金名称。")],
    in_kind: Annotated[Path | None, typer.Option(help="实物/服务捐赠表。")] = None,
) -> None:
    """导入捐赠（全部有效才写入；重复导入不会重复记账；基金关闭后拒收）。"""
    _fund_setup()
    from flows.fund.raise_fund import raise_fund

    summary = raise_fund(cycle, name, str(donations), str(in_kind or ""))
    _print_errors(summary.errors, "捐赠表")
    console.print(f"新增 {summary.added} 笔；现金合计 {summary.raised_fen / 100:,.2f} 元")


@fund_app.command("donate")
def fund_donate(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    donor: Annotated[str, typer.Option(help="捐赠方名称。")],
    donor_type: Annotated[
        str, typer.Option("--type", help="机关事业单位 / 爱心企业 / 热心人士 / 其他。")
    ],
    amount: Annotated[str, typer.Option(help="金额（元），最多两位小数。")],
    day: Annotated[str, typer.Option("--date", help="捐赠日期，如 2026-04-08。")],
    domain: Annotated[str, typer.Option(help="限定领域（服务领域键，如 youth），可不填。")] = "",
    receipt: Annotated[str, typer.Option(help="收据编号；同一捐赠方同日同额的两笔靠它区分。")] = "",
) -> None:
    """登记一笔现金捐赠。"""
    _fund_setup()
    from flows.fund.raise_fund import donate

    summary = donate(cycle, donor, donor_type, day, amount, domain, receipt)
    _print_errors(summary.errors, "这笔捐赠")
    word = "已登记" if summary.added else "已登记过，未重复记账"
    console.print(f"{donor}：{word}；基金现金合计 {summary.raised_fen / 100:,.2f} 元")


@fund_app.command("close")
def fund_close(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    user: Annotated[str, typer.Option(help="操作人。")],
    day: Annotated[str, typer.Option("--date", help="关闭日期，默认今天。")] = "",
) -> None:
    """关闭公益基金：此后拒收新的捐赠。"""
    settings = _fund_setup()
    from datetime import date

    from flows.fund.raise_fund import close_fund

    try:
        close_fund(cycle, date.fromisoformat(day) if day else _local_now(settings).date(), user)
    except (LookupError, ValueError) as exc:
        raise _refuse(str(exc)) from None
    console.print("公益基金已关闭，不再接受捐赠。")


@fund_app.command("show")
def fund_show(cycle: Annotated[int, typer.Option(help="创投周期编号。")]) -> None:
    """显示基金台账余额：募集、承诺、拨付、退回，及各资金池可用余额。"""
    settings = _fund_setup()
    from rich.markup import escape

    from models.ledger import available_by_pool, check_ledger, held_by_pool, sum_balance
    from models.money import format_fen
    from store import cycles, fund
    from store.database import open_session

    with open_session(settings.database_url) as session:
        try:
            the_fund = fund.get_fund(session, cycle_id=cycle)
        except LookupError as exc:
            raise _refuse(str(exc)) from None
        movements = fund.list_movements(session, fund_id=the_fund.id)  # type: ignore[arg-type]
        names = {d.id: d.name for d in cycles.list_domains(session, cycle_id=cycle)}
    balance = sum_balance(movements)
    console.print(
        f"{the_fund.name}（{'开放' if the_fund.status == 'open' else '已关闭'}）：募集 {format_fen(balance.raised_fen)} 元，"
        f"承诺 {format_fen(balance.committed_fen)}，拨付 {format_fen(balance.paid_fen)}，"
        f"退回 {format_fen(balance.refunded_fen)}；持有现金 {format_fen(balance.held_fen)}，可承诺 {format_fen(balance.available_fen)}"
    )
    table = Table("资金池", "可承诺（元）", "持有现金（元）")
    held = held_by_pool(movements)
    for pool, left in available_by_pool(movements).items():
        table.add_row(
            names.get(pool, "非限定") if pool else "非限定",
            format_fen(left),
            format_fen(held.get(pool, 0)),
        )  # type: ignore[arg-type]
    console.print(table)
    for problem in check_ledger(movements):
        console.print(f"[red]台账异常：{escape(problem)}[/]")


@fund_app.command("statement")
def fund_statement(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    donor: Annotated[
        list[str] | None, typer.Option(help="只为这些捐赠方生成，可多次给出。")
    ] = None,
    day: Annotated[str, typer.Option("--date", help="截至日期，默认今天。")] = "",
) -> None:
    """生成捐赠资金去向说明（PDF，每位捐赠方一份）。"""
    settings = _fund_setup()
    from datetime import date

    from flows.fund.donor_statement import donor_statement

    try:
        paths = donor_statement(
            cycle, date.fromisoformat(day) if day else _local_now(settings).date(), donor or []
        )
    except LookupError as exc:
        raise _refuse(str(exc)) from None
    for path in paths:
        console.print(path, highlight=False)
    console.print(f"共 {len(paths)} 份捐赠资金去向说明")


@call_app.command("check")
def call_check(rules: Annotated[Path, typer.Argument(help="申报指南规则文件（TOML）。")]) -> None:
    """只检查规则文件（不连数据库）：未知键、类型、一致性，错误指出行号。"""
    from models.call_file import read_rules_text
    from models.call_keys import RulesError

    try:
        parsed, _ = read_rules_text(rules.read_text(encoding="utf-8"), file_name=rules.name)
    except (OSError, UnicodeDecodeError) as exc:
        raise _refuse(f"无法读取 {rules}：{exc}") from None
    except RulesError as exc:
        raise _refuse(str(exc)) from None
    console.print(f"{rules.name}：六个统一标准齐全、一致（{parsed.title}，第 {parsed.version} 版）")


@call_app.command("publish")
def call_publish(
    rules: Annotated[Path, typer.Argument(help="申报指南规则文件（TOML）。")],
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    day: Annotated[str, typer.Option("--date", help="发布日期，默认今天。")] = "",
) -> None:
    """检查规则文件、生成申报指南 PDF 并开放申报。"""
    settings = _fund_setup()
    from datetime import date

    from flows.call.publish_call import CallFileError, publish_call, published_call_pdf

    try:
        call_id = publish_call(
            cycle, str(rules), date.fromisoformat(day) if day else _local_now(settings).date()
        )
    except CallFileError as exc:
        raise _refuse(str(exc)) from None
    console.print(f"申报指南 #{call_id} 已发布：{published_call_pdf(call_id)}", highlight=False)


@call_app.command("close")
def call_close(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    day: Annotated[str, typer.Option("--date", help="截止后的审查日期，默认今天。")] = "",
) -> None:
    """截止申报并自动开展资格审查（结果同时发布为 Prefect artifact）。"""
    settings = _fund_setup()
    from datetime import date

    from flows.call.close_call import CallNotDueError, close_call

    try:
        summary = close_call(call, date.fromisoformat(day) if day else _local_now(settings).date())
    except CallNotDueError as exc:
        raise _refuse(str(exc)) from None
    console.print(f"资格审查：通过 {summary.eligible} 份，未通过 {len(summary.ineligible)} 份")
    for title, reason in summary.ineligible.items():
        console.print(f"  未通过「{title}」：{reason}", highlight=False)


@agency_app.command("import")
def agency_import(
    registry: Annotated[Path, typer.Argument(help="社会组织名录（CSV 或 XLSX）。")],
    track_records: Annotated[
        Path | None, typer.Option(help="往期记录（机构名称、年度、评估等级、黄牌次数）。")
    ] = None,
) -> None:
    """导入社会组织名录（校验统一社会信用代码；按信用代码更新，不重复添加）。"""
    _fund_setup()
    from flows.call.register_agencies import register_agencies

    summary = register_agencies(str(registry), str(track_records or ""))
    _print_errors(summary.errors, f"{registry.name} ")
    console.print(
        f"新增 {summary.added} 家，更新 {summary.updated} 家，往期记录 {summary.track_records} 条"
    )


@agency_app.command("check-code")
def agency_check_code(code: Annotated[str, typer.Argument(help="18 位统一社会信用代码。")]) -> None:
    """校验统一社会信用代码的两个校验码（GB 32100、GB 11714）。"""
    from models.credit_code import CreditCodeError, check_credit_code

    try:
        console.print(f"{check_credit_code(code)}：校验通过")
    except CreditCodeError as exc:
        raise _refuse(f"{code}：{exc}") from None


@proposal_app.command("template")
def proposal_template(output: Annotated[Path, typer.Argument(help="写出的 XLSX 模板。")]) -> None:
    """写出申报书 XLSX 模板（申报书、预算明细、绩效指标、进度安排四张表）。"""
    from flows.call.proposal_template import write_template

    console.print(f"已写出申报书模板：{write_template(output)}", highlight=False)


def _receive(path: Path, call: int, *, submit: bool, at: str, agencies: Path | None) -> None:
    settings = _fund_setup()
    from rich.markup import escape

    from flows.call.receive_bids import receive_bids

    summary = receive_bids(
        call,
        str(agencies or ""),
        str(path),
        received_at=_local_now(settings, at),
        submit=submit,
        refuse_repeats=submit,
    )
    _print_errors(summary.errors, f"{path.name} ")
    for line in summary.warnings:
        console.print(f"[yellow]提醒：{escape(line)}[/]", highlight=False)
    word = "提交" if submit else "保存为草稿"
    console.print(f"{word} {summary.received} 份申报书（已有相同内容 {summary.already_there} 份）")


@proposal_app.command("submit")
def proposal_submit(
    path: Annotated[
        Path,
        typer.Argument(help="填好的申报书模板（XLSX），或申报书 CSV（预算等表在同一文件夹）。"),
    ],
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    at: Annotated[str, typer.Option(help="提交时间，默认现在；截止后拒收。")] = "",
    agencies: Annotated[Path | None, typer.Option(help="同时导入的社会组织名录。")] = None,
) -> None:
    """提交申报书：按申报指南逐条校验，全部通过才写入；截止后拒收，重复提交拒收。"""
    _receive(path, call, submit=True, at=at, agencies=agencies)


@proposal_app.command("draft")
def proposal_draft(
    path: Annotated[Path, typer.Argument(help="申报书模板（XLSX）或申报书 CSV。")],
    call: Annotated[int, typer.Option(help="申报指南编号。")],
) -> None:
    """保存申报书草稿：格式错误拒收，不符合申报指南之处列为提醒。"""
    _receive(path, call, submit=False, at="", agencies=None)


@proposal_app.command("withdraw")
def proposal_withdraw(
    proposal: Annotated[int, typer.Argument(help="申报书编号。")],
    user: Annotated[str, typer.Option(help="操作人（机构经办人）。")],
    at: Annotated[str, typer.Option(help="撤回时间，默认现在；截止后不能撤回。")] = "",
) -> None:
    """撤回已提交的申报书（截止前）。"""
    settings = _fund_setup()
    from flows.call.withdraw_proposal import DeadlinePassedError, withdraw_proposal
    from models.status import TransitionError

    try:
        withdraw_proposal(proposal, user, _local_now(settings, at))
    except (DeadlinePassedError, TransitionError, LookupError) as exc:
        raise _refuse(str(exc)) from None
    console.print(f"申报书 #{proposal} 已撤回")


@proposal_app.command("screening")
def proposal_screening(call: Annotated[int, typer.Option(help="申报指南编号。")]) -> None:
    """列出资格审查结果：每份申报书逐条规则的通过与否和理由。"""
    settings = _fund_setup()
    from store import proposals
    from store.database import open_session

    with open_session(settings.database_url) as session:
        rows = proposals.list_proposals(session, call_id=call)
        checks = proposals.list_screening_checks(session, call_id=call)
    table = Table("编号", "申报书", "结果", "未通过的规则", show_lines=False)
    for p in rows:
        failed = "；".join(f"{c.label}：{c.reason}" for c in checks.get(p.id, []) if not c.passed)  # type: ignore[arg-type]
        outcome = {"eligible": "通过", "ineligible": "未通过"}.get(p.status, p.status)
        if p.override_by:
            outcome += f"（{p.override_by}改判）"
        table.add_row(str(p.id), p.title, outcome, failed or "—")
    console.print(table)


@proposal_app.command("override")
def proposal_override(
    proposal: Annotated[int, typer.Argument(help="申报书编号。")],
    user: Annotated[str, typer.Option(help="操作人（街道工作人员）。")],
    reason: Annotated[str, typer.Option(help="改判理由（记入审计日志）。")],
    eligible: Annotated[bool, typer.Option("--eligible/--ineligible", help="改判为通过或不通过。")],
) -> None:
    """人工改判资格审查结果，理由与操作人记入审计日志。"""
    _fund_setup()
    from flows.call.override_screening import override_screening
    from models.status import TransitionError

    try:
        status = override_screening(proposal, eligible=eligible, reason=reason, user=user)
    except (TransitionError, LookupError, ValueError) as exc:
        raise _refuse(str(exc)) from None
    console.print(
        f"申报书 #{proposal} 资格审查已改判为 {'通过' if status == 'eligible' else '不通过'}"
    )


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
    from flows.selection.committee import CommitteeInput, record_committee_decision
    from flows.selection.selection_allocation import check_decision
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
    from flows.selection.select_projects import select_projects

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
    from flows.selection.conclude_publicity import check_window, conclude_publicity
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
    from flows.selection.selection_stages import export_score_sheet

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
    from flows.selection.selection_allocation import compute_allocation
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
    from flows.selection.objections import lodge_objection
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
    from flows.selection.objections import resolve_objection
    from models.publicity import PublicityError
    from models.status import TransitionError

    try:
        outcome = resolve_objection(call, objection, uphold=uphold, reason=reason, by=by)
    except (PublicityError, TransitionError) as exc:
        raise fail(str(exc)) from None
    console.print(f"异议 {objection} 已处理：{'成立' if outcome == 'upheld' else '不成立'}。")


# --- monitoring commands (日报告、周例会、月评估、serve) ---

monitor_report_app = typer.Typer(help="日报告：逐份提交或批量导入。", no_args_is_help=True)
monitor_action_app = typer.Typer(help="周例会待办事项：新增与关闭。", no_args_is_help=True)
monitor_app.add_typer(monitor_report_app, name="report")
monitor_app.add_typer(monitor_action_app, name="action")
CycleOption = Annotated[
    int | None, typer.Option("--cycle", help="创投周期编号（默认：正在执行的周期）。")
]


def _monitor_setup() -> Settings:
    settings = load_settings()
    # Prefect cannot create its home (var/prefect) when var/ itself is missing.
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    prepare_prefect(settings)
    try:
        upgrade(settings)
    except UserFacingError as exc:
        raise fail(str(exc)) from None
    return settings


def _run_flow(flow, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run a flow in-process with heartbeats off, turning a user's mistake into one line."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from models.calendar import PeriodError

    try:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            return flow(*args, **kwargs)
    except (LookupError, ValueError, PeriodError) as exc:
        raise fail(str(exc)) from None


def _print_problems(errors, *, what: str) -> None:  # type: ignore[no-untyped-def]
    if errors:
        for line in errors:
            console.print(f"[red]{line}[/]", highlight=False)
        raise fail(f"{what}：{len(errors)} 处错误，未写入任何数据")


@monitor_report_app.command("submit")
def monitor_report_submit(
    project: Annotated[str, typer.Argument(help="项目名称或编号。")],
    day: Annotated[str, typer.Option(help="服务日期，如 2026-06-03。")] = "",
    activity: Annotated[
        list[str], typer.Option(help="活动：类型:名称:人次，如 小组:智能手机课:18；可重复。")
    ] = [],  # noqa: B006
    beneficiaries: Annotated[str, typer.Option(help="受益人化名编号，逗号分隔。")] = "",
    hours: Annotated[str, typer.Option(help="服务时长（小时）。")] = "0",
    volunteers: Annotated[int, typer.Option(help="志愿者人次。")] = 0,
    volunteer_hours: Annotated[str, typer.Option(help="志愿服务时长（小时）。")] = "0",
    spend: Annotated[
        str, typer.Option(help="支出：科目:金额（元），如 活动费:120.50；物资费:30。")
    ] = "",
    issues: Annotated[str, typer.Option(help="问题。")] = "",
    risks: Annotated[str, typer.Option(help="风险。")] = "",
    attachment: Annotated[list[str], typer.Option(help="附件（文件名或链接）；可重复。")] = [],  # noqa: B006
    summary: Annotated[str, typer.Option(help="服务摘要。")] = "",
    no_activity: Annotated[str, typer.Option(help="当天无活动时填写原因。")] = "",
    revise: Annotated[bool, typer.Option(help="修改已提交的日报告（保存为新版本）。")] = False,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="改为读取 JSON 文件（与 API 相同的格式）。")
    ] = None,
    cycle: CycleOption = None,
) -> None:
    """提交一份日报告（校验不通过则不保存；修改请加 --revise）。"""
    import json

    from models.report_input import (
        InputError,
        parse_activities,
        parse_minutes,
        parse_refs,
        parse_spend,
    )

    _monitor_setup()
    from flows.monitoring.daily_report_intake import submit_daily_report

    try:
        if json_file is not None:
            payload = json.loads(json_file.read_text(encoding="utf-8"))
        else:
            payload = {
                "project": project,
                "day": day,
                "service_hours": hours,
                "volunteers": volunteers,
                "volunteer_hours": volunteer_hours,
                "issues": issues,
                "risks": risks,
                "attachments": attachment,
                "summary": summary,
                "no_activity_reason": no_activity,
                "revise": revise,
                "activities": [a.__dict__ for text in activity for a in parse_activities(text)],
                "beneficiaries": list(parse_refs(beneficiaries)),
                "spend_fen": parse_spend(spend),
            }
            parse_minutes(hours, field="服务时长（小时）")
    except (InputError, OSError, ValueError) as exc:
        raise fail(str(exc)) from None
    result = _run_flow(submit_daily_report, payload, cycle, "cli")
    _print_problems(result.errors, what="日报告未保存")
    if result.unchanged:
        raise fail(result.unchanged[0])
    console.print("日报告已保存" + ("（新版本）" if result.revised else "") + "。")


@monitor_report_app.command("import")
def monitor_report_import(
    path: Annotated[Path, typer.Argument(help="日报告表（XLSX 或 CSV），每行一个项目一天。")],
    cycle: CycleOption = None,
) -> None:
    """批量导入日报告（全部有效才写入；与已保存内容相同的行跳过）。"""
    _monitor_setup()
    from flows.monitoring.daily_report_intake import daily_report_intake

    result = _run_flow(daily_report_intake, str(path), cycle)
    _print_problems(result.errors, what=path.name)
    console.print(
        f"{path.name}：新增 {result.added} 份，修订 {result.revised} 份，与已保存内容相同 {len(result.unchanged)} 份"
    )


@monitor_app.command("check")
def monitor_check(
    day: Annotated[str, typer.Option(help="检查日期（默认今天）。")] = "",
    since: Annotated[str, typer.Option(help="从这一天起逐个工作日补做检查。")] = "",
    cycle: CycleOption = None,
) -> None:
    """每日检查：缺交与迟交、进度、提醒与督办邮件、黄牌。"""
    from datetime import date

    _monitor_setup()
    from flows.monitoring.daily_check import daily_check

    result = _run_flow(
        daily_check,
        cycle,
        date.fromisoformat(day) if day else None,
        date.fromisoformat(since) if since else None,
    )
    console.print(
        f"{result.day}：应交 {result.due}，已交 {result.reported}；提醒 {len(result.reminders)}，督办 {len(result.escalations)}，"
        f"本月黄牌 {len(result.yellow_cards)}；邮件 已发 {result.notices['sent']}，未发 {result.notices['unsent']}，失败 {result.notices['failed']}"
    )


@monitor_app.command("week")
def monitor_week(
    week_start: Annotated[str, typer.Option(help="所议一周的周一（默认上周）。")] = "",
    cycle: CycleOption = None,
) -> None:
    """生成周例会议程（PDF），会后用 minutes 录入纪要。"""
    from datetime import date

    _monitor_setup()
    from flows.monitoring.weekly_meeting import weekly_meeting

    result = _run_flow(
        weekly_meeting, cycle, date.fromisoformat(week_start) if week_start else None
    )
    console.print(f"{result.headline}\nPDF：{result.pdf}")


@monitor_app.command("minutes")
def monitor_minutes(
    week_start: Annotated[str, typer.Argument(help="所议一周的周一，如 2026-06-08。")],
    text: Annotated[Path | None, typer.Option(help="会议记录（UTF-8 文本）。")] = None,
    actions: Annotated[Path | None, typer.Option(help="待办事项表（XLSX 或 CSV）。")] = None,
    attendees: Annotated[str, typer.Option(help="参会人员。")] = "",
    recorder: Annotated[str, typer.Option(help="记录人。")] = "",
    cycle: CycleOption = None,
) -> None:
    """录入周例会纪要与待办事项，并重新生成周例会纪要 PDF。"""
    from datetime import date

    _monitor_setup()
    from flows.monitoring.meeting_minutes import record_minutes

    result = _run_flow(
        record_minutes,
        date.fromisoformat(week_start),
        str(text) if text else None,
        str(actions) if actions else None,
        attendees,
        recorder,
        cycle,
    )
    _print_problems(result.errors, what="纪要未保存")
    console.print(
        f"待办 {result.action_items} 项（本次关闭 {result.closed} 项）；PDF：{result.pdf}"
    )


@monitor_action_app.command("add")
def monitor_action_add(
    week_start: Annotated[str, typer.Argument(help="所议一周的周一。")],
    text: Annotated[str, typer.Option(help="事项。")],
    owner: Annotated[str, typer.Option(help="责任人。")],
    due: Annotated[str, typer.Option(help="完成时限，如 2026-06-19。")],
    project: Annotated[str, typer.Option(help="项目名称（空：全体）。")] = "",
    cycle: CycleOption = None,
) -> None:
    """给一次周例会新增一项待办。"""
    from datetime import date

    _monitor_setup()
    from flows.monitoring.meeting_minutes import add_action_item

    result = _run_flow(
        add_action_item,
        date.fromisoformat(week_start),
        text,
        owner,
        date.fromisoformat(due),
        project,
        cycle,
    )
    _print_problems(result.errors, what="待办未保存")
    console.print(f"已新增待办；PDF：{result.pdf}")


@monitor_action_app.command("close")
def monitor_action_close(
    item: Annotated[int, typer.Argument(help="待办事项编号。")],
    note: Annotated[str, typer.Option(help="完成情况说明。")] = "",
    dropped: Annotated[bool, typer.Option(help="取消而不是完成。")] = False,
) -> None:
    """关闭一项待办（完成或取消）。"""
    _monitor_setup()
    from flows.monitoring.meeting_minutes import close_action_item
    from models.status import TransitionError

    try:
        console.print(_run_flow(close_action_item, item, note, dropped))
    except TransitionError as exc:
        raise fail(str(exc)) from None


@monitor_app.command("month")
def monitor_month(
    month: Annotated[str, typer.Argument(help="评估月份，如 2026-06（默认上个月）。")] = "",
    scores: Annotated[Path | None, typer.Option(help="评估专家评分表（XLSX 或 CSV）。")] = None,
    drafts: Annotated[bool, typer.Option(help="同时为待审核的评估生成草稿 PDF。")] = False,
    cycle: CycleOption = None,
) -> None:
    """运行月评估：测算指标、录入评分、发布已审定的评估、生成 PDF、中期拨付。"""
    _monitor_setup()
    from flows.monitoring.monthly_evaluation import monthly_evaluation

    result = _run_flow(
        monthly_evaluation, cycle, month or None, str(scores) if scores else None, None, drafts
    )
    _print_problems(result.errors, what="评分表被拒绝")
    console.print(
        f"{result.month}："
        + "，".join(f"{k} {v}" for k, v in result.statuses.items())
        + f"；PDF {len(result.pdfs)} 份"
    )
    if result.releases and (result.releases.released or result.releases.held):
        console.print(
            f"中期拨付：拨付 {len(result.releases.released)} 个，暂缓 {len(result.releases.held)} 个"
        )


@monitor_app.command("review")
def monitor_review(
    project: Annotated[str, typer.Argument(help="项目名称或编号。")],
    month: Annotated[str, typer.Argument(help="评估月份，如 2026-06。")],
    reviewer: Annotated[str, typer.Option(help="审核人（不能是评分的评估专家）。")],
    send_back: Annotated[bool, typer.Option(help="退回修改而不是审定。")] = False,
    comment: Annotated[str, typer.Option(help="审核意见（退回时必填）。")] = "",
    cycle: CycleOption = None,
) -> None:
    """审定或退回一份月评估；审定后下一次月评估运行时发布并生成 PDF。"""
    _monitor_setup()
    from flows.monitoring.evaluation_review import review_evaluation

    outcome = _run_flow(review_evaluation, project, month, reviewer, not send_back, comment, cycle)
    if not outcome.ok:
        raise fail(outcome.message)
    console.print(outcome.message)


@monitor_app.command("release")
def monitor_release(cycle: CycleOption = None) -> None:
    """按中期评估结果拨付或暂缓第二期资金（不会重复拨付）。"""
    _monitor_setup()
    from flows.monitoring.release_tranches import release_tranches

    result = _run_flow(release_tranches, cycle)
    console.print(
        f"拨付 {len(result.released)} 个项目，暂缓 {len(result.held)} 个，待中期评估 {result.waiting} 个"
    )
    for line in result.errors:
        console.print(f"[red]{line}[/]", highlight=False)


@app.command()
def serve(
    port: Annotated[
        int | None, typer.Option(help="Prefect 服务器端口（默认 GONGYI_SERVE_PORT 或 4200）。")
    ] = None,
    cycle: CycleOption = None,
) -> None:
    """启动本地 Prefect 服务器并按计划运行日报告检查、周例会与月评估（Ctrl-C 停止）。"""
    settings = _monitor_setup()
    from flows.deployments import local_server, serve_schedules

    port = port or settings.serve_port
    home = (settings.var_dir / "prefect-server").resolve()
    try:
        with local_server(home, port=port) as api_url:
            console.print(f"Prefect 服务器：http://127.0.0.1:{port}（数据在 {home}）")
            serve_schedules(api_url, timezone=settings.timezone, cycle_id=cycle)
    except RuntimeError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        console.print("已停止。")


def _add_monitoring_rows(table: Table, summary) -> None:  # type: ignore[no-untyped-def]
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


def _monitoring_pdf_count(summary) -> int:  # type: ignore[no-untyped-def]
    monitoring = summary.monitoring
    extra = len(monitoring.midterm.pdfs) + (1 if monitoring.minutes.pdf else 0) if monitoring else 0
    return len(summary.evaluation.pdfs) + extra


users_app = typer.Typer(help="门户账号：街道、社会组织、评估专家、管理员。", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    login: Annotated[str, typer.Argument(help="登录名。")],
    role: Annotated[
        str, typer.Option(help="角色：staff / agency / evaluator / admin / resident / donor。")
    ],
    name: Annotated[str, typer.Option(help="姓名或称呼（默认同登录名）。")] = "",
    agency: Annotated[str, typer.Option(help="社会组织账号所属机构的名称或编号。")] = "",
    password: Annotated[
        str,
        typer.Option(
            prompt="密码", hide_input=True, confirmation_prompt=True, help="密码（至少 8 位）。"
        ),
    ] = "",
) -> None:
    """新建一个门户账号（密码以 Argon2 哈希保存）。"""
    from models.status import Role
    from store import agencies
    from store.accounts import AccountError, add_account
    from store.database import open_session

    settings = _monitor_setup()
    if role not in {r.value for r in Role} or role == Role.SYSTEM:
        raise fail(f"未知角色 {role!r}：可选 staff / agency / evaluator / admin / resident / donor")
    try:
        with open_session(settings.database_url) as session:
            agency_id = None
            if agency:
                found = (
                    agencies.get_agency(session, int(agency))
                    if agency.isdigit()
                    else agencies.get_agency_by_name(session, agency)
                )
                agency_id = found.id
            add_account(
                session,
                login=login,
                password=password,
                name=name or login,
                role=Role(role),
                agency_id=agency_id,
            )
    except (AccountError, LookupError) as exc:
        raise fail(str(exc)) from None
    console.print(f"账号 {login}（{role}）已创建。")


@users_app.command("token")
def users_token(
    login: Annotated[str, typer.Argument(help="登录名。")],
    label: Annotated[str, typer.Option(help="令牌用途，如「手机端」。")] = "",
) -> None:
    """为账号签发一个 API 令牌（只显示这一次，库里只存其 SHA-256）。"""
    from store.accounts import add_api_token, get_account
    from store.database import open_session
    from store.users import add_audit_event

    settings = _monitor_setup()
    with open_session(settings.database_url) as session:
        account = get_account(session, login)
        if account is None or account.id is None:
            raise fail(f"没有登录名为 {login!r} 的账号：先用 gongyi users add 创建")
        token = add_api_token(
            session, account_id=account.id, label=label, now=datetime.now(ZoneInfo("UTC"))
        )
        add_audit_event(
            session,
            actor=_actor(""),
            action="api_token_issue",
            subject_type="account",
            subject_id=account.id,
            detail=f"为 {login} 签发 API 令牌 {label}".strip(),
        )
    console.print(f"{login} 的 API 令牌（只显示这一次，请妥善保存）：")
    console.print(token, markup=False, highlight=False)


def _warm_prefect() -> None:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.hello()


@app.command()
def web(
    host: Annotated[str | None, typer.Option(help="监听地址（默认 GONGYI_WEB_HOST）。")] = None,
    port: Annotated[int | None, typer.Option(help="端口（默认 GONGYI_WEB_PORT 或 8000）。")] = None,
) -> None:
    """启动门户网站（街道、社会组织、评估专家、居民需求表单）。"""
    import signal
    import threading

    import uvicorn

    from web.app import create_app

    settings = _monitor_setup()
    host, port = host or settings.web_host, port or settings.web_port
    # Start Prefect's embedded server now, so the first report from a phone does not wait for it.
    threading.Thread(target=_warm_prefect, daemon=True).start()
    console.print(f"门户：http://{host}:{port}/ （Ctrl-C 停止）")
    # uvicorn shuts down gracefully on SIGTERM and then raises the signal again; without a
    # handler of ours that kills the process before the exit handlers that stop Prefect's
    # server run, leaving it behind. Exiting normally runs them.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)


# --- cycle commands (结项与新周期) ---

cycle_app = typer.Typer(help="创投周期：结项评估、结项、归档校验与新周期。", no_args_is_help=True)
app.add_typer(cycle_app, name="cycle")
CycleIdOption = Annotated[int, typer.Option("--cycle", help="创投周期编号。")]


@cycle_app.command("final")
def cycle_final(
    cycle: CycleIdOption,
    period_end: Annotated[str, typer.Option(help="统计截止日，如 2026-11-30。")],
    scores: Annotated[Path | None, typer.Option(help="结项评分表（CSV/XLSX）。")] = None,
) -> None:
    """结项评估：测算整个执行期、录入评分表、发布已审定的评估。"""
    from datetime import date

    from flows.closing.final_evaluation import final_evaluation

    _monitor_setup()
    summary = _run_flow(
        final_evaluation, cycle, date.fromisoformat(period_end), str(scores) if scores else None
    )
    _print_problems(summary.errors, what="结项评分表被拒绝")
    for title, grade in summary.grades.items():
        console.print(f"  {title}：{grade}", highlight=False)


@cycle_app.command("review")
def cycle_review(
    project: Annotated[str, typer.Argument(help="项目名称或编号。")],
    cycle: CycleIdOption,
    reviewer: Annotated[str, typer.Option(help="审核人（不能是评分的评估专家）。")],
    send_back: Annotated[bool, typer.Option("--send-back", help="退回修改。")] = False,
    comment: Annotated[str, typer.Option(help="审核意见（退回时必填）。")] = "",
) -> None:
    """审核一个项目的结项评估：审定或退回修改。"""
    from flows.closing.final_evaluation import review_final_evaluation

    _monitor_setup()
    ok, message = _run_flow(
        review_final_evaluation, cycle, project, reviewer, not send_back, comment
    )
    if not ok:
        raise fail(message)


@cycle_app.command("close")
def cycle_close(
    cycle: CycleIdOption,
    today: Annotated[str, typer.Option(help="结项日期（默认今天）。")] = "",
) -> None:
    """结项：末期拨付、结余退回、往期表现、周期总结报告与归档。"""
    from datetime import date

    from flows.closing.close_cycle import close_cycle

    _monitor_setup()
    summary = _run_flow(close_cycle, cycle, date.fromisoformat(today) if today else None)
    if summary.blocked:
        for line in summary.blocked:
            console.print(f"[red]{line}[/]", highlight=False)
        raise fail(f"不能结项：{len(summary.blocked)} 项评估尚未发布")
    _print_close(summary)


def _print_close(summary) -> None:  # type: ignore[no-untyped-def]
    from models.money import format_fen

    f = summary.figures
    console.print(f"[bold]{summary.headline}[/]（统计至 {summary.period_end}）", highlight=False)
    console.print(
        f"服务 {f['service_visits']} 人次，志愿服务 {f['volunteer_hours']} 小时；"
        f"募集 {format_fen(f['raised_fen'])} 元，承诺 {format_fen(f['committed_fen'])} 元，"
        f"拨付 {format_fen(f['paid_fen'])} 元，退回 {format_fen(f['refunded_fen'])} 元",
        highlight=False,
    )
    if summary.already_closed:
        console.print("本周期此前已结项：未重复拨付、退回或生成文件。")
    for title in summary.withheld:
        console.print(f"  末期资金不予拨付：{title}", highlight=False)
    console.print(f"周期总结报告：{summary.report_pdf}\n归档：{summary.archive}", highlight=False)
    for line in summary.errors:
        console.print(f"[red]{line}[/]", highlight=False)
    if summary.errors:
        raise typer.Exit(1)


@cycle_app.command("verify")
def cycle_verify(
    cycle: Annotated[int | None, typer.Option("--cycle", help="创投周期编号。")] = None,
    archive: Annotated[Path | None, typer.Option(help="归档文件夹（不查数据库）。")] = None,
) -> None:
    """校验归档：逐一重新计算 PDF 的 SHA-256 并与清单比对。"""
    from flows.closing.cycle_archive import verify_archive
    from models.archive import ArchiveError

    if archive is None:
        if cycle is None:
            raise fail("请给出 --cycle 或 --archive")
        settings = _monitor_setup()
        from store.closing import get_closing
        from store.database import open_session

        with open_session(settings.database_url) as session:
            found = get_closing(session, cycle_id=cycle)
        if found is None:
            raise fail(f"创投周期 #{cycle} 尚未结项，没有归档")
        archive = Path(found.archive_path)
    try:
        manifest, problems = verify_archive(archive)
    except ArchiveError as exc:
        raise fail(str(exc)) from None
    for line in problems:
        console.print(f"[red]{line}[/]", highlight=False)
    if problems:
        raise fail(f"归档校验未通过：{len(problems)} 处问题（{archive}）")
    console.print(
        f"归档校验通过：{len(manifest['files'])} 个文件的 SHA-256 与清单一致；"
        f"申报指南第 {manifest['rules_version']} 版（{manifest['rules_sha256'][:12]}…）",
        highlight=False,
    )


@cycle_app.command("new")
def cycle_new(
    from_cycle: Annotated[int, typer.Option("--from", help="沿用哪个已结项周期。")],
    year: Annotated[int | None, typer.Option(help="新周期年度（默认下一年）。")] = None,
    name: Annotated[str | None, typer.Option(help="新周期名称。")] = None,
) -> None:
    """新周期：沿用服务领域、申报指南与评审专家库，不沿用资金。"""
    from flows.call.new_cycle import new_cycle

    _monitor_setup()
    summary = _run_flow(new_cycle, from_cycle, year, name)
    console.print(
        f"新创投周期 #{summary.cycle_id}「{summary.name}」：{summary.domains} 个服务领域，"
        f"评审专家 {summary.reviewers} 位，申报指南草稿 {summary.rules_file}",
        highlight=False,
    )
    console.print(
        f"下一步：登记捐赠后 gongyi call publish {summary.rules_file} --cycle {summary.cycle_id}",
        highlight=False,
    )


@cycle_app.command("refund")
def cycle_refund(
    project: Annotated[str, typer.Argument(help="项目名称或编号。")],
    cycle: CycleIdOption,
    amount: Annotated[str, typer.Option(help="退回金额（元）。")],
    day: Annotated[str, typer.Option(help="退回日期（默认今天）。")] = "",
) -> None:
    """登记机构退回的资金（不得超过已拨付未退回的金额）。"""
    from datetime import date

    from flows.closing.close_settlement import record_refund
    from models.money import format_fen, parse_yuan

    _monitor_setup()
    when = date.fromisoformat(day) if day else date.today()
    booked = _run_flow(record_refund, cycle, project, parse_yuan(amount), when)
    console.print(f"已登记退回 {format_fen(booked)} 元" if booked else "该笔退回已登记过")


def main() -> None:
    """Run the CLI."""
    app()


if __name__ == "__main__":
    sys.exit(main())
