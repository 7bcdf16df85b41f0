"""`gongyi fund open` and `gongyi fund gift`: the portal's cycle page, at the command line."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli import app
from models.fund import Donation, Fund
from models.user import AuditEvent
from store.database import get_engine
from tests.cli.test_cycle_open_cli import OPEN


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    from cli.common import console

    monkeypatch.setattr(console, "width", 200)


GIFT = [
    "fund",
    "gift",
    "--cycle",
    "1",
    "--donor",
    "明珠物业公司",
    "--type",
    "爱心企业",
    "--category",
    "场地",
    "--description",
    "活动室每周六半天",
    "--date",
    "2027-03-10",
]


def test_a_new_office_opens_its_fund_and_records_an_in_kind_gift(
    runner: CliRunner, database_url: str
) -> None:
    assert runner.invoke(app, OPEN).exit_code == 0
    opened = runner.invoke(app, ["fund", "open", "--cycle", "1", "--name", "新安街道公益创投基金"])
    assert opened.exit_code == 0, opened.output
    assert "公益基金「新安街道公益创投基金」已设立" in opened.output

    again = runner.invoke(app, ["fund", "open", "--cycle", "1", "--name", "另一个基金"])
    assert again.exit_code == 1 and "Traceback" not in again.output
    assert "本周期已设立公益基金「新安街道公益创投基金」" in again.output

    gift = runner.invoke(app, [*GIFT, "--valuation", "3000"])
    assert gift.exit_code == 0, gift.output
    assert "明珠物业公司：已登记（场地）" in gift.output
    twice = runner.invoke(app, [*GIFT, "--valuation", "3000"])
    assert "已登记过，未重复登记" in twice.output

    with Session(get_engine(database_url)) as session:
        fund = session.exec(select(Fund)).one()
        gifts = session.exec(select(Donation).where(Donation.fund_id == fund.id)).all()
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert [g.donor_name for g in gifts] == ["明珠物业公司"]
    assert gifts[0].amount_fen == 0
    assert "fund_open" in actions and actions.count("fund_in_kind") == 2


def test_a_bad_gift_names_the_field_and_stores_nothing(
    runner: CliRunner, database_url: str
) -> None:
    assert runner.invoke(app, OPEN).exit_code == 0
    assert runner.invoke(app, ["fund", "open", "--cycle", "1", "--name", "新安基金"]).exit_code == 0
    bad = [*GIFT[:-1], "2027-13-40"]
    bad[bad.index("场地")] = "房子"
    result = runner.invoke(app, bad)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "未写入任何数据" in result.output
    with Session(get_engine(database_url)) as session:
        assert session.exec(select(Donation)).all() == []
