"""What every `gongyi` command shares: the console, one-line errors, settings, running a flow.

Every failure a user can fix — a bad database URL, an unwritable output
folder, missing Chinese fonts, a bad row in a file — is printed as one line
saying what to do, never as a traceback. Prefect is configured here, before
any flow is imported, so the embedded mode keeps its state under var/; only
the commands that run a flow call `ready_for_flows`, the short ones open the
database with `ready` and never import Prefect.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from sqlmodel import Session

    from services import Actor
    from settings import Settings

console = Console()
ERRORS_SHOWN = 50
OPEN_A_CYCLE = "请先用 gongyi cycle open 开设创投周期（gongyi cycle list 列出已有的周期）"
# The parameters a command names a cycle id with; `ready` checks the one given exists.
CYCLE_PARAMS = ("cycle", "from_cycle")

ActorOption = Annotated[str, typer.Option("--by", help="操作人（记入审计日志与更正记录）。")]
CycleOption = Annotated[
    int | None, typer.Option("--cycle", help="创投周期编号（默认：正在执行的周期）。")
]
CycleIdOption = Annotated[int, typer.Option("--cycle", help="创投周期编号。")]


class UserFacingError(Exception):
    """An error whose message is the whole story for the user."""


def fail(message: object, *, code: int = 1) -> typer.Exit:
    """Print one red line and return the exit to raise."""
    # The message is plain text: brackets in it ("[金额]") must not be read as markup; and it
    # stays one line however narrow the terminal, so it can be read back or grepped whole.
    console.print(f"[bold red]错误：[/]{escape(str(message))}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def load_settings() -> Settings:
    """Read settings, turning a validation error into one line."""
    # Imported here: pydantic-settings is a tenth of a second `gongyi --help` does not need.
    from pydantic import ValidationError

    from settings import get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise fail(f"配置错误 GONGYI_{str(first['loc'][0]).upper()}：{first['msg']}") from None


def prepare_prefect(settings: Settings) -> None:
    """Point Prefect at the running `gongyi server`, else its embedded mode under var/; keep it quiet."""
    home = (settings.var_dir / "prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL", "INFO")
    if "PREFECT_API_URL" not in os.environ:
        # A running `gongyi server` (or the configured PREFECT_API_URL) runs the flow:
        # no temporary server is booted for the command.
        from flows.server_address import SERVER_HOME, running_server

        api_url = running_server((settings.var_dir / SERVER_HOME).resolve())
        if api_url:
            os.environ["PREFECT_API_URL"] = api_url


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


def ready() -> Settings:
    """Settings for a command that only reads or writes the database: no Prefect, no migration.

    The database must be reachable; one that `gongyi db upgrade` has not brought to
    the current structure is reported by `session_for` in one line.
    """
    from store.database import DatabaseError, check_connection, get_engine

    settings = load_settings()
    try:
        check_connection(get_engine(settings.database_url))
    except DatabaseError as exc:
        raise fail(str(exc)) from None
    check_given_cycle(settings)
    return settings


def ready_for_flows() -> Settings:
    """Settings for a command that runs a flow: Prefect pointed at var/, database upgraded."""
    settings = load_settings()
    # Prefect cannot create its home (var/prefect) when var/ itself is missing.
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    prepare_prefect(settings)
    try:
        upgrade(settings)
    except UserFacingError as exc:
        raise fail(str(exc)) from None
    check_given_cycle(settings)
    return settings


def check_given_cycle(settings: Settings) -> None:
    """Stop with one line, before any work, when the command's --cycle names no cycle.

    Every command that takes a cycle id calls `ready` or `ready_for_flows`, which
    read the id from the running command's parameters: on an empty database
    `gongyi needs import needs.csv --cycle 1` says to open a cycle first instead of
    failing inside a flow with Prefect's traceback.
    """
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from models.cycle import Cycle
    from store.database import open_session

    params = command_params()
    for param in CYCLE_PARAMS:
        cycle_id = params.get(param)
        if not isinstance(cycle_id, int) or isinstance(cycle_id, bool):
            continue
        try:
            with open_session(settings.database_url) as session:
                found = session.get(Cycle, cycle_id)
        except (OperationalError, ProgrammingError):
            raise fail(
                f"找不到创投周期 #{cycle_id}：数据库还是空的，"
                "请先用 gongyi cycle open 开设创投周期（同时建好数据库）"
            ) from None
        if found is None:
            raise fail(f"找不到创投周期 #{cycle_id}：{OPEN_A_CYCLE}")


def command_params() -> dict[str, Any]:
    """The running command's parameters by name (empty outside a command)."""
    try:  # Typer 0.26 and later bring their own copy of Click
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - an older Typer on the real Click
        from click import get_current_context
    context = get_current_context(silent=True)
    return dict(context.params) if context is not None else {}


