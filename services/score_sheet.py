"""Score sheets (评分表) of a scored stage: the blank sheet handed out, the filled one entered.

The blank sheet has one row per seat still to be scored, in the columns `gongyi
selection scores` and the portal's upload read back: 评审环节, 评审专家, 项目名称,
申报机构, 项目简介 and one column per criterion of the call (blind in 初审 when the
call says so). It is written as CSV for the CLI's folder of sheets, or as XLSX for the
portal's download. A filled sheet (CSV or XLSX) is read row by row, checked as a whole
by `services.reviews` (each problem named by its row and column) and stored all or
nothing with one audit event carrying the business date (`enter_score_sheet`), from
the CLI and the portal alike.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session

from models.call_rules import read_call_rules
from models.panel import AssignmentStatus
from models.rows import Row, RowError, RowsRejected
from models.selection_rules import read_selection_rules
from models.status import STAGE_LABELS, Role, Stage
from services import Actor, Forbidden, Refused
from services.business_day import business_day
from services.reviews import SHEET_ROLES, SheetScore, check_score_sheet, store_score_sheet
from store import calls, proposals, selection, users
from store.spreadsheets import read_rows

SHEET_COLUMNS = ("评审环节", "评审专家", "项目名称", "申报机构", "项目简介")
FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class BlankSheet:
    """A stage's blank score sheet: the header and one row per seat still to be scored."""

    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class SheetEntered:
    """A filled sheet stored: how many scores, and each proposal's normalised average."""

    scores: int
    averages: dict[int, float]


def criteria_of(session: Session, call_id: int) -> list[str]:
    """The names of the call's review criteria, in order: the sheet's score columns."""
    return [c.name for c in read_call_rules(calls.get_call(session, call_id).rules).review_criteria]


def blank_sheet(
    session: Session, *, call_id: int, stage: str, reviewer: str | None = None
) -> BlankSheet:
    """The stage's blank sheet (one reviewer's seats, or every seat still to be scored)."""
    call = calls.get_call(session, call_id)
    blind = read_selection_rules(call.rules).blind_preliminary and stage == Stage.PRELIMINARY
    criteria = criteria_of(session, call_id)
    names = {u.id: u.name for u in users.list_users(session, role=Role.EVALUATOR)}
    if reviewer is not None and reviewer not in names.values():
        raise LookupError(f"评审专家库中没有 {reviewer}")
    by_id = {p.id: p for p in proposals.list_proposals(session, call_id=call_id)}
    agencies = {a.id: a.name for a in calls.list_agencies(session)}
    label = STAGE_LABELS[Stage(stage)]
    rows = []
    for seat in selection.list_assignments(session, call_id=call_id, stage=stage):
        name = names.get(seat.reviewer_id)
        if seat.status != AssignmentStatus.ASSIGNED or name is None:
            continue
        if reviewer is not None and name != reviewer:
            continue
        p = by_id[seat.proposal_id]
        agency = "（盲审）" if blind else agencies.get(p.agency_id, "")
        rows.append([label, name, p.title, agency, p.summary, *[""] * len(criteria)])
    rows.sort(key=lambda r: (r[1], r[2]))
    return BlankSheet([*SHEET_COLUMNS, *criteria], rows)


def safe_cell(value: str) -> str:
    """Write a CSV cell so a spreadsheet never runs it as a formula."""
    return "'" + value if value[:1] in FORMULA_START else value


def write_sheet_csv(sheet: BlankSheet, target: Path) -> Path:
    """Write the blank sheet as CSV (UTF-8 with BOM, for Excel)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(sheet.header)
        writer.writerows([safe_cell(cell) for cell in row] for row in sheet.rows)
    return target


def sheet_xlsx_bytes(sheet: BlankSheet) -> bytes:
    """The blank sheet as an XLSX workbook; every cell is text, never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    page = workbook.active
    assert page is not None  # a new workbook has its one sheet
    page.title = "评分表"
    page.append(sheet.header)
    for row in sheet.rows:
        page.append(row)
    for cells in page.iter_rows():
        for cell in cells:
            if cell.data_type == "f":  # a title such as "=…" stays text
                cell.data_type = "s"
    for cell in page[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDE", (10, 12, 30, 24, 40), strict=True):
        page.column_dimensions[column].width = width
    page.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_sheet_xlsx(sheet: BlankSheet, target: Path) -> Path:
    """Write the blank sheet as an XLSX workbook."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(sheet_xlsx_bytes(sheet))
    return target


def _sheet_score(row: Row, criteria: list[str]) -> SheetScore:
    return SheetScore(
        file=row.file,
        row=row.number,
        reviewer=row.text("评审专家"),
        proposal=row.text("项目名称", max_length=200).removeprefix("'"),
        scores={name: row.count(name) for name in criteria},
    )


def read_score_sheet(
    session: Session, *, call_id: int, stage: str, path: Path, score_book: bool = False
) -> list[SheetScore]:
    """Read a filled sheet's rows of this stage and check them, storing nothing.

    Every bad cell and every refused row (not seated, stage closed, scored twice, …)
    is named in one `RowsRejected`, in row order; so is an empty or unreadable file.
    A sheet with no row for this stage gives an empty list. With `score_book` (the
    demo's book of every reviewer's opinion) rows of reviewers not seated are skipped.
    """
    criteria = criteria_of(session, call_id)
    label = STAGE_LABELS[Stage(stage)]
    try:
        rows = [
            r
            for r in read_rows(path, required=("评审专家", "项目名称", *criteria))
            if r.values.get("评审环节", label).strip() in (label, label[:2])
        ]
    except RowError as error:  # an empty or unreadable file, a missing column
        raise RowsRejected([error]) from None
    parsed: list[SheetScore] = []
    errors: list[RowError] = []
    for row in rows:
        try:
            parsed.append(_sheet_score(row, criteria))
        except RowError as error:
            errors.append(error)
    try:
        kept = check_score_sheet(
            session, call_id=call_id, stage=stage, rows=parsed, skip_unseated=score_book
        )
    except RowsRejected as rejected:
        errors += rejected.errors
    if errors:
        raise RowsRejected(sorted(errors, key=lambda e: e.row))
    return kept


def enter_score_sheet(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    call_id: int,
    stage: str,
    path: Path,
    on: date | None = None,
) -> SheetEntered:
    """Enter a filled sheet of the stage: read, checked and stored all or nothing, audited with `on`."""
    if actor.role not in SHEET_ROLES:
        raise Forbidden("评分表由街道工作人员录入")
    if on is not None:
        business_day(on, now=now, what="录入日期")
    rows = read_score_sheet(session, call_id=call_id, stage=stage, path=path)
    if not rows:
        raise Refused(
            f"评分表 {path.name} 中没有{STAGE_LABELS[Stage(stage)]}的评分行："
            "请按下发的评分表填写后再录入"
        )
    averages = store_score_sheet(
        session, actor=actor, now=now, call_id=call_id, stage=stage, rows=rows, on=on
    )
    return SheetEntered(len(rows), averages)
