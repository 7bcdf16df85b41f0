"""Each sheet template goes round: written, its example row filled in, read back by the real reader.

That the reader takes the written header proves the template's columns are the
ones it accepts. Where the example row names a project or a community, a
template sent back unchanged is refused naming that row; so the test fills in
the world's names, as a clerk would.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from flows.call.register_agencies import read_registry
from flows.closing.final_evaluation import read_final_sheet
from flows.monitoring.evaluation_scores import read_score_sheet
from flows.monitoring.meeting_minutes import read_action_sheet
from models.rows import RowError, RowsRejected
from services import fund, needs
from services.sheet_templates import (
    EXAMPLE_PROJECT,
    GUIDE_SHEET,
    TEMPLATES,
    SheetTemplate,
    score_template,
    write_sheet,
)
from tests.monitoring_builders import build_running_cycle


def written(template: SheetTemplate, folder: Path, **filled: str) -> Path:
    """Write the template, then put `filled` values into its example row (as a clerk would)."""
    path = write_sheet(template, folder / template.file_name)
    workbook = load_workbook(path)
    sheet = workbook[template.title]
    for cell in sheet[1]:
        if cell.value in filled:
            sheet.cell(row=2, column=cell.column, value=filled[str(cell.value)])
    workbook.save(path)
    return path


def test_every_template_has_its_header_an_example_row_and_a_guide_to_each_column(
    tmp_path: Path,
) -> None:
    for template in TEMPLATES.values():
        workbook = load_workbook(write_sheet(template, tmp_path / template.file_name))
        assert workbook.sheetnames == [template.title, GUIDE_SHEET]
        sheet = workbook[template.title]
        assert [c.value for c in sheet[1]] == template.header
        assert [c.value or "" for c in sheet[2]] == [c.example for c in template.columns]
        assert all(sheet.column_dimensions[c.column_letter].width >= 12 for c in sheet[1])
        guide = [row for row in workbook[GUIDE_SHEET].iter_rows(values_only=True)]
        listed = {row[0]: row[1] for row in guide if row and row[1] in ("必填", "选填")}
        assert listed == {c.name: "必填" if c.required else "选填" for c in template.columns}


def test_the_needs_template_round_trips_and_its_example_community_is_refused(
    session: Session, tmp_path: Path
) -> None:
    cycle = build_running_cycle(session, projects=1)
    template = TEMPLATES["needs"]
    unchanged = needs.check_need_file(
        session,
        cycle_id=cycle.cycle_id,
        path=write_sheet(template, tmp_path / "as-is.xlsx"),
        today=date(2026, 3, 31),
    )
    assert [(e.row, e.column) for e in unchanged.errors] == [(2, "社区")]
    path = written(template, tmp_path, 社区="长淮社区")
    checked = needs.check_need_file(
        session, cycle_id=cycle.cycle_id, path=path, today=date(2026, 3, 31)
    )
    assert checked.errors == []
    [row] = checked.rows
    assert (row.community, row.source, row.submitted_on) == ("长淮社区", "网格员", date(2026, 3, 2))
    assert row.contact_phone == "13800001234"


def test_the_agency_and_track_record_templates_round_trip(tmp_path: Path) -> None:
    as_is = write_sheet(TEMPLATES["agencies"], tmp_path / "as-is.xlsx")
    with pytest.raises(RowsRejected) as refused:
        read_registry(str(as_is), None, today=date(2026, 3, 1))
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "机构名称")]
    registry = written(TEMPLATES["agencies"], tmp_path, 机构名称="蚌埠市淮上社会工作服务中心")
    records = written(TEMPLATES["track_records"], tmp_path, 机构名称="蚌埠市淮上社会工作服务中心")
    [agency], [record] = read_registry(str(registry), str(records), today=date(2026, 3, 1))
    assert (agency.credit_code, agency.registered_on) == ("52340300MA2N0X5K78", date(2019, 5, 20))
    assert agency.on_abnormal_list is False and agency.inspection_year == 2025
    assert (record.agency, record.record.year, record.record.yellow_cards) == (agency.name, 2025, 0)


def test_the_gift_templates_round_trip(session: Session, tmp_path: Path) -> None:
    cycle = build_running_cycle(session, projects=1)
    # Sent back unchanged, the example gift (示例爱心企业有限公司, 10,000 元) is never recorded.
    with pytest.raises(RowsRejected) as refused:
        fund.read_gifts(
            session,
            cycle_id=cycle.cycle_id,
            donations=write_sheet(TEMPLATES["donations"], tmp_path / "as-is.xlsx"),
            in_kind=None,
        )
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "捐赠方")]
    cash, kind = fund.read_gifts(
        session,
        cycle_id=cycle.cycle_id,
        donations=written(TEMPLATES["donations"], tmp_path, 捐赠方="淮上爱心企业有限公司"),
        in_kind=written(TEMPLATES["in_kind"], tmp_path, 捐赠方="淮上超市"),
    )
    assert (cash.donor_name, cash.amount_fen, cash.restricted_domain_id) == (
        "淮上爱心企业有限公司",
        1_000_000,
        None,
    )
    assert (kind.category, kind.valuation_fen, kind.donated_on) == (
        "goods",
        80_000,
        date(2026, 3, 20),
    )


def test_the_action_item_template_round_trips(tmp_path: Path) -> None:
    path = written(TEMPLATES["actions"], tmp_path, 项目名称="长者助餐")
    [item] = read_action_sheet.fn(str(path), date(2026, 7, 6))
    assert (item.seq, item.project, item.owner, item.due_on) == (
        1,
        "长者助餐",
        "王社工",
        date(2026, 7, 10),
    )
    with pytest.raises((RowsRejected, RowError)):
        read_action_sheet.fn(str(path), date(2026, 7, 20))  # due before the meeting


@pytest.mark.parametrize("final", [False, True])
def test_the_score_templates_carry_the_cycles_criteria_and_round_trip(
    session: Session, tmp_path: Path, final: bool
) -> None:
    cycle = build_running_cycle(session, projects=1)
    template = score_template(session, cycle_id=cycle.cycle_id, final=final)
    criteria = list(template.criteria)
    assert criteria and template.header[:2] == ["评估专家", "项目名称"]
    assert template.header[2 : 2 + len(criteria)] == criteria
    path = written(template, tmp_path, 项目名称=cycle.titles[0])
    reader = read_final_sheet if final else read_score_sheet
    [row] = reader.fn(cycle.cycle_id, str(path))
    assert (row.evaluator, row.title) == ("评估专家甲", cycle.titles[0])
    assert row.scores == dict.fromkeys(criteria, 85)
    assert row.funds_misused is False
    assert EXAMPLE_PROJECT in [c.example for c in template.columns]
