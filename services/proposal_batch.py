"""Reading a batch of proposals from the proposal workbook or its four CSV files.

A batch is four tables keyed by 项目名称: the proposals (申报书), their budget
lines (预算明细), their KPIs by month (绩效指标: one row per indicator, columns
第1月, 第2月, …) and their schedules (进度安排). An XLSX workbook holds them as
four sheets; CSV files sit side by side (`budget_lines.csv`, `kpis.csv`,
`schedule.csv` next to the proposals file, unless named). Every row of every
table is read and every proposal validated against the call before anything
is written, and all problems are reported at once, each naming its file, row
and column. A plain service (no Prefect): `services.proposals.receive_proposals`
and the doors read batches with it.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TypeVar

from models.call_rules import CallRules
from models.citation import check_citations
from models.demand import DemandNeed
from models.proposal_rules import (
    BudgetItem,
    KpiPlan,
    ProposalDraft,
    ScheduleItem,
    validate_proposal,
)
from models.rows import Row, RowError, RowsRejected
from store.spreadsheets import read_rows, read_sheets

T = TypeVar("T")
MAX_MONTHS = 24
PROPOSAL_SHEET, BUDGET_SHEET, KPI_SHEET, SCHEDULE_SHEET = (
    "申报书",
    "预算明细",
    "绩效指标",
    "进度安排",
)
PROPOSAL_COLUMNS = (
    "机构名称",
    "项目名称",
    "服务领域",
    "社区",
    "申请金额（元）",
    "计划服务人次",
    "项目周期（月）",
    "项目简介",
)
OPTIONAL_COLUMNS = ("配套资金（元）", "服务对象", "引用需求编号", "提交时间")
BUDGET_COLUMNS = ("项目名称", "类别", "金额（元）")
KPI_COLUMNS = ("项目名称", "指标")
SCHEDULE_COLUMNS = ("项目名称", "月份", "工作内容")
SHEETS = {
    PROPOSAL_SHEET: PROPOSAL_COLUMNS,
    BUDGET_SHEET: BUDGET_COLUMNS,
    KPI_SHEET: KPI_COLUMNS,
    SCHEDULE_SHEET: SCHEDULE_COLUMNS,
}
COMPANIONS = {
    BUDGET_SHEET: "budget_lines.csv",
    KPI_SHEET: "kpis.csv",
    SCHEDULE_SHEET: "schedule.csv",
}
FINDING_COLUMNS = {
    "domain": "服务领域",
    "amount": "申请金额（元）",
    "budget": "预算明细",
    "matching": "配套资金（元）",
    "plan": "绩效指标",
    "needs": "引用需求编号",
}
_SPLIT = re.compile(r"[、,，;；\s]+")


@dataclass(frozen=True)
class BidContext:
    """What a batch is checked against: the call, the cycle and the registry."""

    rules: CallRules
    deadline: datetime
    agencies: frozenset[str]
    domains: frozenset[str]
    communities: frozenset[str]
    need_ids: frozenset[int]
    now: datetime
    """When the batch was received: the server's time, or the business date the office gives
    for a paper batch received earlier. A row's 提交时间 is never read: the file is not a clock."""
    tz: tzinfo
    needs: Mapping[int, DemandNeed] = field(default_factory=dict)
    """The cycle's needs by id, to warn of a cited need of another domain or community."""
    domain_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedBid:
    """One proposal of the batch, read and checked, still naming its agency and community."""

    row: Row
    agency: str
    community: str
    summary: str
    draft: ProposalDraft
    submitted_at: datetime | None
    content_key: str
    warnings: tuple[str, ...]
    citation_warnings: tuple[str, ...] = ()
    """Cited needs of another domain or community than the proposal's (kept on the proposal)."""


def read_bid_files(
    proposals_path: str, budget_path: str = "", kpis_path: str = "", schedule_path: str = ""
) -> dict[str, list[Row]]:
    """Read the four tables of a batch from one workbook or four CSV (or XLSX) files."""
    main = Path(proposals_path)
    if main.suffix.lower() in (".xlsx", ".xlsm"):
        return read_sheets(main, SHEETS)
    paths = {BUDGET_SHEET: budget_path, KPI_SHEET: kpis_path, SCHEDULE_SHEET: schedule_path}
    tables = {PROPOSAL_SHEET: read_rows(main, required=PROPOSAL_COLUMNS)}
    for sheet, given in paths.items():
        tables[sheet] = read_rows(
            Path(given or main.with_name(COMPANIONS[sheet])), required=SHEETS[sheet]
        )
    return tables


def parse_bids(
    tables: dict[str, list[Row]], context: BidContext, *, submit: bool
) -> list[ParsedBid]:
    """Read and check every proposal of the batch; raise RowsRejected listing every problem."""
    errors: list[RowError] = []
    heads = _collect(tables[PROPOSAL_SHEET], lambda r: _read_head(r, context), errors)
    titles = _unique_titles(heads, errors)
    budget = _by_title(_collect(tables[BUDGET_SHEET], _read_budget, errors), titles, errors)
    kpis = _by_title(_collect(tables[KPI_SHEET], _read_kpis, errors), titles, errors)
    schedule = _by_title(_collect(tables[SCHEDULE_SHEET], _read_schedule, errors), titles, errors)
    bids = []
    for head in heads:
        title = head.draft.title
        draft = _complete(head.draft, budget[title], kpis[title], schedule[title])
        check = validate_proposal(draft, context.rules, known_need_ids=context.need_ids)
        problems = [head.row.error(FINDING_COLUMNS[f.rule], f.message) for f in check.violations]
        if submit:
            errors += problems
        cited = check_citations(
            domain_key=draft.domain_key,
            community=head.community,
            cited_need_ids=draft.cited_need_ids,
            needs=context.needs,
            domain_names=context.domain_names,
        )
        warnings = [f.message for f in check.warnings] + (
            [] if submit else [str(p) for p in problems]
        )
        key = _content_key(head.row, budget[title], kpis[title], schedule[title])
        submitted = context.now if submit else None
        bids.append(
            ParsedBid(
                head.row,
                head.agency,
                head.community,
                head.summary,
                draft,
                submitted,
                key,
                tuple(warnings + list(cited.warnings)),
                cited.warnings,
            )
        )
    if errors:
        raise RowsRejected(errors)
    return bids


