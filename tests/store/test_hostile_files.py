"""A corpus of hostile files, generated here, through the readers and the importers (issue #17).

Every file is refused with the project's own error (`RowError` or `RowsRejected`,
one Chinese line naming the file, or the row and column), never a bare Python
exception, and nothing of it is written. The corpus: XML with a DTD or entities
(XXE, billion laughs), a truncated sheet, a `<dimension>` that hides a bad row,
a zip bomb, files that are not zips, numbers and dates out of bounds, control
characters and NUL. A workbook whose `<dimension>` understates its range is
imported whole.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from sqlmodel import Session, select

from models.call_file import read_rules_text
from models.categorisation import DEFAULT_DOMAINS
from models.fund import Donation, LedgerEntry
from models.need import Need
from models.report_rows import COLUMNS as REPORT_COLUMNS
from models.report_rows import read_report_row
from models.rows import RowError, RowsRejected, read_all
from services import SYSTEM, clerk
from services import fund as fund_service
from services import needs as needs_service
from services.fund import DONATION_COLUMNS
from services.needs import Classifying
from services.proposal_batch import (
    BUDGET_SHEET,
    KPI_SHEET,
    PROPOSAL_SHEET,
    SCHEDULE_SHEET,
    BidContext,
    parse_bids,
    read_bid_files,
)
from settings import PROJECT_ROOT
from store import cycles
from store.spreadsheets import MAX_UNPACKED_BYTES, read_rows
from tests.builders import DEMO_DIR, NEED_HEADER, need_row, write_csv

NOW = datetime(2026, 4, 30, 9, 0, tzinfo=UTC)
OFFICE = ZoneInfo("Asia/Shanghai")
STREET = "淮河路街道办事处"
TRAINING = PROJECT_ROOT / "data" / "needs_labelled.csv"
Cell = str | float

# --- building workbooks byte by byte (openpyxl would refuse to write most of these) ---

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XXE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def _cell(ref: str, value: Cell) -> str:
    if isinstance(value, float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def sheet_xml(
    rows: list[list[Cell]],
    *,
    dimension: str = "",
    prolog: str = "",
    padding: int = 0,
    far: str = "",
    last_row: int = 0,
) -> str:
    """A worksheet part of inline strings and numbers.

    `padding` adds that many blanks; `far` adds a cell in that column to every row;
    `last_row` adds one more row with that number.
    """
    extra = [(last_row, [rows[-1][0]])] if last_row else []
    body = "".join(
        f'<row r="{i}">'
        + "".join(_cell(f"{get_column_letter(j)}{i}", v) for j, v in enumerate(row, 1))
        + (_cell(f"{far}{i}", "远处的格") if far else "")
        + "</row>"
        for i, row in [*enumerate(rows, 1), *extra]
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{_MAIN}">{dim}'
        f"<sheetData>{body}{' ' * padding}</sheetData></worksheet>"
    )


def workbook(path: Path, sheets: dict[str, str | bytes], *, book_prolog: str = "") -> Path:
    """Write a minimal .xlsx holding `sheets` (name -> worksheet XML), in order."""
    count = range(1, len(sheets) + 1)
    book = (
        f'<?xml version="1.0" encoding="UTF-8"?>{book_prolog}<workbook xmlns="{_MAIN}" '
        f'xmlns:r="{_DOC}"><sheets>'
        + "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in zip(count, sheets, strict=True)
        )
        + "</sheets></workbook>"
    )
    book_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_DOC}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in count
        )
        + "</Relationships>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        f'ContentType="{_BOOK_TYPE}"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
            for i in count
        )
        + "</Types>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        for i, xml in zip(count, sheets.values(), strict=True):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return path


# --- the importers, each with a good row and the columns a hostile value goes into ---


@dataclass(frozen=True)
class Importer:
    """One importer: its header, a good row, and where text, a date and money go."""

    name: str
    header: tuple[str, ...]
    good: tuple[str, ...]
    text: str
    day: str | None
    money: str | None
    companions: dict[str, str]
    """Other sheets of its workbook (name -> demo CSV), for the proposal workbook."""

    def row(self, **cells: Cell) -> list[Cell]:
        """The good row with some cells replaced (column name -> value)."""
        values: list[Cell] = list(self.good)
        for column, value in cells.items():
            values[self.header.index(column)] = value
        return values

    def sheets(self, main: str | bytes) -> dict[str, str | bytes]:
        """Every sheet of the workbook: `main` first, then the companions from the demo."""
        found: dict[str, str | bytes] = {PROPOSAL_SHEET if self.companions else "Sheet1": main}
        for sheet, csv_name in self.companions.items():
            lines = (DEMO_DIR / csv_name).read_text(encoding="utf-8").splitlines()
            found[sheet] = sheet_xml([line.split(",") for line in lines])
        return found


def _demo_lines(name: str) -> list[list[str]]:
    import csv

    with (DEMO_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


_PROPOSALS = _demo_lines("proposals.csv")
NEEDS = Importer("needs", NEED_HEADER, tuple(need_row()), "需求内容", "提交日期", None, {})
GIFTS = Importer(
    "gifts",
    DONATION_COLUMNS,
    ("甲公司", "爱心企业", "2026-04-01", "500", ""),
    "捐赠方",
    "捐赠日期",
    "金额（元）",
    {},
)
DAILY = Importer(
    "daily",
    REPORT_COLUMNS,
    tuple(
        {"项目名称": "银龄互助", "日期": "2026-04-08", "服务摘要": "上门探访"}.get(c, "")
        for c in REPORT_COLUMNS
    ),
    "服务摘要",
    "日期",
    None,
    {},
)
PROPOSALS = Importer(
    "proposals",
    tuple(_PROPOSALS[0]),
    tuple(_PROPOSALS[1]),
    "项目简介",
    "提交时间",
    "申请金额（元）",
    {
        BUDGET_SHEET: "budget_lines.csv",
        KPI_SHEET: "kpis.csv",
        SCHEDULE_SHEET: "schedule.csv",
    },
)


Build = Callable[[Importer, Path], Path | None]


def _csv(importer: Importer, folder: Path, rows: list[list[Cell]]) -> Path:
    path = write_csv(folder / f"{importer.name}.csv", importer.header, rows)  # type: ignore[arg-type]
    if importer.companions:
        for csv_name in importer.companions.values():
            shutil.copy(DEMO_DIR / csv_name, folder / csv_name)
    return path


def _xlsx(importer: Importer, folder: Path, main: str | bytes, **options: str) -> Path:
    return workbook(folder / f"{importer.name}.xlsx", importer.sheets(main), **options)


def _rows_xlsx(importer: Importer, folder: Path, *rows: list[Cell], **options: str) -> Path:
    return _xlsx(importer, folder, sheet_xml([list(importer.header), *rows], **options))


def _entity(prolog: str, entity: str, *, encoding: str = "UTF-8") -> Build:
    """A sheet declaring entities and using one in a text cell."""

    def build(importer: Importer, folder: Path) -> Path:
        row = importer.row(**{importer.text: "ENTITY-HERE"})
        xml = sheet_xml([list(importer.header), row], prolog=prolog)
        xml = xml.replace("ENTITY-HERE", f"&{entity};").replace('"UTF-8"', f'"{encoding}"')
        return _xlsx(importer, folder, xml.encode(encoding))

    return build


def _in_row_2(importer: Importer, cell: str) -> str:
    """A good sheet with a raw cell put first into row 2."""
    xml = sheet_xml([list(importer.header), importer.row()])
    return xml.replace('<row r="2">', f'<row r="2">{cell}')


def _truncated_zip(importer: Importer, folder: Path) -> Path:
    path = _rows_xlsx(importer, folder, importer.row())
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def _hidden_bad_row(importer: Importer, folder: Path) -> Path:
    """A `<dimension>` that claims 2 rows, over 6: the bad 6th row must still be read."""
    rows = [importer.row()] * 4 + [importer.row(**{importer.text: "第五行\x85"})]
    last = get_column_letter(len(importer.header))
    return _rows_xlsx(importer, folder, *rows, dimension=f"A1:{last}2")


# name -> (how to build the file for an importer, or None where it does not apply; the message,
# a regular expression)
CORPUS: dict[str, tuple[Build, str]] = {
    "doctype-xxe": (_entity(XXE, "xxe"), "含有不允许的 XML 声明（DTD/实体）"),
    "doctype-xxe-in-utf-16": (
        _entity(XXE, "xxe", encoding="UTF-16"),
        "含有不允许的 XML 声明（DTD/实体）",
    ),
    "billion-laughs": (
        _entity(LAUGHS, "lol9"),
        "含有不允许的 XML 声明（DTD/实体）",
    ),
    "doctype-in-the-workbook-part": (
        lambda i, p: _xlsx(i, p, sheet_xml([list(i.header), i.row()]), book_prolog=XXE),
        "含有不允许的 XML 声明（DTD/实体）",
    ),
    "truncated-sheet-xml": (
        lambda i, p: _xlsx(i, p, sheet_xml([list(i.header), i.row(), i.row()])[:-60]),
        "文件已损坏或不完整",
    ),
    "shared-string-index-out-of-range": (
        lambda i, p: _xlsx(i, p, _in_row_2(i, '<c r="A2" t="s"><v>99</v></c>')),
        "文件已损坏或不完整",
    ),
    "number-cell-holding-text": (
        lambda i, p: _xlsx(i, p, _in_row_2(i, '<c r="A2"><v>abc</v></c>')),
        "文件已损坏或不完整",
    ),
    "understated-dimension-hides-a-bad-row": (
        _hidden_bad_row,
        "第 6 行「[^」]+」：不能包含控制字符",
    ),
    "zip-bomb": (
        lambda i, p: _xlsx(
            i, p, sheet_xml([list(i.header), i.row()], padding=MAX_UNPACKED_BYTES + 2**20)
        ),
        "疑似压缩炸弹",
    ),
    "a-cell-at-column-xfd-on-every-row": (
        lambda i, p: _rows_xlsx(i, p, *[i.row()] * 200, far="XFD"),
        "工作表超过 [0-9]+ 个单元格",
    ),
    "a-row-numbered-1048576": (
        lambda i, p: _rows_xlsx(i, p, i.row(), last_row=1_048_576),
        "工作表超过 100000 行",
    ),
    "not-a-zip": (
        lambda i, p: _write(p / f"{i.name}.xlsx", bytes(range(256)) * 64),
        "不是有效的 XLSX",
    ),
    "truncated-zip": (_truncated_zip, "不是有效的 XLSX"),
    "nul-in-sheet-xml": (
        lambda i, p: _xlsx(i, p, sheet_xml([list(i.header), i.row(**{i.text: "甲\x00乙"})])),
        "文件已损坏或不完整",
    ),
    "1e308-as-a-number-cell": (
        lambda i, p: _rows_xlsx(i, p, i.row(**{(i.money or i.text): 1e308})),
        "数值过大",
    ),
    "1e30-yuan": (
        lambda i, p: _csv(i, p, [i.row(**{i.money: "1e30"})]) if i.money else None,
        "金额超过 10,000,000,000 元上限",
    ),
    "1e308-yuan": (
        lambda i, p: _csv(i, p, [i.row(**{i.money: "1e308"})]) if i.money else None,
        "金额超过 10,000,000,000 元上限",
    ),
    "year-1": (
        lambda i, p: _csv(i, p, [i.row(**{i.day: _year_one(i)})]) if i.day else None,
        "早于 1950-01-01",
    ),
    "year-2101": (
        lambda i, p: _csv(i, p, [i.row(**{i.day: "2101-01-01"})]) if i.day else None,
        "晚于 2100-12-31|晚于今天",
    ),
    "c0-control-in-a-csv-cell": (
        lambda i, p: _csv(i, p, [i.row(**{i.text: "铃声\x07响起"})]),
        "不能包含控制字符",
    ),
    "c1-control-in-an-xlsx-cell": (
        lambda i, p: _rows_xlsx(i, p, i.row(**{i.text: "换行\x85符"})),
        "不能包含控制字符",
    ),
    "escape-in-a-csv-cell": (
        lambda i, p: _csv(i, p, [i.row(**{i.text: "\x1b[31m红字"})]),
        "不能包含控制字符",
    ),
    "nul-in-a-csv": (
        lambda i, p: _csv(i, p, [i.row(**{i.text: "甲\x00乙"})]),
        "不是文本 CSV 文件",
    ),
}


def _year_one(importer: Importer) -> str:
    return "0001-01-01 09:00" if importer is PROPOSALS else "0001-01-01"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _message(error: Exception) -> str:
    if isinstance(error, RowsRejected):
        return "\n".join(str(e) for e in error.errors)
    return str(error)


def _build(importer: Importer, case: str, folder: Path) -> Path:
    build, _ = CORPUS[case]
    path = build(importer, folder)
    if path is None:
        pytest.skip(f"{case} does not apply to {importer.name}")
    return path


def _refused(run: Callable[[], object], case: str) -> str:
    with pytest.raises((RowError, RowsRejected)) as refused:
        run()
    message = _message(refused.value)
    assert re.search(CORPUS[case][1], message), message
    assert "Traceback" not in message and "\n" not in str(refused.value).strip()
    return message


# --- the readers and importers without a database ---


@pytest.mark.parametrize("case", CORPUS)
def test_the_spreadsheet_reader_refuses_each_hostile_file_naming_it(
    tmp_path: Path, case: str
) -> None:
    path = _build(GIFTS, case, tmp_path)
    message = _refused(
        lambda: read_all(
            read_rows(path, required=DONATION_COLUMNS),
            lambda row: fund_service.read_cash(row, {}),
        ),
        case,
    )
    assert message.startswith(path.name)


@pytest.mark.parametrize("case", CORPUS)
def test_the_daily_report_import_refuses_each_hostile_file(tmp_path: Path, case: str) -> None:
    path = _build(DAILY, case, tmp_path)
    _refused(lambda: read_all(read_rows(path, required=REPORT_COLUMNS), read_report_row), case)


@pytest.mark.parametrize("case", CORPUS)
def test_the_proposal_workbook_reader_refuses_each_hostile_file(tmp_path: Path, case: str) -> None:
    path = _build(PROPOSALS, case, tmp_path)
    rules, _ = read_rules_text(
        (DEMO_DIR / "call.toml").read_text(encoding="utf-8"), file_name="call.toml"
    )
    context = BidContext(
        rules=rules,
        deadline=datetime(2030, 1, 1, tzinfo=OFFICE),
        agencies=frozenset(row[0] for row in _PROPOSALS[1:]),
        domains=frozenset(rules.domain_keys),
        communities=frozenset(row[3] for row in _PROPOSALS[1:]),
        need_ids=frozenset(range(1, 100)),
        now=NOW,
        tz=OFFICE,
    )
    _refused(lambda: parse_bids(read_bid_files(str(path)), context, submit=False), case)


def test_the_proposal_workbook_itself_is_read_whole_under_an_understated_dimension(
    tmp_path: Path,
) -> None:
    rows = [PROPOSALS.row(**{"项目名称": f"项目{n}"}) for n in range(1, 6)]
    path = _rows_xlsx(PROPOSALS, tmp_path, *rows, dimension="A1:B2")
    tables = read_bid_files(str(path))
    assert [r.values["项目名称"] for r in tables[PROPOSAL_SHEET]] == [
        f"项目{n}" for n in range(1, 6)
    ]


def test_openpyxl_parses_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


# --- the needs and gift imports on a real database: refused, and nothing written ---


@pytest.fixture
def cycle_id(session: Session) -> int:
    cycle = cycles.add_cycle(
        session,
        street_office=STREET,
        year=2026,
        name="2026年度公益创投",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
    )
    cycles.add_communities(session, street_office=STREET, names=["长淮社区", "龙湖社区"])
    cycles.add_domains(session, cycle_id=cycle.id or 0, seeds=DEFAULT_DOMAINS)
    session.commit()
    return cycle.id or 0


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return len(session.exec(select(model)).all())


def _import_needs(session: Session, cycle_id: int, path: Path, folder: Path) -> object:
    return needs_service.import_needs(
        session,
        actor=clerk(),
        now=NOW,
        cycle_id=cycle_id,
        path=path,
        classifying=Classifying(TRAINING, 0.6, folder / "classifier"),
    )


@pytest.mark.parametrize("case", CORPUS)
def test_the_needs_import_refuses_each_hostile_file_and_writes_nothing(
    session: Session, cycle_id: int, tmp_path: Path, case: str
) -> None:
    path = _build(NEEDS, case, tmp_path)
    _refused(lambda: _import_needs(session, cycle_id, path, tmp_path), case)
    assert _count(session, Need) == 0


@pytest.mark.parametrize("case", CORPUS)
def test_the_gift_import_refuses_each_hostile_file_and_writes_nothing(
    session: Session, cycle_id: int, tmp_path: Path, case: str
) -> None:
    path = _build(GIFTS, case, tmp_path)

    def run() -> object:
        gifts = fund_service.read_gifts(session, cycle_id=cycle_id, donations=path)
        return fund_service.store_gifts(
            session, actor=SYSTEM, now=NOW, cycle_id=cycle_id, fund_name="专项基金", gifts=gifts
        )

    _refused(run, case)
    assert (_count(session, Donation), _count(session, LedgerEntry)) == (0, 0)


@pytest.mark.one_backend
def test_a_needs_workbook_whose_dimension_understates_its_range_imports_all_five_rows(
    session: Session, cycle_id: int, tmp_path: Path
) -> None:
    texts = [
        "楼道堆满杂物",
        "路灯坏了很久",
        "独居老人无人照看",
        "儿童放学无处可去",
        "小区缺少健身器材",
    ]
    rows = [NEEDS.row(**{"需求内容": text}) for text in texts]
    path = _rows_xlsx(NEEDS, tmp_path, *rows, dimension="A1:G2")
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:G2"/>' in archive.read("xl/worksheets/sheet1.xml")

    assert [r.values["需求内容"] for r in read_rows(path, required=NEED_HEADER)] == texts
    summary = _import_needs(session, cycle_id, path, tmp_path)
    assert summary.rows == 5  # type: ignore[attr-defined]
    assert sorted(n.text for n in session.exec(select(Need))) == sorted(texts)
