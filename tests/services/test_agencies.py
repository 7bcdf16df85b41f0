"""services.agencies.register_agencies: the registry every door registers through, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.agency import Agency
from models.rows import RowsRejected
from models.status import Role
from models.user import AuditEvent
from services import Actor, Forbidden, clerk
from services.agencies import register_agencies

HEADER = "机构名称,组织类型,统一社会信用代码,登记日期,年检结果,异常名录"
GOOD_CODE, BAD_CODE = "52340100MJ528112XW", "52340100MJ528112XX"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def sheet(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "名录.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return str(path)


def test_a_registry_is_registered_once_and_audited_and_a_bad_one_writes_nothing(
    session: Session, tmp_path: Path
) -> None:
    good = f"甲机构,社会服务机构,{GOOD_CODE},2015-06-18,合格,否"
    bad = f"乙机构,社会服务机构,{BAD_CODE},2015-06-18,合格,否"
    with pytest.raises(RowsRejected) as refused:
        register_agencies(session, actor=clerk(), now=NOW, agencies_path=sheet(tmp_path, good, bad))
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "统一社会信用代码")]
    assert session.exec(select(Agency)).all() == []

    first = register_agencies(session, actor=clerk(), now=NOW, agencies_path=sheet(tmp_path, good))
    again = register_agencies(session, actor=clerk(), now=NOW, agencies_path=sheet(tmp_path, good))
    assert (first.added, again.added, again.updated) == (1, 0, 1)
    assert [a.name for a in session.exec(select(Agency))] == ["甲机构"]
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "agency_registry")).all()
    assert len(events) == 2 and "名录.csv" in events[0].detail


def test_only_the_office_registers_agencies(session: Session, tmp_path: Path) -> None:
    agency = Actor(login="a1", role=Role.AGENCY, agency_id=1)
    good = f"甲机构,社会服务机构,{GOOD_CODE},2015-06-18,合格,否"
    with pytest.raises(Forbidden):
        register_agencies(session, actor=agency, now=NOW, agencies_path=sheet(tmp_path, good))
    assert session.exec(select(Agency)).all() == []
