"""Flow `publish_call`: check the cycle's rules file, render the 申报指南 PDF and open the call.

The rules file (TOML) holds the six unified standards. It is checked in full
— unknown keys, types, consistency, and against the cycle: its domains, its
fund's name and what the fund has raised — and every refusal names the line.
Publishing the same version again changes nothing and re-renders the same
PDF; publishing a changed file under a version already published is refused,
so a published call never changes silently.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from prefect import flow

from flows.fund.fund_reports import build_call_context
from flows.runtime import (
    get_output_dir,
    get_tz,
    io_task,
    publish_specs,
    session_scope,
)
from models.call import Call
from models.call_file import locate_error, read_rules_text
from models.call_keys import RulesError
from models.call_rules import (
    CallRules,
    check_domains_known,
    check_rules_fit_fund,
    grade_band_texts,
    read_call_rules,
    resolve_application,
)
from models.cycle import office_identity
from models.ledger import sum_balance
from models.status import (
    CALL_TRANSITIONS,
    CYCLE_TRANSITIONS,
    CallStatus,
    CycleStatus,
    Role,
    apply_transition,
)
from reports.document_contexts import CallDocument
from services.register import DocumentSpec
from store import calls, cycles, fund

CALL_TEMPLATE = "reports/call.html"


class CallFileError(ValueError):
    """A rules file that cannot be read or does not fit the cycle."""


@io_task
def read_rules_file(cycle_id: int, path: str) -> dict[str, Any]:
    """Read the rules file, check it against the cycle, and return its JSON-safe data."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CallFileError(f"找不到申报指南文件 {path}") from None
    except UnicodeDecodeError:
        raise CallFileError(f"{file.name} 不是 UTF-8 文本，请另存为 UTF-8") from None
    try:
        rules, data = read_rules_text(text, file_name=file.name)
    except RulesError as error:
        raise CallFileError(str(error)) from None
    try:
        _check_against_cycle(cycle_id, rules)
    except RulesError as error:
        raise CallFileError(str(locate_error(error, text=text, file_name=file.name))) from None
    return data


def _check_against_cycle(cycle_id: int, rules: CallRules) -> None:
    with session_scope() as session:
        keys = {d.key for d in cycles.list_domains(session, cycle_id=cycle_id)}
        try:
            the_fund = fund.get_fund(session, cycle_id=cycle_id)
        except LookupError as missing:
            raise CallFileError(f"{missing}：请先登记捐赠（gongyi fund donate）") from None
        raised = sum_balance(fund.list_movements(session, fund_id=the_fund.id)).raised_fen  # type: ignore[arg-type]
    check_domains_known(rules, keys)
    check_rules_fit_fund(rules, fund_name=the_fund.name, raised_fen=raised)


@io_task
def store_call(cycle_id: int, data: dict[str, Any], published_on: date) -> int:
    """Store the call version as published and open the cycle's call."""
    title, version = data["title"], int(data["version"])
    with session_scope() as session:
        call, is_new = calls.add_call(
            session,
            Call(
                cycle_id=cycle_id,
                version=version,
                title=title,
                opens_on=date.fromisoformat(str(data["opens_on"])),
                deadline=_deadline(data),
                rules=data,
            ),
        )
        if not is_new and call.rules != data and call.status == CallStatus.DRAFT:
            # A draft (carried over by `gongyi cycle new`) takes the edited file's content.
            call.rules, call.title = data, title
            call.opens_on, call.deadline = (
                date.fromisoformat(str(data["opens_on"])),
                _deadline(data),
            )
        elif not is_new and call.rules != data:
            raise CallFileError(
                f"第 {version} 版申报指南已发布，内容与此文件不同；修改后请把 version 改为 {version + 1}"
            )
        if call.status == CallStatus.DRAFT:
            call.status = apply_transition(
                CALL_TRANSITIONS, CallStatus.DRAFT, CallStatus.PUBLISHED, role=Role.SYSTEM
            )
            call.published_on = published_on
            calls.set_call(session, call)
        _open_cycle_call(session, cycle_id)
        return call.id  # type: ignore[return-value]


def _deadline(data: dict[str, Any]) -> datetime:
    return read_call_rules(data).deadline.replace(tzinfo=get_tz())


def _open_cycle_call(session, cycle_id: int) -> None:  # type: ignore[no-untyped-def]
    cycle = cycles.get_cycle(session, cycle_id)
    if cycle.status == CycleStatus.COLLECTING:
        cycles.set_cycle_status(
            session,
            cycle,
            apply_transition(
                CYCLE_TRANSITIONS, CycleStatus.COLLECTING, CycleStatus.CALL_OPEN, role=Role.SYSTEM
            ),
        )


def call_pdf_path(title: str, version: int) -> Path:
    """Return where the 申报指南 PDF of a call version is written."""
    return get_output_dir() / "申报指南" / f"{title}（第{version}版）.pdf"


@io_task
def published_call_pdf(call_id: int) -> str:
    """Return the path of a published call's PDF."""
    with session_scope() as session:
        call = calls.get_call(session, call_id)
    return str(call_pdf_path(call.title, call.version))


def call_document(call_id: int, today: date) -> CallDocument:
    """The 申报指南 as published: the standards, how to apply, whom to ask, and its 落款."""
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        cycle = cycles.get_cycle(session, call.cycle_id)
    # The call's own date, so rendering it again on another day gives the same document.
    base = build_call_context.fn(call_id, call.published_on or today)
    rules = read_call_rules(call.rules)
    office = office_identity(cycle, rules.office)
    return CallDocument(
        base=base,
        office=office,
        application=resolve_application(rules.application, office),
        grade_texts=grade_band_texts(rules.grade_bands),
        issued_on=call.published_on or today,
        cycle_id=call.cycle_id,
        objection_first_day_counts=rules.objection_first_day_counts,
    )


@io_task
def render_call(call_id: int, today: date) -> str:
    """Render the 申报指南 PDF of a call; return its path."""
    context = call_document(call_id, today)
    output = get_output_dir()
    spec = DocumentSpec(
        kind="call",
        subject=f"call:{call_id}",
        period=f"v{context.version}",
        as_of=context.issued_on,
        template_name=CALL_TEMPLATE,
        context=context,
        path=call_pdf_path(context.title, context.version).relative_to(output).as_posix(),
        cycle_id=context.cycle_id,
        title=f"申报指南 · {context.title}（第{context.version}版）",
    )
    return str(publish_specs([spec])[0])


@flow(name="publish_call", log_prints=True)
def publish_call(cycle_id: int, rules_path: str, published_on: date) -> int:
    """Check and publish the call's rules and render its PDF; return the call's id."""
    data = read_rules_file(cycle_id, rules_path)
    call_id = store_call(cycle_id, data, published_on)
    pdf = render_call(call_id, published_on)
    print(f"申报指南 #{call_id}「{data['title']}」已发布，截止 {data['deadline']}；PDF：{pdf}")
    return call_id
