"""`gongyi needs …`: residents' needs — import, merge, classify, review, summarise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from cli.common import (
    ActorOption,
    actor_name,
    clerk_for,
    console,
    fail,
    load_settings,
    parse_day,
    print_capped,
    ready,
    ready_for_flows,
    session_for,
)
from cli.sheet_templates import needs_template

if TYPE_CHECKING:
    from sqlmodel import Session

    from services.needs import Classifying
    from settings import Settings

app = typer.Typer(help="居民需求：导入、合并、归类与汇总。", no_args_is_help=True)


@app.command("import")
def needs_import(
    path: Annotated[
        Path,
        typer.Argument(help="需求表（CSV 或 XLSX）；空白模板：gongyi needs template 需求表.xlsx。"),
    ],
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    today: Annotated[str, typer.Option(help="以哪天为“今天”检查提交日期（YYYY-MM-DD）。")] = "",
) -> None:
    """导入居民需求表：全部有效才写入，重复导入不会重复添加；随后合并重复、自动归类。"""
    ready_for_flows()
    from flows.needs.needs_intake import needs_intake

    summary = needs_intake(cycle, str(path), parse_day(today) if today else None, progress=True)
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
        print_capped(summary.errors)
        raise fail(f"{summary.file} 有 {len(summary.errors)} 处错误，未写入任何数据")


@app.command("classify")
def needs_classify(
    source: Annotated[Path, typer.Argument(help="要归类的表（CSV 或 XLSX），需有 text 列。")],
    output: Annotated[Path, typer.Option(help="输出 CSV：原有各列，加 domain 和 confidence。")],
    cycle: Annotated[
        int | None, typer.Option(help="按此创投周期的服务领域归类；默认用四个默认领域。")
    ] = None,
) -> None:
    """给表中每条 text 归入服务领域，并给出置信度。"""
    from rich.progress import Progress

    from services import needs

    settings = ready() if cycle is not None else load_settings()
    bar = Progress(console=console, transient=True)
    task = bar.add_task("归类", total=None)

    def advance(done: int, of: int) -> None:
        # Only a file of several chunks (2,000 texts each) shows a bar.
        if of > 2_000:
            if not bar.live.is_started:
                bar.start()
            bar.update(task, completed=done, total=of)

    def stop() -> None:
        if bar.live.is_started:
            bar.stop()

    try:
        with _maybe_session(settings, cycle) as session:
            try:
                done = needs.classify_file(
                    session,
                    source=source,
                    output=output,
                    classifying=classifying(settings),
                    cycle_id=cycle,
                    progress=advance,
                )
            except needs.NeedsRejected as rejected:
                stop()
                errors = tuple(str(e) for e in rejected.errors)
                if len(errors) == 1:  # a file-level error: no such file, a missing column
                    raise fail(errors[0]) from None
                print_capped(errors)
                raise fail(f"{source.name} 有 {len(errors)} 处错误，未写出结果") from None
    finally:
        stop()
    console.print(
        f"已归类 {done.rows} 条，置信度低于 {done.threshold} 的 {done.unsure} 条；"
        f"结果写入 {done.output}"
    )


def classifying(settings: Settings) -> Classifying:
    """What sorting needs takes from settings: the labelled set, the threshold, the cache."""
    from services.needs import Classifying

    return Classifying(
        settings.needs_training_file,
        settings.needs_review_threshold,
        settings.var_dir / "classifier",
    )


@contextmanager
def _maybe_session(settings: Settings, cycle: int | None) -> Iterator[Session | None]:
    # Without a cycle the default domains are used and no database is opened.
    if cycle is None:
        from services import ServiceError

        try:
            yield None
        except ServiceError as exc:
            raise fail(exc.message) from None
        return
    with session_for(settings) as session:
        yield session


@app.command("review")
def needs_review(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    by: ActorOption = "",
) -> None:
    """列出待人工确认的需求（联系人已脱敏；查看记入审计日志）。"""
    from services import needs

    settings = ready()
    with session_for(settings) as session:
        queue = needs.review_queue(session, actor=clerk_for(by), now=settings.now(), cycle_id=cycle)
    console.print(f"[bold]待人工确认的需求：{len(queue.needs)} 项[/]", highlight=False)
    for need in queue.needs:
        suggested = need.domain_key or "—"
        confidence = f"{need.confidence:.2f}" if need.confidence is not None else "—"
        console.print(
            f"#{need.need_id}［建议 {suggested} {confidence} · {need.weight} 人次］{need.text}",
            highlight=False,
        )
        console.print(
            f"    服务对象：{need.target_group or '—'}　联系人：{need.contact_name or '—'}"
            f" {need.contact_phone}",
            highlight=False,
        )
    console.print("确认建议：gongyi needs confirm 编号…；改为其他领域：加 --domain 领域键")


@app.command("confirm")
def needs_confirm(
    ids: Annotated[list[int], typer.Argument(help="需求编号（合并组的第一条）。")],
    domain: Annotated[
        str, typer.Option(help="改为此服务领域（键，如 special）；不填则确认建议。")
    ] = "",
    by: ActorOption = "",
) -> None:
    """确认或更改需求的服务领域；每个决定都作为训练样本，下次归类时生效。"""
    from services import ServiceError, needs
    from store.database import open_session

    settings = ready()
    try:
        with open_session(settings.database_url) as session:
            lines = needs.confirm_needs(
                session, actor=clerk_for(by), now=settings.now(), need_ids=ids, domain_key=domain
            )
    except ServiceError as error:
        raise fail(f"{error.message}（未保存任何更改）") from None
    for line in lines:
        console.print(line, highlight=False)
    console.print("已保存为人工更正，下次归类（导入或 gongyi needs reclassify）时生效。")


@app.command("groups")
def needs_groups(cycle: Annotated[int, typer.Option(help="创投周期编号。")]) -> None:
    """列出合并的重复需求：每组由哪几条组成、为什么合并。"""
    from models.privacy import mask_text
    from store import needs

    with session_for(ready()) as session:
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


@app.command("split")
def needs_split(
    ids: Annotated[list[int], typer.Argument(help="要拆出的需求编号；给出组的第一条则拆散整组。")],
    by: ActorOption = "",
) -> None:
    """把需求从合并组中拆出，以后不再与原组合并；随后重新合并与归类。"""
    from store import needs
    from store.database import open_session

    settings = ready_for_flows()
    actor, cycles_touched = actor_name(by), set()
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
                        at=settings.now(),
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


@app.command("keywords")
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


@app.command("reclassify")
def needs_reclassify(cycle: Annotated[int, typer.Option(help="创投周期编号。")]) -> None:
    """按最新的关键词和人工更正，重新合并与归类未确认的需求。"""
    ready_for_flows()
    from flows.needs.categorise_needs import categorise_needs

    summary = categorise_needs(cycle)
    console.print(
        f"合并重复 {summary.needs_merged} 条；自动归类 {summary.classified} 项，待人工确认 {summary.in_review} 项"
    )


@app.command("summary")
def needs_summary(
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    today: Annotated[str, typer.Option(help="报告日期（YYYY-MM-DD），默认今天。")] = "",
) -> None:
    """生成需求调研报告（PDF，含图表）和需求汇总表（XLSX，联系人已脱敏）。"""
    from reports.errors import ReportError
    from services.needs_survey import write_needs_survey

    settings = ready()
    try:
        with session_for(settings) as session:
            summary = write_needs_survey(
                session,
                actor=clerk_for(),
                now=settings.now(),
                cycle_id=cycle,
                output_dir=settings.output_dir,
                templates_dir=settings.templates_dir,
                today=parse_day(today) if today else None,
            )
    except ReportError as error:
        raise fail(str(error)) from None
    console.print(f"{summary.residents} 人次，{summary.groups} 项需求")
    console.print(f"需求调研报告：{summary.pdf}")
    console.print(f"需求汇总表：{summary.xlsx}")


app.command("template")(needs_template)
