"""The office's pages about projects, agencies, the ledger, evaluations and meetings.

Staff read them; an agency or an evaluator is refused. Filters narrow the
project list, the calendar leads to a daily report and all its versions, the
ledger as of a day leaves out what was paid after it, and personal data is masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.agency import Agency, AgencyTrackRecord
from models.award import Tranche
from models.fund import Donation, LedgerEntry, LedgerKind
from models.monitoring import DailyReport, ExcusedDay, WeeklyMeeting, YellowCard
from models.project import Project
from models.user import AuditEvent
from store.database import get_engine
from tests.monitoring_builders import evening, store_report
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld

PAGES = (
    "/officer/projects",
    "/officer/agencies",
    "/officer/ledger",
    "/officer/evaluations",
    "/officer/meetings",
)


@pytest.fixture
def db(database_url: str, world: PortalWorld) -> Iterator[Session]:
    """A session on the world's database, closed (its transaction ended) before the teardown."""
    with Session(get_engine(database_url), expire_on_commit=False) as session:
        yield session


def _reports(db: Session, world: PortalWorld) -> dict[str, int]:
    """June 1st on time then corrected (v2), June 2nd late, June 4th excused, June 3rd missing."""
    project = world.project_ids[0]
    first = store_report(db, project, date(2026, 6, 1), issues="联系王小明 13812345678")
    first.is_current = False
    second = DailyReport(
        project_id=project,
        day=date(2026, 6, 1),
        version=2,
        first_submitted_at=first.first_submitted_at,
        submitted_at=evening(date(2026, 6, 2), 9),
        people_served=12,
        summary="更正人数",
    )
    late = store_report(db, project, date(2026, 6, 2), sent=evening(date(2026, 6, 3), 10))
    db.add_all(
        [
            first,
            second,
            ExcusedDay(
                project_id=project,
                day=date(2026, 6, 4),
                reason="场地停电",
                excused_by="staff",
                excused_at=datetime(2026, 6, 4, tzinfo=UTC),
            ),
        ]
    )
    db.commit()
    return {"v1": first.id or 0, "v2": second.id or 0, "late": late.id or 0}


@pytest.mark.parametrize("login", ["agency1", "evaluator1", "donor"])
def test_only_the_office_reads_these_pages(
    client: TestClient, world: PortalWorld, login: str
) -> None:
    sign_in(client, login)
    paths = (
        *PAGES,
        f"/officer/projects/{world.project_ids[0]}",
        f"/officer/agencies/{world.agency_ids[0]}",
    )
    for path in paths:
        response = client.get(path)
        assert response.status_code in (403, 404), path
        assert world.titles[0] not in response.text


def test_the_menu_names_the_new_pages_and_each_page_answers(client: TestClient) -> None:
    sign_in(client, "staff")
    home = client.get("/officer/projects")
    for path in PAGES:
        assert f'href="{path}"' in home.text
        assert client.get(path).status_code == 200, path


def test_the_project_list_filters_by_agency_status_and_domain(
    client: TestClient, world: PortalWorld, db: Session
) -> None:
    sign_in(client, "staff")
    both = client.get("/officer/projects").text
    assert world.titles[0] in both and world.titles[1] in both
    one = client.get(f"/officer/projects?agency={world.agency_ids[1]}").text
    assert world.titles[1] in one and world.titles[0] not in one
    project = db.get(Project, world.project_ids[0])
    assert project is not None
    project.status = "suspended"
    db.add(project)
    db.commit()
    suspended = client.get("/officer/projects?status=suspended&domain=&community=").text
    assert world.titles[0] in suspended and world.titles[1] not in suspended
    other_domain = client.get(f"/officer/projects?domain={project.domain_id + 1}").text
    assert world.titles[0] not in other_domain


def test_the_calendar_marks_each_day_and_leads_to_every_version_of_a_report(
    client: TestClient, world: PortalWorld, db: Session
) -> None:
    ids = _reports(db, world)
    sign_in(client, "staff")
    page = client.get(f"/officer/projects/{world.project_ids[0]}?month=2026-06").text
    states = dict(re.findall(r'data-day="(\d{4}-\d{2}-\d{2})" data-state="(\w+)"', page))
    assert states["2026-06-01"] == "filed"
    assert states["2026-06-02"] == "late"
    assert states["2026-06-03"] == "missing"
    assert states["2026-06-04"] == "excused"
    assert states["2026-06-06"] == "off"  # a Saturday
    assert f'href="/officer/reports/{ids["v2"]}"' in page  # the cell opens the current version
    assert "GY-2026-001" in page
    report = client.get(f"/officer/reports/{ids['v2']}").text
    assert "第 2 版" in report and "第 1 版" in report and "更正人数" in report
    assert "13812345678" not in report and "138****5678" in report
    viewed = db.exec(select(AuditEvent).where(AuditEvent.action == "view_daily_report")).all()
    assert [e.subject_id for e in viewed] == [ids["v2"]]


def test_a_daily_report_is_refused_to_an_agency(
    client: TestClient, world: PortalWorld, db: Session
) -> None:
    ids = _reports(db, world)
    sign_in(client, "agency1")
    response = client.get(f"/officer/reports/{ids['v2']}")
    assert response.status_code == 403
    assert "更正人数" not in response.text


