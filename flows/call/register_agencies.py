"""Flow `register_agencies`: import the agency registry (社会组织名录) from CSV or XLSX.

Each agency is known by its unified social credit code, whose two check
characters are verified (GB 32100 and GB 11714), so a mistyped code is
refused with the row and the reason. A second file may carry the agencies'
track record from past cycles (grade and yellow cards per year). Both files
are read in full before anything is written; importing again updates each
agency's record instead of adding it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prefect import flow
from sqlmodel import Session

from flows.runtime import get_now, io_task, session_scope
from models.agency import Agency, AgencyTrackRecord
from models.credit_code import CreditCodeError, check_credit_code
from models.rows import Row, RowError, RowsRejected, read_all
from store import agencies
from store.spreadsheets import read_rows

AGENCY_COLUMNS = ("机构名称", "组织类型", "统一社会信用代码", "登记日期", "年检结果", "异常名录")
OPTIONAL_AGENCY_COLUMNS = ("年检年度", "严重违法失信名单", "联系人", "联系电话", "电子邮箱")
TRACK_RECORD_COLUMNS = ("机构名称", "年度", "评估等级", "黄牌次数")
YES_NO = {"是": "1", "否": ""}


@dataclass(frozen=True)
class TrackRecordRow:
    """One past-cycle result, still naming its agency."""

    agency: str
    record: AgencyTrackRecord


@dataclass(frozen=True)
class AgencySummary:
    """What the import did."""

    added: int = 0
    updated: int = 0
    track_records: int = 0
    errors: tuple[str, ...] = ()


def read_agency(row: Row, *, today: date | None = None) -> Agency:
    """Read one registry row, verifying the credit code; registered no later than `today`."""
    try:
        code = check_credit_code(row.text("统一社会信用代码", max_length=40))
    except CreditCodeError as wrong:
        raise row.error("统一社会信用代码", str(wrong)) from None
    year = row.text("年检年度", required=False, max_length=4)
    if year and not year.isdigit():
        raise row.error("年检年度", f"应为年份，如 2025，收到 {year!r}")
    return Agency(
        name=row.real_name("机构名称"),
        org_type=row.text("组织类型", max_length=40),
        credit_code=code,
        registered_on=row.day("登记日期", latest=today),
        annual_inspection=row.text("年检结果", required=False, max_length=20),
        inspection_year=int(year) if year else None,
        on_abnormal_list=row.choice("异常名录", YES_NO) == "1",
        on_serious_violation_list=bool(row.text("严重违法失信名单", required=False))
        and row.choice("严重违法失信名单", YES_NO) == "1",
        contact_name=row.text("联系人", required=False, max_length=50),
        contact_phone=row.text("联系电话", required=False, max_length=30),
        contact_email=row.text("电子邮箱", required=False, max_length=200),
    )


def read_track_record(row: Row) -> TrackRecordRow:
    """Read one past-cycle result row."""
    return TrackRecordRow(
        row.text("机构名称", max_length=200),
        AgencyTrackRecord(
            agency_id=0,
            year=row.count("年度", minimum=2000),
            grade=row.text("评估等级", required=False, max_length=20),
            yellow_cards=row.count("黄牌次数"),
        ),
    )


def read_registry(
    agencies_path: str, track_records_path: str = "", *, today: date | None = None
) -> tuple[list[Agency], list[TrackRecordRow]]:
    """Read and check the registry file and the optional track-record file."""
    rows = read_rows(Path(agencies_path), required=AGENCY_COLUMNS)
    found = read_all(rows, lambda row: read_agency(row, today=today))
    _refuse_duplicates(rows, found)
    records: list[TrackRecordRow] = []
    if track_records_path:
        records = read_all(
            read_rows(Path(track_records_path), required=TRACK_RECORD_COLUMNS), read_track_record
        )
    return found, records


def _refuse_duplicates(rows: list[Row], found: list[Agency]) -> None:
    errors, codes, names = [], {}, {}
    for row, agency in zip(rows, found, strict=True):
        for seen, value, column in (
            (codes, agency.credit_code, "统一社会信用代码"),
            (names, agency.name, "机构名称"),
        ):
            if value in seen:
                errors.append(row.error(column, f"与第 {seen[value]} 行重复"))
            seen.setdefault(value, row.number)
    if errors:
        raise RowsRejected(errors)


def store_registry(
    session: Session, found: list[Agency], records: list[TrackRecordRow]
) -> AgencySummary:
    """Add or update the agencies and their track records in the caller's transaction."""
    added = 0
    for agency in found:
        clash = [
            a
            for a in agencies.list_agencies(session)
            if a.name == agency.name and a.credit_code != agency.credit_code
        ]
        if clash:
            raise RowsRejected(
                [
                    RowError(
                        "社会组织名录",
                        0,
                        "机构名称",
                        f"「{agency.name}」已登记为信用代码 {clash[0].credit_code} 的机构",
                    )
                ]
            )
        _, is_new = agencies.add_agency(session, Agency.model_validate(agency.model_dump()))
        added += is_new
    ids = {a.name: a.id for a in agencies.list_agencies(session)}
    for item in records:
        if item.agency not in ids:
            raise RowsRejected(
                [RowError("往期记录", 0, "机构名称", f"未登记的机构：{item.agency!r}")]
            )
        item.record.agency_id = ids[item.agency]  # type: ignore[assignment]
        agencies.set_track_record(
            session, AgencyTrackRecord.model_validate(item.record.model_dump())
        )
    return AgencySummary(added, len(found) - added, len(records))


@io_task
def import_registry(agencies_path: str, track_records_path: str = "") -> AgencySummary:
    """Read both files, then write them in one transaction."""
    found, records = read_registry(agencies_path, track_records_path, today=get_now().date())
    with session_scope() as session:
        return store_registry(session, found, records)


@flow(name="register_agencies", log_prints=True)
def register_agencies(agencies_path: str, track_records_path: str = "") -> AgencySummary:
    """Import the agency registry and past results, all or nothing."""
    try:
        summary = import_registry(agencies_path, track_records_path)
    except RowsRejected as rejected:
        print(f"社会组织名录被拒绝：{rejected}")
        return AgencySummary(errors=tuple(str(e) for e in rejected.errors))
    except RowError as error:
        return AgencySummary(errors=(str(error),))
    print(
        f"社会组织：新增 {summary.added} 家，更新 {summary.updated} 家；往期记录 {summary.track_records} 条"
    )
    return summary
