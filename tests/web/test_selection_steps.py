"""The officer takes selection step by step from the portal (/officer/selection, /officer/publicity).

Every form calls the service `gongyi selection …` calls: seat a stage's panel (the pool and
its conflicts typed on the page), download the stage's score sheet and upload it filled
(a bad one names row and column and writes nothing), close 初审, propose the allocation,
then take and resolve objections to the 公示. Each act's audit event keeps its business date.
"""

from __future__ import annotations

import io
import re
from datetime import date

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from models.committee import CommitteeDecision
from models.panel import ConflictOfInterest, ReviewAssignment
from models.proposal import Proposal, Review
from models.publicity import Objection, PublicNotice
from models.status import ProposalStatus, Stage
from models.user import AuditEvent
from store.database import get_engine
from tests.web.conftest import sign_in
from tests.web.portal_builders import PortalWorld

POOL = "评估专家甲\n评估专家乙\n高文博"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _events(database_url: str, action: str) -> list[AuditEvent]:
    with Session(get_engine(database_url)) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _seat(client: TestClient, token: str, stage: str, on: str, conflicts: str = "") -> str:
    response = client.post(
        "/officer/selection/seat",
        data={
            "csrf_token": token,
            "stage": stage,
            "reviewers": POOL,
            "conflicts": conflicts,
            "on": on,
        },
    )
    return (
        response.text if response.status_code == 200 else f"{response.status_code} {response.text}"
    )


def _filled(client: TestClient, stage: str, score: str = "82") -> bytes:
    """Download the stage's blank sheet and fill every criterion, as the office would."""
    response = client.get(f"/officer/selection/sheet?stage={stage}")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    page = book.active
    assert page is not None
    for row in page.iter_rows(min_row=2):
        for cell in row[5:]:
            cell.value = int(score)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: TestClient, token: str, stage: str, content: bytes, on: str, name: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/officer/selection/scores",
        data={"csrf_token": token, "stage": stage, "on": on},
        files={"sheet": (name, content, XLSX)},
    )


def test_the_officer_seats_scores_closes_and_proposes_from_the_page(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "staff")
    page = _text(client.get("/officer/selection").text)
    assert "初审评分未齐：还缺 2 份评分" in page and "安排初审专家组" in page

    assert "已安排 1 份申报书的初审评审专家组" in _seat(client, token, "preliminary", "2026-05-21")
    [seated] = _events(database_url, "seat_panels")
    assert seated.business_on == date(2026, 5, 21) and seated.detail.startswith("2026-05-21 初审")

    sheet = client.get("/officer/selection/sheet?stage=preliminary")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][:5] == ("评审环节", "评审专家", "项目名称", "申报机构", "项目简介")
    assert "需求契合度" in rows[0] and len(rows) == 4  # three seats, blind in 初审
    assert {r[1] for r in rows[1:]} == {"评估专家甲", "评估专家乙", "高文博"}
    assert {r[3] for r in rows[1:]} == {"（盲审）"}

    done = _upload(
        client, token, "preliminary", _filled(client, "preliminary"), "2026-05-23", "初审.xlsx"
    )
    assert done.status_code == 200 and "已录入 3 条初审评分" in done.text
    [scored] = _events(database_url, "review_score_sheet")
    assert scored.business_on == date(2026, 5, 23) and "街道专干" in scored.actor

    closed = client.post("/officer/selection/close", data={"csrf_token": token, "on": "2026-05-24"})
    assert "初审结束：入围 1 份，未通过 0 份" in closed.text
    [close_event] = _events(database_url, "close_stage")
    assert close_event.business_on == date(2026, 5, 24)

    assert "路演答辩评审专家组" in _seat(client, token, "defence", "2026-05-25")
    filled = _filled(client, "defence", "85")
    assert (
        "已录入 3 条路演答辩评分" in _upload(client, token, "defence", filled, "", "路演.xlsx").text
    )
    proposed = client.post(
        "/officer/selection/propose", data={"csrf_token": token, "on": "2026-05-26"}
    )
    assert "拟资助 1 个项目" in proposed.text and 'href="/officer/committee"' in proposed.text
    [event] = _events(database_url, "propose_allocation")
    assert event.business_on == date(2026, 5, 26)
    with Session(get_engine(database_url)) as session:
        assert session.exec(select(CommitteeDecision)).one().decided_at is None
    # The step already taken is refused with one red line, never a traceback.
    again = client.post("/officer/selection/propose", data={"csrf_token": token})
    assert again.status_code == 400 and "拟资助方案已提交评审委员会" in again.text
    assert 'class="error"' in again.text and "Traceback" not in again.text


