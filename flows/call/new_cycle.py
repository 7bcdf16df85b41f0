"""Flow `new_cycle`: start next year's cycle from a closed one (`gongyi cycle new --from N`).

It carries over the domains with their keywords, the latest call's rules
(moved on a year, version 1, stored as a draft call and written out as a
TOML rules file to edit and publish), and the reviewer pool (the previous
pool, or everyone who sat on a panel), plus a 评审专家库 file that
`gongyi selection run --reviewers` reads. It never carries money: the new
cycle has no fund until donations come in. The agencies' track record needs
no copying — it is on each agency — and the next call's screening reads it.
Running it again finds the cycle it made and adds nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from prefect import flow

from flows.runtime import get_output_dir, get_tz, io_task, session_scope
from models.call import Call
from models.call_rules import read_call_rules
from models.categorisation import DomainSeed
from models.next_cycle import carry_rules, rules_toml, shift_year
from models.status import CYCLE_TRANSITIONS, CycleStatus, Role, apply_transition
from store import calls, closing, cycles, users


class NewCycleError(ValueError):
    """A cycle that cannot be carried over yet."""


@dataclass(frozen=True)
class NewCycleSummary:
    """What the new cycle got from the old one."""

    cycle_id: int
    name: str
    year: int
    domains: int
    reviewers: int
    call_id: int
    rules_file: str
    reviewers_file: str


@io_task
def carry_cycle(from_cycle_id: int, year: int | None, name: str | None) -> dict:  # type: ignore[type-arg]
    """Add the new cycle with the old one's domains, rules and reviewer pool; never its money."""
    with session_scope() as session:
        old = cycles.get_cycle(session, from_cycle_id)
        if old.status != CycleStatus.CLOSED:
            raise NewCycleError(
                f"创投周期「{old.name}」尚未结项（gongyi cycle close），往期表现还没有记入机构记录"
            )
        year = year or old.year + 1
        years = year - old.year
        if years <= 0:
            raise NewCycleError(f"新周期的年度 {year} 应晚于 {old.year}")
        new = cycles.add_cycle(
            session,
            street_office=old.street_office,
            year=year,
            name=name or old.name.replace(str(old.year), str(year)),
            starts_on=shift_year(old.starts_on, years),
            ends_on=shift_year(old.ends_on, years),
        )
        cycles.add_domains(
            session,
            cycle_id=new.id,  # type: ignore[arg-type]
            seeds=[
                DomainSeed(d.key, d.name, d.theme, tuple(d.keywords))
                for d in cycles.list_domains(session, cycle_id=from_cycle_id)
            ],
        )
        if new.status == CycleStatus.DRAFT:
            status = apply_transition(
                CYCLE_TRANSITIONS, CycleStatus.DRAFT, CycleStatus.COLLECTING, role=Role.SYSTEM
            )
            cycles.set_cycle_status(session, new, status)
        rules = carry_rules(
            calls.get_latest_call(session, cycle_id=from_cycle_id).rules, years=years
        )
        read_call_rules(rules)  # the carried rules must still be valid rules
        call, _ = calls.add_call(
            session,
            Call(
                cycle_id=new.id,  # type: ignore[arg-type]
                version=1,
                title=rules["title"],
                opens_on=read_call_rules(rules).opens_on,
                deadline=read_call_rules(rules).deadline.replace(tzinfo=get_tz()),
                rules=rules,
            ),
        )
        pool = closing.list_cycle_reviewers(session, cycle_id=from_cycle_id) or (
            closing.list_seated_reviewers(session, cycle_id=from_cycle_id)
        )
        closing.add_cycle_reviewers(session, cycle_id=new.id, user_ids=pool)  # type: ignore[arg-type]
        names = {u.id: u.name for u in users.list_users(session)}
        return {
            "cycle_id": new.id,
            "name": new.name,
            "year": new.year,
            "domains": len(cycles.list_domains(session, cycle_id=new.id)),  # type: ignore[arg-type]
            "reviewers": [names[u] for u in closing.list_cycle_reviewers(session, cycle_id=new.id)],  # type: ignore[arg-type]
            "call_id": call.id,
            "rules": call.rules,
            "from_name": old.name,
        }


@io_task
def write_carried_files(carried: dict) -> tuple[str, str]:  # type: ignore[type-arg]
    """Write the carried rules as a TOML rules file and the reviewer pool as a 评审专家库 CSV."""
    folder = get_output_dir() / "新周期" / f"{carried['year']}-{carried['cycle_id']}"
    folder.mkdir(parents=True, exist_ok=True)
    header = (
        f"{carried['name']} 申报指南草稿：由「{carried['from_name']}」的申报指南沿用，"
        f"生成于 {datetime.now(get_tz()):%Y-%m-%d}。\n"
        "修改后用 gongyi call publish 发布；往期表现规则见 [applicants] 与 [evaluation]。"
    )
    rules_file = folder / "申报指南草稿.toml"
    rules_file.write_text(rules_toml(carried["rules"], header=header), encoding="utf-8")
    reviewers_file = folder / "评审专家库.csv"
    with reviewers_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["评审专家"])
        writer.writerows([name] for name in carried["reviewers"])
    return str(rules_file), str(reviewers_file)


@flow(name="new_cycle", log_prints=True)
def new_cycle(
    from_cycle_id: int, year: int | None = None, name: str | None = None
) -> NewCycleSummary:
    """Start the next cycle from a closed one: domains, rules and reviewer pool, never money."""
    carried = carry_cycle(from_cycle_id, year, name)
    rules_file, reviewers_file = write_carried_files(carried)
    print(
        f"新创投周期 #{carried['cycle_id']}「{carried['name']}」：沿用 {carried['domains']} 个服务领域、"
        f"申报指南（草稿 {Path(rules_file).name}）、评审专家 {len(carried['reviewers'])} 位；"
        "公益基金从零开始"
    )
    return NewCycleSummary(
        carried["cycle_id"],
        carried["name"],
        carried["year"],
        carried["domains"],
        len(carried["reviewers"]),
        carried["call_id"],
        rules_file,
        reviewers_file,
    )
