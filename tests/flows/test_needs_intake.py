"""Importing needs is all or nothing, names every bad cell, and never adds a row twice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from flows.needs_intake import merge_duplicates, needs_intake, read_need_rows
from flows.open_cycle import open_cycle
from models.need import Need
from models.rows import RowsRejected
from tests.builders import NEED_HEADER, need_row, write_communities, write_csv

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _open(tmp_path: Path) -> int:
    return open_cycle(
        "淮河路街道办事处",
        2026,
        "2026年度公益创投",
        date(2026, 3, 1),
        date(2026, 12, 31),
        str(write_communities(tmp_path / "communities.csv")),
    )


def test_a_file_with_bad_rows_writes_nothing_and_names_each_bad_cell(
    session: Session, tmp_path: Path
) -> None:
    cycle_id = _open(tmp_path)
    path = write_csv(
        tmp_path / "needs.csv",
        NEED_HEADER,
        [need_row(), need_row(day="2026-13-01"), need_row(community="火星社区")],
    )

    summary = needs_intake(cycle_id, str(path))

    assert summary.errors == (
        "needs.csv 第 3 行「提交日期」：日期格式应为 2026-03-01，收到 '2026-13-01'",
        "needs.csv 第 4 行「社区」：不是本街道的社区：'火星社区'",
    )
    assert session.exec(select(Need)).all() == []


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    session: Session, tmp_path: Path
) -> None:
    cycle_id = _open(tmp_path)
    path = write_csv(tmp_path / "needs.csv", NEED_HEADER, [need_row(), need_row("路灯坏了")])

    first = needs_intake(cycle_id, str(path))
    second = needs_intake(cycle_id, str(path))

    assert (first.added, second.added, second.already_there) == (2, 0, 2)
    assert len(session.exec(select(Need)).all()) == 2


def test_the_same_need_from_several_residents_is_one_need_with_their_weight(
    session: Session, tmp_path: Path
) -> None:
    cycle_id = _open(tmp_path)
    rows = [
        need_row("楼道堆满杂物，存在消防隐患。", contact=f"居民{i}", phone=f"1381234567{i}")
        for i in range(3)
    ]
    rows.append(need_row("楼道堆满杂物 存在消防隐患", community="龙湖社区"))
    read = read_need_rows.fn(cycle_id, str(write_csv(tmp_path / "n.csv", NEED_HEADER, rows)))
    assert len(read) == 4
    needs_intake(cycle_id, str(tmp_path / "n.csv"))

    assert merge_duplicates.fn(cycle_id) == (1, 2)
    leads = session.exec(select(Need).where(Need.duplicate_of_id == None)).all()  # noqa: E711
    assert sorted(n.weight for n in leads) == [1, 3]


def test_a_missing_column_is_reported_before_any_row(tmp_path: Path, database_url: str) -> None:
    cycle_id = _open(tmp_path)
    path = write_csv(tmp_path / "needs.csv", NEED_HEADER[:-1], [need_row()[:-1]])
    with pytest.raises(Exception, match="联系电话"):
        read_need_rows.fn(cycle_id, str(path))
    with pytest.raises(RowsRejected):
        read_need_rows.fn(
            cycle_id, str(write_csv(tmp_path / "bad.csv", NEED_HEADER, [need_row(phone="12")]))
        )