@dataclass(frozen=True)
class _Head:
    row: Row
    agency: str
    community: str
    summary: str
    draft: ProposalDraft


def _collect(rows: list[Row], read: Callable[[Row], T], errors: list[RowError]) -> list[T]:
    values = []
    for row in rows:
        try:
            values.append(read(row))
        except RowError as error:
            errors.append(error)
    return values


def _read_head(row: Row, context: BidContext) -> _Head:
    agency = row.text("机构名称", max_length=200)
    if agency not in context.agencies:
        raise row.error("机构名称", f"未登记的机构：{agency!r}，请先导入社会组织名录")
    domain = row.text("服务领域", max_length=40)
    if domain not in context.domains:
        raise row.error(
            "服务领域", f"应为 {'/'.join(sorted(context.domains))} 之一，收到 {domain!r}"
        )
    community = row.text("社区", max_length=100)
    if community not in context.communities:
        raise row.error("社区", f"不是本街道的社区：{community!r}")
    draft = ProposalDraft(
        title=row.text("项目名称", max_length=200),
        domain_key=domain,
        requested_fen=row.fen("申请金额（元）") or 0,
        matching_fen=row.fen("配套资金（元）", required=False) or 0,
        months=row.count("项目周期（月）", minimum=1),
        planned_people=row.count("计划服务人次", minimum=1),
        cited_need_ids=_need_ids(row),
        target_groups=tuple(t for t in _SPLIT.split(row.text("服务对象", required=False)) if t),
    )
    if row.text("提交时间", required=False):
        # Checked like any date cell (a year 1 or 2101 is refused), never used: the batch
        # is received when it arrives, or at the business moment the office gives.
        row.moment("提交时间", tz=context.tz)
    return _Head(row, agency, community, row.text("项目简介", max_length=2000), draft)


def _need_ids(row: Row) -> tuple[int, ...]:
    cells = [c.lstrip("#＃") for c in _SPLIT.split(row.text("引用需求编号", required=False)) if c]
    wrong = [c for c in cells if not c.isdigit()]
    if wrong:
        raise row.error(
            "引用需求编号", f"应为需求编号（整数），用顿号分隔，收到 {'、'.join(wrong)}"
        )
    return tuple(dict.fromkeys(int(c) for c in cells))


def _unique_titles(heads: list[_Head], errors: list[RowError]) -> set[str]:
    first: dict[str, int] = {}
    for head in heads:
        title = head.draft.title
        if title in first:
            errors.append(
                head.row.error("项目名称", f"与第 {first[title]} 行重复：同一份申报书只能提交一次")
            )
        else:
            first[title] = head.row.number
    return set(first)


def _read_budget(row: Row) -> tuple[Row, str, BudgetItem]:
    return (
        row,
        row.text("项目名称", max_length=200),
        BudgetItem(row.text("类别", max_length=20), row.fen("金额（元）") or 0),
    )


def _read_kpis(row: Row) -> tuple[Row, str, list[KpiPlan]]:
    indicator = row.text("指标", max_length=20)
    plans = []
    for month in range(1, MAX_MONTHS + 1):
        column = f"第{month}月"
        if (row.values.get(column) or "").strip():
            plans.append(KpiPlan(month, indicator, row.count(column)))
    if not plans:
        raise row.error("第1月", "至少填写一个月的计划值")
    return row, row.text("项目名称", max_length=200), plans


def _read_schedule(row: Row) -> tuple[Row, str, ScheduleItem]:
    return (
        row,
        row.text("项目名称", max_length=200),
        ScheduleItem(row.count("月份", minimum=1), row.text("工作内容", max_length=200)),
    )


def _by_title(items: list, titles: set[str], errors: list[RowError]) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for row, title, value in items:
        if title not in titles:
            errors.append(row.error("项目名称", f"申报书中没有这个项目：{title!r}"))
            continue
        grouped[title].extend(value if isinstance(value, list) else [value])
    return grouped


def _complete(draft: ProposalDraft, budget: list, kpis: list, schedule: list) -> ProposalDraft:
    from dataclasses import replace

    return replace(draft, budget=tuple(budget), kpis=tuple(kpis), schedule=tuple(schedule))


def _content_key(row: Row, budget: list, kpis: list, schedule: list) -> str:
    values = {k: v.strip() for k, v in row.values.items() if k != "提交时间" and v.strip()}
    raw = repr(
        (
            sorted(values.items()),
            sorted(map(repr, budget)),
            sorted(map(repr, kpis)),
            sorted(map(repr, schedule)),
        )
    )
    return hashlib.sha256(raw.encode()).hexdigest()