def test_the_ledger_as_of_a_day_leaves_out_later_payments(
    client: TestClient, world: PortalWorld, db: Session
) -> None:
    award_id = db.get(Project, world.project_ids[0]).award_id  # type: ignore[union-attr]
    tranche = db.exec(select(Tranche).where(Tranche.award_id == award_id, Tranche.seq == 2)).one()
    fund_id = db.exec(select(LedgerEntry.fund_id)).first()
    db.add(
        LedgerEntry(
            fund_id=fund_id,  # type: ignore[arg-type]
            kind=LedgerKind.PAYMENT,
            amount_fen=tranche.amount_fen,
            occurred_on=date(2026, 9, 1),
            award_id=award_id,
            tranche_id=tranche.id,
            idempotency_key="payment:later",
        )
    )
    db.add(
        Donation(
            fund_id=fund_id,  # type: ignore[arg-type]
            donor_name="王小明",
            donor_type="individual",
            donated_on=date(2026, 8, 1),
            amount_fen=50_000,
            source_key="gift-person",
        )
    )
    db.commit()
    first_paid = db.exec(
        select(Tranche.amount_fen).where(Tranche.award_id == award_id, Tranche.seq == 1)
    ).one()
    sign_in(client, "staff")

    def paid_of(html: str) -> str:
        row = re.search(rf'data-project="{world.project_ids[0]}">(.*?)</tr>', html, re.S)
        assert row
        return re.findall(r'class="num">([\d,.]+)<', row.group(1))[2]

    june = client.get("/officer/ledger?on=2026-06-30").text
    assert paid_of(june) == f"{first_paid / 100:,.2f}"  # the September payment is not in June
    assert "王小明" not in june and "王**" not in june  # not given yet on June 30th
    september = client.get("/officer/ledger?on=2026-09-30").text
    assert "王**" in september and "王小明" not in september
    assert f"{(first_paid + tranche.amount_fen) / 100:,.2f}" == paid_of(september)
    assert client.get("/officer/ledger?on=30-06-2026").status_code == 400


def test_the_agency_registry_masks_contacts_and_shows_the_track_record(
    client: TestClient, world: PortalWorld, db: Session
) -> None:
    agency = db.get(Agency, world.agency_ids[0])
    assert agency is not None
    agency.contact_name, agency.contact_phone = "李四光", "13912345678"
    db.add_all(
        [
            agency,
            AgencyTrackRecord(agency_id=agency.id, year=2025, grade="优秀", yellow_cards=1),  # type: ignore[arg-type]
            YellowCard(
                agency_id=agency.id,  # type: ignore[arg-type]
                project_id=world.project_ids[0],
                month="2026-06",
                issued_on=date(2026, 7, 1),
                reason="连续缺报",
            ),
        ]
    )
    db.commit()
    sign_in(client, "staff")
    registry = client.get("/officer/agencies").text
    assert "13912345678" not in registry and "139****5678" in registry
    assert "李四光" not in registry and "李**" in registry
    page = client.get(f"/officer/agencies/{agency.id}").text
    assert "2025" in page and "优秀" in page and "连续缺报" in page and world.titles[0] in page


def test_evaluations_of_a_month_link_the_project_and_the_published_pdf(
    client: TestClient, world: PortalWorld
) -> None:
    sign_in(client, "staff")
    page = client.get("/officer/evaluations?month=2026-06").text
    assert f'href="/officer/projects/{world.project_ids[0]}"' in page
    assert "86.5" in page and "良好" in page
    assert re.search(r'href="/files/\d+">PDF</a>', page)
    assert "该月没有月评估" in client.get("/officer/evaluations?month=2026-01").text


def test_a_meeting_lists_its_action_items_with_their_ids(
    client: TestClient, world: PortalWorld, db: Session
) -> None:
    meeting = db.exec(select(WeeklyMeeting)).one()
    meeting.minutes, meeting.host = "讨论了签到表问题", "街道专干"
    db.add(meeting)
    db.commit()
    sign_in(client, "staff")
    listing = client.get("/officer/meetings").text
    assert f'href="/officer/meetings/{meeting.id}"' in listing
    page = client.get(f"/officer/meetings/{meeting.id}").text
    assert f"#{world.action_item_id}" in page and "补齐六月第一周的签到表" in page
    assert "讨论了签到表问题" in page and "街道专干" in page
    assert client.get("/officer/meetings/9999").status_code == 404


def test_the_calendar_of_a_month_outside_the_run_is_all_off(
    client: TestClient, world: PortalWorld
) -> None:
    sign_in(client, "staff")
    page = client.get(f"/officer/projects/{world.project_ids[0]}?month=2026-05").text
    states = set(re.findall(r'data-state="(\w+)"', page))
    assert states == {"off"}
    assert client.get(f"/officer/projects/{world.project_ids[0]}?month=2026-13").status_code == 409
    assert client.get("/officer/projects/9999").status_code == 404


def test_the_pages_read_in_english(client: TestClient, world: PortalWorld) -> None:
    sign_in(client, "staff")
    client.get("/lang/en?next=/officer/projects")
    assert "Clear filters" in client.get("/officer/projects").text
    page = client.get(f"/officer/projects/{world.project_ids[0]}?month=2026-06").text
    assert "Daily-report calendar" in page and "Mon" in page and "Not due" in page
    assert "Fund ledger" in client.get("/officer/ledger?on=2026-06-30").text


def test_the_project_page_lists_the_weekly_meetings_of_its_run(
    client: TestClient, world: PortalWorld, db: Session
) -> None:
    meeting = db.exec(select(WeeklyMeeting)).one()
    sign_in(client, "staff")
    first = client.get(f"/officer/projects/{world.project_ids[0]}").text
    assert f'href="/officer/meetings/{meeting.id}"' in first and "本项目待办 1 项" in first
    second = client.get(f"/officer/projects/{world.project_ids[1]}").text
    assert f'href="/officer/meetings/{meeting.id}"' in second and "本项目待办" not in second
