"""`gongyi users …`: portal accounts (list, add, reset, disable, enable, role) and API tokens.

The office machine's operator acts as the admin: the commands call the same
`services.accounts` use cases as the admin's portal page, with the same refusals
(no account left without an admin, no short password). Passwords are prompted
for, hidden, and never printed.
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import console, fail, ready, session_for

if TYPE_CHECKING:
    from sqlmodel import Session

    from services import Actor

app = typer.Typer(help="门户账号：街道、社会组织、评估专家、管理员。", no_args_is_help=True)
ROLES_HELP = "角色：staff / agency / evaluator / admin / resident / donor。"


def admin() -> Actor:
    """The operator of the office machine, acting as the portal's admin."""
    from models.status import Role
    from services import Actor

    return Actor(login="cli", name="管理员（命令行）", role=Role.ADMIN)


def _role(text: str):  # type: ignore[no-untyped-def]
    from models.status import Role

    if text not in {r.value for r in Role} or text == Role.SYSTEM:
        raise fail(f"未知角色 {text!r}：可选 staff / agency / evaluator / admin / resident / donor")
    return Role(text)


def _agency_id(session: Session, agency: str) -> int | None:
    from store import agencies

    if not agency:
        return None
    try:
        found = (
            agencies.get_agency(session, int(agency))
            if agency.isdigit()
            else agencies.get_agency_by_name(session, agency)
        )
    except LookupError as exc:
        raise fail(str(exc)) from None
    return found.id


def _account_id(session: Session, login: str) -> int:
    from store.accounts import get_account

    account = get_account(session, login)
    if account is None or account.id is None:
        raise fail(f"没有登录名为 {login!r} 的账号：先用 gongyi users list 查看")
    return account.id


@app.command("add")
def users_add(
    login: Annotated[str, typer.Argument(help="登录名。")],
    role: Annotated[str, typer.Option(help=ROLES_HELP)],
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
    from services import accounts

    settings = ready()
    chosen = _role(role)
    with session_for(settings) as session:
        accounts.add_portal_account(
            session,
            actor=admin(),
            now=settings.now(),
            login=login,
            password=password,
            name=name or login,
            role=chosen,
            agency_id=_agency_id(session, agency),
        )
    console.print(f"账号 {login}（{role}）已创建。")


@app.command("token")
def users_token(
    login: Annotated[str, typer.Argument(help="登录名。")],
    label: Annotated[str, typer.Option(help="令牌用途，如「手机端」。")] = "",
) -> None:
    """为账号签发一个 API 令牌（只显示这一次，库里只存其 SHA-256）。"""
    from services import accounts

    settings = ready()
    with session_for(settings) as session:
        issued = accounts.issue_api_token(
            session,
            actor=admin(),
            now=settings.now(),
            account_id=_account_id(session, login),
            label=label,
        )
    console.print(f"{login} 的 API 令牌（只显示这一次，请妥善保存）：")
    console.print(issued.secret, markup=False, highlight=False)


@app.command("list")
def users_list() -> None:
    """列出所有门户账号：登录名、姓名、角色、机构、状态、最近登录。"""
    from rich.markup import escape
    from rich.table import Table

    from models.status import ROLE_LABELS
    from services import accounts

    settings = ready()
    with session_for(settings) as session:
        rows = accounts.list_portal_accounts(session, actor=admin())
    if not rows:
        console.print("还没有门户账号：用 gongyi users add 登录名 --role admin 创建第一个。")
        return
    table = Table(title="门户账号")
    for header in ("登录名", "姓名", "角色", "机构", "状态", "最近登录"):
        table.add_column(header)
    zone = settings.now().tzinfo
    for row in rows:
        last = row.last_login_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        table.add_row(
            escape(row.login),
            escape(row.name),
            ROLE_LABELS[row.role],
            escape(row.agency_name),
            "有效" if row.is_active else "已停用",
            last.astimezone(zone).strftime("%Y-%m-%d %H:%M") if last else "—",
        )
    console.print(table)


@app.command("reset")
def users_reset(
    login: Annotated[str, typer.Argument(help="登录名。")],
    password: Annotated[
        str,
        typer.Option(
            prompt="新密码",
            hide_input=True,
            confirmation_prompt=True,
            help="新密码（至少 8 位）；不填则提示输入，输入时不显示。",
        ),
    ] = "",
) -> None:
    """为账号重设密码；该账号已登录的浏览器会话随即失效。"""
    from services import accounts

    settings = ready()
    with session_for(settings) as session:
        row = accounts.reset_password(
            session,
            actor=admin(),
            now=settings.now(),
            account_id=_account_id(session, login),
            password=password,
        )
    console.print(f"账号 {row.login} 的密码已重设，原有登录会话已失效。")


@app.command("disable")
def users_disable(login: Annotated[str, typer.Argument(help="登录名。")]) -> None:
    """停用账号：不能再登录，其会话与 API 令牌随即失效（可用 enable 恢复）。"""
    from services import accounts

    settings = ready()
    with session_for(settings) as session:
        row = accounts.disable_account(
            session, actor=admin(), now=settings.now(), account_id=_account_id(session, login)
        )
    console.print(f"账号 {row.login} 已停用。")


@app.command("enable")
def users_enable(login: Annotated[str, typer.Argument(help="登录名。")]) -> None:
    """恢复一个已停用的账号。"""
    from services import accounts

    settings = ready()
    with session_for(settings) as session:
        row = accounts.enable_account(
            session, actor=admin(), now=settings.now(), account_id=_account_id(session, login)
        )
    console.print(f"账号 {row.login} 已启用。")


@app.command("role")
def users_role(
    login: Annotated[str, typer.Argument(help="登录名。")],
    role: Annotated[str, typer.Option(help=ROLES_HELP)],
    agency: Annotated[str, typer.Option(help="改为社会组织账号时所属机构的名称或编号。")] = "",
) -> None:
    """更改账号的角色（社会组织账号须指定机构）。"""
    from models.status import ROLE_LABELS
    from services import accounts

    settings = ready()
    chosen = _role(role)
    with session_for(settings) as session:
        row = accounts.set_role(
            session,
            actor=admin(),
            now=settings.now(),
            account_id=_account_id(session, login),
            role=chosen,
            agency_id=_agency_id(session, agency),
        )
    console.print(f"账号 {row.login} 的角色已改为{ROLE_LABELS[row.role]}。")
