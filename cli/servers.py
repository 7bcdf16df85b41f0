"""`gongyi serve` (Prefect's schedules) and `gongyi web` (the portal): the long-running commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import CycleOption, console, fail, ready_for_flows

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
    home = (settings.var_dir / "prefect-server").resolve()
    try:
        with local_server(home, port=port) as api_url:
            console.print(f"Prefect 服务器：http://127.0.0.1:{port}（数据在 {home}）")
            serve_schedules(api_url, timezone=settings.timezone, cycle_id=cycle)
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
