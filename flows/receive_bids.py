"""Flow `receive_bids`: take agencies' records and their proposals under a call.

Both files are validated in full before anything is written: every proposal
must name a known agency, one of the cycle's domains and one of the office's
communities. A proposal already received (same agency and title) is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from prefect import flow

from flows.runtime import get_tz, io_task, session_scope
from models.agency import Agency
from models.proposal import Proposal
from models.rows import Row, RowsRejected, read_all
from models.status import ProposalStatus, Stage
from store import calls, cycles, proposals
from store.spreadsheets import read_rows

AGENCY_COLUMNS = ("机构名称", "组织类型", "统一社会信用代码", "登记日期", "年检结果", "异常名录")
PROPOSAL_COLUMNS = (
    "机构名称",
    "项目名称",
    "服务领域",
    "社区",
    "申请金额（元）",
    "计划服务人次",
    "项目周期（月）",
    "项目简介",
    "提交时间",
)
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


@dataclass(frozen=True)
class BidsSummary:
    """What arrived: agencies on record and proposals received."""

    agencies: int = 0
    received: int = 0
    already_there: int = 0
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProposalRow:
    """A validated proposal row, still naming its agency, domain and community."""

    agency: str
    domain_key: str
    community: str
    proposal: Proposal


def _read_agency(row: Row) -> Agency:
    code = row.text("统一社会信用代码", max_length=18).upper()
    if not _CREDIT_CODE.match(code):
        raise row.error("统一社会信用代码", "应为 18 位统一社会信用代码")
    return Agency(
        name=row.text("机构名称", max_length=200),
        org_type=row.text("组织类型", max_length=40),
        credit_code=code,
        registered_on=row.day("登记日期"),
        annual_inspection=row.text("年检结果", required=False, max_length=20),
        on_abnormal_list=row.choice("异常名录", {"是": "1", "否": ""}) == "1",
        contact_name=row.text("联系人", required=False, max_length=50),
        contact_phone=row.text("联系电话", required=False, max_length=30),
    )


def _read_proposal(
    row: Row, *, agencies: set[str], domains: set[str], communities: set[str]
) -> ProposalRow:
    agency = row.text("机构名称", max_length=200)
    if agency not in agencies:
        raise row.error("机构名称", f"未登记的机构：{agency!r}")
    domain = row.text("服务领域", max_length=40)
    if domain not in domains:
        raise row.error("服务领域", f"应为 {'/'.join(sorted(domains))} 之一，收到 {domain!r}")
    community = row.text("社区", max_length=100)
    if community not in communities:
        raise row.error("社区", f"不是本街道的社区：{community!r}")
    proposal = Proposal(
        call_id=0,
        agency_id=0,
        domain_id=0,
        community_id=0,
        title=row.text("项目名称", max_length=200),
        requested_fen=row.fen("申请金额（元）") or 0,
        planned_people=row.count("计划服务人次", minimum=1),
        months=row.count("项目周期（月）", minimum=1),
        summary=row.text("项目简介", max_length=2000),
        submitted_at=row.moment("提交时间", tz=get_tz()),
    )
    return ProposalRow(agency, domain, community, proposal)


@io_task
def read_bids(
    call_id: int, agencies_path: str, proposals_path: str
) -> tuple[list[Agency], list[ProposalRow]]:
    """Read and validate the agencies file and the proposals file."""
    agencies = read_all(read_rows(Path(agencies_path), required=AGENCY_COLUMNS), _read_agency)
    with session_scope() as session:
        call = calls.get_call(session, call_id)
        cycle = cycles.get_cycle(session, call.cycle_id)
        domains = {d.key for d in cycles.list_domains(session, cycle_id=cycle.id)}  # type: ignore[arg-type]
        communities = {
            c.name for c in cycles.list_communities(session, street_office=cycle.street_office)
        }
        known = {a.name for a in calls.list_agencies(session)} | {a.name for a in agencies}
    rows = read_rows(Path(proposals_path), required=PROPOSAL_COLUMNS)
    bids = read_all(
        rows,
        lambda row: _read_proposal(row, agencies=known, domains=domains, communities=communities),
    )
    return agencies, bids


@io_task
def store_bids(call_id: int, agencies: list[Agency], bids: list[ProposalRow]) -> BidsSummary:
    """Add agencies and proposals in one transaction."""
    with session_scope() as session:
        for agency in agencies:
            calls.add_agency(session, agency)
        call = calls.get_call(session, call_id)
        cycle = cycles.get_cycle(session, call.cycle_id)
        agency_ids = {a.name: a.id for a in calls.list_agencies(session)}
        domain_ids = {d.key: d.id for d in cycles.list_domains(session, cycle_id=cycle.id)}  # type: ignore[arg-type]
        community_ids = {
            c.name: c.id
            for c in cycles.list_communities(session, street_office=cycle.street_office)
        }
        received = 0
        for bid in bids:
            proposal = bid.proposal
            proposal.call_id, proposal.agency_id = call_id, agency_ids[bid.agency]  # type: ignore[assignment]
            proposal.domain_id = domain_ids[bid.domain_key]  # type: ignore[assignment]
            proposal.community_id = community_ids[bid.community]  # type: ignore[assignment]
            proposal.status, proposal.stage = ProposalStatus.SUBMITTED, Stage.ELIGIBILITY
            _, is_new = proposals.add_proposal(session, proposal)
            received += is_new
        return BidsSummary(len(agencies), received, len(bids) - received)


@flow(name="receive_bids", log_prints=True)
def receive_bids(call_id: int, agencies_path: str, proposals_path: str) -> BidsSummary:
    """Receive agencies' records and proposals under a call, all or nothing."""
    try:
        agencies, bids = read_bids(call_id, agencies_path, proposals_path)
    except RowsRejected as rejected:
        print(f"申报材料被拒绝：{rejected}")
        return BidsSummary(errors=tuple(str(e) for e in rejected.errors))
    summary = store_bids(call_id, agencies, bids)
    print(f"收到 {summary.agencies} 家机构的 {len(bids)} 份申报书（新增 {summary.received}）")
    return summary
