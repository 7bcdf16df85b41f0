"""Residents' needs through `services.needs` on a real session: intake, sorting, review, the cache.

A small cycle: two communities of one street office and the four default domains.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models.categorisation import DEFAULT_DOMAINS
from models.need import Need, NeedCorrection
from models.status import Role
from models.user import AuditEvent
from services import SYSTEM, Actor, Forbidden, NotFound, Refused, clerk
from services import needs as service
from services.needs import Classifying, NeedsRejected
from settings import PROJECT_ROOT
from store import cycles
from tests.builders import NEED_HEADER, need_row, write_csv

STREET = "淮河路街道办事处"
NOW = datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
STAFF = Actor(login="staff", name="街道专干", role=Role.STAFF, user_id=1)
AGENCY = Actor(login="agency1", name="机构一", role=Role.AGENCY, user_id=2, agency_id=1)
TRAINING = PROJECT_ROOT / "data" / "needs_labelled.csv"


@pytest.fixture
def setup(tmp_path: Path) -> Classifying:
    return Classifying(TRAINING, 0.6, tmp_path / "classifier")


@pytest.fixture
def cycle_id(session: Session) -> int:
    cycle = cycles.add_cycle(
        session,
        street_office=STREET,
        year=2026,
        name="2026年度公益创投",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
    )
    cycles.add_communities(session, street_office=STREET, names=["长淮社区", "龙湖社区"])
    cycles.add_domains(session, cycle_id=cycle.id or 0, seeds=DEFAULT_DOMAINS)
    session.commit()
    return cycle.id or 0


def _needs(session: Session) -> list[Need]:
    session.expire_all()
    return list(session.exec(select(Need).order_by(Need.id)))


def _actions(session: Session) -> list[tuple[str, str]]:
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id))
    return [(e.action, e.actor) for e in events]


def _submit(session: Session, cycle_id: int, setup: Classifying, text: str, **extra: object):  # type: ignore[no-untyped-def]
    return service.submit_need(
        session,
        actor=Actor(login="", address="10.0.0.1"),
        now=NOW,
        cycle_id=cycle_id,
        text=text,
        community=extra.pop("community", "长淮社区"),
        classifying=setup,
        **extra,  # type: ignore[arg-type]
    )


def test_a_form_need_is_stored_once_merged_and_classified_and_logged(
    session: Session, cycle_id: int, setup: Classifying
) -> None:
    first = _submit(session, cycle_id, setup, "小区独居老人吃饭难，希望开设助餐点")
    again = _submit(session, cycle_id, setup, "小区独居老人吃饭难，希望开设助餐点")
    echo = _submit(session, cycle_id, setup, "小区独居老人吃饭难，希望开设助餐点！")

    assert (first.added, first.status, first.domain_key) == (True, "classified", "elderly")
    assert (again.added, again.need_id) == (False, first.need_id)
    assert (echo.added, echo.status, echo.lead_id) == (True, "merged", first.need_id)
    assert echo.domain_key == "elderly" and echo.sorting.needs_merged == 1
    stored = _needs(session)
    assert len(stored) == 2 and stored[0].weight == 2
    assert stored[0].submitted_on == NOW.date()
    assert _actions(session) == [("need_submit", "匿名")] * 3
    details = [e.detail for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert details[1].endswith("（重复，未新增）") and not details[0].endswith("未新增）")


def test_a_form_need_with_a_bad_field_or_contact_without_consent_writes_nothing(
    session: Session, cycle_id: int, setup: Classifying
) -> None:
    with pytest.raises(NeedsRejected) as rejected:
        _submit(session, cycle_id, setup, "", community="火星社区", contact_phone="13812345678")
    found = [(e.row, e.column) for e in rejected.value.errors]
    assert found == [(0, "同意"), (1, "社区")]
    assert isinstance(rejected.value, Refused) and "未写入任何数据" in rejected.value.message
    assert _needs(session) == [] and _actions(session) == []


def test_a_need_for_a_cycle_that_does_not_exist_is_not_found(
    session: Session, setup: Classifying
) -> None:
    with pytest.raises(NotFound, match="#99"):
        _submit(session, 99, setup, "楼道灯坏了")


def test_an_import_is_all_or_nothing_and_names_every_bad_row_and_field(
    session: Session, cycle_id: int, setup: Classifying, tmp_path: Path
) -> None:
    bad = write_csv(
        tmp_path / "bad.csv",
        NEED_HEADER,
        [need_row(), need_row(phone="123"), need_row(day="2026-04-09")],
    )
    with pytest.raises(NeedsRejected) as rejected:
        service.import_needs(
            session, actor=clerk(), now=NOW, cycle_id=cycle_id, path=bad, classifying=setup
        )
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "联系电话"), (4, "提交日期")]
    assert (rejected.value.rows, rejected.value.rejected) == (3, 2)
    assert _needs(session) == []

    good = write_csv(
        tmp_path / "good.csv",
        NEED_HEADER,
        [
            need_row(),
            need_row("楼道堆满杂物，存在消防隐患！", contact="李四"),
            need_row("孩子放学早，希望开设四点半课堂"),
        ],
    )
    summary = service.import_needs(
        session, actor=clerk(), now=NOW, cycle_id=cycle_id, path=good, classifying=setup
    )
    again = service.import_needs(
        session, actor=clerk(), now=NOW, cycle_id=cycle_id, path=good, classifying=setup
    )
    assert (summary.rows, summary.added, summary.needs_merged) == (3, 3, 1)
    assert (again.added, again.already_there, again.needs_merged) == (0, 3, 0)
    assert [n.status for n in _needs(session)] == ["classified", "merged", "classified"]


def test_the_review_queue_is_for_staff_masks_contacts_and_logs_the_view(
    session: Session, cycle_id: int, tmp_path: Path
) -> None:
    # With a threshold no suggestion reaches, every lead waits for staff.
    unsure = Classifying(TRAINING, 1.01, tmp_path / "classifier")
    _submit(
        session,
        cycle_id,
        unsure,
        "希望多办点讲座",
        contact_name="张三丰",
        contact_phone="13812345678",
        consent=True,
    )

    with pytest.raises(Forbidden):
        service.review_queue(session, actor=AGENCY, now=NOW, cycle_id=cycle_id)
    queue = service.review_queue(session, actor=STAFF, now=NOW, cycle_id=cycle_id)

    [item] = queue.needs
    assert (item.contact_name, item.contact_phone) == ("张**", "138****5678")
    assert item.domain_key == "community" and queue.domains[0] == ("elderly", "情暖夕阳")
    assert _actions(session)[-1] == ("view_needs_review", "staff（街道专干）")


def test_confirming_is_all_or_none_and_kept_as_a_correction(
    session: Session, cycle_id: int, tmp_path: Path
) -> None:
    unsure = Classifying(TRAINING, 1.01, tmp_path / "classifier")
    a = _submit(session, cycle_id, unsure, "希望多办点讲座")
    b = _submit(session, cycle_id, unsure, "希望多办点讲座！")  # merged into a
    c = _submit(session, cycle_id, unsure, "希望社区多关心我们", community="龙湖社区")

    with pytest.raises(NotFound):
        service.confirm_needs(session, actor=STAFF, now=NOW, need_ids=[c.need_id, 999])
    with pytest.raises(Refused, match=f"已并入 #{a.need_id}"):
        service.confirm_needs(session, actor=STAFF, now=NOW, need_ids=[c.need_id, b.need_id])
    with pytest.raises(Refused, match="请用 --domain 指定服务领域"):
        service.confirm_need(session, actor=STAFF, now=NOW, need_id=c.need_id, domain_key="health")
    with pytest.raises(Forbidden):
        service.confirm_need(session, actor=AGENCY, now=NOW, need_id=c.need_id)
    assert [n.status for n in _needs(session)] == ["in_review", "merged", "in_review"]
    assert session.exec(select(func.count()).select_from(NeedCorrection)).one() == 0

    lines = service.confirm_needs(
        session, actor=STAFF, now=NOW, need_ids=[a.need_id, c.need_id], domain_key="elderly"
    )
    assert lines[0] == f"#{a.need_id} 由 community 改为 情暖夕阳（elderly）"
    assert [n.status for n in _needs(session)] == ["confirmed", "merged", "confirmed"]
    corrections = session.exec(select(NeedCorrection)).all()
    assert [(x.domain_key, x.actor) for x in corrections] == [("elderly", "街道专干")] * 2
    assert [a for a, _ in _actions(session)][-2:] == ["need_confirm", "need_confirm"]


def test_the_classifier_is_kept_and_retrained_when_a_correction_changes_what_it_learns(
    session: Session, cycle_id: int, setup: Classifying
) -> None:
    first = service.load_classifier(session, cycle_id=cycle_id, classifying=setup)
    assert setup.cache_dir is not None
    kept = sorted(setup.cache_dir.glob("*.json"))
    again = service.load_classifier(session, cycle_id=cycle_id, classifying=setup)
    texts = ["小区独居老人吃饭难", "希望多办点讲座", "楼道堆满杂物"]
    assert len(kept) == 1 and again.classify(texts) == first.classify(texts)
    kept[0].write_text('{"seeds": 1}', encoding="utf-8")  # a file of another shape
    retrained = service.load_classifier(session, cycle_id=cycle_id, classifying=setup)
    assert retrained.classify(texts) == first.classify(texts)
    assert kept[0].read_text(encoding="utf-8").startswith('{"seeds":[[')

    need = _submit(session, cycle_id, setup, "希望多办点讲座")
    service.confirm_need(session, actor=STAFF, now=NOW, need_id=need.need_id, domain_key="youth")
    corrected = service.load_classifier(session, cycle_id=cycle_id, classifying=setup)
    assert len(list(setup.cache_dir.glob("*.json"))) == 2
    assert corrected.classify(["希望多办点讲座"])[0].domain_key == "youth"
    assert corrected.classify(["希望多办点讲座"])[0].confidence == 1.0

    with pytest.raises(NotFound, match="没有服务领域"):
        service.load_classifier(session, cycle_id=cycle_id + 1, classifying=setup)


def test_classifying_a_file_writes_domains_and_refuses_a_bad_row(
    setup: Classifying, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "in.csv",
        ("text", "编号"),
        [["孩子放学早，希望开设四点半课堂", "1"], ["希望多办点讲座", "2"]],
    )
    result = service.classify_file(
        None, source=source, output=tmp_path / "out.csv", classifying=setup
    )
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    assert (result.rows, result.threshold) == (2, 0.6)
    assert lines[0] == "text,编号,domain,confidence"
    assert lines[1].startswith("孩子放学早，希望开设四点半课堂,1,youth,0.9")

    bad = write_csv(tmp_path / "bad.csv", ("text",), [["好"], ["长" * 501]])
    with pytest.raises(NeedsRejected) as rejected:
        service.classify_file(None, source=bad, output=tmp_path / "bad-out.csv", classifying=setup)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "text")]
    assert not (tmp_path / "bad-out.csv").exists()


def test_classifying_with_a_kept_classifier_does_not_load_scikit_learn(
    setup: Classifying, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "in.csv", ("text",), [["孩子放学早，希望开设四点半课堂"]])
    service.classify_file(None, source=source, output=tmp_path / "warm.csv", classifying=setup)
    script = (
        "import sys; from pathlib import Path; from services.needs import Classifying, classify_file; "
        f"classify_file(None, source=Path({str(source)!r}), output=Path({str(tmp_path / 'out.csv')!r}), "
        f"classifying=Classifying(Path({str(TRAINING)!r}), 0.6, Path({str(setup.cache_dir)!r}))); "
        "print('sklearn' in sys.modules)"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True
    )
    assert found.stdout.strip() == "False"
    assert (tmp_path / "out.csv").read_text(encoding="utf-8-sig") == (
        tmp_path / "warm.csv"
    ).read_text(encoding="utf-8-sig")


def test_the_system_may_sort_a_cycle_and_an_agency_may_not_review(
    session: Session, cycle_id: int, setup: Classifying
) -> None:
    _submit(session, cycle_id, setup, "楼道堆满杂物，存在消防隐患")
    summary = service.sort_needs(session, cycle_id=cycle_id, classifying=setup)
    assert (summary.classified, summary.in_review, summary.needs_merged) == (1, 0, 0)
    assert summary.by_domain == {"绿色生活": 1}
    assert service.review_queue(session, actor=SYSTEM, now=NOW, cycle_id=cycle_id).needs == []
