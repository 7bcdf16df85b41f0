"""`gongyi call …`: the call for proposals — check, publish, close and screen."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import console, day_or_today, fail, ready_for_flows

app = typer.Typer(help="申报指南：发布、截止与资格审查。", no_args_is_help=True)


@app.command("check")
def call_check(rules: Annotated[Path, typer.Argument(help="申报指南规则文件（TOML）。")]) -> None:
    """只检查规则文件（不连数据库）：未知键、类型、一致性，错误指出行号。"""
    from models.call_file import read_rules_text
    from models.call_keys import RulesError

    try:
        parsed, _ = read_rules_text(rules.read_text(encoding="utf-8"), file_name=rules.name)
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"无法读取 {rules}：{exc}") from None
    except RulesError as exc:
        raise fail(str(exc)) from None
    console.print(f"{rules.name}：六个统一标准齐全、一致（{parsed.title}，第 {parsed.version} 版）")


@app.command("publish")
def call_publish(
    rules: Annotated[Path, typer.Argument(help="申报指南规则文件（TOML）。")],
    cycle: Annotated[int, typer.Option(help="创投周期编号。")],
    day: Annotated[str, typer.Option("--date", help="发布日期，默认今天。")] = "",
) -> None:
    """检查规则文件、生成申报指南 PDF 并开放申报。"""
    settings = ready_for_flows()
    from flows.call.publish_call import CallFileError, publish_call, published_call_pdf

    try:
        call_id = publish_call(cycle, str(rules), day_or_today(day, settings))
    except CallFileError as exc:
        raise fail(str(exc)) from None
    console.print(f"申报指南 #{call_id} 已发布：{published_call_pdf(call_id)}", highlight=False)


@app.command("close")
def call_close(
    call: Annotated[int, typer.Option(help="申报指南编号。")],
    day: Annotated[str, typer.Option("--date", help="截止后的审查日期，默认今天。")] = "",
) -> None:
    """截止申报并自动开展资格审查（结果同时发布为 Prefect artifact）。"""
    settings = ready_for_flows()
    from flows.call.close_call import CallNotDueError, close_call

    try:
        summary = close_call(call, day_or_today(day, settings))
    except CallNotDueError as exc:
        raise fail(str(exc)) from None
    console.print(f"资格审查：通过 {summary.eligible} 份，未通过 {len(summary.ineligible)} 份")
    for title, reason in summary.ineligible.items():
        console.print(f"  未通过「{title}」：{reason}", highlight=False)
