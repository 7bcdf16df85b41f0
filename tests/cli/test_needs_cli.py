"""The needs commands: import, classify a file, review, confirm, split, keywords, summary."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlmodel import Session, SQLModel, select

from cli import app
from flows.call.open_cycle import open_cycle
from models.need import Need, NeedCorrection
from models.status import NeedStatus
from models.user import AuditEvent
from store import cycles, needs
from store.database import get_engine
from store.migrate import get_alembic_config
from tests.builders import DEMO_DIR, NEED_HEADER, need_row, write_communities, write_csv

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def migrated_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A SQLite database built from the models and stamped at the newest migration.

    The CLI upgrades the database before it runs a flow; stamped, that step is a
    no-op, and the tables match the models even before their migration is written.
    """
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    SQLModel.metadata.create_all(get_engine(url))
    with get_engine(url).begin() as connection:
        config = get_alembic_config(url)
        config.attributes["connection"] = connection
        command.stamp(config, "head")
    monkeypatch.setenv("GONGYI_DATABASE_URL", url)
    monkeypatch.setenv("GONGYI_OUTPUT_DIR", str(tmp_path / "output"))
    yield url
    get_engine(url).dispose()


def _cycle(tmp_path: Path) -> int:
    return open_cycle(
        "淮河路街道办事处",
        2026,
        "2026年度公益创投",
        date(2026, 3, 1),
        date(2026, 12, 31),
        str(write_communities(tmp_path / "communities.csv")),
    )


def _import(runner, tmp_path: Path, rows: list[list[str]]) -> int:  # type: ignore[no-untyped-def]
    cycle_id = _cycle(tmp_path)
    path = write_csv(tmp_path / "needs.csv", NEED_HEADER, rows)
    result = runner.invoke(
        app, ["needs", "import", str(path), "--cycle", str(cycle_id), "--today", "2026-03-31"]
    )
    assert result.exit_code == 0, result.output
    return cycle_id