def missing_cycle_line(message: str) -> str:
    """A lookup's message, with what to do first when it is a cycle that is missing."""
    if message.startswith("找不到创投周期") and "：" not in message:
        return f"{message}：{OPEN_A_CYCLE}"
    return message


@contextmanager
def session_for(settings: Settings) -> Iterator[Session]:
    """A session on the configured database; a service's refusal becomes one red line."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from services import ServiceError
    from store.database import open_session

    try:
        with open_session(settings.database_url) as session:
            yield session
    except ServiceError as exc:
        raise fail(missing_cycle_line(exc.message)) from None
    except LookupError as exc:
        raise fail(missing_cycle_line(str(exc).strip("'\""))) from None
    except (OperationalError, ProgrammingError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise fail(f"数据库出错（{reason}）：新装或升级后请先运行 gongyi db upgrade") from None


def cycle_or_monitored(session: Session, cycle: int | None) -> int:
    """The cycle given with --cycle, or the newest one with running projects."""
    if cycle is not None:
        return cycle
    from store.awards import get_monitored_cycle_id

    try:
        return get_monitored_cycle_id(session)
    except LookupError as exc:
        raise fail(str(exc)) from None


def run_flow(flow: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a flow in-process with heartbeats off, turning a user's mistake into one line."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from models.calendar import PeriodError
    from services import ServiceError

    try:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            return flow(*args, **kwargs)
    except ServiceError as exc:
        raise fail(missing_cycle_line(exc.message)) from None
    except LookupError as exc:
        raise fail(missing_cycle_line(str(exc).strip("'\""))) from None
    except (ValueError, PeriodError) as exc:
        raise fail(str(exc)) from None


def print_problems(errors: Any, *, what: str) -> None:
    """Print each error in red and stop with a count, when there are any."""
    if errors:
        for line in errors:
            console.print(f"[red]{escape(str(line))}[/]", highlight=False)
        raise fail(f"{what}：{len(errors)} 处错误，未写入任何数据")


def print_errors(errors: Any, what: str) -> None:
    """Like `print_problems`, worded for a file: "<what>有 N 处错误，未写入任何数据"."""
    if errors:
        for line in errors:
            console.print(f"[red]{escape(line)}[/]", highlight=False)
        raise fail(f"{what}有 {len(errors)} 处错误，未写入任何数据")


def print_capped(errors: tuple[str, ...]) -> None:
    """Print at most ERRORS_SHOWN error lines and say how many more there are."""
    for line in errors[:ERRORS_SHOWN]:
        console.print(f"[red]{escape(line)}[/]", highlight=False)
    if len(errors) > ERRORS_SHOWN:
        console.print(f"[red]……另有 {len(errors) - ERRORS_SHOWN} 处错误[/]", highlight=False)


def actor_name(name: str) -> str:
    """The operator named with --by, or the login running the command."""
    import getpass

    return name.strip() or getpass.getuser()


def clerk_for(by: str = "") -> Actor:
    """The clerk doing a command, named with --by when given (audit trail, corrections)."""
    from services import clerk

    name = by.strip()
    return clerk(login=name, name=name) if name else clerk()


def parse_day(value: str) -> date:
    """A YYYY-MM-DD date from the command line, or one red line."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"日期格式应为 2026-03-31，收到 {value!r}") from None


def optional_day(value: str) -> date | None:
    """A YYYY-MM-DD date from the command line, None when not given, or one red line."""
    return parse_day(value) if value else None


def day_or_today(value: str, settings: Settings) -> date:
    """The given date, or today in the office's time zone."""
    return parse_day(value) if value else settings.now().date()


def moment_or_now(settings: Settings, text: str = "") -> datetime:
    """The given time (office zone unless it says otherwise), or now."""
    if not text:
        return settings.now()
    try:
        moment = datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise fail(f"时间格式应为 2026-05-10 14:30，收到 {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.now().tzinfo)


def safe_url(url: str) -> str:
    """The database URL with its password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(无法解析的地址)"
