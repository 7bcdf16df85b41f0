"""Starting the next cycle from a closed one: what is carried over, and what never is.

`gongyi cycle new --from N` carries the domains (with their keywords), the
rules of the latest call and the reviewer pool into a new cycle a year on.
Money is never carried: the new cycle has no fund until donations come in,
and the old fund's balance stays on the old fund's ledger. The rules keep
their standards; the title's year, the opening day and the deadline move on
by the years between the cycles, and the version starts again at 1. The
copied rules are written back out as a TOML rules file staff edit and then
publish with `gongyi call publish`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
TOP_ORDER = ("title", "version", "opens_on", "deadline")


class CycleReviewer(SQLModel, table=True):
    """An evaluator in a cycle's reviewer pool (评审专家库)."""

    __table_args__ = (UniqueConstraint("cycle_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    user_id: int = Field(foreign_key="user.id")


def shift_year(day: date, years: int) -> date:
    """Move a day on by whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def carry_rules(rules: Mapping[str, Any], *, years: int) -> dict[str, Any]:
    """Return the rules moved on by `years`: title year, opening day, deadline, version 1."""
    carried: dict[str, Any] = json.loads(json.dumps(rules))  # a deep copy of plain JSON values
    opens = shift_year(date.fromisoformat(str(rules["opens_on"])), years)
    deadline = datetime.fromisoformat(str(rules["deadline"]))
    deadline = deadline.replace(year=shift_year(deadline.date(), years).year)
    carried["opens_on"] = opens.isoformat()
    carried["deadline"] = deadline.isoformat(sep=" ", timespec="minutes")
    carried["version"] = 1
    carried["title"] = re.sub(
        r"(19|20)\d{2}", lambda m: str(int(m.group(0)) + years), str(rules["title"]), count=1
    )
    evaluation = carried.get("evaluation", {})
    if evaluation.get("holidays"):
        evaluation["holidays"] = [
            shift_year(date.fromisoformat(d), years).isoformat() for d in evaluation["holidays"]
        ]
    return carried


def rules_toml(rules: Mapping[str, Any], *, header: str = "") -> str:
    """Write plain rules data as a TOML rules file that reads back to the same data."""
    lines = [f"# {line}" for line in header.splitlines()]
    scalars = [k for k in rules if not isinstance(rules[k], Mapping)]
    for key in sorted(scalars, key=lambda k: (TOP_ORDER.index(k) if k in TOP_ORDER else 99, k)):
        lines.append(f"{_key(key)} = {_value(rules[key])}")
    for key, section in rules.items():
        if isinstance(section, Mapping):
            lines += ["", f"[{_key(key)}]"]
            lines += [f"{_key(name)} = {_value(value)}" for name, value in section.items()]
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"无法写成 TOML 的值：{value!r}")
