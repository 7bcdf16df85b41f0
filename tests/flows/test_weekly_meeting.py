"""The 周例会: an agenda from the week's reports, minutes and action items tracked until done."""

from __future__ import annotations

import csv
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from flows.fund.fund_reports import issuing_office
from flows.monitoring.meeting_minutes import (
    add_action_item,
    close_action_item,
    read_action_sheet,
    record_minutes,
    store_minutes,
)
from flows.monitoring.weekly_meeting import build_agenda, prepare_agenda, weekly_meeting
from models.monitoring import ActionItem, DailyReport, WeeklyMeeting
from models.need import Need
from models.project import Project
from models.rows import RowsRejected
from models.status import ProjectStatus
from store import cycles
from tests.monitoring_builders import SHANGHAI, build_running_cycle, store_report, working_days

WEEK = date(2026, 6, 1)
NEXT_WEEK = date(2026, 6, 8)
ACTIONS = ("序号", "项目名称", "事项", "责任人", "完成时限", "完成情况", "完成日期", "说明")


def write_actions(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACTIONS)
        writer.writerows(rows)
    return path


def agenda(session: Session, cycle_id: int, week_start: date = WEEK) -> dict:  # type: ignore[type-arg]
    return build_agenda(session, cycle_id, week_start, as_of=datetime(2026, 7, 1, tzinfo=SHANGHAI))


def test_the_agenda_sets_each_projects_week_against_its_plan(session: Session) -> None:
    cycle = build_running_cycle(session, projects=2)
    for day in working_days(WEEK, date(2026, 6, 5)):
        store_report(session, cycle.project_ids[0], day, people=12)
    store_report(session, cycle.project_ids[1], WEEK, sent=datetime(2026, 6, 3, 9, tzinfo=SHANGHAI))
    progress = agenda(session, cycle.cycle_id)["progress"]
    # A month of 200 visits over June's 22 working days: 45 for a five-day week.
    assert [
        (p["reports_on_time"], p["reports_late"], p["people_served"], p["people_planned"])
        for p in progress
    ] == [
        (5, 0, 60, 45),
        (0, 1, 10, 45),
    ]


