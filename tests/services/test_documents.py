"""Documents through `services.documents`: the register's rows each actor may see, and the audit of each download."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from models.final_evaluation import FinalEvaluation
from models.monitoring import MonthlyEvaluation
from models.project import Project
from models.register import DocumentRecord
from models.status import EvaluationStatus, Role
from reports.render import WEEKLY_MINUTES_TEMPLATE
from reports.samples import build_sample_weekly_minutes
from services import SYSTEM, Actor, NotFound, documents
from services.register import DocumentSpec, publish_document
from store import portal
from store.users import add_user, list_audit_events
from tests.monitoring_builders import RunningCycle, build_running_cycle
from tests.reports.conftest import TEMPLATES_DIR

NOW = datetime(2026, 7, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
STAFF = Actor(login="staff", name="专干", role=Role.STAFF, user_id=1)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _put(output_dir: Path, name: str) -> str:
    path = output_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n% " + name.encode() + b"\n")
    return name


def _register(
    session: Session,
    output_dir: Path,
    *,
    kind: str,
    subject: str,
    path: str,
    period: str = "",
    version: int = 1,
    title: str = "",
    reason: str = "",
    as_of: date = date(2026, 6, 30),
    write: bool = True,
) -> DocumentRecord:
    """Add one register row (and its file, unless `write` is False); commit."""
    if write:
        _put(output_dir, path)
    row = DocumentRecord(
        kind=kind,
        subject=subject,
        period=period,
        as_of=as_of,
        version=version,
        title=title,
        path=path,
        sha256="0" * 64,
        inputs_digest="1" * 64,
        reason=reason,
        published_by="系统",
        published_at=NOW,
    )
    session.add(row)
    session.commit()
    return row


def _monthly(
    session: Session, output_dir: Path, project_id: int, title: str, month: str = "2026-06", **kw
) -> DocumentRecord:
    draft = kw.pop("draft", False)
    return _register(
        session,
        output_dir,
        kind="monthly_assessment_draft" if draft else "monthly_assessment",
        subject=f"project:{project_id}",
        period=month,
        path=f"{month}/{'草稿/' if draft else ''}月度评估-{project_id:02d}-{title}.pdf",
        title=f"项目月度评估报告 · {title} · {month}",
        **kw,
    )


def _agency(running: RunningCycle, which: int = 0) -> Actor:
    return Actor(
        login=f"agency{which + 1}",
        name="机构一用户",
        role=Role.AGENCY,
        user_id=7,
        agency_id=running.agency_ids[which],
        address="10.0.0.5",
    )


def _ids(listing: documents.Listing) -> list[int]:
    return sorted(d.id for s in listing.sections for g in s.groups for d in g.documents)


def test_an_agency_sees_and_downloads_its_own_projects_and_contracts_by_row_id(
    session: Session, tmp_path: Path
) -> None:
    running = build_running_cycle(session, projects=2)
    session.commit()
    own = _monthly(session, tmp_path, running.project_ids[0], running.titles[0])
    other = _monthly(session, tmp_path, running.project_ids[1], running.titles[1])
    [proposal] = portal.list_agency_proposals(session, agency_id=running.agency_ids[0])[:1]
    [theirs] = portal.list_agency_proposals(session, agency_id=running.agency_ids[1])[:1]
    contract = _register(
        session,
        tmp_path,
        kind="contract",
        subject=f"proposal:{proposal.id}",
        path=f"selection/call-1/资助协议/HHL-2026-001-{proposal.id:02d}.pdf",
        title=f"资助协议 · HHL-2026-001 · {proposal.title}",
    )
    _register(
        session,
        tmp_path,
        kind="contract",
        subject=f"proposal:{theirs.id}",
        path=f"selection/call-1/资助协议/HHL-2026-002-{theirs.id:02d}.pdf",
    )
    agency = _agency(running)
    listing = documents.list_documents(session, actor=agency, output_dir=tmp_path)
    assert _ids(listing) == sorted([own.id or 0, contract.id or 0])
    assert [s.label for s in listing.sections] == ["资助协议", "项目月度评估报告"]
    assert listing.others == ()

    path, row = documents.open_document(
        session, actor=agency, now=NOW, output_dir=tmp_path, record_id=own.id or 0
    )
    assert path == tmp_path / own.path and row.id == own.id
    with pytest.raises(NotFound):
        documents.open_document(
            session, actor=agency, now=NOW, output_dir=tmp_path, record_id=other.id or 0
        )
    session.rollback()
    events = [
        (e.action, e.subject_type, e.subject_id, e.detail, e.ip) for e in list_audit_events(session)
    ]
    assert sorted(events) == sorted(
        [
            ("download", "document", own.id, own.path, "10.0.0.5"),
            ("download_refused", "document", other.id, f"#{other.id} {other.path}", "10.0.0.5"),
        ]
    )


def test_a_crafted_title_does_not_serve_another_agencys_pdf(
    session: Session, tmp_path: Path
) -> None:
    running = build_running_cycle(session, projects=2)
    # The agency renames its own project after the other agency's documents.
    own = session.get(Project, running.project_ids[0])
    assert own is not None
    own.title = running.titles[1]
    session.add(own)
    session.commit()
    other_id = running.project_ids[1]
    victims = [
        _monthly(session, tmp_path, other_id, running.titles[1]),
        _monthly(session, tmp_path, other_id, running.titles[1], draft=True),
        _monthly(session, tmp_path, other_id, running.titles[1], month="2026-07"),
    ]
    agency = _agency(running)
    assert documents.list_documents(session, actor=agency, output_dir=tmp_path).sections == ()
    assert documents.list_downloads(session, actor=agency, output_dir=tmp_path) == []
    for row in victims:
        with pytest.raises(NotFound):
            documents.open_document(
                session, actor=agency, now=NOW, output_dir=tmp_path, record_id=row.id or 0
            )
        with pytest.raises(NotFound):
            documents.open_download(
                session, actor=agency, now=NOW, output_dir=tmp_path, name=row.path
            )
    session.rollback()
    assert {e.action for e in list_audit_events(session)} == {"download_refused"}


def test_an_agency_does_not_see_its_own_drafts(session: Session, tmp_path: Path) -> None:
    running = build_running_cycle(session, projects=1)
    session.commit()
    _monthly(session, tmp_path, running.project_ids[0], running.titles[0], draft=True)
    agency = _agency(running)
    assert documents.list_documents(session, actor=agency, output_dir=tmp_path).sections == ()


def test_a_donor_sees_only_the_statements_whose_subject_is_its_exact_name(
    session: Session, tmp_path: Path
) -> None:
    row = _register(
        session,
        tmp_path,
        kind="donor_statement",
        subject="donor:爱心企业甲",
        period="2026-07-01",
        path="捐赠资金去向说明/2026-07-01/爱心企业甲.pdf",
        title="捐赠资金去向说明 · 爱心企业甲",
    )
    donor = Actor(login="donor", name="爱心企业甲", role=Role.DONOR, user_id=9)
    prefix = Actor(login="donor3", name="爱心企业", role=Role.DONOR, user_id=11)
    other = Actor(login="donor2", name="爱心企业乙", role=Role.DONOR, user_id=10)
    listing = documents.list_documents(session, actor=donor, output_dir=tmp_path)
    assert _ids(listing) == [row.id]
    [section] = listing.sections
    assert (section.label, section.groups[0].label) == ("捐赠资金去向说明", "2026年7月1日")
    assert documents.list_downloads(session, actor=donor, output_dir=tmp_path) == [row.path]
    for actor in (prefix, other):
        assert documents.list_documents(session, actor=actor, output_dir=tmp_path).sections == ()
        with pytest.raises(NotFound):
            documents.open_document(
                session, actor=actor, now=NOW, output_dir=tmp_path, record_id=row.id or 0
            )


def test_an_evaluator_sees_only_the_project_months_it_is_assigned(
    session: Session, tmp_path: Path
) -> None:
    running = build_running_cycle(session, projects=3)
    scorer = add_user(session, name="评估专家甲", role=Role.EVALUATOR)
    other = add_user(session, name="评估专家乙", role=Role.EVALUATOR)
    session.flush()
    first, second, third = running.project_ids
    session.add(MonthlyEvaluation(project_id=first, month="2026-06", evaluator_id=scorer.id))
    session.add(
        MonthlyEvaluation(
            project_id=second,
            month="2026-06",
            evaluator_id=other.id,
            status=EvaluationStatus.IN_REVIEW,
        )
    )
    session.add(MonthlyEvaluation(project_id=third, month="2026-06", evaluator_id=other.id))
    session.commit()
    scored = _monthly(session, tmp_path, first, running.titles[0], draft=True)
    to_review = _monthly(session, tmp_path, second, running.titles[1], draft=True)
    not_mine = _monthly(session, tmp_path, third, running.titles[2], draft=True)
    next_month = _monthly(session, tmp_path, first, running.titles[0], month="2026-07", draft=True)
    _register(
        session,
        tmp_path,
        kind="donor_statement",
        subject="donor:爱心企业甲",
        path="捐赠资金去向说明/2026-07-01/爱心企业甲.pdf",
    )
    _register(
        session,
        tmp_path,
        kind="street_summary",
        subject="cycle:1",
        period="2026-06",
        path="2026-06/街道月度汇总-2026-06.pdf",
    )
    evaluator = Actor(login="eval1", name="评估专家甲", role=Role.EVALUATOR, user_id=scorer.id)
    listing = documents.list_documents(session, actor=evaluator, output_dir=tmp_path)
    assert _ids(listing) == sorted([scored.id or 0, to_review.id or 0])
    for row in (not_mine, next_month):
        with pytest.raises(NotFound):
            documents.open_document(
                session, actor=evaluator, now=NOW, output_dir=tmp_path, record_id=row.id or 0
            )
    scorer_of_third = Actor(login="eval2", name="评估专家乙", role=Role.EVALUATOR, user_id=other.id)
    assert not_mine.id in _ids(
        documents.list_documents(session, actor=scorer_of_third, output_dir=tmp_path)
    )


def test_public_documents_are_listed_for_every_signed_in_role(
    session: Session, tmp_path: Path
) -> None:
    call = _register(
        session,
        tmp_path,
        kind="call",
        subject="call:1",
        period="v1",
        path="call/申报指南.pdf",
        title="申报指南 · 2026年公益创投（第1版）",
    )
    notice = _register(
        session,
        tmp_path,
        kind="public_notice",
        subject="call:1",
        period="2026-06-01",
        path="selection/call-1/立项公示.pdf",
        title="立项公示 · 2026年公益创投",
    )
    summary = _register(
        session,
        tmp_path,
        kind="selection_summary",
        subject="call:1",
        path="selection/call-1/遴选汇总.pdf",
    )
    public = sorted([call.id or 0, notice.id or 0])
    for role in (Role.RESIDENT, Role.DONOR, Role.EVALUATOR, Role.AGENCY):
        actor = Actor(login=role.value, name="某人", role=role, user_id=50)
        assert _ids(documents.list_documents(session, actor=actor, output_dir=tmp_path)) == public
    assert summary.id in _ids(documents.list_documents(session, actor=STAFF, output_dir=tmp_path))
    nobody = Actor(login="anon")
    assert documents.list_documents(session, actor=nobody, output_dir=tmp_path).sections == ()


def test_the_latest_version_is_listed_once_with_its_edition_and_links_to_the_earlier_ones(
    session: Session, tmp_path: Path
) -> None:
    running = build_running_cycle(session, projects=1)
    session.commit()
    pid, title = running.project_ids[0], running.titles[0]
    draft = _monthly(session, tmp_path, pid, title, draft=True)
    first = _monthly(session, tmp_path, pid, title)
    second = _register(
        session,
        tmp_path,
        kind="monthly_assessment",
        subject=f"project:{pid}",
        period="2026-06",
        version=2,
        reason="数据已更新",
        path=f"2026-06/月度评估-{pid:02d}-{title}（第2版）.pdf",
        title=f"项目月度评估报告 · {title} · 2026-06",
    )
    may = _monthly(session, tmp_path, pid, title, month="2026-05")
    # The archive's copy of a registered file is not listed again; a legacy file is, for staff.
    _put(tmp_path, f"archive/2026-1/{first.path}")
    legacy = _put(tmp_path, "2026-04/月度评估-旧文件.pdf")
    _put(tmp_path, f"archive/2026-1/{legacy}")

    listing = documents.list_documents(session, actor=STAFF, output_dir=tmp_path)
    [section] = listing.sections
    assert section.label == "项目月度评估报告"
    assert [(g.period, g.label) for g in section.groups] == [
        ("2026-06", "2026年6月"),
        ("2026-05", "2026年5月"),
    ]
    [june] = section.groups[0].documents
    assert (june.id, june.title, june.edition) == (
        second.id,
        f"项目月度评估报告 · {title} · 2026-06",
        "第2版（数据已更新）",
    )
    assert [(v.id, v.label) for v in june.earlier] == [(first.id, "第1版"), (draft.id, "草稿")]
    [(may_doc)] = section.groups[1].documents
    assert (may_doc.id, may_doc.edition, may_doc.earlier) == (may.id, "", ())
    assert listing.others == (legacy,)
    assert listing.count == 2

    # An agency gets the same document without the draft among its versions.
    agency = _agency(running)
    [mine] = (
        documents.list_documents(session, actor=agency, output_dir=tmp_path)
        .sections[0]
        .groups[0]
        .documents
    )
    assert [v.label for v in mine.earlier] == ["第1版"]
    with pytest.raises(NotFound):
        documents.open_download(session, actor=agency, now=NOW, output_dir=tmp_path, name=legacy)
    assert (
        documents.open_download(session, actor=STAFF, now=NOW, output_dir=tmp_path, name=legacy)
        == tmp_path / legacy
    )


def test_a_registered_file_that_is_missing_is_not_listed_and_not_served(
    session: Session, tmp_path: Path
) -> None:
    row = _register(
        session,
        tmp_path,
        kind="needs_survey",
        subject="cycle:1",
        path="needs/需求调研报告-1.pdf",
        write=False,
    )
    assert documents.list_documents(session, actor=STAFF, output_dir=tmp_path).sections == ()
    with pytest.raises(NotFound):
        documents.open_document(
            session, actor=STAFF, now=NOW, output_dir=tmp_path, record_id=row.id or 0
        )
    with pytest.raises(NotFound):
        documents.open_document(session, actor=STAFF, now=NOW, output_dir=tmp_path, record_id=9999)
    session.rollback()
    assert [(e.action, e.detail) for e in list_audit_events(session)] == [
        ("download_refused", f"#{row.id} {row.path}"),
        ("download_refused", "#9999"),
    ]


def test_a_path_outside_the_output_folder_is_refused_even_for_staff(
    session: Session, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    _put(output, "2026-04/旧文件.pdf")
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4\n")
    # A row that names a path outside the folder serves nothing either.
    row = _register(
        session, output, kind="cycle_report", subject="cycle:1", path="../secret.pdf", write=False
    )
    for name in ("../secret.pdf", f"2026-04/../../{secret.name}", str(secret)):
        with pytest.raises(NotFound):
            documents.open_download(session, actor=STAFF, now=NOW, output_dir=output, name=name)
    with pytest.raises(NotFound):
        documents.open_document(
            session, actor=STAFF, now=NOW, output_dir=output, record_id=row.id or 0
        )
    assert documents.list_downloads(session, actor=STAFF, output_dir=output) == [
        "2026-04/旧文件.pdf"
    ]
    session.rollback()
    assert [e.action for e in list_audit_events(session)] == ["download_refused"] * 4


def test_a_project_page_lists_only_the_documents_of_its_subjects(
    session: Session, tmp_path: Path
) -> None:
    running = build_running_cycle(session, projects=2)
    session.commit()
    own = _monthly(session, tmp_path, running.project_ids[0], running.titles[0])
    _monthly(session, tmp_path, running.project_ids[1], running.titles[1])
    _register(session, tmp_path, kind="call", subject="call:1", path="call/申报指南.pdf")
    _put(tmp_path, "2026-04/旧文件.pdf")
    subjects = {f"project:{running.project_ids[0]}"}
    for actor in (STAFF, _agency(running)):
        listing = documents.list_documents(
            session, actor=actor, output_dir=tmp_path, subjects=subjects
        )
        assert (_ids(listing), listing.others) == ([own.id], ())
    other_agency = _agency(running, 1)
    assert (
        documents.list_documents(
            session, actor=other_agency, output_dir=tmp_path, subjects=subjects
        ).sections
        == ()
    )


def test_an_evaluator_sees_the_final_report_of_a_final_evaluation_it_scored_or_reviewed(
    session: Session, tmp_path: Path
) -> None:
    running = build_running_cycle(session, projects=2)
    scorer = add_user(session, name="评估专家甲", role=Role.EVALUATOR)
    reviewer = add_user(session, name="评估专家乙", role=Role.EVALUATOR)
    session.flush()
    first, second = running.project_ids
    session.add(
        FinalEvaluation(
            project_id=first,
            period_end=date(2026, 11, 30),
            evaluator_id=scorer.id,
            reviewer_id=reviewer.id,
            status=EvaluationStatus.PUBLISHED,
        )
    )
    session.add(FinalEvaluation(project_id=second, period_end=date(2026, 11, 30)))
    session.commit()
    reports = [
        _register(
            session,
            tmp_path,
            kind="final_evaluation",
            subject=f"project:{pid}",
            period="2026-11-30",
            path=f"结项评估/结项评估-{pid}-{title}.pdf",
            title=f"项目结项评估报告 · {title}",
        )
        for pid, title in zip(running.project_ids, running.titles, strict=True)
    ]
    for user in (scorer, reviewer):
        actor = Actor(login=user.name, name=user.name, role=Role.EVALUATOR, user_id=user.id)
        listing = documents.list_documents(session, actor=actor, output_dir=tmp_path)
        assert _ids(listing) == [reports[0].id]
        assert [s.label for s in listing.sections] == ["项目结项评估报告"]


def test_a_kind_this_page_does_not_know_is_named_by_its_titles(
    session: Session, tmp_path: Path
) -> None:
    _register(
        session,
        tmp_path,
        kind="fund_ledger",
        subject="cycle:1",
        path="fund/台账.pdf",
        title="资金台账 · 2026年",
    )
    [section] = documents.list_documents(session, actor=STAFF, output_dir=tmp_path).sections
    assert (section.key, section.label) == ("fund_ledger", "资金台账")


def test_a_document_published_twice_through_the_register_is_listed_once_at_its_second_version(
    session: Session, tmp_path: Path
) -> None:
    """Real renders through services.register: the page shows 第2版 and links the first."""
    spec = DocumentSpec(
        kind="weekly_minutes",
        subject="cycle:1",
        period="2026-06-08",
        as_of=date(2026, 6, 15),
        template_name=WEEKLY_MINUTES_TEMPLATE,
        context=build_sample_weekly_minutes(),
        path="2026-06/周例会纪要-2026-06-15.pdf",
        title="周例会纪要 · 2026-06-15",
    )
    changed = replace(spec, context=replace(spec.context, headline="本周新增一项整改"))
    for each in (spec, spec, changed):
        publish_document(
            session, each, output_dir=tmp_path, templates_dir=TEMPLATES_DIR, actor=SYSTEM, now=NOW
        )
        session.commit()
    [section] = documents.list_documents(session, actor=STAFF, output_dir=tmp_path).sections
    assert (section.label, [g.label for g in section.groups]) == ("周例会议程/纪要", ["2026年6月"])
    [minutes] = section.groups[0].documents
    assert (minutes.title, minutes.edition, minutes.path) == (
        "周例会纪要 · 2026-06-15",
        "第2版（数据已更新）",
        "2026-06/周例会纪要-2026-06-15（第2版）.pdf",
    )
    [first] = minutes.earlier
    path, _ = documents.open_document(
        session, actor=STAFF, now=NOW, output_dir=tmp_path, record_id=first.id
    )
    assert path == tmp_path / spec.path and path.read_bytes().startswith(b"%PDF")
    agency = Actor(login="agency1", name="机构", role=Role.AGENCY, user_id=7, agency_id=1)
    assert documents.list_documents(session, actor=agency, output_dir=tmp_path).sections == ()
