"""Reading a call's rules file as text, so every refusal names the line.

`tomllib` parses TOML but forgets where each value came from. This module
scans the same text once more and maps every key path — a section header,
a key, the n-th entry of an array — to its line, so an unknown key, a
wrongly typed value or an inconsistency is reported as
`call.toml 第 28 行：…`. The scan understands headers, dotted keys, quoted
strings (including multi-line ones), comments and nested arrays; a path it
cannot find falls back to the nearest enclosing key it can.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time
from typing import Any

from models.call_keys import Path, RulesError
from models.call_rules import CallRules, read_call_rules

_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def read_rules_text(text: str, *, file_name: str) -> tuple[CallRules, dict[str, Any]]:
    """Parse and check a rules file; return its standards and its JSON-safe data."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _AT_LINE.search(str(exc))
        line = int(found.group(1)) if found else text.count("\n") + 1
        reason = _AT_LINE.sub("", str(exc)).strip()
        raise RulesError(f"{file_name} 第 {line} 行：TOML 格式错误（{reason}）") from None
    plain = to_plain(data)
    try:
        return read_call_rules(plain), plain
    except RulesError as error:
        raise locate_error(error, text=text, file_name=file_name) from None


def locate_error(error: RulesError, *, text: str, file_name: str) -> RulesError:
    """Return the same error with the file name and the line of its key in front."""
    line = locate_line(text, error.path)
    return RulesError(f"{file_name} 第 {line} 行：{error.message}", path=error.path)


def to_plain(value: Any) -> Any:
    """Turn TOML dates and times into ISO text so the rules can be stored as JSON."""
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def locate_line(text: str, path: Path) -> int:
    """Return the line of the key at `path`, or of the nearest enclosing one, or 1."""
    found = index_lines(text)
    probe = tuple(path)
    while probe:
        if probe in found:
            return found[probe]
        probe = probe[:-1]
    return 1


def index_lines(text: str) -> dict[Path, int]:
    """Map every header, key and array entry of a TOML text to its first line."""
    scan = _Scan(text)
    scan.run()
    return scan.found


class _Scan:
    """One pass over the text, tracking the current table, nesting and line."""

    def __init__(self, text: str) -> None:
        self.text, self.i, self.line = text, 0, 1
        self.found: dict[Path, int] = {}
        self.table: Path = ()
        self.tables_seen: dict[Path, int] = {}
        self.key: Path | None = None
        self.depth, self.element = 0, 0
        self.line_start = True

    def run(self) -> None:
        while self.i < len(self.text):
            c = self.text[self.i]
            if c == "\n":
                self.line, self.line_start = self.line + 1, True
                self.i += 1
            elif c in " \t\r":
                self.i += 1
            elif c == "#":
                self._skip_to_line_end()
            elif self.depth == 0 and self.line_start:
                # A line that starts a header or a key, quoted or bare.
                if c == "[":
                    self._header()
                else:
                    self._key()
            elif c in "\"'":
                self._skip_string()
            else:
                self._bracket(c)

    def _bracket(self, c: str) -> None:
        self.line_start = False
        if c in "[{":
            if self.depth == 1 and self.key is not None:
                self.found.setdefault((*self.key, self.element), self.line)
                self.element += 1
            self.depth += 1
        elif c in "]}":
            self.depth = max(self.depth - 1, 0)
        self.i += 1

    def _header(self) -> None:
        end = self._line_end()
        raw = self.text[self.i : end].split("#")[0].strip()
        if raw.startswith("[["):
            parts = split_key(raw[2:].rstrip("]"))
            index = self.tables_seen.get(parts, 0)
            self.tables_seen[parts] = index + 1
            self.found.setdefault(parts, self.line)
            self.table = (*parts, index)
        else:
            self.table = split_key(raw[1:].rstrip("]"))
        self.found.setdefault(self.table, self.line)
        self.key, self.i = None, end

    def _key(self) -> None:
        end = self._line_end()
        equals = self.text.find("=", self.i, end)
        if equals < 0:
            self._skip_to_line_end()
            return
        self.key = (*self.table, *split_key(self.text[self.i : equals]))
        self.found.setdefault(self.key, self.line)
        self.element, self.line_start, self.i = 0, False, equals + 1

    def _skip_string(self) -> None:
        quote = self.text[self.i]
        triple = self.text.startswith(quote * 3, self.i)
        closing = quote * 3 if triple else quote
        j = self.i + len(closing)
        while j < len(self.text) and not self.text.startswith(closing, j):
            if self.text[j] == "\\" and quote == '"':
                j += 1
            elif self.text[j] == "\n" and not triple:
                break
            j += 1
        end = min(j + len(closing), len(self.text))
        self.line += self.text.count("\n", self.i, end)
        self.line_start, self.i = False, end

    def _line_end(self) -> int:
        end = self.text.find("\n", self.i)
        return len(self.text) if end < 0 else end

    def _skip_to_line_end(self) -> None:
        self.i = self._line_end()


def split_key(raw: str) -> tuple[str, ...]:
    """Split a dotted TOML key into its parts, unquoting quoted ones."""
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s]+)', raw.strip())
    return tuple(next(p for p in groups if p) for groups in parts if any(groups))
