"""Flow `publish_call`: publish the cycle's call for proposals from its rules file.

The rules file (TOML) holds the six unified standards. It is checked in full
before it is stored; publishing the same version twice changes nothing.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path

from prefect import flow

from flows.runtime import get_tz, io_task, session_scope
from models.call import Call
from models.call_rules import STANDARD_LABELS, read_call_rules
from models.status import (
    CALL_TRANSITIONS,
    CYCLE_TRANSITIONS,
    CallStatus,
    CycleStatus,
    Role,
    apply_transition,
)
from store import calls, cycles


class CallFileError(ValueError):
    """A rules file that cannot be read."""


@io_task
def read_rules_file(path: str) -> dict:
    """Parse the TOML rules file and check its six standards."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CallFileError(f"找不到申报指南文件 {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CallFileError(f"{Path(path).name} 格式错误：{exc}") from None
    read_call_rules(data)
    for key in ("title", "opens_on", "deadline"):
        if key not in data:
            raise CallFileError(f"{Path(path).name} 缺少 {key}")
    return data


@io_task
def store_call(cycle_id: int, rules: dict, published_on: date) -> int:
    """Store the call version as published and open the cycle's call."""
    deadline = datetime.fromisoformat(str(rules["deadline"])).replace(tzinfo=get_tz())
    with session_scope() as session:
        call = calls.add_call(
            session,
            Call(
                cycle_id=cycle_id,
                version=int(rules.get("version", 1)),
                title=rules["title"],
                opens_on=date.fromisoformat(str(rules["opens_on"])),
                deadline=deadline,
                rules=rules,
            ),
        )
        if call.status == CallStatus.DRAFT:
            call.status = apply_transition(
                CALL_TRANSITIONS, CallStatus.DRAFT, CallStatus.PUBLISHED, role=Role.SYSTEM
            )
            call.published_on = published_on
            session.add(call)
        cycle = cycles.get_cycle(session, cycle_id)
        if cycle.status == CycleStatus.COLLECTING:
            cycles.set_cycle_status(
                session,
                cycle,
                apply_transition(
                    CYCLE_TRANSITIONS,
                    CycleStatus.COLLECTING,
                    CycleStatus.CALL_OPEN,
                    role=Role.SYSTEM,
                ),
            )
        return call.id  # type: ignore[return-value]


@flow(name="publish_call", log_prints=True)
def publish_call(cycle_id: int, rules_path: str, published_on: date) -> int:
    """Check and publish the call's rules; return the call's id."""
    rules = read_rules_file(rules_path)
    call_id = store_call(cycle_id, rules, published_on)
    standards = "、".join(STANDARD_LABELS.values())
    print(
        f"申报指南 #{call_id}「{rules['title']}」已发布，截止 {rules['deadline']}；统一标准：{standards}"
    )
    return call_id
