"""The `gongyi` command line: thin commands over the same use cases the portal calls.

One module per command group (`cli.needs`, `cli.fund`, …); `cli.common` holds what
they share. Short commands (queries, single records) call `services/` or `store/`
and never import Prefect; only the stage orchestrations and the scheduled work run
a flow. Heavy libraries (Prefect, scikit-learn, WeasyPrint, openpyxl) are imported
inside the command that needs them, so `gongyi --help` starts fast.
"""

from __future__ import annotations

import typer

from cli import (
    agency,
    call,
    cycle,
    db,
    demo,
    fund,
    monitor,
    needs,
    proposal,
    selection,
    servers,
    users,
)

app = typer.Typer(help="gongyi 公益创投工作流：从居民需求到评估报告。", no_args_is_help=True)
app.add_typer(db.app, name="db")
app.add_typer(needs.app, name="needs")
app.add_typer(fund.app, name="fund")
app.add_typer(call.app, name="call")
app.add_typer(agency.app, name="agency")
app.add_typer(proposal.app, name="proposal")
app.add_typer(monitor.app, name="monitor")
app.add_typer(selection.app, name="selection")
app.command()(db.check)
app.command()(demo.demo)
app.command()(servers.serve)
app.command()(servers.server)
app.add_typer(users.app, name="users")
app.command()(servers.web)
app.add_typer(cycle.app, name="cycle")


def main() -> None:
    """Run the CLI."""
    app()


if __name__ == "__main__":
    main()
