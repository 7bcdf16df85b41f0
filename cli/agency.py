"""`gongyi agency …`: social organisations and their credit codes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import console, fail, print_errors, ready_for_flows
from cli.sheet_templates import agency_template

app = typer.Typer(help="社会组织：登记与信用代码校验。", no_args_is_help=True)


@app.command("import")
def agency_import(
    registry: Annotated[
        Path, typer.Argument(help="社会组织名录（CSV 或 XLSX）；空白模板：gongyi agency template。")
    ],
    track_records: Annotated[
        Path | None, typer.Option(help="往期记录（机构名称、年度、评估等级、黄牌次数）。")
    ] = None,
) -> None:
    """导入社会组织名录（校验统一社会信用代码；按信用代码更新，不重复添加）。"""
    ready_for_flows()
    from flows.call.register_agencies import register_agencies

    summary = register_agencies(str(registry), str(track_records or ""))
    print_errors(summary.errors, f"{registry.name} ")
    console.print(
        f"新增 {summary.added} 家，更新 {summary.updated} 家，往期记录 {summary.track_records} 条"
    )


@app.command("check-code")
def agency_check_code(code: Annotated[str, typer.Argument(help="18 位统一社会信用代码。")]) -> None:
    """校验统一社会信用代码的两个校验码（GB 32100、GB 11714）。"""
    from models.credit_code import CreditCodeError, check_credit_code

    try:
        console.print(f"{check_credit_code(code)}：校验通过")
    except CreditCodeError as exc:
        raise fail(f"{code}：{exc}") from None


app.command("template")(agency_template)
