"""Reading rows that people typed: one error type that names file, row and column.

Imports from spreadsheets go through these readers so every refusal tells the
clerk exactly where to look, in Chinese, and an import stops before writing.
A text with control characters, an amount, count or date out of bounds
(`models.cells`) is refused here, naming its row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TypeVar

from models.cells import amount_problem, day_problem, quantity_problem
from models.money import MoneyError, parse_yuan
from models.text import text_problem

T = TypeVar("T")


class RowError(Exception):
    """A bad value in one cell of an imported file."""

    def __init__(self, file: str, row: int, column: str, message: str) -> None:
        super().__init__(file, row, column, message)
        self.file, self.row, self.column, self.message = file, row, column, message

    def __str__(self) -> str:
        # Row 0 is the file as a whole (a missing header, an unreadable file).
        if self.row <= 0:
            where = f"「{self.column}」" if self.column not in ("", "-") else ""
            return f"{self.file}{where}：{self.message}"
        return f"{self.file} 第 {self.row} 行「{self.column}」：{self.message}"


class RowsRejected(ValueError):
    """A file with bad rows; nothing of it was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} 处错误，未写入任何数据")
        self.errors = errors


EXAMPLE_MARK = "示例"
"""What every example name in a downloadable sheet template contains (services.sheet_templates)."""


@dataclass(frozen=True)
class Row:
    """One data row of a file, with its position for error messages."""

    file: str
    number: int
    values: Mapping[str, str]

    def error(self, column: str, message: str) -> RowError:
        """Build the error for a bad value in `column` of this row."""
        return RowError(self.file, self.number, column, message)

    def text(self, column: str, *, required: bool = True, max_length: int = 500) -> str:
        """Read a text cell, stripped (a control character is refused before stripping)."""
        raw = self.values.get(column) or ""
        problem = text_problem(raw)
        if problem is not None:
            raise self.error(column, problem)
        value = raw.strip()
        if required and not value:
            raise self.error(column, "不能为空")
        if len(value) > max_length:
            raise self.error(column, f"超过 {max_length} 字")
        return value

    def real_name(self, column: str, *, max_length: int = 200) -> str:
        """Read a name that records something real (a donor, an agency): the templates'
        example names carry EXAMPLE_MARK, so a template sent back unchanged is refused."""
        value = self.text(column, max_length=max_length)
        if EXAMPLE_MARK in value:
            raise self.error(
                column, f"「{value}」是模板的示例行：请改为实际内容，或删除这一行后再导入"
            )
        return value

    def day(self, column: str, *, earliest: date | None = None, latest: date | None = None) -> date:
        """Read a date cell written as YYYY-MM-DD (or YYYY/MM/DD), within the bounds."""
        value = self.text(column).replace("/", "-")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise self.error(column, f"日期格式应为 2026-03-01，收到 {value!r}") from None
        problem = day_problem(day, earliest=earliest, latest=latest)
        if problem is not None:
            raise self.error(column, problem)
        return day

    def moment(self, column: str, *, tz: tzinfo) -> datetime:
        """Read a date and time cell written as YYYY-MM-DD HH:MM, local to `tz`."""
        value = self.text(column).replace("/", "-")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.error(column, f"时间格式应为 2026-05-01 14:30，收到 {value!r}") from None
        problem = day_problem(moment.date())
        if problem is not None:
            raise self.error(column, problem)
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)

    def fen(self, column: str, *, required: bool = True) -> int | None:
        """Read a yuan amount cell as integer fen."""
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            amount = parse_yuan(value)
        except MoneyError as exc:
            raise self.error(column, str(exc)) from None
        problem = amount_problem(amount)
        if problem is not None:
            raise self.error(column, problem)
        return amount

    def count(self, column: str, *, minimum: int = 0) -> int:
        """Read a whole-number cell."""
        value = self.text(column)
        try:
            number = int(value)
        except ValueError:
            raise self.error(column, f"应为整数，收到 {value!r}") from None
        if number < minimum:
            raise self.error(column, f"不能小于 {minimum}")
        problem = quantity_problem(number)
        if problem is not None:
            raise self.error(column, problem)
        return number

    def choice(self, column: str, choices: Mapping[str, str]) -> str:
        """Read a cell that must be one of `choices` (label -> stored value)."""
        value = self.text(column)
        if value not in choices:
            raise self.error(column, f"应为 {' / '.join(choices)} 之一，收到 {value!r}")
        return choices[value]


def read_all(rows: Iterable[Row], read: Callable[[Row], T]) -> list[T]:
    """Read every row; if any is bad, raise `RowsRejected` listing them all."""
    values: list[T] = []
    errors: list[RowError] = []
    for row in rows:
        try:
            values.append(read(row))
        except RowError as error:
            errors.append(error)
    if errors:
        raise RowsRejected(errors)
    return values
