"""The long-running commands: `gongyi serve` (Prefect's schedules), `gongyi server` (the
Prefect server with work-pool workers, the scale-out topology) and `gongyi web` (the portal)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import CycleOption, console, fail, ready_for_flows, safe_url

if TYPE_CHECKING:
    import uvicorn

    from settings import Settings


def serve(
    port: Annotated[
        int | None, typer.Option(help="Prefect 服务器端口（默认 GONGYI_SERVE_PORT 或 4200）。")
    ] = None,
    cycle: CycleOption = None,
) -> None:
    """启动本地 Prefect 服务器并按计划运行日报告检查、周例会与月评估（Ctrl-C 停止）。"""
    settings = ready_for_flows()
    from flows.deployments import local_server, serve_schedules

    port = port or settings.serve_port
    from flows.server_address import SERVER_HOME

    home = (settings.var_dir / SERVER_HOME).resolve()
    try:
        with local_server(home, port=port) as api_url:
            console.print(f"Prefect 服务器：http://127.0.0.1:{port}（数据在 {home}）")
            serve_schedules(api_url, timezone=settings.timezone, cycle_id=cycle)
    except RuntimeError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        console.print("已停止。")


def server(
    port: Annotated[
        int | None, typer.Option(help="Prefect 服务器端口（默认 GONGYI_SERVE_PORT 或 4200）。")
    ] = None,
    workers: Annotated[int, typer.Option(min=0, help="本机启动的工作池 gongyi 工作进程数。")] = 1,
    deploy: Annotated[
        bool, typer.Option("--deploy/--no-deploy", help="启动时部署 prefect.yaml 中的全部流程。")
    ] = True,
) -> None:
    """启动 Prefect 服务器、工作池 gongyi 及其工作进程，并部署 prefect.yaml（Ctrl-C 停止）。

    设置 PREFECT_API_DATABASE_CONNECTION_URL 时服务器使用该 PostgreSQL，否则用 var/ 下的 SQLite。
    其他机器用 `prefect worker start --pool gongyi` 加入同一工作池。
    """
    settings = ready_for_flows()
    from flows.deployments import (
        WORK_POOL,
        deploy_project,
        ensure_work_pool,
        local_server,
        process_workers,
        wait_for_exit,
    )
    from settings import PROJECT_ROOT

    port = port or settings.serve_port
    from flows.server_address import SERVER_HOME, announced

    home = (settings.var_dir / SERVER_HOME).resolve()
    database = os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL", "")
    try:
        with local_server(home, port=port) as api_url, announced(home, api_url):
            where = safe_url(database) if database else f"SQLite（{home}）"
            console.print(f"Prefect API：{api_url}（数据库 {where}）", highlight=False)
            created = ensure_work_pool(api_url)
            console.print(f"工作池 {WORK_POOL}：{'已创建' if created else '已存在'}（process）")
            if deploy:
                names = deploy_project(api_url, PROJECT_ROOT)
                console.print(f"已部署 prefect.yaml 中的 {len(names)} 个流程及其计划")
            with process_workers(
                api_url, count=workers, project_dir=PROJECT_ROOT, log=home / "worker.log"
            ) as started:
                console.print(
                    f"工作进程 {len(started)} 个（日志 {home / 'worker.log'}）；"
                    f"其他命令请设置 PREFECT_API_URL={api_url}（Ctrl-C 停止）",
                    highlight=False,
                )
                code = wait_for_exit(started)  # with no worker: until Ctrl-C
                raise fail(f"工作进程已退出（{code}），请查看 {home / 'worker.log'}")
    except RuntimeError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        console.print("已停止。")


def _warm_prefect() -> None:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.hello()


def web(
    host: Annotated[str | None, typer.Option(help="监听地址（默认 GONGYI_WEB_HOST）。")] = None,
    port: Annotated[int | None, typer.Option(help="端口（默认 GONGYI_WEB_PORT 或 8000）。")] = None,
) -> None:
    """启动门户网站（街道、社会组织、评估专家、居民需求表单）。"""
    import signal
    import threading

    import uvicorn

    settings = ready_for_flows()
    host, port = host or settings.web_host, port or settings.web_port
    # Start Prefect's embedded server now, so the first report from a phone does not wait for it.
    threading.Thread(target=_warm_prefect, daemon=True).start()
    console.print(f"门户：http://{host}:{port}/ （Ctrl-C 停止）")
    # uvicorn shuts down gracefully on SIGTERM and then raises the signal again; without a
    # handler of ours that kills the process before the exit handlers that stop Prefect's
    # server run, leaving it behind. Exiting normally runs them.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    uvicorn.Server(web_server_config(settings, host=host, port=port)).run()


def web_server_config(settings: Settings, *, host: str, port: int) -> uvicorn.Config:
    """The uvicorn configuration `gongyi web` serves the portal with.

    Proxy headers are the app's business (GONGYI_WEB_TRUSTED_PROXIES, see `web.app`):
    uvicorn's own default would believe an X-Forwarded-For from any local process.
    """
    import uvicorn

    from web.app import create_app

    return uvicorn.Config(
        create_app(settings), host=host, port=port, log_level="warning", proxy_headers=False
    )


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)