def test_the_agenda_counts_only_reports_in_when_the_meeting_began(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    store_report(
        session, cycle.project_ids[0], WEEK, sent=datetime(2026, 6, 8, 10, tzinfo=SHANGHAI)
    )
    before = build_agenda(
        session, cycle.cycle_id, WEEK, as_of=datetime(2026, 6, 8, 9, tzinfo=SHANGHAI)
    )
    assert before["progress"][0]["reports_late"] == 0


def test_issues_and_risks_from_the_reports_are_on_the_agenda(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    store_report(
        session, cycle.project_ids[0], date(2026, 6, 2), issues="场地被占用", risks="老人跌倒风险"
    )
    assert agenda(session, cycle.cycle_id)["issues"] == [
        {"project_title": "测试项目1", "day": "2026-06-02", "kind": "问题", "text": "场地被占用"},
        {"project_title": "测试项目1", "day": "2026-06-02", "kind": "风险", "text": "老人跌倒风险"},
    ]


def test_a_project_that_reported_little_is_on_the_agenda_as_at_risk(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    store_report(session, cycle.project_ids[0], WEEK, people=3)
    [risk] = agenda(session, cycle.cycle_id)["at_risk"]
    assert risk["reasons"] == ["日报告按时率 20%（低于 80%）", "产出完成 6.7%（低于计划的 70%）"]


def test_minutes_and_action_items_are_stored_all_or_nothing(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    prepare_agenda.fn(cycle.cycle_id, WEEK)
    bad = write_actions(
        tmp_path / "bad.csv",
        [
            ["1", "测试项目1", "补交日报告", "机构", "2026-06-12", "", "", ""],
            ["2", "没有的项目", "x", "机构", "2026-06-12", "", "", ""],
        ],
    )
    entries = read_action_sheet.fn(str(bad), NEXT_WEEK)
    with pytest.raises(RowsRejected) as refused:
        store_minutes.fn(cycle.cycle_id, WEEK, "会议记录", "各机构", "李晓雯", entries)
    assert [str(e) for e in refused.value.errors] == [
        "bad.csv 第 3 行「项目名称」：本周期没有服务项目「没有的项目」"
    ]
    session.expire_all()
    assert session.exec(select(ActionItem)).all() == []
    assert session.exec(select(WeeklyMeeting)).one().minutes == ""


def test_an_action_item_due_before_the_meeting_is_refused(tmp_path: Path) -> None:
    path = write_actions(tmp_path / "a.csv", [["1", "", "x", "机构", "2026-06-05", "", "", ""]])
    with pytest.raises(RowsRejected, match="1 处错误"):
        read_action_sheet.fn(str(path), NEXT_WEEK)


def test_an_open_item_past_its_date_is_on_the_next_agenda_until_done(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    prepare_agenda.fn(cycle.cycle_id, WEEK)
    sheet = write_actions(
        tmp_path / "a.csv", [["1", "测试项目1", "补交日报告", "机构", "2026-06-10", "", "", ""]]
    )
    store_minutes.fn(cycle.cycle_id, WEEK, "", "", "", read_action_sheet.fn(str(sheet), NEXT_WEEK))
    overdue = agenda(session, cycle.cycle_id, NEXT_WEEK)["overdue"]
    assert [(o["text"], o["due_on"]) for o in overdue] == [("补交日报告", "2026-06-10")]
    item = session.exec(select(ActionItem)).one()
    assert "已完成" in close_action_item.fn(item.id, "已补交", False, date(2026, 6, 11))
    session.expire_all()
    assert agenda(session, cycle.cycle_id, NEXT_WEEK)["overdue"] == []
    assert "已是该状态" in close_action_item.fn(item.id, "", False, None)


def test_importing_the_tracker_again_updates_the_same_items(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    prepare_agenda.fn(cycle.cycle_id, WEEK)
    rows = [
        ["1", "测试项目1", "补交日报告", "机构", "2026-06-12", "", "", ""],
        ["2", "", "核对台账", "各机构", "2026-06-12", "", "", ""],
    ]
    store_minutes.fn(
        cycle.cycle_id,
        WEEK,
        "",
        "",
        "",
        read_action_sheet.fn(str(write_actions(tmp_path / "a.csv", rows)), NEXT_WEEK),
    )
    rows[1][5:7] = ["已完成", "2026-06-11"]
    assert store_minutes.fn(
        cycle.cycle_id,
        WEEK,
        "",
        "",
        "",
        read_action_sheet.fn(str(write_actions(tmp_path / "b.csv", rows)), NEXT_WEEK),
    ) == (2, 1)
    session.expire_all()
    items = session.exec(select(ActionItem).order_by(ActionItem.seq)).all()
    assert [(i.seq, i.status, i.closed_on) for i in items] == [
        (1, "open", None),
        (2, "done", date(2026, 6, 11)),
    ]
    rows[1][5:7] = ["未完成", ""]
    with pytest.raises(RowsRejected, match="1 处错误"):
        store_minutes.fn(
            cycle.cycle_id,
            WEEK,
            "",
            "",
            "",
            read_action_sheet.fn(str(write_actions(tmp_path / "c.csv", rows)), NEXT_WEEK),
        )


def test_running_the_week_again_replaces_the_agenda_and_keeps_the_minutes(session: Session) -> None:
    cycle = build_running_cycle(session, projects=1)
    prepare_agenda.fn(cycle.cycle_id, WEEK)
    store_minutes.fn(cycle.cycle_id, WEEK, "一、通报情况。", "各机构", "李晓雯", [])
    store_report(session, cycle.project_ids[0], WEEK, issues="新问题")
    prepare_agenda.fn(cycle.cycle_id, WEEK)
    session.expire_all()
    meeting = session.exec(select(WeeklyMeeting)).one()
    assert meeting.minutes == "一、通报情况。"
    assert [i["text"] for i in meeting.agenda["issues"]] == ["新问题"]


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.one_backend
def test_the_meeting_prints_an_agenda_then_the_minutes_as_a_pdf(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=2)
    store_report(session, cycle.project_ids[0], WEEK, risks="家属电话13812345678，需回访")
    first = weekly_meeting(cycle.cycle_id, WEEK)
    assert Path(first.pdf).name == "周例会议程-2026-06-08.pdf"
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("一、通报上周日报告。\n二、测试项目2说明缺交原因。", encoding="utf-8")
    sheet = write_actions(
        tmp_path / "a.csv",
        [["1", "测试项目2", "补交日报告", "测试社工机构2", "2026-06-12", "", "", ""]],
    )
    result = record_minutes(
        WEEK, str(minutes), str(sheet), "各机构负责人", "李晓雯", cycle.cycle_id
    )
    assert (result.action_items, result.errors) == (1, ())
    # The agenda printed before the meeting stays as it was published.
    assert Path(first.pdf).exists() and Path(result.pdf).name == "周例会纪要-2026-06-08.pdf"
    text = subprocess.run(
        ["pdftotext", result.pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "周例会纪要" in text and "测试项目2说明缺交原因" in text and "补交日报告" in text
    assert "138****5678" in text and "13812345678" not in text
    meta = subprocess.run(
        ["pdfinfo", "-meta", result.pdf], capture_output=True, text=True, check=True
    ).stdout
    assert 'pdfaid:part="3"' in meta


def _pdf_text(path: str) -> str:
    return subprocess.run(
        ["pdftotext", path, "-"], capture_output=True, text=True, check=True
    ).stdout


def _add_need_contact(session: Session, cycle_id: int, name: str) -> None:
    community = cycles.list_communities(session, street_office="淮河路街道办事处")[0]
    session.add(
        Need(
            cycle_id=cycle_id,
            community_id=community.id,  # type: ignore[arg-type]
            text="希望有人上门看看",
            submitted_on=date(2026, 3, 2),
            contact_name=name,
            contact_phone="13955501235",
            fingerprint=f"need-{name}",
        )
    )
    session.commit()


@pytest.mark.usefixtures("prefect_harness")
def test_the_agenda_and_minutes_carry_the_meetings_date_and_are_named_for_it(
    session: Session, tmp_path: Path
) -> None:
    # Printed in December (the wall clock) about the meeting held on Monday 8 June.
    cycle = build_running_cycle(session, projects=1)
    store_report(session, cycle.project_ids[0], WEEK)
    agenda_pdf = weekly_meeting(cycle.cycle_id, WEEK).pdf
    assert Path(agenda_pdf).name == "周例会议程-2026-06-08.pdf"
    assert Path(agenda_pdf).parent.name == "2026-06"
    text = _pdf_text(agenda_pdf)
    assert "生成日期：2026年6月8日" in text and "会议日期 2026年6月8日" in text
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("一、通报上周日报告。", encoding="utf-8")
    # The minutes are typed in a week later, and printed again later still.
    result = record_minutes(
        WEEK, str(minutes), None, "", "李晓雯", cycle.cycle_id, date(2026, 6, 15)
    )
    assert Path(result.pdf).name == "周例会纪要-2026-06-08.pdf"
    assert "生成日期：2026年6月8日" in _pdf_text(result.pdf)
    again = record_minutes(WEEK, str(minutes), None, "", "李晓雯", cycle.cycle_id)
    assert again.pdf == result.pdf and "生成日期：2026年6月8日" in _pdf_text(again.pdf)
    assert Path(agenda_pdf).exists()


@pytest.mark.usefixtures("prefect_harness")
def test_an_earlier_weeks_agenda_is_the_same_after_the_cycle_has_moved_on(
    session: Session, tmp_path: Path
) -> None:
    """Built again after the close, a June agenda still shows June: projects, reports, items."""
    cycle = build_running_cycle(session, projects=2)
    for day in working_days(NEXT_WEEK, date(2026, 6, 12)):
        store_report(session, cycle.project_ids[0], day, people=12, issues="场地被占用")
    store_report(session, cycle.project_ids[1], NEXT_WEEK, people=4)
    prepare_agenda.fn(cycle.cycle_id, WEEK)
    sheet = write_actions(
        tmp_path / "a.csv", [["1", "测试项目1", "补交日报告", "机构", "2026-06-10", "", "", ""]]
    )
    store_minutes.fn(cycle.cycle_id, WEEK, "", "", "", read_action_sheet.fn(str(sheet), NEXT_WEEK))
    first = weekly_meeting(cycle.cycle_id, NEXT_WEEK)
    before = _pdf_text(first.pdf)
    assert "本周日报告应交 10 份，已交 6 份" in first.headline
    assert first.overdue_items == 1

    # Later: the item is done, a report is corrected, and the close completes both projects.
    item = session.exec(select(ActionItem)).one()
    close_action_item.fn(item.id, "已补交", False, date(2026, 6, 20))
    old = session.exec(
        select(DailyReport).where(DailyReport.project_id == cycle.project_ids[1])
    ).one()
    old.is_current = False
    session.add(old)
    session.add(
        DailyReport(
            project_id=old.project_id,
            day=old.day,
            version=2,
            first_submitted_at=old.first_submitted_at,
            submitted_at=datetime(2026, 7, 2, 10, tzinfo=SHANGHAI),
            people_served=40,
            issues="更正后的问题",
        )
    )
    for project in session.exec(select(Project)).all():
        project.status = ProjectStatus.COMPLETED
        session.add(project)
    session.commit()
    # A person named later as a 责任人 is masked from then on; this agenda never named him.
    assert (
        add_action_item(
            WEEK, "回访", "孙建国", date(2026, 6, 19), "测试项目1", cycle.cycle_id
        ).errors
        == ()
    )

    again = weekly_meeting(cycle.cycle_id, NEXT_WEEK)
    assert again.pdf == first.pdf
    assert (again.headline, again.overdue_items, again.issues) == (
        first.headline,
        first.overdue_items,
        first.issues,
    )
    assert _pdf_text(again.pdf) == before


@pytest.mark.usefixtures("prefect_harness")
def test_the_minutes_mask_the_names_of_the_people_the_cycle_knows(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    _add_need_contact(session, cycle.cycle_id, "钱秀梅")
    store_report(
        session, cycle.project_ids[0], WEEK, risks="孙建国老人摔倒，已联系钱秀梅（tel13955501235）"
    )
    weekly_meeting(cycle.cycle_id, WEEK)
    minutes = tmp_path / "minutes.txt"
    minutes.write_text(
        "一、钱秀梅反映楼道灯坏了，孙建国负责联系物业，ID340302195001011235。", encoding="utf-8"
    )
    sheet = write_actions(
        tmp_path / "a.csv",
        [
            [
                "1",
                "测试项目1",
                "与钱秀梅核实需求，电话138.1234.5670",
                "孙建国",
                "2026-06-12",
                "",
                "",
                "",
            ]
        ],
    )
    result = record_minutes(
        WEEK, str(minutes), str(sheet), "钱秀梅等居民代表", "李晓雯13912345678", cycle.cycle_id
    )
    assert result.errors == ()
    text = "".join(_pdf_text(result.pdf).split())
    for leak in (
        "钱秀梅",
        "孙建国",
        "13955501235",
        "13812345670",
        "138.1234.5670",
        "340302195001011235",
        "13912345678",
    ):
        assert leak not in text, leak
    assert "钱**" in text and "孙**" in text and "340302********1235" in text


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.one_backend
def test_minutes_changed_after_publication_get_a_second_edition_beside_the_first(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    weekly_meeting(cycle.cycle_id, WEEK)
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("一、通报上周日报告。", encoding="utf-8")
    sheet = write_actions(
        tmp_path / "a.csv", [["1", "测试项目1", "补交日报告", "机构", "2026-06-12", "", "", ""]]
    )
    first = record_minutes(WEEK, str(minutes), str(sheet), "", "李晓雯", cycle.cycle_id)
    same = record_minutes(WEEK, str(minutes), str(sheet), "", "李晓雯", cycle.cycle_id)
    assert same.pdf == first.pdf and "第2版" not in _pdf_text(first.pdf)
    item = session.exec(select(ActionItem)).one()
    close_action_item.fn(item.id, "已补交", False, date(2026, 6, 11))
    # Closing an item after the meeting does not change its minutes: as of 6月8日 it was 进行中.
    again = record_minutes(WEEK, str(minutes), None, "", "李晓雯", cycle.cycle_id)
    assert again.pdf == first.pdf and "第2版" not in _pdf_text(first.pdf)
    minutes.write_text("一、通报上周日报告。\n二、补记：测试项目1说明原因。", encoding="utf-8")
    later = record_minutes(WEEK, str(minutes), None, "", "李晓雯", cycle.cycle_id)
    assert later.pdf != first.pdf and Path(first.pdf).exists()
    assert "进行中" in _pdf_text(first.pdf)
    text = _pdf_text(later.pdf)
    assert "第2版" in text and "补记" in text
    assert "已完成" not in text and "6月11日" not in text and "进行中" in text


def _without_office_contact(session: Session, cycle_id: int, text: str) -> str:
    # The office's public mailbox may read gongyi@…: that is contact, not a command.
    office = issuing_office(session, cycle_id)
    for contact in filter(None, (office.email, office.phone)):
        text = text.replace(contact, "")
    return text


@pytest.mark.usefixtures("prefect_harness")
def test_the_minutes_name_the_host_count_missing_reports_and_print_no_command(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    store_report(session, cycle.project_ids[0], WEEK)
    store_report(
        session,
        cycle.project_ids[0],
        date(2026, 6, 2),
        sent=datetime(2026, 6, 4, 9, tzinfo=SHANGHAI),
    )
    agenda_pdf = weekly_meeting(cycle.cycle_id, WEEK).pdf
    text = _pdf_text(agenda_pdf)
    assert "gongyi" not in _without_office_contact(session, cycle.cycle_id, text)
    assert "缺交" in text and "主持单位" in text and "主持人（签字）" in text
    layout = subprocess.run(
        ["pdftotext", "-layout", agenda_pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    row = next(
        line for line in layout.splitlines() if "测试项目1" in line and "测试社工机构1" in line
    )
    # 应交 5, 按时 1, 迟交 1, 缺交 3 (then 服务人次 and the week's plan).
    assert row.split()[3:7] == ["5", "1", "1", "3"], row
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("一、通报上周日报告。", encoding="utf-8")
    done = record_minutes(
        WEEK, str(minutes), None, "各机构负责人", "李晓雯", cycle.cycle_id, host="周振华"
    )
    text = _pdf_text(done.pdf)
    office = cycles.get_cycle(session, cycle.cycle_id).street_office
    assert (
        f"主持单位 {office}" in text
        or f"主持单位\n{office}" in text
        or f"主持单位：{office}" in text
    )
    assert "主持人：周振华" in text and "主持人（签字）" not in text
    assert "gongyi" not in _without_office_contact(session, cycle.cycle_id, text)
    assert "缺交" in text
