"""`gongyi proposal …`: proposals — template, submit, draft, withdraw, attachments, screening, override."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from services.proposals import BidsSummary

from cli.common import (
    console,
    moment_or_now,
    print_errors,
    ready,
    ready_for_flows,
    session_for,
)

app = typer.Typer(help="项目申报书：提交、撤回与审查结果。", no_args_is_help=True)


@app.command("template")
def proposal_template(output: Annotated[Path, typer.Argument(help="写出的 XLSX 模板。")]) -> None:
    """写出申报书 XLSX 模板（申报书、预算明细、绩效指标、进度安排四张表）。"""
    from services.proposal_template import write_template

    console.print(f"已写出申报书模板：{write_template(output)}", highlight=False)


def _receive(path: Path, call: int, *, submit: bool, on: str, agencies: Path | None) -> None:
    if agencies is not None:
        summary = _receive_with_registry(path, call, submit=submit, on=on, agencies=agencies)
    else:
        from models.rows import RowError, RowsRejected
        from services import clerk, proposals
        from services.proposal_batch import read_bid_files
        from store.attachments import folder_under

        settings = ready()
        try:
            tables = read_bid_files(str(path))
            with session_for(settings) as session:
                summary = proposals.receive_proposals(
                    session,
                    actor=clerk(),
                    now=settings.now(),
                    call_id=call,
                    tables=tables,
                    submit=submit,
                    refuse_repeats=submit,
                    source=path.name,
                    received_at=moment_or_now(settings, on) if on else None,
                    # A workbook is kept as its proposals' 原始申报书 (a CSV batch is not).
                    workbook=path.read_bytes() if path.suffix.lower() == ".xlsx" else None,
                    folder=folder_under(settings.var_dir),
                )
        except RowsRejected as rejected:
            print_errors(tuple(str(e) for e in rejected.errors), f"{path.name} ")
            raise
        except RowError as error:
            print_errors((str(error),), f"{path.name} ")
            raise
    print_errors(summary.errors, f"{path.name} ")
    for line in summary.warnings:
        console.print(f"[yellow]提醒：{escape(line)}[/]", highlight=False)
    word = "提交" if submit else "保存为草稿"
    console.print(f"{word} {summary.received} 份申报书（已有相同内容 {summary.already_there} 份）")


def _receive_with_registry(
    path: Path, call: int, *, submit: bool, on: str, agencies: Path
) -> BidsSummary:
    # The registry import is still a flow (flows.call.register_agencies); with it, the
    # registry and the proposals are stored in one transaction by the receive_bids flow.
    settings = ready_for_flows()
    from flows.call.receive_bids import receive_bids

    return receive_bids(
        call,
        str(agencies),
        str(path),
        received_at=moment_or_now(settings, on) if on else None,
        submit=submit,
        refuse_repeats=submit,
    )


@app.command("submit")
def proposal_submit(
    path: Annotated[
        Path,
        typer.Argument(help="填好的申报书模板（XLSX），或申报书 CSV（预算等表在同一文件夹）。"),
    ],
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    on: Annotated[
        str,
        typer.Option(
            "--on",
            help="纸质申报书的收到时间（如 2026-05-15 09:30），由工作人员补录时填写；"
            "默认现在。表中的「提交时间」不作数。",
        ),
    ] = "",
    agencies: Annotated[Path | None, typer.Option(help="同时导入的社会组织名录。")] = None,
) -> None:
    """提交申报书：按申报指南逐条校验，全部通过才写入；收到时间晚于截止时间的拒收，重复提交拒收。"""
    _receive(path, call, submit=True, on=on, agencies=agencies)


@app.command("draft")
def proposal_draft(
    path: Annotated[Path, typer.Argument(help="申报书模板（XLSX）或申报书 CSV。")],
    call: Annotated[int, typer.Option(help="申报指南编号。")],
) -> None:
    """保存申报书草稿：格式错误拒收，不符合申报指南之处列为提醒。"""
    _receive(path, call, submit=False, on="", agencies=None)


@app.command("withdraw")
def proposal_withdraw(
    proposal: Annotated[int, typer.Argument(help="申报书编号。")],
    user: Annotated[str, typer.Option(help="操作人（机构经办人）。")],
    at: Annotated[str, typer.Option(help="撤回时间，默认现在；截止后不能撤回。")] = "",
) -> None:
    """撤回已提交的申报书（截止前）。"""
    from services import clerk, proposals

    settings = ready()
    with session_for(settings) as session:
        proposals.withdraw_proposal(
            session,
            actor=clerk(login=user, name=user),
            now=moment_or_now(settings, at),
            proposal_id=proposal,
        )
    console.print(f"申报书 #{proposal} 已撤回")


@app.command("attach")
def proposal_attach(
    files: Annotated[
        list[Path],
        typer.Argument(help="附件文件（PDF、JPG、PNG、DOCX、XLSX）。", exists=True, dir_okay=False),
    ],
    proposal: Annotated[int, typer.Option(help="申报书编号。")],
    user: Annotated[str, typer.Option(help="操作人（街道工作人员）。")] = "",
) -> None:
    """为申报书添加附件：按内容识别类型，单个不超过 10 MB，每份最多 10 个；截止后（草稿除外）不能添加。"""
    from services import attachments, clerk
    from store.attachments import folder_under

    settings = ready()
    uploads = [attachments.Upload(name=f.name, data=f.read_bytes()) for f in files]
    with session_for(settings) as session:
        try:
            added = attachments.add_attachments(
                session,
                actor=clerk(login=user, name=user) if user else clerk(),
                now=settings.now(),
                folder=folder_under(settings.var_dir),
                proposal_id=proposal,
                uploads=uploads,
            )
        except attachments.AttachmentsRefused as refused:
            print_errors(refused.problems, "附件")
    for line in added:
        console.print(f"申报书 #{proposal} 附件 #{line.id}：{escape(line.name)}（{line.size}）")


@app.command("attachments")
def proposal_attachments(proposal: Annotated[int, typer.Option(help="申报书编号。")]) -> None:
    """列出申报书的附件：编号、文件名、类型、大小、上传人与时间。"""
    from services import attachments, clerk

    settings = ready()
    with session_for(settings) as session:
        lines = attachments.list_attachments(session, actor=clerk(), proposal_id=proposal)
    table = Table("编号", "文件名", "类型", "大小", "上传", show_lines=False)
    for line in lines:
        when = (
            f"{line.uploaded_at.astimezone(settings.now().tzinfo):%Y-%m-%d %H:%M}"
            if line.uploaded_at
            else ""
        )
        table.add_row(
            str(line.id),
            escape(line.name),
            line.content_type,
            line.size,
            f"{line.uploaded_by} {when}",
        )
    console.print(table if lines else f"申报书 #{proposal} 没有附件")


@app.command("screening")
def proposal_screening(call: Annotated[int, typer.Option(help="申报指南编号。")]) -> None:
    """列出资格审查结果：每份申报书逐条规则的通过与否和理由。"""
    from store import proposals

    with session_for(ready()) as session:
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


@app.command("override")
def proposal_override(
    proposal: Annotated[int, typer.Argument(help="申报书编号。")],
    user: Annotated[str, typer.Option(help="操作人（街道工作人员）。")],
    reason: Annotated[str, typer.Option(help="改判理由（记入审计日志）。")],
    eligible: Annotated[bool, typer.Option("--eligible/--ineligible", help="改判为通过或不通过。")],
) -> None:
    """人工改判资格审查结果，理由与操作人记入审计日志。"""
    from services import clerk, selection

    settings = ready()
    with session_for(settings) as session:
        found = selection.override_screening(
            session,
            actor=clerk(login=user, name=user),
            now=settings.now(),
            proposal_id=proposal,
            eligible=eligible,
            reason=reason,
        )
    console.print(
        f"申报书 #{proposal} 资格审查已改判为 {'通过' if found.status == 'eligible' else '不通过'}"
    )