def _read_output(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_classify_keeps_the_input_columns_and_adds_domain_and_confidence(
    runner, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # Without --cycle the default domains are used and no database is needed.
    monkeypatch.setenv("GONGYI_DATABASE_URL", "postgresql+psycopg://x@127.0.0.1:1/none")
    source = write_csv(
        tmp_path / "input.csv",
        ("编号", "text"),
        [
            ["1", "小区独居老人吃饭难，希望开设助餐点"],
            ["2", "低保户家的小孩放暑假没人管"],
            ["3", "楼道堆满杂物"],
        ],
    )
    result = runner.invoke(
        app, ["needs", "classify", str(source), "--output", str(tmp_path / "out.csv")]
    )
    assert result.exit_code == 0, result.output
    rows = _read_output(tmp_path / "out.csv")
    assert list(rows[0]) == ["编号", "text", "domain", "confidence"]
    assert [(r["编号"], r["domain"]) for r in rows] == [
        ("1", "elderly"),
        ("2", "special"),
        ("3", "community"),
    ]
    assert all(0 < float(r["confidence"]) <= 1 for r in rows)
    assert "已归类 3 条" in result.output


def test_classify_refuses_a_file_with_an_empty_text_naming_the_row_and_writes_nothing(
    runner, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # A wholly blank line is skipped; a row with an id but no text is an error.
    source = write_csv(
        tmp_path / "input.csv", ("编号", "text"), [["1", "路灯坏了"], ["2", ""], ["3", "  "]]
    )
    result = runner.invoke(
        app, ["needs", "classify", str(source), "--output", str(tmp_path / "out.csv")]
    )
    assert result.exit_code == 1
    assert "input.csv 第 3 行「text」：不能为空" in result.output
    assert "input.csv 第 4 行「text」：不能为空" in result.output
    assert not (tmp_path / "out.csv").exists() and "Traceback" not in result.output


def test_classify_for_a_cycle_uses_its_staff_corrections(
    runner, tmp_path: Path, migrated_url: str
) -> None:  # type: ignore[no-untyped-def]
    cycle_id = _import(runner, tmp_path, [need_row("希望组织居民学习家庭急救知识")])
    with Session(get_engine(migrated_url)) as session:
        need_id = session.exec(select(Need.id)).one()
    assert (
        runner.invoke(
            app, ["needs", "confirm", str(need_id), "--domain", "elderly", "--by", "王芳"]
        ).exit_code
        == 0
    )
    source = write_csv(
        tmp_path / "input.csv", ("text",), [["希望组织居民学习家庭急救知识（全体居民）"]]
    )
    result = runner.invoke(
        app,
        [
            "needs",
            "classify",
            str(source),
            "--output",
            str(tmp_path / "out.csv"),
            "--cycle",
            str(cycle_id),
        ],
    )
    assert result.exit_code == 0, result.output
    assert _read_output(tmp_path / "out.csv")[0] | {} == {
        "text": "希望组织居民学习家庭急救知识（全体居民）",
        "domain": "elderly",
        "confidence": "1.000",
    }


def test_import_prints_accepted_and_rejected_rows_and_writes_nothing_on_error(
    runner, tmp_path: Path, migrated_url: str
) -> None:  # type: ignore[no-untyped-def]
    cycle_id = _cycle(tmp_path)
    path = write_csv(
        tmp_path / "needs.csv", NEED_HEADER, [need_row(), need_row(community="火星社区")]
    )
    result = runner.invoke(
        app, ["needs", "import", str(path), "--cycle", str(cycle_id), "--today", "2026-03-31"]
    )
    assert result.exit_code == 1
    assert "needs.csv 第 3 行「社区」：不是本街道的社区：'火星社区'" in result.output
    assert "未写入任何数据" in result.output
    with Session(get_engine(migrated_url)) as session:
        assert session.exec(select(Need)).all() == []


def test_review_lists_the_queue_with_contacts_masked_and_logs_the_view(
    runner, tmp_path: Path, migrated_url: str
) -> None:  # type: ignore[no-untyped-def]
    vague = ["希望多关心一下", "长淮社区", "", "居民", "2026-03-05", "张三丰", "13912345678"]
    cycle_id = _import(runner, tmp_path, [vague])
    result = runner.invoke(app, ["needs", "review", "--cycle", str(cycle_id), "--by", "王芳"])
    assert result.exit_code == 0, result.output
    assert "张**" in result.output and "139****5678" in result.output
    assert "张三丰" not in result.output and "13912345678" not in result.output
    with Session(get_engine(migrated_url)) as session:
        event = session.exec(select(AuditEvent)).one()
    assert (event.actor, event.action, event.subject_id) == ("王芳", "view_needs_review", cycle_id)


def test_confirm_overrides_a_domain_and_keeps_the_decision_as_a_correction(
    runner, tmp_path: Path, migrated_url: str
) -> None:  # type: ignore[no-untyped-def]
    cycle_id = _import(runner, tmp_path, [need_row("路灯坏了")])
    with Session(get_engine(migrated_url)) as session:
        need_id = session.exec(select(Need.id)).one()
    result = runner.invoke(
        app, ["needs", "confirm", str(need_id), "--domain", "special", "--by", "王芳"]
    )
    assert result.exit_code == 0, result.output
    assert f"#{need_id} 由 community 改为 爱在淮河（special）" in result.output
    with Session(get_engine(migrated_url)) as session:
        need = needs.get_need(session, need_id)
        keys = {d.id: d.key for d in cycles.list_domains(session, cycle_id=cycle_id)}
        correction = session.exec(select(NeedCorrection)).one()
    assert (keys[need.domain_id], need.status) == ("special", NeedStatus.CONFIRMED)  # type: ignore[index]
    assert (correction.text, correction.domain_key, correction.suggested_key, correction.actor) == (
        "路灯坏了（全体居民）",
        "special",
        "community",
        "王芳",
    )


def test_confirming_a_merged_need_or_an_unknown_domain_saves_nothing(
    runner, tmp_path: Path, migrated_url: str
) -> None:  # type: ignore[no-untyped-def]
    _import(runner, tmp_path, [need_row("路灯坏了"), need_row("路灯坏了。", contact="李四")])
    with Session(get_engine(migrated_url)) as session:
        lead, member = session.exec(select(Need.id).order_by(Need.id)).all()
    result = runner.invoke(app, ["needs", "confirm", str(lead), str(member)])
    assert (
        result.exit_code == 1
        and f"#{member} 已并入 #{lead}，请确认 #{lead}（未保存任何更改）" in result.output
    )
    result = runner.invoke(app, ["needs", "confirm", str(lead), "--domain", "health"])
    assert result.exit_code == 1 and "请用 --domain 指定服务领域" in result.output
    with Session(get_engine(migrated_url)) as session:
        assert session.exec(select(NeedCorrection)).all() == []
        assert needs.get_need(session, lead).status == NeedStatus.CLASSIFIED


def test_groups_show_why_needs_were_merged_and_split_takes_one_out(
    runner, tmp_path: Path, migrated_url: str
) -> None:  # type: ignore[no-untyped-def]
    rows = [
        need_row("楼道堆满杂物，存在消防隐患", contact=f"居民{i}", phone=f"1381234567{i}")
        for i in range(3)
    ]
    _import(runner, tmp_path, rows)
    with Session(get_engine(migrated_url)) as session:
        lead, first, second = session.exec(select(Need.id).order_by(Need.id)).all()
    result = runner.invoke(app, ["needs", "groups", "--cycle", "1"])
    assert f"#{lead} 楼道堆满杂物，存在消防隐患（3 人次）" in result.output
    assert (
        f"#{first} 楼道堆满杂物，存在消防隐患 — 与 #{lead} 同一社区，文字相同（忽略标点空格）"
        in result.output
    )

    result = runner.invoke(app, ["needs", "split", str(first), "--by", "王芳"])
    assert result.exit_code == 0, result.output
    with Session(get_engine(migrated_url)) as session:
        assert needs.get_need(session, lead).weight == 2
        assert needs.get_need(session, first).duplicate_of_id is None
        assert needs.get_need(session, second).duplicate_of_id == lead


def test_keywords_can_be_listed_added_and_removed(
    runner, tmp_path: Path, migrated_url: str
) -> None:  # type: ignore[no-untyped-def]
    cycle_id = _cycle(tmp_path)
    result = runner.invoke(
        app,
        [
            "needs",
            "keywords",
            "--cycle",
            str(cycle_id),
            "elderly",
            "--add",
            "喘息服务",
            "--remove",
            "退休",
        ],
    )
    assert result.exit_code == 0, result.output
    with Session(get_engine(migrated_url)) as session:
        keywords = cycles.list_domains(session, cycle_id=cycle_id)[0].keywords
    assert "喘息服务" in keywords and "退休" not in keywords
    result = runner.invoke(
        app, ["needs", "keywords", "--cycle", str(cycle_id), "elderly", "--remove", "没有的词"]
    )
    assert result.exit_code == 1 and "这些词不在关键词中：没有的词" in result.output


def test_summary_writes_the_survey_pdf_and_the_workbook(
    runner, tmp_path: Path, migrated_url: str
) -> None:  # type: ignore[no-untyped-def]
    cycle_id = _import(runner, tmp_path, [need_row(), need_row("路灯坏了")])
    result = runner.invoke(
        app, ["needs", "summary", "--cycle", str(cycle_id), "--today", "2026-04-01"]
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "output" / "needs"
    assert (folder / f"需求调研报告-{cycle_id}.pdf").stat().st_size > 10_000
    assert (folder / f"需求汇总-{cycle_id}.xlsx").exists()


def test_the_demo_needs_file_imports_cleanly(runner, tmp_path: Path, migrated_url: str) -> None:  # type: ignore[no-untyped-def]
    cycle_id = open_cycle(
        "淮河路街道办事处",
        2026,
        "2026年度公益创投",
        date(2026, 3, 1),
        date(2026, 12, 31),
        str(DEMO_DIR / "communities.csv"),
    )
    result = runner.invoke(
        app,
        [
            "needs",
            "import",
            str(DEMO_DIR / "needs.csv"),
            "--cycle",
            str(cycle_id),
            "--today",
            "2026-03-31",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "110" in result.output
