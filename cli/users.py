"""`gongyi users …`: portal accounts and API tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import console, fail, ready, session_for

app = typer.Typer(help="门户账号：街道、社会组织、评估专家、管理员。", no_args_is_help=True)


@app.command("add")
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
    from services import accounts, clerk
    from store import agencies

    settings = ready()
    if role not in {r.value for r in Role} or role == Role.SYSTEM:
        raise fail(f"未知角色 {role!r}：可选 staff / agency / evaluator / admin / resident / donor")
    with session_for(settings) as session:
        agency_id = None
        if agency:
            try:
                found = (
                    agencies.get_agency(session, int(agency))
                    if agency.isdigit()
                    else agencies.get_agency_by_name(session, agency)
                )
            except LookupError as exc:
                raise fail(str(exc)) from None
            agency_id = found.id
        accounts.add_portal_account(
            session,
            actor=clerk(),
            now=settings.now(),
            login=login,
            password=password,
            name=name or login,
            role=Role(role),
            agency_id=agency_id,
        )
    console.print(f"账号 {login}（{role}）已创建。")


@app.command("token")
def users_token(
    login: Annotated[str, typer.Argument(help="登录名。")],
    label: Annotated[str, typer.Option(help="令牌用途，如「手机端」。")] = "",
) -> None:
    """为账号签发一个 API 令牌（只显示这一次，库里只存其 SHA-256）。"""
    from services import accounts, clerk
    from store.accounts import get_account

    settings = ready()
    with session_for(settings) as session:
        account = get_account(session, login)
        if account is None or account.id is None:
            raise fail(f"没有登录名为 {login!r} 的账号：先用 gongyi users add 创建")
        issued = accounts.issue_api_token(
            session, actor=clerk(), now=settings.now(), account_id=account.id, label=label
        )
    console.print(f"{login} 的 API 令牌（只显示这一次，请妥善保存）：")
    console.print(issued.secret, markup=False, highlight=False)