def test_a_bad_sheet_names_each_row_and_column_and_writes_nothing(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "staff")
    book = Workbook()
    page = book.active
    assert page is not None
    page.append(
        [
            "评审环节",
            "评审专家",
            "项目名称",
            "需求契合度",
            "服务设计",
            "机构能力",
            "预算合理性",
            "创新性",
        ]
    )
    page.append(["初审", "评估专家甲", "新申报·社区助餐", 120, 80, 80, 80, 80])
    page.append(["初审", "评估专家乙", "新申报·社区助餐", 80, "很好", 80, 80, 80])
    page.append(["初审", "评估专家乙", "没有这份", 80, 80, 80, 80, 80])
    out = io.BytesIO()
    book.save(out)

    response = _upload(client, token, "preliminary", out.getvalue(), "2026-05-23", "坏表.xlsx")

    text = _text(response.text)
    assert response.status_code == 400
    assert "坏表.xlsx 第 2 行「需求契合度」" in text
    assert "坏表.xlsx 第 3 行「服务设计」" in text
    assert "坏表.xlsx 第 4 行「项目名称」" in text
    with Session(get_engine(database_url)) as session:
        assert session.exec(select(Review)).all() == []
        seats = session.exec(select(ReviewAssignment)).all()
        assert {s.status for s in seats} == {"assigned"}
    assert _events(database_url, "review_score_sheet") == []
    wrong = client.post(
        "/officer/selection/scores",
        data={"csrf_token": token, "stage": "preliminary"},
        files={"sheet": ("notes.txt", b"x", "text/plain")},
    )
    assert wrong.status_code == 400 and "请上传 .xlsx 或 .csv 文件" in wrong.text


def test_a_seating_refused_for_conflicts_stores_neither_panel_nor_conflict(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "staff")
    conflict = "高文博，测试社工机构1，曾任职，2019 年任项目主管"

    page = _seat(client, token, "preliminary", "2026-05-21", conflicts=conflict)

    assert page.startswith("400") and "只有 2 位无利益冲突的评审专家，至少需要 3 位" in page
    bad = _seat(client, token, "preliminary", "", conflicts="高文博，测试社工机构1，亲戚")
    assert "利益冲突（页面填写） 第 1 行「冲突类型」" in _text(bad)
    with Session(get_engine(database_url)) as session:
        assert session.exec(select(ConflictOfInterest)).all() == []
        assert len(session.exec(select(ReviewAssignment)).all()) == 2
    assert _events(database_url, "seat_panels") == []


def _on_notice(database_url: str, world: PortalWorld) -> None:
    """The committee decided: the proposal approved and on a 公示 from 2026-05-26 to 06-01."""
    with Session(get_engine(database_url)) as session:
        proposal = session.get(Proposal, world.proposal_id)
        assert proposal is not None
        proposal.status, proposal.stage = ProposalStatus.APPROVED, Stage.FINAL
        session.add(proposal)
        session.add(
            PublicNotice(
                call_id=proposal.call_id,
                published_on=date(2026, 5, 26),
                ends_on=date(2026, 6, 1),
            )
        )
        session.commit()


