"""Door parity for selection's office steps: the portal's forms and `gongyi selection …` agree.

The same filled 初审 score sheet entered by `gongyi selection scores --on` and by the 遴选
page's upload stores the same reviews with the same business date; an objection taken and
dismissed by `gongyi selection object` / `resolve` and by the 公示 page leaves the same record.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli import app
from models.proposal import Proposal, Review
from models.publicity import Objection, PublicNotice
from models.status import ProposalStatus, Stage
from models.user import AuditEvent
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld

DOORS = ("page", "cli")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _stamped(database_url: str) -> None:
    """The CLI's database is at the newest migration, as `gongyi db upgrade` leaves it."""
    from alembic import command

    from store.migrate import get_alembic_config

    command.stamp(get_alembic_config(database_url), "head")


def _call_id(database_url: str, world: PortalWorld) -> int:
    with Session(get_engine(database_url)) as session:
        proposal = session.get(Proposal, world.proposal_id)
        assert proposal is not None
        return proposal.call_id


def _filled_sheet(client: TestClient, tmp_path: Path) -> Path:
    book = load_workbook(
        io.BytesIO(client.get("/officer/selection/sheet?stage=preliminary").content)
    )
    page = book.active
    assert page is not None
    for row in page.iter_rows(min_row=2):
        for cell, value in zip(row[5:], (80, 70, 90, 60, 75), strict=True):
            cell.value = value
    target = tmp_path / "初审评分表.xlsx"
    book.save(target)
    return target


@pytest.mark.parametrize("door", DOORS)
def test_a_score_sheet_is_stored_alike_from_the_page_and_the_cli(
    door: str,
    client: TestClient,
    world: PortalWorld,
    database_url: str,
    runner: CliRunner,
    tmp_path: Path,
) -> None:
    token = sign_in(client, "staff")
    sheet = _filled_sheet(client, tmp_path)
    call = str(_call_id(database_url, world))
    if door == "page":
        response = client.post(
            "/officer/selection/scores",
            data={"csrf_token": token, "stage": "preliminary", "on": "2026-05-23"},
            files={"sheet": (sheet.name, sheet.read_bytes(), XLSX)},
        )
        assert "已录入 2 条初审评分" in response.text
    else:
        args = ["selection", "scores", str(sheet), "--call", call, "--stage", "初审"]
        result = runner.invoke(app, [*args, "--on", "2026-05-23", "--by", "街道专干"])
        assert result.exit_code == 0 and "已录入 2 条初审评分" in result.output, result.output
    with Session(get_engine(database_url)) as session:
        reviews = session.exec(select(Review).order_by(Review.reviewer_id)).all()  # type: ignore[arg-type]
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "review_score_sheet")
        ).all()
    assert [(r.stage, r.weighted_score) for r in reviews] == [(Stage.PRELIMINARY, 76.0)] * 2
    assert event.business_on == date(2026, 5, 23) and "街道专干" in event.actor


@pytest.mark.parametrize("door", DOORS)
def test_an_objection_is_taken_and_dismissed_alike_from_the_page_and_the_cli(
    door: str, client: TestClient, world: PortalWorld, database_url: str, runner: CliRunner
) -> None:
    call_id = _call_id(database_url, world)
    with Session(get_engine(database_url)) as session:
        proposal = session.get(Proposal, world.proposal_id)
        assert proposal is not None
        proposal.status, proposal.stage = ProposalStatus.APPROVED, Stage.FINAL
        session.add(proposal)
        session.add(
            PublicNotice(call_id=call_id, published_on=date(2026, 5, 26), ends_on=date(2026, 6, 1))
        )
        session.commit()
    if door == "page":
        token = sign_in(client, "staff")
        client.post(
            "/officer/publicity/objections",
            data={
                "csrf_token": token,
                "proposal_id": world.proposal_id,
                "submitter": "居民甲",
                "contact": "13800001111",
                "text": "材料不实",
                "on": "2026-05-28",
            },
        )
        client.post(
            "/officer/publicity/objections/1/resolve",
            data={
                "csrf_token": token,
                "outcome": "dismiss",
                "reason": "经核实",
                "on": "2026-05-30",
            },
        )
    else:
        common = ["--call", str(call_id)]
        lodge = "--proposal", str(world.proposal_id), "--by", "居民甲", "--text", "材料不实"
        lodged = runner.invoke(
            app,
            [
                "selection",
                "object",
                *common,
                *lodge,
                "--contact",
                "13800001111",
                "--day",
                "2026-05-28",
            ],
        )
        assert lodged.exit_code == 0, lodged.output
        resolve = "--objection", "1", "--by", "街道专干", "--reason", "经核实", "--dismiss"
        resolved = runner.invoke(
            app, ["selection", "resolve", *common, *resolve, "--on", "2026-05-30"]
        )
        assert resolved.exit_code == 0 and "不成立" in resolved.output, resolved.output
    with Session(get_engine(database_url)) as session:
        objection = session.exec(select(Objection)).one()
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "objection_dismissed")
        ).all()
    assert (objection.submitter, objection.text) == ("居民甲", "材料不实\n联系方式：13800001111")
    assert (objection.status, objection.submitted_on, objection.resolved_on) == (
        "dismissed",
        date(2026, 5, 28),
        date(2026, 5, 30),
    )
    assert event.business_on == date(2026, 5, 30) and "街道专干" in event.actor
