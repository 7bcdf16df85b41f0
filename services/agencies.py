"""The agency registry (社会组织名录): reading the sheets and registering the agencies they list.

Each agency is known by its unified social credit code, whose two check
characters are verified (GB 32100 and GB 11714), so a mistyped code is refused
with the row and the reason. A second sheet may carry the agencies' track record
from past cycles (grade and yellow cards per year). Both sheets are read in full
before anything is written, every bad cell is named by its row and column, and
importing again updates each agency's record instead of adding it twice.

`register_agencies` is the use case every door calls (`gongyi agency import`
through the flow `register_agencies`, and the upload form on /officer/agencies):
staff and admins only, all or nothing, with one audit event. `store_registry`
is its write, for a caller that registers agencies inside its own transaction
(`flows.call.receive_bids`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from models.agency import Agency, AgencyTrackRecord
from models.credit_code import CreditCodeError, check_credit_code
from models.rows import Row, RowError, RowsRejected, read_all
from services import Actor, Forbidden, audit
from services.projects import OFFICE_ROLES
from store import agencies
from store.database import unit_of_work
from store.spreadsheets import read_rows

AGENCY_COLUMNS = ("机构名称", "组织类型", "统一社会信用代码", "登记日期", "年检结果", "异常名录")
OPTIONAL_AGENCY_COLUMNS = ("年检年度", "严重违法失信名单", "联系人", "联系电话", "电子邮箱")
TRACK_RECORD_COLUMNS = ("机构名称", "年度", "评估等级", "黄牌次数")
YES_NO = {"是": "1", "否": ""}


@dataclass(frozen=True)
class TrackRecordRow:
    """One past-cycle result, still naming its agency (and the row it came from)."""

    agency: str
    record: AgencyTrackRecord
    file: str = "往期记录"
    row: int = 0


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
        row.file,
        row.number,
    )


def _read(
    agencies_path: str, track_records_path: str | None, *, today: date | None
) -> tuple[list[Row], list[Agency], list[TrackRecordRow]]:
    rows = read_rows(Path(agencies_path), required=AGENCY_COLUMNS)
    found = read_all(rows, lambda row: read_agency(row, today=today))
    _refuse_duplicates(rows, found)
    records: list[TrackRecordRow] = []
    if track_records_path:
        records = read_all(
            read_rows(Path(track_records_path), required=TRACK_RECORD_COLUMNS), read_track_record
        )
    return rows, found, records


def read_registry(
    agencies_path: str, track_records_path: str | None = "", *, today: date | None = None
) -> tuple[list[Agency], list[TrackRecordRow]]:
    """Read and check the registry file and the optional track-record file."""
    _, found, records = _read(agencies_path, track_records_path, today=today)
    return found, records


def _refuse_duplicates(rows: list[Row], found: list[Agency]) -> None:
    errors: list[RowError] = []
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
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


def _problems(
    session: Session,
    found: list[Agency],
    records: list[TrackRecordRow],
    places: Sequence[tuple[str, int]],
) -> list[RowError]:
    """Every registry row whose name another code holds, every record of an unknown agency."""
    stored = agencies.list_agencies(session)
    codes = {a.name: a.credit_code for a in stored}
    problems = []
    for index, agency in enumerate(found):
        file, row = places[index] if index < len(places) else ("社会组织名录", 0)
        if agency.name in codes and codes[agency.name] != agency.credit_code:
            message = f"「{agency.name}」已登记为信用代码 {codes[agency.name]} 的机构"
            problems.append(RowError(file, row, "机构名称", message))
    known = set(codes) | {a.name for a in found}
    problems += [
        RowError(item.file, item.row, "机构名称", f"未登记的机构：{item.agency!r}")
        for item in records
        if item.agency not in known
    ]
    return problems


def store_registry(
    session: Session,
    found: list[Agency],
    records: list[TrackRecordRow],
    *,
    places: Sequence[tuple[str, int]] = (),
) -> AgencySummary:
    """Add or update the agencies and their track records in the caller's transaction.

    `places` gives each agency's (file, row) so a refusal names it; RowsRejected
    lists every problem before anything is written.
    """
    problems = _problems(session, found, records, places)
    if problems:
        raise RowsRejected(problems)
    added = 0
    for agency in found:
        _, is_new = agencies.add_agency(session, Agency.model_validate(agency.model_dump()))
        added += is_new
    ids = {a.name: a.id for a in agencies.list_agencies(session)}
    for item in records:
        item.record.agency_id = ids[item.agency]  # type: ignore[assignment]
        agencies.set_track_record(
            session, AgencyTrackRecord.model_validate(item.record.model_dump())
        )
    return AgencySummary(added, len(found) - added, len(records))


def register_agencies(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    agencies_path: str,
    track_records_path: str = "",
) -> AgencySummary:
    """Register the agencies of a registry sheet and their past results, all or nothing.

    Staff and admins only (Forbidden). Every bad cell is named in one RowsRejected
    (a RowError for a file that cannot be read) and nothing is written.
    """
    if actor.role not in OFFICE_ROLES:
        raise Forbidden("只有街道工作人员可以登记社会组织")
    rows, found, records = _read(agencies_path, track_records_path, today=now.date())
    places = [(row.file, row.number) for row in rows]
    with unit_of_work(session):
        summary = store_registry(session, found, records, places=places)
        audit.record(
            session,
            actor=actor,
            now=now,
            action="agency_registry",
            subject_type="agency",
            detail=(
                f"社会组织名录 {Path(agencies_path).name}：新增 {summary.added} 家，"
                f"更新 {summary.updated} 家；往期记录 {summary.track_records} 条"
            ),
        )
    return summary