def test_an_objection_is_recorded_and_resolved_from_the_publicity_page(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    _on_notice(database_url, world)
    token = sign_in(client, "staff")
    page = _text(client.get("/officer/publicity").text)
    assert "2026-05-26" in page and "2026-06-01" in page and "尚未收到异议" in page

    late = client.post(
        "/officer/publicity/objections",
        data={
            "csrf_token": token,
            "proposal_id": world.proposal_id,
            "submitter": "居民甲",
            "text": "材料不实",
            "on": "2026-06-03",
        },
    )
    assert late.status_code == 400 and "公示期已于 2026-06-01 结束" in late.text
    lodged = client.post(
        "/officer/publicity/objections",
        data={
            "csrf_token": token,
            "proposal_id": world.proposal_id,
            "submitter": "居民甲",
            "contact": "13800001111",
            "text": "服务对象<script>名单</script>不实",
            "on": "2026-05-28",
        },
    )
    assert "异议已登记" in lodged.text and "&lt;script&gt;" in lodged.text
    with Session(get_engine(database_url)) as session:
        objection = session.exec(select(Objection)).one()
    assert objection.submitted_on == date(2026, 5, 28) and "13800001111" in objection.text

    resolved = client.post(
        f"/officer/publicity/objections/{objection.id}/resolve",
        data={
            "csrf_token": token,
            "outcome": "dismiss",
            "reason": "经核实属实",
            "on": "2026-05-30",
        },
    )
    assert "已处理：不成立" in resolved.text
    [event] = _events(database_url, "objection_dismissed")
    assert event.business_on == date(2026, 5, 30) and "街道专干" in event.actor
    with Session(get_engine(database_url)) as session:
        stored = session.exec(select(Objection)).one()
        assert (stored.status, stored.resolved_on) == ("dismissed", date(2026, 5, 30))
    twice = client.post(
        f"/officer/publicity/objections/{objection.id}/resolve",
        data={"csrf_token": token, "outcome": "uphold", "reason": "再议"},
    )
    assert twice.status_code == 400 and "已处理" in twice.text


def test_only_staff_and_admin_reach_the_selection_pages(client: TestClient) -> None:
    token = sign_in(client, "evaluator1")
    for path in ("/officer/selection", "/officer/publicity", "/officer/selection/sheet"):
        assert client.get(path).status_code == 403
    refused = client.post("/officer/selection/close", data={"csrf_token": token})
    assert refused.status_code == 403
    client.cookies.clear()
    sign_in(client, "admin")
    assert client.get("/officer/selection").status_code == 200


def test_the_pool_and_its_conflicts_can_be_uploaded_as_the_cli_takes_them(
    client: TestClient, world: PortalWorld, database_url: str
) -> None:
    token = sign_in(client, "staff")
    pool = "评审专家,工作单位\n评估专家甲,淮河学院\n评估专家乙,评估中心\n高文博,孵化中心\n".encode()
    conflicts = "评审专家,机构名称,冲突类型,说明\n高文博,测试社工机构2,曾任职,2019 年\n".encode()

    response = client.post(
        "/officer/selection/seat",
        data={"csrf_token": token, "stage": "preliminary", "on": "2026-05-21"},
        files={
            "reviewers_file": ("评审专家.csv", pool, "text/csv"),
            "conflicts_file": ("利益冲突.csv", conflicts, "text/csv"),
        },
    )

    assert "已安排 1 份申报书的初审评审专家组" in response.text
    assert "高文博 — 测试社工机构2（曾任职）" in response.text
    with Session(get_engine(database_url)) as session:
        assert len(session.exec(select(ConflictOfInterest)).all()) == 1
        assert len(session.exec(select(ReviewAssignment)).all()) == 3


def test_a_date_after_today_or_not_a_date_is_one_red_line(client: TestClient) -> None:
    token = sign_in(client, "staff")
    later = client.post("/officer/selection/close", data={"csrf_token": token, "on": "2099-01-01"})
    assert later.status_code == 400 and "结束日期 2099-01-01 晚于今天" in later.text
    typo = client.post("/officer/selection/close", data={"csrf_token": token, "on": "5月22日"})
    assert typo.status_code == 400 and "日期应为 2026-05-22 的格式" in typo.text
