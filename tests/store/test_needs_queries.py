"""Needs queries on SQLite and PostgreSQL: bulk import, groups, splits, corrections, demand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.agency import Agency
from models.call import Call
from models.categorisation import DEFAULT_DOMAINS
from models.classifier import Example
from models.duplicates import Merge
from models.intake import NeedRow
from models.need import Need, NeedSplit
from models.proposal import Proposal
from models.rows import RowsRejected
from models.status import NeedStatus, ProposalStatus
from store import cycles, needs, training
from tests.builders import write_csv

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def _cycle(session: Session) -> tuple[int, dict[str, int]]:
    cycle = cycles.add_cycle(
        session,
        street_office="淮河路街道办事处",
        year=2026,
        name="2026年度公益创投",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
    )
    cycles.add_communities(
        session, street_office="淮河路街道办事处", names=["长淮社区", "龙湖社区"]
    )
    cycles.add_domains(session, cycle_id=cycle.id, seeds=DEFAULT_DOMAINS)  # type: ignore[arg-type]
    ids = {c.name: c.id for c in cycles.list_communities(session, street_office="淮河路街道办事处")}
    return cycle.id, ids  # type: ignore[return-value]


def _row(text: str, community: str = "长淮社区", day: int = 1, contact: str = "张三") -> NeedRow:
    return NeedRow(text, community, "全体居民", "居民", date(2026, 3, day), contact, "13812345678")


def _import(session: Session, texts: list[str]) -> tuple[int, list[int]]:
    cycle_id, ids = _cycle(session)
    rows = [_row(text, day=i + 1) for i, text in enumerate(texts)]
    needs.add_needs(session, cycle_id=cycle_id, rows=rows, community_ids=ids)
    return cycle_id, [n.id for n in needs.list_needs(session, cycle_id=cycle_id)]  # type: ignore[misc]


def test_a_bulk_import_adds_every_new_need_once_with_its_contact(session: Session) -> None:
    cycle_id, ids = _cycle(session)
    rows = [_row(f"需求{i}", contact=f"居民{i}") for i in range(12_000)]
    assert needs.add_needs(session, cycle_id=cycle_id, rows=rows, community_ids=ids) == (12_000, 0)
    assert needs.add_needs(session, cycle_id=cycle_id, rows=rows[:10], community_ids=ids) == (0, 10)
    stored = needs.list_needs(session, cycle_id=cycle_id)
    assert len(stored) == 12_000
    assert (stored[-1].contact_name, stored[-1].status, stored[-1].weight) == (
        "居民11999",
        NeedStatus.NEW,
        1,
    )


def test_merges_point_members_at_their_lead_and_weigh_the_lead(session: Session) -> None:
    cycle_id, (a, b, c, d) = _import(session, ["路灯坏了", "路灯坏了。", "路灯 坏了", "噪音扰民"])
    needs.set_merges(session, merges=[Merge(b, a, a, 1.0, ()), Merge(c, a, b, 0.8, ("路灯",))])
    needs.set_group_weights(session, cycle_id=cycle_id)
    session.expire_all()
    leads = needs.list_needs(session, cycle_id=cycle_id, leads_only=True)
    assert [(n.id, n.weight) for n in leads] == [(a, 3), (d, 1)]
    member = needs.get_need(session, c)
    assert (member.duplicate_of_id, member.status) == (a, NeedStatus.MERGED)
    assert (
        member.merge_reason == f"与 #{b} 同一社区，相似度 0.80，都说到「路灯」（#{b} 已并入 #{a}）"
    )
    assert [
        (lead.id, [m.id for m in members])
        for lead, members in needs.list_groups(session, cycle_id=cycle_id)
    ] == [(a, [b, c])]


def test_refs_list_only_needs_outside_a_group_and_mark_sorted_ones_settled(
    session: Session,
) -> None:
    cycle_id, (a, b, c) = _import(session, ["路灯坏了", "路灯坏了。", "噪音扰民"])
    needs.set_merges(session, merges=[Merge(b, a, a, 1.0, ())])
    needs.set_need_domains(
        session,
        updates=[
            {"need_id": a, "domain_id": None, "confidence": 0.9, "status": NeedStatus.CLASSIFIED}
        ],
    )
    refs = needs.list_need_refs(session, cycle_id=cycle_id)
    assert sorted((r.need_id, r.settled) for r in refs) == [(a, True), (c, False)]


def test_a_split_frees_the_need_and_keeps_it_apart_from_its_lead_once(session: Session) -> None:
    cycle_id, (a, b) = _import(session, ["路灯坏了", "路灯坏了。"])
    needs.set_merges(session, merges=[Merge(b, a, a, 1.0, ())])
    session.expire_all()
    needs.set_split(session, need=needs.get_need(session, b), actor="王芳", at=NOW)
    freed = needs.get_need(session, b)
    assert (freed.duplicate_of_id, freed.status, freed.merge_reason) == (
        None,
        NeedStatus.NEW,
        f"由 王芳 从 #{a} 拆出",
    )
    assert needs.list_kept_apart(session, cycle_id=cycle_id) == [(b, a)]
    needs.set_merges(session, merges=[Merge(b, a, a, 1.0, ())])
    session.expire_all()
    needs.set_split(session, need=needs.get_need(session, b), actor="王芳", at=NOW)
    assert len(session.exec(select(NeedSplit)).all()) == 1


def test_demand_counts_a_domain_only_once_staff_or_a_confident_classifier_set_it(
    session: Session,
) -> None:
    cycle_id, (a, b, c) = _import(session, ["路灯坏了", "四点半课堂", "读书会"])
    domains = {d.key: d.id for d in cycles.list_domains(session, cycle_id=cycle_id)}
    needs.set_need_domains(
        session,
        updates=[
            {
                "need_id": a,
                "domain_id": domains["community"],
                "confidence": 0.9,
                "status": NeedStatus.CLASSIFIED,
            },
            {
                "need_id": b,
                "domain_id": domains["youth"],
                "confidence": 1.0,
                "status": NeedStatus.CONFIRMED,
            },
            {
                "need_id": c,
                "domain_id": domains["youth"],
                "confidence": 0.4,
                "status": NeedStatus.IN_REVIEW,
            },
        ],
    )
    demand = needs.list_demand_needs(session, cycle_id=cycle_id)
    assert [(n.need_id, n.domain_key, n.community, n.source) for n in demand] == [
        (a, "community", "长淮社区", "居民"),
        (b, "youth", "长淮社区", "居民"),
        (c, "", "长淮社区", "居民"),
    ]
    assert [n.id for n in needs.list_review_queue(session, cycle_id=cycle_id)] == [c]


def test_citations_come_from_the_cycles_proposals_with_whether_they_were_funded(
    session: Session,
) -> None:
    cycle_id, (a, b) = _import(session, ["路灯坏了", "四点半课堂"])
    call = Call(
        cycle_id=cycle_id,
        title="申报指南",
        opens_on=date(2026, 5, 1),
        deadline=datetime(2026, 5, 20, tzinfo=UTC),
    )
    agency = Agency(
        name="青禾社会工作服务中心",
        org_type="社会服务机构",
        credit_code="52340100MJ0000000X",
        registered_on=date(2015, 1, 1),
    )
    session.add_all([call, agency])
    session.flush()
    domain_id = cycles.list_domains(session, cycle_id=cycle_id)[0].id
    for title, cited, status in (
        ("甲", [a], ProposalStatus.CONTRACTED),
        ("乙", [b], ProposalStatus.SUBMITTED),
        ("丙", [], ProposalStatus.SUBMITTED),
    ):
        session.add(
            Proposal(
                call_id=call.id,
                agency_id=agency.id,
                domain_id=domain_id,
                community_id=1,
                title=title,  # type: ignore[arg-type]
                requested_fen=100,
                planned_people=1,
                months=6,
                cited_need_ids=cited,
                submitted_at=NOW,
                status=status,
            )
        )
    session.flush()
    citations = needs.list_citations(session, cycle_id=cycle_id)
    assert sorted((c.need_ids, c.funded) for c in citations) == [((a,), True), ((b,), False)]


def test_corrections_are_listed_oldest_first_across_cycles(session: Session) -> None:
    _, (a, b) = _import(session, ["路灯坏了", "四点半课堂"])
    for need_id, key in ((a, "community"), (b, "youth"), (a, "elderly")):
        training.add_correction(
            session,
            need=needs.get_need(session, need_id),
            text=f"#{need_id}",
            domain_key=key,
            suggested_key="",
            actor="王芳",
            at=NOW,
        )
    assert training.list_corrections(session) == [
        Example(f"#{a}", "community"),
        Example(f"#{b}", "youth"),
        Example(f"#{a}", "elderly"),
    ]


def test_edited_keywords_are_stored_on_the_domain(session: Session) -> None:
    cycle_id, _ = _cycle(session)
    domain = cycles.list_domains(session, cycle_id=cycle_id)[0]
    training.set_domain_keywords(session, domain=domain, keywords=("老人", "喘息服务"))
    session.expire_all()
    assert cycles.list_domains(session, cycle_id=cycle_id)[0].keywords == ["老人", "喘息服务"]


def test_the_shipped_labelled_set_reads_and_a_bad_label_refuses_the_file_naming_its_row(
    tmp_path: Path,
) -> None:
    shipped = training.list_labelled_examples(
        Path(__file__).resolve().parents[2] / "data" / "needs_labelled.csv",
        keys=[d.key for d in DEFAULT_DOMAINS],
    )
    assert len(shipped) >= 300
    assert {e.domain_key for e in shipped} == {"elderly", "youth", "special", "community"}
    bad = write_csv(
        tmp_path / "labelled.csv",
        ("text", "domain"),
        [["路灯坏了", "community"], ["读书会", "culture"]],
    )
    with pytest.raises(RowsRejected) as refused:
        training.list_labelled_examples(bad, keys=["community"])
    assert [str(e) for e in refused.value.errors] == [
        "labelled.csv 第 3 行「domain」：不是已知的服务领域：'culture'"
    ]


def test_a_need_that_is_not_there_is_a_lookup_error(session: Session) -> None:
    with pytest.raises(LookupError, match="找不到居民需求 #404"):
        needs.get_need(session, 404)
    assert session.exec(select(Need)).all() == []
