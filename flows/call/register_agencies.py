"""Flow `register_agencies`: import the agency registry (社会组织名录) from CSV or XLSX.

The reading, the checks (credit codes, repeated rows, names another code holds)
and the write are the use case `services.agencies.register_agencies`, which the
portal's upload form on /officer/agencies calls too; this flow runs it for
`gongyi agency import` and reports the outcome. Its names stay importable here
for the flows that register agencies inside their own transaction.
"""

from __future__ import annotations

from prefect import flow

from flows.runtime import get_now, io_task, session_scope
from models.rows import RowError, RowsRejected
from services import clerk
from services.agencies import (
    AGENCY_COLUMNS,
    OPTIONAL_AGENCY_COLUMNS,
    TRACK_RECORD_COLUMNS,
    AgencySummary,
    TrackRecordRow,
    read_agency,
    read_registry,
    read_track_record,
    store_registry,
)
from services.agencies import register_agencies as register_sheets

__all__ = [
    "AGENCY_COLUMNS",
    "OPTIONAL_AGENCY_COLUMNS",
    "TRACK_RECORD_COLUMNS",
    "AgencySummary",
    "TrackRecordRow",
    "import_registry",
    "read_agency",
    "read_registry",
    "read_track_record",
    "register_agencies",
    "store_registry",
]


@io_task
def import_registry(agencies_path: str, track_records_path: str = "") -> AgencySummary:
    """Read both files, then write them in one transaction (`services.agencies`)."""
    with session_scope() as session:
        return register_sheets(
            session,
            actor=clerk(),
            now=get_now(),
            agencies_path=agencies_path,
            track_records_path=track_records_path,
        )


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
