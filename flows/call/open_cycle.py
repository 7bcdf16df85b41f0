"""Flow `open_cycle`: a street office opens a year's cycle with its communities and domains."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow

from flows.runtime import io_task, session_scope
from models.rows import read_all
from services.cycles import set_up_cycle
from store.spreadsheets import read_rows


@io_task
def read_community_names(path: str) -> list[str]:
    """Read the office's community names from a file with a 社区 column."""
    rows = read_rows(Path(path), required=("社区",))
    return read_all(rows, lambda row: row.text("社区", max_length=100))


@io_task
def store_cycle(
    *,
    street_office: str,
    year: int,
    name: str,
    starts_on: date,
    ends_on: date,
    communities: list[str],
) -> int:
    """Add the cycle (or find it), its communities and the default domains; start collecting needs."""
    with session_scope() as session:
        cycle = set_up_cycle(
            session,
            street_office=street_office,
            year=year,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            communities=communities,
        )
        assert cycle.id is not None
        return cycle.id


@flow(name="open_cycle", log_prints=True)
def open_cycle(
    street_office: str,
    year: int,
    name: str,
    starts_on: date,
    ends_on: date,
    communities_path: str,
) -> int:
    """Open (or find) the office's cycle for a year and return its id."""
    communities = read_community_names(communities_path)
    cycle_id = store_cycle(
        street_office=street_office,
        year=year,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        communities=communities,
    )
    print(f"创投周期 #{cycle_id}：{name}，{len(communities)} 个社区，默认 4 个服务领域")
    return cycle_id
