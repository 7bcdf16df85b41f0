"""`gongyi db …` and `gongyi check`: the database and the environment."""

from __future__ import annotations

import typer

from cli.common import (
    UserFacingError,
    check_output_dir,
    console,
    fail,
    load_settings,
    safe_url,
    upgrade,
)

app = typer.Typer(help="数据库：创建与升级。", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade() -> None:
    """创建或升级数据库到最新结构。"""
    settings = load_settings()
    try:
        revision = upgrade(settings)
    except UserFacingError as exc:
        raise fail(str(exc)) from None
    console.print(f"数据库已是最新结构（版本 {revision}）：{safe_url(settings.database_url)}")


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
